"""学时 of a hub lesson session from its recorded events: five trainees (two stay active, one goes idle
past the limit, one leaves early, one never logs in) under the shipped rule and a local one, then
``zhiben hub hours --import`` into the registry, twice."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from tests.registry.conftest import P_DONE, P_FAILED, P_HALF, P_NONE, tiny_city_frames
from zhiben_training.cli import main
from zhiben_training.hub.codes import issue_codes
from zhiben_training.hub.hours import credit_rule, session_events, session_hours
from zhiben_training.identifiers import make_id
from zhiben_training.registry import open_registry

P_EARLY = make_id("120101", dt.date(1969, 8, 8), 9, female=False)  # a fifth principal, added to the tiny city
ACTIVE_ALL_DAY, ACTIVE_MORNING, IDLE, EARLY, NEVER = P_HALF, P_NONE, P_FAILED, P_EARLY, P_DONE
DAY = "2026-03-12"  # inside the 2026 principal round


def _at(hhmm: str) -> str:
    """A Beijing wall-clock time of the session day, written as the hub writes times (UTC)."""
    local = dt.datetime.fromisoformat(f"{DAY}T{hhmm}:00+08:00")
    return local.astimezone(dt.UTC).isoformat(timespec="seconds")


def _every_5_minutes(start: str, end: str) -> list[str]:
    t, stop = dt.datetime.strptime(start, "%H:%M"), dt.datetime.strptime(end, "%H:%M")
    out = []
    while t <= stop:
        out.append(t.strftime("%H:%M"))
        t += dt.timedelta(minutes=5)
    return out


@pytest.fixture
def session(tmp_path) -> tuple[Path, Path]:
    """A course root and hub folder holding what a session of five trainees recorded."""
    course, hub = tmp_path / "assessments", tmp_path / "hub-run"
    issue_codes(course, "培训-2026-03-12", [ACTIVE_ALL_DAY, ACTIVE_MORNING, IDLE, EARLY, NEVER])
    log, active = [], {}

    def login(user, hhmm, where=hub):
        log.append({"at": _at(hhmm), "event": "login", "user": user, "role": "trainee",
                    "hub": str(where.resolve())})

    def logout(user, hhmm):
        log.append({"at": _at(hhmm), "event": "logout", "user": user, "hub": str(hub.resolve())})

    def act(user, times, lesson="课程/02_重大事故隐患判定标准2024版.ipynb"):
        active.setdefault(user, []).extend({"user": user, "at": _at(t), "event": "active", "open": [lesson]}
                                           for t in times)

    login(ACTIVE_ALL_DAY, "09:00")
    act(ACTIVE_ALL_DAY, _every_5_minutes("09:05", "12:00"))
    logout(ACTIVE_ALL_DAY, "12:00")
    login(ACTIVE_ALL_DAY, "13:00")  # lunch between logout and login does not count
    act(ACTIVE_ALL_DAY, _every_5_minutes("13:05", "16:45"), lesson="课程/03_危大工程与超危大工程.ipynb")
    logout(ACTIVE_ALL_DAY, "16:45")
    # the exam hub on the same course: another session
    login(ACTIVE_MORNING, "08:55", where=tmp_path / "考场")
    login(ACTIVE_MORNING, "09:00")
    log.append({"at": _at("09:01"), "event": "login", "user": "EXAMINER1", "role": "examiner",
                "hub": str(hub.resolve())})
    act(ACTIVE_MORNING, _every_5_minutes("09:05", "12:00"))  # closes the browser: no logout
    login(IDLE, "09:00")
    act(IDLE, _every_5_minutes("09:05", "10:00") + _every_5_minutes("11:30", "12:00"))  # 90 min 无操作
    logout(IDLE, "12:00")
    login(EARLY, "09:00")
    act(EARLY, _every_5_minutes("09:05", "09:50"))
    logout(EARLY, "09:50")
    (course / "hub" / "events.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sorted(log, key=lambda r: r["at"])),
        "utf-8")
    (hub / "activity").mkdir(parents=True)
    for user, lines in active.items():
        (hub / "activity" / f"{user}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), "utf-8")
    (hub / "selfchecks").mkdir()
    (hub / "selfchecks" / f"02-{ACTIVE_ALL_DAY}.json").write_text(json.dumps(
        {"lesson": "02", "user": ACTIVE_ALL_DAY, "points": 5, "total": 6, "all_answered": True,
         "at": _at("11:50")}))
    (hub / "selfchecks" / f"练习-{IDLE}.json").write_text(json.dumps(  # a 模拟练习 recorded like a self-check
        {"lesson": "练习", "user": IDLE, "points": 7, "total": 10, "all_answered": True, "at": _at("11:40")}))
    return course, hub


def test_the_shipped_rule_credits_active_minutes_and_cuts_idle_time_beyond_ten_minutes(session):
    course, hub = session
    days = {d.user: d for d in session_hours(session_events(course, hub), credit_rule())}
    # 09:00–12:00 and 13:00–16:45 active; 180 min of the morning only; 60 + 10 (of 90 idle) + 30; 50
    assert {u: d.active_minutes for u, d in days.items()} == {
        ACTIVE_ALL_DAY: 405, ACTIVE_MORNING: 180, IDLE: 100, EARLY: 50}
    # 45 minutes a 学时, rounded down to 0.5: 9, 4, 2.22 → 2, 1.11 → 1
    assert {u: d.hours for u, d in days.items()} == {ACTIVE_ALL_DAY: 9, ACTIVE_MORNING: 4, IDLE: 2, EARLY: 1}
    assert NEVER not in days
    assert days[ACTIVE_ALL_DAY].lessons_opened == ("02", "03")
    assert days[ACTIVE_ALL_DAY].selfchecks == (("02", 5, 6),)
    assert days[ACTIVE_MORNING].last_logout is None and str(days[EARLY].date) == DAY


def test_a_local_rule_file_changes_the_idle_limit_and_the_minutes_of_a_study_hour(session, tmp_path):
    course, hub = session
    rule_file = tmp_path / "rule.json"
    rule_file.write_text(json.dumps({"idle_limit_minutes": 5, "minutes_per_hour": 60, "round_down_to": 0}))
    rule = credit_rule(rule_file)
    days = {d.user: d for d in session_hours(session_events(course, hub), rule)}
    assert days[IDLE].active_minutes == 95  # 60 + 5 (of 90 idle) + 30
    assert days[IDLE].hours == round(95 / 60, 2)
    assert "配置规则，非法定学时标准" in rule.describe() and str(rule_file) in rule.describe()


def test_a_kernel_running_by_itself_through_the_idle_gap_is_no_action_but_names_the_lesson_open(session):
    """The server's kernel notes (``"event": "kernel"``) fill IDLE's 90 minutes without the learner
    touching the page: still 100 active minutes, and the lesson the kernel ran is listed as opened."""
    course, hub = session
    notes = [{"user": IDLE, "at": _at(t), "event": "kernel", "open": ["课程/05_施工现场隐患排查.ipynb"]}
             for t in _every_5_minutes("10:05", "11:25")]
    with (hub / "activity" / f"{IDLE}.jsonl").open("a", encoding="utf-8") as fh:
        fh.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in notes))
    days = {d.user: d for d in session_hours(session_events(course, hub), credit_rule())}
    assert days[IDLE].active_minutes == 100 and days[IDLE].hours == 2
    assert days[IDLE].lessons_opened == ("02", "05", "练习")  # 练习: the 模拟练习 recorded
    assert "计算内核自行运行不算操作" in credit_rule().describe()


def test_activity_and_self_check_files_owned_by_another_trainee_are_not_counted(session):
    course, hub = session
    trusted = session_events(course, hub, owner_to_user=lambda uid: None)  # owner = the hub (root)
    assert {e.kind for e in trusted} == {"login", "logout", "active", "selfcheck"}
    forged = session_events(course, hub, owner_to_user=lambda uid: "120101199001010000")
    assert {e.kind for e in forged} == {"login", "logout"}


@pytest.fixture
def db(tmp_path) -> str:
    """The tiny city with a fifth principal (who leaves the session early)."""
    url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    frames = tiny_city_frames()
    people = frames["people"]
    extra = people[people["person_id"] == P_HALF].assign(person_id=P_EARLY, name="郑九", phone="13800009999",
                                                          birth_date="1969-08-08")
    frames["people"] = pd.concat([people, extra], ignore_index=True)
    with open_registry(url) as registry:
        registry.load_frames(frames)
    return url


def _hours(db: str, person: str) -> float:
    with open_registry(db) as registry:
        return float(registry.status(round_id="2026-principal", person_id=person)["counted_hours"].iloc[0])


def test_hub_hours_imports_the_session_into_the_round_and_a_second_run_changes_nothing(session, db, capsys):
    course, hub = session
    before = {p: _hours(db, p) for p in (ACTIVE_ALL_DAY, ACTIVE_MORNING, IDLE, EARLY, NEVER)}
    assert main(["status", "--person", ACTIVE_MORNING, "--round", "2026-principal", "--today", "2026-03-13",
                 "--db", db]) == 0
    assert "未报名" in capsys.readouterr().out
    args = ["hub", "hours", "--course", str(course), "--dir", str(hub), "--round", "2026-principal",
            "--import", "--db", db]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "配置规则，非法定学时标准" in out and "无操作超过 10 分钟的部分不计" in out
    assert "1 人未登录" in out and "新增 4，更新 0，未变 0" in out
    assert "自测：第02课 5/6" in out and "自测：模拟练习 7/10" in out
    assert (hub / "学时-2026-principal.csv").stat().st_mode & 0o777 == 0o600  # full ID numbers: root only
    after = {p: _hours(db, p) for p in before}
    assert {p: after[p] - before[p] for p in before} == {
        ACTIVE_ALL_DAY: 9, ACTIVE_MORNING: 4, IDLE: 2, EARLY: 1, NEVER: 0}
    assert main(["status", "--person", ACTIVE_MORNING, "--round", "2026-principal", "--today", "2026-03-13",
                 "--db", db]) == 0
    assert "进行中" in capsys.readouterr().out
    with open_registry(db) as registry:
        audited = registry.audit_log(entity="attendance")
        assert (audited["actor"] == "zhiben hub hours").sum() == 4
    assert main(args) == 0
    assert "新增 0，更新 0，未变 4" in capsys.readouterr().out
    assert {p: _hours(db, p) for p in before} == after


def test_hub_hours_outside_the_round_dates_imports_nothing_and_reports_each_row(session, db, capsys):
    course, hub = session
    args = ["hub", "hours", "--course", str(course), "--dir", str(hub), "--round", "2025-safety", "--import",
            "--db", db]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "第 2 行 【培训日期】" in err and "未写入任何数据" in err
    with open_registry(db) as registry:
        assert (registry.audit_log(entity="attendance")["actor"] == "zhiben hub hours").sum() == 0


def test_hub_hours_with_nothing_credited_imports_nothing_and_never_opens_the_registry(tmp_path, capsys):
    course, hub = tmp_path / "assessments", tmp_path / "hub-run"
    issue_codes(course, "培训-2026-03-12", [NEVER])
    hub.mkdir()
    unreachable = "postgresql+psycopg://nobody@/zhiben?host=/nonexistent"  # a stopped server, say
    assert main(["hub", "hours", "--course", str(course), "--dir", str(hub), "--round", "2026-principal",
                 "--import", "--db", unreachable]) == 0
    out = capsys.readouterr().out
    assert "1 人未登录" in out and "未导入任何数据" in out and not list(hub.glob("学时-*.csv"))
