"""A small run of the hub load benchmark's own code (``benchmarks/bench_hub.py``): trainees at once
through the login form, REST API and exchange, the hub restarted mid-exam; nothing lost. The
100-trainee run and its timings are the benchmark's (``make bench``), never a test's."""

from __future__ import annotations

import pytest

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
