"""A hub lesson session with five trainees in Debian's Chromium (one browser, one context each) under a
local crediting rule with a 15-second idle limit: two stay active (scroll, move the mouse, answer the
self-check), one goes idle past the limit and comes back, one leaves early (logs out), one never logs
in. The learner's own actions reach the activity record through the lab plugin's heartbeats;
``zhiben hub hours`` credits exactly what the rule gives for the recorded actions, ``--import`` puts
it into the registry and changes ``zhiben status``; a second import changes nothing. The first screen
of the lesson on the hub is checked (Chinese menus, no code, no Validate) and kept as a PNG."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.course.test_browser import CHROMIUM, CHROMIUM_ARGS, _fontconfig
from tests.course.test_lessons_open_ready import _open_ready, _visible_editors
from tests.golden import GOLDEN
from tests.hub.harness import REPO, lesson_login, running_hub
from tests.registry.conftest import P_HALF, tiny_city_frames
from zhiben_training.cli import main
from zhiben_training.hub.hours import BEIJING
from zhiben_training.identifiers import mask_id
from zhiben_training.registry import open_registry

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.hub]

LESSON = "课程/02_重大事故隐患判定标准2024版.ipynb"
HEARTBEAT_SECONDS = 2  # ZHIBEN_ACTIVITY_INTERVAL of the trainee servers: well inside the idle limit
# bounded test, ≤ 12 学时 a day
RULE = {"idle_limit_minutes": 0.25, "minutes_per_hour": 2, "round_down_to": 0}
IDLE_LIMIT = RULE["idle_limit_minutes"] * 60
FIRST_SCREEN = "hub-lesson02-first-screen.png"


def _until(condition, what: str, hub, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)  # polling for the condition, not waiting for the clock
    raise AssertionError(f"timed out waiting for {what}:\n" + hub.log.read_text(errors="replace")[-3000:])


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] \
        if path.exists() else []


def _heartbeats(hub, tid: str) -> list[dt.datetime]:
    """The learner's recorded actions on the page (the plugin's heartbeats), oldest first."""
    return [_moment(r["at"]) for r in _jsonl(hub.hub_dir / "activity" / f"{tid}.jsonl")
            if r["event"] == "active"]


def _recorded_actions(hub, tid: str) -> list[tuple[dt.datetime, str]]:
    """Every action the session recorded for ``tid``: this hub's login and logout, heartbeats, self-checks."""
    here = str(hub.hub_dir.resolve())
    actions = [(_moment(r["at"]), r["event"]) for r in _jsonl(hub.course / "hub" / "events.jsonl")
               if r.get("user") == tid and r.get("event") in ("login", "logout") and r.get("hub") == here]
    actions += [(at, "active") for at in _heartbeats(hub, tid)]
    actions += [(_moment(json.loads(p.read_text(encoding="utf-8"))["at"]), "selfcheck")
                for p in (hub.hub_dir / "selfchecks").glob(f"*-{tid}.json")]
    return sorted(actions)


def _rule_applied(actions: list[tuple[dt.datetime, str]]) -> tuple[float, float]:
    """The configured rule by hand: of each gap between two actions at most the idle limit counts,
    nothing after a logout; minutes → 学时 at RULE's rate. Returns (active minutes, 学时)."""
    seconds = sum(min((after - before).total_seconds(), IDLE_LIMIT)
                  for (before, kind), (after, _) in zip(actions, actions[1:], strict=False)
                  if kind != "logout")
    minutes = seconds / 60
    return round(minutes, 2), round(minutes / RULE["minutes_per_hour"], 2)


def _act(page, n: int) -> None:
    """The learner reads on: the mouse moves over the lesson and the wheel turns (real input events)."""
    page.mouse.move(300 + 37 * (n % 7), 250 + 23 * (n % 5))
    page.mouse.wheel(0, 250 if n % 4 else -400)


def _log_in(browser, hub, tid: str):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    lesson_login(page, hub, tid)
    return page


def _open_lesson(page, hub, tid: str):
    return _open_ready({"page": page, "url": f"{hub.url}/user/{tid}", "token": ""}, LESSON)


def _answer_selfcheck(page, hub, tid: str) -> None:
    """Scroll down to the lesson's self-check (turning the wheel, as a reader does), pick an answer
    for the first question and press 提交自测; the result lands in the session's drop folder."""
    submit = page.get_by_role("button", name="提交自测，查看反馈")
    for n in range(200):
        if submit.count() and submit.is_visible():
            break
        page.mouse.move(640, 500 + n % 3)
        page.mouse.wheel(0, 900)
    submit.scroll_into_view_if_needed()
    page.locator(".widget-radio",
                 has=page.locator("label", has_text="第1题")).locator("input[type=radio]").first.check()
    submit.click()
    page.locator(".jp-Notebook", has_text="得分").first.wait_for(timeout=60_000)
    _until(lambda: (hub.hub_dir / "selfchecks" / f"02-{tid}.json").exists(), f"the self-check of {tid}", hub)


def _log_out(page, hub, tid: str) -> None:
    page.goto(f"{hub.url}/hub/logout")
    _until(lambda: any(r.get("event") == "logout" and r.get("user") == tid
                       for r in _jsonl(hub.course / "hub" / "events.jsonl")),
           f"the logout of {tid}", hub)


def _first_screen(page, request, artifacts_dir) -> None:
    """What a principal sees first: Chinese menus, no code editor, no Validate button, no nbgrader."""
    page.mouse.move(1, 1)
    page.screenshot(path=str(artifacts_dir / FIRST_SCREEN))
    if request.config.getoption("--update-golden"):
        shutil.copy(artifacts_dir / FIRST_SCREEN, GOLDEN / FIRST_SCREEN)  # kept for a person to look at
    menus = page.locator("#jp-menu-panel").inner_text()
    assert "文件" in menus and not re.search(r"[A-Za-z]{2,}", menus), menus  # no "Nbgrader" menu either
    toolbar = page.locator(".jp-NotebookPanel-toolbar").inner_text()
    assert not re.search(r"[A-Za-z]{2,}", toolbar), toolbar  # no "Markdown", "Python 3 (ipykernel)"
    assert page.locator(".jp-NotebookPanel-toolbar [data-jp-item-name='restart']:visible").count() == 0
    assert page.locator(".jp-cell-toolbar:visible").count() == 0  # no "delete this cell" on the lesson
    assert page.locator("#jp-main-statusbar:visible").count() == 0
    assert _visible_editors(page) == []
    assert page.locator(".validate-button:visible").count() == 0
    assert "重大事故隐患" in page.locator(".jp-NotebookPanel").inner_text()


@pytest.fixture
def registry_db(tmp_path):
    return f"sqlite:///{tmp_path / 'registry.sqlite'}"


def _load_registry(url: str, trainees: list[str]) -> str:
    """The tiny city, the five hub trainees added as principals, and this year's principal round
    covering today (the session's date is the wall clock's); returns the round."""
    today = dt.datetime.now(BEIJING).date()
    round_id = f"{today.year}-principal"
    frames = tiny_city_frames()
    template = frames["people"][frames["people"]["person_id"] == P_HALF].iloc[0]
    extra = pd.DataFrame([{**template.to_dict(), "person_id": tid, "name": f"学员{i}",
                           "phone": f"1390000{i:04d}", "sex": "男" if int(tid[16]) % 2 else "女",
                           "birth_date": f"{tid[6:10]}-{tid[10:12]}-{tid[12:14]}"}
                          for i, tid in enumerate(trainees)])
    frames["people"] = pd.concat([frames["people"], extra], ignore_index=True)
    rounds = frames["rounds"]
    frames["rounds"] = pd.concat([rounds[rounds["round_id"] != round_id], pd.DataFrame([{
        "round_id": round_id, "year": today.year, "audience": "principal", "required_hours": 16,
        "pass_mark": 60, "start_date": f"{today.year}-01-01", "end_date": f"{today.year}-12-31"}])],
                                 ignore_index=True)
    with open_registry(url) as registry:
        registry.load_frames(frames)
    return round_id


def _counted(url: str, round_id: str, person: str) -> float:
    with open_registry(url) as registry:
        return float(registry.status(round_id=round_id, person_id=person)["counted_hours"].iloc[0])


def _status(url: str, round_id: str, person: str, capsys) -> str:
    assert main(["status", "--person", person, "--round", round_id, "--db", url]) == 0
    return capsys.readouterr().out


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium (apt-get install chromium)")
def test_a_lesson_session_of_five_trainees_credits_hours_by_the_rule_and_imports_them_once(
        tmp_path, registry_db, request, artifacts_dir, capsys):
    from playwright.sync_api import sync_playwright

    rule_file = tmp_path / "rule.json"
    rule_file.write_text(json.dumps(RULE), encoding="utf-8")
    with running_hub(5, lessons=REPO / "course",
                     trainee_env={"ZHIBEN_ACTIVITY_INTERVAL": str(HEARTBEAT_SECONDS)},
                     start_timeout=300) as hub:
        active_1, active_2, idle, early, never = sorted(hub.codes)
        round_id = _load_registry(registry_db, sorted(hub.codes))
        before = {tid: (_counted(registry_db, round_id, tid), _status(registry_db, round_id, tid, capsys))
                  for tid in hub.codes}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
                                         env={**os.environ,
                                              "FONTCONFIG_FILE": str(_fontconfig(tmp_path / "fonts"))})
            try:
                pages = {}
                for tid in (active_1, active_2, idle, early):
                    pages[tid] = _log_in(browser, hub, tid)
                    _open_lesson(pages[tid], hub, tid)
                    if tid == active_1:
                        _first_screen(pages[tid], request, artifacts_dir)
                for n, page in enumerate(pages.values()):
                    _act(page, n)
                for tid in pages:  # every one of them reaches the activity record by their own actions
                    _until(lambda tid=tid: _heartbeats(hub, tid), f"a heartbeat of {tid}", hub)
                _log_out(pages.pop(early), hub, early)  # leaves early
                _until(lambda: _heartbeats(hub, idle), "the idle trainee's last action", hub)
                idle_since = time.monotonic()
                # This part is about elapsed idle time: the clock runs past the idle limit (plus the
                # heartbeat interval and a second of rounding) while the idle trainee does nothing and
                # the two others keep reading and answer the self-check.
                _answer_selfcheck(pages[active_1], hub, active_1)
                _answer_selfcheck(pages[active_2], hub, active_2)
                n = 0
                while time.monotonic() - idle_since < IDLE_LIMIT + HEARTBEAT_SECONDS + 1:
                    _act(pages[active_1], n)
                    _act(pages[active_2], n + 1)
                    n += 1
                    time.sleep(0.5)  # a reader's pace between two actions
                seen = len(_heartbeats(hub, idle))
                _act(pages[idle], 99)  # comes back after the idle time
                pages[idle].mouse.click(640, 450)
                _until(lambda: len(_heartbeats(hub, idle)) > seen, "the idle trainee's return", hub)
                for tid in (active_1, idle):
                    _log_out(pages[tid], hub, tid)
                # active_2 closes the browser without logging out
            finally:
                browser.close()
        rule_args = ["hub", "hours", "--course", str(hub.course), "--dir", str(hub.hub_dir), "--prefix",
                     hub.prefix, "--rule", str(rule_file), "--round", round_id, "--import", "--db",
                     registry_db]
        assert main(rule_args) == 0
        out = capsys.readouterr().out
        recorded = {tid: _recorded_actions(hub, tid) for tid in hub.codes}
        assert main(rule_args) == 0  # the same session again
        again = capsys.readouterr().out
    expected = {tid: _rule_applied(actions) for tid, actions in recorded.items() if actions}
    assert set(expected) == {active_1, active_2, idle, early}
    assert "配置规则，非法定学时标准" in out \
        and f"无操作超过 {RULE['idle_limit_minutes']:g} 分钟的部分不计" in out
    for tid, (minutes, hours) in expected.items():
        line = next(row for row in out.splitlines() if row.startswith(mask_id(tid)))
        assert f"有效 {minutes:g} 分钟  学时 {hours:g}" in line, (line, recorded[tid])
        assert hours > 0 and _counted(registry_db, round_id, tid) == pytest.approx(before[tid][0] + hours)
        assert "进行中" in _status(registry_db, round_id, tid, capsys) and "未报名" in before[tid][1]
    assert f"{mask_id(never)}  未登录  学时 0" in out
    assert _counted(registry_db, round_id, never) == before[never][0] \
        and "未报名" in _status(registry_db, round_id, never, capsys)
    # the idle trainee's gap beyond the limit was cut
    idle_gaps = [(b - a).total_seconds()
                 for (a, k), (b, _) in zip(recorded[idle], recorded[idle][1:], strict=False)]
    assert max(idle_gaps) > IDLE_LIMIT, recorded[idle]
    assert expected[idle][0] < (recorded[idle][-1][0] - recorded[idle][0][0]).total_seconds() / 60
    assert recorded[early][-1][1] == "logout" and recorded[early][-1][0] < recorded[active_1][-1][0]
    for tid in (active_1, active_2):
        assert "自测：第02课" in next(row for row in out.splitlines() if row.startswith(mask_id(tid)))
        assert "打开：第02课" in next(row for row in out.splitlines() if row.startswith(mask_id(tid)))
    assert f"新增 {len(expected)}，更新 0，未变 0" in out and f"新增 0，更新 0，未变 {len(expected)}" in again
    assert {tid: _counted(registry_db, round_id, tid) for tid in expected} == {
        tid: pytest.approx(before[tid][0] + hours) for tid, (_m, hours) in expected.items()}
