"""The trainee server's activity record (hub/activity.py) in a real Jupyter server with the extension
enabled as the hub config enables it: opening a lesson (its kernel starts) writes a ``kernel`` line
naming the lesson (which lessons were open, no action of the learner); a heartbeat of the lab plugin
writes an ``active`` line, stamped with the moment of the learner's action."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from zhiben_training.hub.config import _SERVER
from zhiben_training.hub.hours import session_events

TRAINEE = "120101197203020024"
LESSON = "课程/02_重大事故隐患判定标准2024版.ipynb"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url: str, token: str, method: str = "GET", body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Authorization": f"token {token}",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read() or b"null")


def _until(condition, what: str, proc: subprocess.Popen, log: Path, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text()[-3000:]}")
        try:
            result = condition()
        except OSError:
            result = None
        if result:
            return result
        time.sleep(0.2)  # polling interval while waiting for the condition, not a wait for the clock
    raise AssertionError(f"timed out waiting for {what}: {log.read_text()[-3000:]}")


@contextmanager
def _server(tmp_path):
    """A Jupyter server with the activity extension on (heartbeat interval 0.5 s); yields its url,
    token and activity folder."""
    home, drop, config = tmp_path / "home", tmp_path / "hub-run" / "activity", tmp_path / "config"
    (home / "课程").mkdir(parents=True)
    drop.mkdir(parents=True)
    config.mkdir()
    nbformat.write(nbformat.v4.new_notebook(), home / LESSON)
    (config / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {"zhiben_training.hub.activity":
                                               _SERVER["ServerApp"]["jpserver_extensions"]["zhiben_training.hub.activity"]}}}))
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_PATH=str(config), ZHIBEN_ACTIVITY_DIR=str(drop),
               ZHIBEN_ACTIVITY_INTERVAL="0.5", JUPYTERHUB_USER=TRAINEE)
    log = tmp_path / "server.log"
    url = f"http://127.0.0.1:{port}"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}",
                                 "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={token}",
                                 f"--ServerApp.root_dir={home}", "--ServerApp.port_retries=0",
                                 "--allow-root"],
                                stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        _until(lambda: _request(f"{url}/api/status", token), "the server", proc, log)
        yield {"url": url, "token": token, "drop": drop, "proc": proc, "log": log}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_opening_a_lesson_on_the_trainee_server_records_a_kernel_line_naming_the_lesson(tmp_path):
    with _server(tmp_path) as server:
        url, token, drop = server["url"], server["token"], server["drop"]
        assert not list(drop.iterdir())  # nothing run yet: nothing recorded
        _request(f"{url}/api/sessions", token, "POST",
                 {"path": LESSON, "type": "notebook", "kernel": {"name": "python3"}})
        record = drop / f"{TRAINEE}.jsonl"
        _until(lambda: record.exists() and record.read_text().strip(), "an activity line", server["proc"],
               server["log"])
    line = json.loads(record.read_text().splitlines()[0])
    assert line["user"] == TRAINEE and line["event"] == "kernel" and line["open"] == [LESSON]
    events = session_events(tmp_path / "course", tmp_path / "hub-run")
    assert [(e.user, e.kind, e.lessons) for e in events][:1] == [(TRAINEE, "kernel", ("02",))]


def test_a_heartbeat_of_the_lab_plugin_records_an_active_line_at_the_moment_of_the_learners_action(tmp_path):
    with _server(tmp_path) as server:
        url, token, drop = server["url"], server["token"], server["drop"]
        assert _request(f"{url}/zhiben/activity", token) == {"interval": 0.5}  # the plugin's throttle
        before = dt.datetime.now(dt.UTC)
        _request(f"{url}/zhiben/activity", token, "POST", {"ago": 0.25, "viewing": LESSON})
        _request(f"{url}/zhiben/activity", token, "POST", {"ago": 3600})  # never more than one interval back
        after = dt.datetime.now(dt.UTC)
        with pytest.raises(urllib.error.HTTPError) as refused:
            _request(f"{url}/zhiben/activity", token, "POST", {"ago": "soon"})
        assert refused.value.code == 400
    first, second = (json.loads(line) for line in (drop / f"{TRAINEE}.jsonl").read_text().splitlines())
    assert first["event"] == "active" and first["source"] == "browser" and first["viewing"] == LESSON
    for line in (first, second):  # stamped in whole seconds
        at = dt.datetime.fromisoformat(line["at"])
        assert before - dt.timedelta(seconds=1.5) <= at <= after
    [event, _] = session_events(tmp_path / "course", tmp_path / "hub-run")
    assert (event.user, event.kind) == (TRAINEE, "active")


@pytest.mark.browser
def test_in_chromium_the_lab_plugin_reports_the_learners_mouse_and_wheel_and_nothing_while_left_alone(
        tmp_path, monkeypatch):
    """JupyterLab with this checkout's plugin and the activity extension (heartbeat interval 1 s): the
    learner's mouse and wheel on a page reach the record as ``active`` lines; a page nobody touches
    adds none (this part waits on the clock: it is about time passing without an action)."""
    from playwright.sync_api import sync_playwright

    from tests.course.test_browser import CHROMIUM, CHROMIUM_ARGS, _server
    from tests.hub.harness import PLUGIN

    if not CHROMIUM.exists():
        pytest.skip("browser test needs Debian chromium at /usr/bin/chromium")
    home, drop, config, data = (tmp_path / n for n in ("home", "activity", "config", "data/labextensions"))
    for folder in (home, drop, config, data):
        folder.mkdir(parents=True)
    (data / "zhiben-paper").symlink_to(PLUGIN)
    (config / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {"zhiben_training.hub.activity": True}}}))
    for key, value in dict(JUPYTER_CONFIG_PATH=str(config), JUPYTER_PATH=str(data.parent),
                           ZHIBEN_ACTIVITY_DIR=str(drop), ZHIBEN_ACTIVITY_INTERVAL="1",
                           JUPYTERHUB_USER=TRAINEE).items():
        monkeypatch.setenv(key, value)
    port, token = _free_port(), secrets.token_hex(16)
    url = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.token={token}", f"--ServerApp.root_dir={home}", "--ServerApp.port_retries=0",
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--allow-root"]
    record = drop / f"{TRAINEE}.jsonl"

    def active() -> list[dict]:
        lines = record.read_text().splitlines() if record.exists() else []
        return [line for line in map(json.loads, lines) if line["event"] == "active"]

    with _server(argv, cwd=home, status_url=f"{url}/api/status?token={token}",
                 log=tmp_path / "lab.log") as proc, \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.goto(f"{url}/lab?token={token}")
            page.locator("#jp-main-dock-panel").wait_for(timeout=120_000)
            page.mouse.move(600, 400)
            page.mouse.move(620, 420)
            _until(active, "a heartbeat after the mouse moved", proc, tmp_path / "lab.log")
            page.mouse.wheel(0, 300)
            seen = len(active())
            _until(lambda: len(active()) > seen, "a heartbeat after the wheel turned", proc,
                   tmp_path / "lab.log")
            time.sleep(1.5)  # the last throttled heartbeat (at most one interval late) is in
            settled = len(active())
            time.sleep(4)  # about idle time: four intervals with nobody at the page
            assert len(active()) == settled
        finally:
            browser.close()
    line = active()[0]
    assert line["source"] == "browser" and line["user"] == TRAINEE
