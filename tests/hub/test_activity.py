"""The trainee server's activity record (hub/activity.py) in a real Jupyter server with the extension
enabled as the hub config enables it: opening a lesson (its kernel starts) writes a line naming the
lesson, which hub/hours.py reads as the trainee's activity."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat

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
                                 headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
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


def test_opening_a_lesson_on_the_trainee_server_records_activity_naming_the_lesson(tmp_path):
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
                                 f"--ServerApp.root_dir={home}", "--ServerApp.port_retries=0", "--allow-root"],
                                stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        _until(lambda: _request(f"{url}/api/status", token), "the server", proc, log)
        assert not list(drop.iterdir())  # nothing run yet: nothing recorded
        _request(f"{url}/api/sessions", token, "POST",
                 {"path": LESSON, "type": "notebook", "kernel": {"name": "python3"}})
        record = drop / f"{TRAINEE}.jsonl"
        _until(lambda: record.exists() and record.read_text().strip(), "an activity line", proc, log)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    line = json.loads(record.read_text().splitlines()[0])
    assert line["user"] == TRAINEE and line["event"] == "active" and line["open"] == [LESSON]
    events = session_events(tmp_path / "course", tmp_path / "hub-run")
    assert [(e.user, e.kind, e.lessons) for e in events][:1] == [(TRAINEE, "active", ("02",))]
