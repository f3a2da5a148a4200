"""A lesson session on a real hub records what 学时 are computed from: the trainee's login, the
activity of the lesson they open (written by their own server, as their own system user) and the
logout; `zhiben hub hours` then reads them, and a trainee who never logged in shows as 未登录."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.hub.harness import Trainee, running_hub
from zhiben_training.cli import main
from zhiben_training.identifiers import mask_id

pytestmark = [pytest.mark.slow, pytest.mark.hub]

COURSE = Path(__file__).resolve().parents[2] / "course"
LESSON = "课程/02_重大事故隐患判定标准2024版.ipynb"


def _until(condition, what: str, hub, timeout: float = 150):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)  # polling for the condition, not waiting for the clock
    raise AssertionError(f"timed out waiting for {what}:\n" + hub.log.read_text(errors="replace")[-3000:])


def _events(hub) -> list[dict]:
    path = hub.course / "hub" / "events.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] \
        if path.exists() else []


def test_a_lesson_session_on_the_hub_records_login_lesson_activity_and_logout_for_hub_hours(capsys):
    with running_hub(2, lessons=COURSE) as hub:
        (tid, code), (absent, _code) = sorted(hub.codes.items())
        trainee = Trainee(hub, tid, code)
        assert trainee.login().status_code == 302
        trainee.spawn()
        opened = trainee.api("POST", "api/sessions",
                             json={"path": LESSON, "type": "notebook", "kernel": {"name": "python3"}})
        assert opened.status_code == 201, opened.text[-500:]
        record = hub.hub_dir / "activity" / f"{tid}.jsonl"
        _until(lambda: record.exists() and record.read_text(encoding="utf-8").strip(), "an activity line",
               hub)
        # written by the trainee's own user
        assert record.stat().st_uid in {e.pw_uid for e in hub.system_users()}
        trainee.session.get(f"{hub.url}/hub/logout", timeout=60)
        _until(lambda: any(e["event"] == "logout" and e["user"] == tid for e in _events(hub)), "the logout",
               hub)
        assert main(["hub", "hours", "--course", str(hub.course), "--dir", str(hub.hub_dir),
                     "--prefix", hub.prefix]) == 0
    out = capsys.readouterr().out
    line = next(row for row in out.splitlines() if row.startswith(mask_id(tid)))
    assert "登录 " in line and "退出 " in line and "打开：第02课" in line
    assert f"{mask_id(absent)}  未登录  学时 0" in out and "配置规则，非法定学时标准" in out
