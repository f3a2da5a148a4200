"""Servers ready before the room fills: the pre-start plan, and a real hub on 127.0.0.1 that has every
admitted trainee's server up, with the paper in place, before anyone logs in."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.hub.harness import AID, running_hub, trainee_ids
from zhiben_training.assess.exchange.window import extend, set_window
from zhiben_training.cli import main
from zhiben_training.hub.codes import issue_codes
from zhiben_training.hub.prestart import StepReport, next_round_in, prestart_plan, queue_place, session_plan

NOW = dt.datetime(2026, 6, 26, 1, 0, tzinfo=dt.UTC)  # 09:00 in Beijing
LESSONS = Path(__file__).resolve().parents[2] / "course"
LESSON = "02_重大事故隐患判定标准2024版.ipynb"
LEAD = dt.timedelta(minutes=20)


@pytest.fixture
def seated(tmp_path):
    """Three trainees admitted to 2026-principal-A, whose window is 09:00–11:00 Beijing time; one has an
    extension."""
    course = tmp_path / "course"
    people = trainee_ids(3)
    issue_codes(course, AID, people)
    set_window(course, AID, opens_at=NOW, closes_at=NOW + dt.timedelta(hours=2), late="refuse", by="pytest")
    extend(course, AID, people[2], until=NOW + dt.timedelta(hours=3), by="pytest")
    return course, people


def test_nobody_is_started_before_the_lead_time(seated):
    course, _people = seated
    plan = prestart_plan(course, now=NOW - LEAD - dt.timedelta(seconds=1), lead=LEAD)
    assert plan.run == [] and plan.stop == []


def test_every_admitted_trainee_is_due_from_the_lead_time_in_a_fixed_order(seated):
    course, people = seated
    assert prestart_plan(course, now=NOW - LEAD, lead=LEAD).run == sorted(people)


def test_servers_stop_after_each_trainees_own_last_moment_and_the_grace(seated):
    course, people = seated
    grace = dt.timedelta(minutes=30)
    after_close = NOW + dt.timedelta(hours=2) + grace
    plan = prestart_plan(course, now=after_close, lead=LEAD, grace=grace)
    assert plan.run == [people[2]]  # the extended trainee still sits
    assert sorted(plan.stop) == sorted(people[:2])


def test_a_lesson_session_prestarts_every_admitted_trainee_from_the_lead_before_its_start(seated):
    course, people = seated
    starts = NOW + dt.timedelta(days=1)  # the session's own time: the exam window plays no part
    assert session_plan(course, now=starts - LEAD - dt.timedelta(seconds=1), lead=LEAD,
                        starts_at=starts).run == []
    assert session_plan(course, now=starts - LEAD, lead=LEAD, starts_at=starts).run == sorted(people)
    # without an end the servers run as long as the hub does
    assert session_plan(course, now=starts + dt.timedelta(days=3), lead=LEAD, starts_at=starts).stop == []


def test_a_lesson_sessions_servers_stop_after_its_end_and_the_grace(seated):
    course, people = seated
    starts, ends, grace = NOW, NOW + dt.timedelta(hours=8), dt.timedelta(minutes=30)
    during = session_plan(course, now=ends + grace - dt.timedelta(seconds=1), lead=LEAD, starts_at=starts,
                          ends_at=ends, grace=grace)
    assert during.run == sorted(people) and during.stop == []
    after = session_plan(course, now=ends + grace, lead=LEAD, starts_at=starts, ends_at=ends, grace=grace)
    assert after.run == [] and after.stop == sorted(people)


def test_the_hub_config_says_when_a_lesson_sessions_servers_start(tmp_path, capsys):
    course = tmp_path / "course"
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    assert main(["hub", "config", "--course", str(course), "--dir", str(tmp_path / "hub"), "--lessons",
                 str(lessons), "--prestart-minutes", "15", "--session-start", "2026-03-12 09:00"]) == 0
    assert "课前预启动：2026-03-12 08:45（北京时间） 起（开课前 15 分钟）为每位学员启动服务器" in \
        capsys.readouterr().out
    config = (tmp_path / "hub" / "jupyterhub_config.py").read_text(encoding="utf-8")
    assert "'--session-start', '2026-03-12T01:00:00+00:00'" in config
    assert "c.TraineeSpawner.place_papers = False" in config  # the login opens the lessons, not a paper


def test_a_session_start_without_lessons_is_refused_in_chinese(tmp_path, capsys):
    assert main(["hub", "config", "--course", str(tmp_path / "course"), "--dir", str(tmp_path / "hub"),
                 "--session-start", "2026-03-12 09:00"]) == 2
    assert "培训场次开始时间只用于培训课（--lessons）" in capsys.readouterr().err


def test_the_service_asks_the_hub_every_two_seconds_only_while_servers_start_or_wait_to_be_warmed():
    starting = StepReport(updated="", ready=["A"], pending=["B"])
    assert next_round_in(starting, {"A"}, every=2, idle_every=30) == 2
    cold = StepReport(updated="", ready=["A", "B"])
    assert next_round_in(cold, {"A"}, every=2, idle_every=30) == 2
    # all up and warm: the hub is left to the logins
    assert next_round_in(cold, {"A", "B"}, every=2, idle_every=30) == 30
    assert next_round_in(None, {"A", "B"}, every=2, idle_every=30) == 2  # the last round failed


def test_the_waiting_page_gets_the_trainees_place_in_the_queue(tmp_path):
    status = tmp_path / "prestart.json"
    status.write_text(json.dumps({"pending": ["A", "B"], "queue": ["C", "D", "E"]}), encoding="utf-8")
    assert queue_place(status, "A") == {"starting": True, "ahead": 0}
    assert queue_place(status, "D") == {"starting": False, "place": 2, "ahead": 3}
    assert queue_place(status, "Z") == {}
    assert queue_place(tmp_path / "missing.json", "A") == {}


def test_the_window_command_says_when_servers_start(seated, capsys):
    course, _people = seated
    assert main(["hub", "window", "--course", str(course), "-a", AID, "--opens", "2026-06-26 09:00",
                 "--closes", "2026-06-26 11:00", "--by", "pytest"]) == 0
    assert "考生服务器将于 2026-06-26 08:40（北京时间） 起自动预启动（开考前 20 分钟）" in \
        capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.hub
def test_a_prestarted_hub_has_every_paper_open_at_login(tmp_path):
    """Window open (the service catches up at once): before any login every server is up with the paper
    in the home; the login then lands on the paper itself, no start in between."""
    with running_hub(3, prestart_minutes=20, prestart_throttle=2) as hub:
        api = {"Authorization": "token " + _examiner_token(hub)}
        import requests

        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:  # the service starts two at a time until all three are ready
            users = {u["name"]: u
                     for u in requests.get(f"{hub.url}/hub/api/users", headers=api, timeout=30).json()}
            if all(users.get(t, {}).get("servers", {}).get("", {}).get("ready") for t in hub.codes):
                break
            time.sleep(1)
        else:
            raise AssertionError("not every server was pre-started:\n"
                                 + hub.log.read_text(errors="replace")[-3000:])
        started = {t: users[t]["servers"][""]["started"] for t in hub.codes}
        # warmed: each paper's kernel is running before the login, as a session the paper's page joins
        while time.monotonic() < deadline and set(_kernels_running(hub)) != set(hub.codes):
            time.sleep(1)
        assert set(_kernels_running(hub)) == set(hub.codes), _kernels_running(hub)
        tid, code = sorted(hub.codes.items())[0]
        before = time.monotonic()
        session, answer = hub.session(tid, code)
        assert answer.status_code == 302
        # the login sends the browser straight into the running server (hub/entry.py), which keeps the
        # login's token in its cookie and sends it on to the paper: no OAuth round trip
        entry = answer.headers["Location"]
        assert entry.startswith(f"/user/{tid}/zhiben/enter?"), entry
        page = session.get(f"{hub.url}{entry}", timeout=60)  # follows the redirects a browser follows
        seconds = time.monotonic() - before
        assert page.status_code == 200
        assert page.url.endswith(f"/user/{tid}/lab/tree/{AID}/paper.ipynb"), page.url
        assert [r.status_code for r in page.history] == [302], [r.url for r in page.history]
        own = session.get(f"{hub.url}/user/{tid}/api/sessions", timeout=60).json()
        assert [(s["path"], s["kernel"]["execution_state"] != "dead") for s in own] == [
            (f"{AID}/paper.ipynb", True)]
        paper = session.get(f"{hub.url}/user/{tid}/api/contents/{AID}/paper.ipynb", timeout=60,
                            headers={"X-XSRFToken": session.cookies.get("_xsrf", path=f"/user/{tid}/") or ""})
        assert paper.status_code == 200 and paper.json()["content"]["metadata"]["zhiben"]["trainee_id"] == tid
        users = {u["name"]: u
                 for u in requests.get(f"{hub.url}/hub/api/users", headers=api, timeout=30).json()}
        assert users[tid]["servers"][""]["started"] == started[tid]  # the login started nothing
        assert seconds < 30, seconds  # generous: a loaded CI machine; the benchmark measures the real figure

        # an answer saved, then the trainee's server dies: the next request brings it back with the answer
        nb = paper.json()["content"]
        nb["metadata"]["zhiben"]["pytest_saved"] = "第 1 题已作答"
        xsrf = {"X-XSRFToken": session.cookies.get("_xsrf", path=f"/user/{tid}/") or ""}
        saved = session.put(f"{hub.url}/user/{tid}/api/contents/{AID}/paper.ipynb", headers=xsrf, timeout=60,
                            json={"type": "notebook", "format": "json", "content": nb})
        assert saved.status_code == 200, saved.text
        _kill_server_of(hub, tid)
        again = _until_paper(hub, session, tid)
        assert again["metadata"]["zhiben"]["pytest_saved"] == "第 1 题已作答"
        # the browser closed; the trainee logs in from another machine and finds the paper as they left it
        elsewhere, answer = hub.session(tid, code)
        assert answer.status_code == 302
        assert _until_paper(hub, elsewhere, tid)["metadata"]["zhiben"]["pytest_saved"] == "第 1 题已作答"

        # the entry keeps only a token of the server's own trainee, and goes nowhere but its own pages
        other, other_code = sorted(hub.codes.items())[1]
        intruder, answer = hub.session(other, other_code)
        their_token = parse_qs(urlsplit(answer.headers["Location"]).query)["token"][0]
        tried = intruder.get(f"{hub.url}/user/{tid}/zhiben/enter", params={"token": their_token, "next": ""},
                             timeout=60)
        assert tried.status_code == 403  # JupyterHub's own OAuth then refuses them this server
        assert not intruder.cookies.get(f"jupyterhub-user-{tid}", path=f"/user/{tid}/")
        again, answer = hub.session(tid, code)
        token = parse_qs(urlsplit(answer.headers["Location"]).query)["token"][0]
        bogus = again.get(f"{hub.url}/user/{tid}/zhiben/enter",
                          params={"token": "0" * 32, "next": "../../hub/admin"}, timeout=60)
        assert bogus.status_code == 200 and bogus.url.endswith(f"/user/{tid}/lab/tree/{AID}/paper.ipynb")
        assert any("oauth2/authorize" in r.url for r in bogus.history)  # JupyterHub's own way, as before
        # logging out ends the login's token (as it ends OAuth's; a server's restart ends both too)
        assert requests.get(f"{hub.url}/hub/api/user", headers={"Authorization": f"token {token}"},
                            timeout=30).status_code == 200
        again.get(f"{hub.url}/hub/logout", timeout=60)
        assert requests.get(f"{hub.url}/hub/api/user", headers={"Authorization": f"token {token}"},
                            timeout=30).status_code == 403


@pytest.mark.slow
@pytest.mark.hub
def test_a_lesson_hub_has_every_server_up_with_the_lessons_before_the_session_starts(tmp_path):
    """A lesson session starting in 10 minutes, lead 20: before anyone logs in every admitted trainee's
    server is up with the lessons in the home; the login lands on the lab, started by nobody."""
    with running_hub(2, lessons=LESSONS, prestart_minutes=20, prestart_throttle=2,
                     session_start=dt.timedelta(minutes=10)) as hub:
        api = {"Authorization": "token " + _examiner_token(hub)}
        import requests

        def warm(trainee: str) -> bool:  # the server has answered its first lab page to the service
            return f"200 GET /user/{trainee}/lab (zhiben-prestart@" in hub.log.read_text(errors="replace")

        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            users = {u["name"]: u
                     for u in requests.get(f"{hub.url}/hub/api/users", headers=api, timeout=30).json()}
            if all(users.get(t, {}).get("servers", {}).get("", {}).get("ready") and warm(t)
                   for t in hub.codes):
                break
            time.sleep(1)
        else:
            raise AssertionError("not every server was pre-started and warmed:\n"
                                 + hub.log.read_text(errors="replace")[-3000:])
        started = {t: users[t]["servers"][""]["started"] for t in hub.codes}
        assert _kernels_running(hub) == {}  # a lesson's kernel is the learner's to start (hub/activity.py)
        tid, code = sorted(hub.codes.items())[0]
        session, answer = hub.session(tid, code)
        assert answer.status_code == 302
        page = session.get(f"{hub.url}/hub/", timeout=60)
        assert page.status_code == 200 and page.url.endswith(f"/user/{tid}/lab"), page.url
        xsrf = {"X-XSRFToken": session.cookies.get("_xsrf", path=f"/user/{tid}/") or ""}
        lessons = session.get(f"{hub.url}/user/{tid}/api/contents/课程", headers=xsrf, timeout=60)
        assert lessons.status_code == 200
        assert LESSON in {item["name"] for item in lessons.json()["content"]}
        users = {u["name"]: u
                 for u in requests.get(f"{hub.url}/hub/api/users", headers=api, timeout=30).json()}
        # the login started nothing
        assert {t: users[t]["servers"][""]["started"] for t in hub.codes} == started
        # the hub's database writes ahead (no disk sync at every commit of a login)
        db = sqlite3.connect(hub.hub_dir / "jupyterhub.sqlite")
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        db.close()


def _kill_server_of(hub, tid: str) -> None:
    import psutil

    from zhiben_training.hub.spawner import system_user_name

    uid = next(e.pw_uid for e in hub.system_users() if e.pw_name == system_user_name(tid, hub.prefix))
    victims = [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real == uid]
    assert victims
    for proc in victims:
        proc.kill()
    psutil.wait_procs(victims, timeout=30)


def _kernels_running(hub) -> dict[str, int]:
    """{trainee: number of kernel processes} of every trainee with one."""
    import psutil

    from zhiben_training.hub.spawner import system_user_name

    names = {system_user_name(t, hub.prefix): t for t in hub.codes}
    uids = {e.pw_uid: names[e.pw_name] for e in hub.system_users() if e.pw_name in names}
    found: dict[str, int] = {}
    for proc in psutil.process_iter(["uids", "cmdline"]):
        uid = proc.info["uids"].real if proc.info["uids"] else None
        if uid in uids and "ipykernel_launcher" in " ".join(proc.info["cmdline"] or []):
            found[uids[uid]] = found.get(uids[uid], 0) + 1
    return found


def _until_paper(hub, session, tid: str, timeout: float = 180) -> dict:
    """As the browser does: ask the hub for the trainee's page until their server answers with the paper."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        session.get(f"{hub.url}/hub/", timeout=120)  # a dead server is noticed and started again here
        xsrf = {"X-XSRFToken": session.cookies.get("_xsrf", path=f"/user/{tid}/") or ""}
        answer = session.get(f"{hub.url}/user/{tid}/api/contents/{AID}/paper.ipynb", headers=xsrf, timeout=60)
        if answer.status_code == 200:
            return answer.json()["content"]
        time.sleep(1)
    raise AssertionError("the paper did not come back:\n" + hub.log.read_text(errors="replace")[-3000:])


def _examiner_token(hub) -> str:
    session, answer = hub.session("EXAMINER1", hub.staff["EXAMINER1"])
    assert answer.status_code == 302
    xsrf = {"X-XSRFToken": session.cookies.get("_xsrf", "")}
    made = session.post(f"{hub.url}/hub/api/users/EXAMINER1/tokens", json={"note": "pytest"}, headers=xsrf,
                        timeout=30)
    assert made.status_code == 201, made.text
    return made.json()["token"]


def test_the_service_stops_when_the_hub_that_started_it_is_killed_outright(tmp_path):
    """A hub killed with SIGKILL cannot stop its services; the pre-start service notices its parent is
    gone and ends, instead of asking a hub that is no more for ever."""
    import os
    import signal
    import subprocess
    import sys

    import psutil

    hub = ("import subprocess, sys, time\n"
           "service = subprocess.Popen([sys.executable, '-m', 'zhiben_training.hub.prestart',"
           " '--course', sys.argv[1],"
           " '--status', sys.argv[2], '--every', '0.2'])\n"
           "print(service.pid, flush=True)\n"
           "time.sleep(600)\n")
    env = {**os.environ, "JUPYTERHUB_API_URL": "http://127.0.0.1:9/hub/api", "JUPYTERHUB_API_TOKEN": "none"}
    parent = subprocess.Popen([sys.executable, "-c", hub, str(tmp_path / "course"),
                               str(tmp_path / "prestart.json")],
                              stdout=subprocess.PIPE, env=env, text=True)
    service = psutil.Process(int(parent.stdout.readline()))
    deadline = time.monotonic() + 120
    while not (tmp_path / "course" / "hub").is_dir():  # its first round has begun (it reads the codes)
        assert service.is_running() and time.monotonic() < deadline
        time.sleep(0.1)
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=30)
    gone, alive = psutil.wait_procs([service], timeout=60)
    for proc in alive:  # a failing test leaves nothing running
        proc.kill()
    assert gone and not alive
