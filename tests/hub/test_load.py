"""Small runs of the hub load benchmarks' own code: trainees at once through the login form, REST API
and exchange, the hub restarted mid-exam (``benchmarks/bench_hub.py``); a room in one Chromium, a
server killed and a browser closed mid-exam (``benchmarks/bench_browser_room.py``); nothing lost. The
full runs and their timings are the benchmarks' (``make bench``), never a test's."""

from __future__ import annotations

import re
import shutil

import pytest

from benchmarks.bench_browser_room import CHROMIUM, fitting_room, run_room
from benchmarks.bench_hub import fitting_count, run_load

pytestmark = [pytest.mark.slow, pytest.mark.hub]


def test_a_hub_restart_mid_exam_loses_no_saved_work_and_no_submission():
    result = run_load(3, sequential=1, spawn_limit=2)
    assert result["trainees"] == 3 and result["not_started_for_memory"] == 0
    assert result["submitted"] == result["collected"] == 3 and result["rejected"] == 0
    assert result["lost_submissions"] == 0 and result["saved_work_lost_over_restart"] == 0
    assert result["met"] is True
    one = result["memory_one_trainee"]
    assert one["server_alone"]["server_uss_mb"] > 0 and one["with_kernel"]["kernel_uss_mb"] > 0
    assert result["memory_all_servers"]["processes"] >= 3


def test_the_benchmark_runs_only_as_many_servers_as_fit():
    gib = 2**30
    assert fitting_count(100, 200 * 2**20, 30 * gib) == 100
    assert fitting_count(100, 200 * 2**20, 10 * gib) == 30  # (10 - 3 kept free - 1 hub) GiB / 200 MB
    assert fitting_count(100, 200 * 2**20, 3 * gib) == 0


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium (apt-get install chromium)")
def test_a_room_in_chromium_keeps_every_click_when_a_server_is_killed_and_a_browser_closed(
        tmp_path, artifacts_dir):
    """The browser room benchmark's own scenario with 3 trainees: one's server SIGKILLed mid-exam, one's
    context closed right after clicks; every click is in the collected files, scores equal the offline
    path."""
    result = run_room(3, out_dir=tmp_path)
    assert result["failures"] == [] and result["submitted"] == 3
    # the first screen after 登录 (one step into the pre-started server): kept to be looked at
    shutil.copy(tmp_path / "first-screen.png", artifacts_dir / "hub-room-first-screen.png")
    killed, closed = result["trainee_killed"], result["trainee_closed"]
    assert killed["processes_killed"] >= 1 and killed["restored_on_screen"] and killed["restored_in_file"]
    # while their server was down the trainee read Chinese pages that brought the paper back by themselves
    seen = killed["pages_seen_while_down"]
    assert seen and all(re.search("[\u4e00-\u9fff]", heading) for heading in seen), killed
    # what the closed browser had not saved is not shown
    assert closed["screen_equals_file_after_login_again"]
    assert result["clicks"] == 3 * 8 and result["clicks_missing_from_collected_files"] == 0
    assert result["choice_items_unanswered_in_collected_files"] == 0
    assert result["handed_in_to_exchange"] == result["collected"] == 3 and result["collected_once_each"]
    assert result["trainees_with_more_than_one_hand_in"] == 0 and result["rejected"] == 0
    assert result["scores_equal_offline_path"] and result["graded_cells"] == 3 * 6
    assert result["click_cells_with_points"] + result["click_cells_without_points"] == 3 * 4
    assert result["met"] is True


def test_the_room_runs_only_as_many_trainees_as_fit():
    gib = 2**30
    assert fitting_room(24, 30 * gib) == 24
    assert fitting_room(24, 10 * gib) == 13  # (10 - 3 kept free - 1 hub) GiB / 450 MB per trainee
    assert fitting_room(24, 4 * gib) == 0
