"""A real JupyterHub on 127.0.0.1 for the hub tests and the hub benchmark (``benchmarks/bench_hub.py``):
generated config, the PyPI proxy, system users for the trainees (created by the hub's spawner, removed
here), a course with stand-in papers. The trainee servers run this checkout: its package
(``PYTHONPATH``) and its built lab plugin (``JUPYTER_PATH``).

Everything the tests start is stopped by its process id: the hub, the proxy it started (its pid
file), and the trainee servers (processes of this run's own system users, found by their uid).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pwd
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.assess import standin
from zhiben_training.assess.exchange import variants
from zhiben_training.assess.exchange.nbgrader_exchange import release_to_exchange
from zhiben_training.assess.exchange.window import set_window
from zhiben_training.hub.codes import add_staff, issue_codes
from zhiben_training.hub.config import write_hub_config
from zhiben_training.identifiers import make_id

ROUND = "2026-principal"
REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "assessments" / "lab" / "zhiben-paper" / "prebuilt"
AID = "2026-principal-A"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def trainee_ids(count: int) -> list[str]:
    """Valid ID numbers (some end in X) of trainees born 1970-1989 in 和平区 (120101)."""
    return [make_id("120101", dt.date(1970 + i % 20, 1 + i % 12, 1 + i % 28), 100 + i, female=bool(i % 2))
            for i in range(count)]


@dataclass
class Hub:
    base: Path
    course: Path
    hub_dir: Path
    url: str
    prefix: str
    codes: dict[str, str]
    staff: dict[str, str]
    proc: subprocess.Popen | None = None
    log: Path | None = None

    def start(self, timeout: float = 60) -> None:
        self.log = self.hub_dir / "hub.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTERHUB")}
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [str(Path(sys.executable).parent / "jupyterhub"), "-f",
                 str(self.hub_dir / "jupyterhub_config.py")],
                cwd=self.hub_dir, stdout=out, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the hub exited early:\n" + self.log.read_text(errors="replace")[-4000:])
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/hub/api/", timeout=2).status_code == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError("the hub did not answer:\n" + self.log.read_text(errors="replace")[-4000:])

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    def session(self, username: str, code: str) -> tuple[requests.Session, requests.Response]:
        """Log in through the login form, as a browser does; returns the session and the answer."""
        s = requests.Session()
        s.get(f"{self.url}/hub/login", timeout=10)
        answer = s.post(f"{self.url}/hub/login?next=", data={"username": username, "password": code,
                                                              "_xsrf": s.cookies.get("_xsrf", "")},
                        timeout=60, allow_redirects=False)
        return s, answer

    def system_users(self) -> list[pwd.struct_passwd]:
        return [e for e in pwd.getpwall() if e.pw_name.startswith(self.prefix)]


def _stop_trainee_processes(hub: Hub) -> None:
    import psutil

    uids = {e.pw_uid for e in hub.system_users()}
    procs = [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real in uids]
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.terminate()
    _gone, alive = psutil.wait_procs(procs, timeout=15)
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()


def _stop_proxy(hub: Hub) -> None:
    pid_file = hub.hub_dir / "jupyterhub-proxy.pid"
    if pid_file.exists():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)


@contextlib.contextmanager
def running_hub(count: int, *, opens: dt.timedelta = dt.timedelta(hours=-1),
                closes: dt.timedelta = dt.timedelta(hours=2), late: str = "refuse",
                lessons: Path | None = None, start_timeout: int = 180, spawn_limit: int = 100,
                keep_log: Path | None = None, prestart_minutes: float | None = None,
                prestart_throttle: int | None = None, trainee_env: dict[str, str] | None = None,
                build=standin.build_paper, city_dir: Path | None = None,
                session_start: dt.timedelta | None = None):
    """A hub on a course of ``count`` trainees; ``build=None`` with a generated ``city_dir`` gives the
    real A paper instead of the stand-in."""
    if os.geteuid() != 0 or not shutil.which("useradd"):
        pytest.skip("the hub tests create system users: they need root and useradd")
    base = Path(tempfile.mkdtemp(prefix="zhiben-hub-", dir="/tmp"))
    base.chmod(0o711)  # trainee users pass through to their homes and the exchange
    prefix = "zt" + "".join(secrets.choice("abcdefghjkmnpqrstuvwxyz") for _ in range(4)) + "-"
    group = prefix + "g"
    hub = None
    try:
        course = base / "course"
        people = [{"id": tid, "name": f"考生{i:03d}"} for i, tid in enumerate(trainee_ids(count))]
        variants.generate(course, round_id=ROUND, paper="A", trainees=people,
                         city_dir=city_dir or base / "city",
                         base_seed=11, build=build)
        course.chmod(0o711)
        release_to_exchange(course, AID)
        now = dt.datetime.now(dt.UTC)
        set_window(course, AID, opens_at=now + opens, closes_at=now + closes, late=late, by="pytest")
        codes = issue_codes(course, AID, [p["id"] for p in people])
        staff = {"EXAMINER1": add_staff(course, "EXAMINER1", "examiner"),
                 "TRAINER1": add_staff(course, "TRAINER1", "trainer")}
        port = free_port()
        hub_dir = base / "hub-run"
        checkout = {"PYTHONPATH": str(REPO)}  # the hub config carries this checkout's lab plugin itself
        subprocess.run(["groupadd", "--system", group], check=True, capture_output=True)
        write_hub_config(hub_dir, course_root=course, home_root=base / "home", port=port,
                         hub_port=free_port(), api_port=free_port(), user_prefix=prefix, lessons_dir=lessons,
                         start_timeout=start_timeout, spawn_limit=spawn_limit, group=group,
                         prestart_minutes=prestart_minutes, prestart_throttle=prestart_throttle,
                         trainee_env={**checkout, **(trainee_env or {})},
                         session_start=None if session_start is None else now + session_start)
        (base / "home").mkdir()
        (base / "home").chmod(0o711)
        hub = Hub(base, course, hub_dir, f"http://127.0.0.1:{port}", prefix, codes, staff)
        hub.start()
        yield hub
    finally:
        if hub is not None and keep_log is not None and hub.log is not None and hub.log.exists():
            keep_log.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(hub.log, keep_log)
        if hub is not None:
            hub.stop()
            _stop_proxy(hub)
            _stop_trainee_processes(hub)
            for entry in hub.system_users():
                if re.fullmatch(rf"{re.escape(prefix)}[0-9a-z]+", entry.pw_name):
                    subprocess.run(["userdel", "--force", entry.pw_name], check=False, capture_output=True)
        subprocess.run(["groupdel", group], check=False, capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


class Trainee:
    """One trainee's browser-less client: the hub's login form, then their own server's REST API."""

    def __init__(self, hub: Hub, tid: str, code: str):
        self.hub, self.tid, self.code = hub, tid, code
        self.session: requests.Session | None = None
        self.transient: list[int] = []  # HTTP statuses of answers retried while the hub was busy

    def _xsrf(self) -> dict:
        return {"X-XSRFToken": self.session.cookies.get("_xsrf", path=f"/user/{self.tid}/")
                or self.session.cookies.get("_xsrf", "")}

    def login(self) -> requests.Response:
        self.session, answer = self.hub.session(self.tid, self.code)
        return answer

    def spawn(self, timeout: float = 180) -> float:
        """Start this trainee's server through the hub's REST API; seconds until it answers."""
        started = time.monotonic()
        # as a browser does after login: /hub/spawn starts the server and redirects to the pending page
        deadline = started + timeout
        while True:  # the hub answers 429 while concurrent_spawn_limit servers are starting: retry
            answer = self.session.get(f"{self.hub.url}/hub/spawn/{self.tid}", timeout=120,
                                      allow_redirects=False)
            if answer.status_code != 429 or time.monotonic() > deadline:
                break
            time.sleep(2 + random.random() * 3)
        # 503: the hub gave up waiting for the page but the spawn goes on; poll for it like the pending page
        assert answer.status_code in (200, 302, 503), self.hub.log.read_text(errors="replace")[-3000:]
        while time.monotonic() < deadline:
            with contextlib.suppress(requests.Timeout):
                answer = self.session.get(f"{self.hub.url}/hub/api/users/{self.tid}", timeout=120)
                if answer.status_code != 200:  # a busy hub (or proxy) answers 5xx now and then: ask again
                    self.transient.append(answer.status_code)
                    time.sleep(1 + random.random())
                    continue
                user = answer.json()
                if user.get("servers", {}).get("", {}).get("ready"):
                    break
                if not user.get("servers") and not user.get("pending"):  # refused (429) or failed: ask again
                    self.session.get(f"{self.hub.url}/hub/spawn/{self.tid}", timeout=120,
                                     allow_redirects=False)
            time.sleep(1 + random.random())
        else:
            raise RuntimeError(f"server of {self.tid} not ready:\n"
                               + self.hub.log.read_text(errors="replace")[-3000:])
        # the first visit goes through the hub's OAuth and sets the server's own cookies
        for _attempt in range(5):
            page = self.session.get(f"{self.hub.url}/user/{self.tid}/lab", timeout=120)
            if page.status_code == 200:
                break
            self.transient.append(page.status_code)
            time.sleep(2)
        assert page.status_code == 200, page.text[-500:]
        assert self.session.get(f"{self.hub.url}/user/{self.tid}/api/status", timeout=60).status_code == 200
        return time.monotonic() - started

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        """A call to this trainee's server; GET and PUT (idempotent) are asked again when a busy
        hub or proxy answers 5xx, POST (fetch, submit) never."""
        for _attempt in range(4):
            answer = self.session.request(method, f"{self.hub.url}/user/{self.tid}/{path}",
                                          headers=self._xsrf(), timeout=120, **kwargs)
            if answer.status_code < 500 or method not in ("GET", "PUT"):
                break
            self.transient.append(answer.status_code)
            time.sleep(2)
        return answer

    def assignments(self) -> list[dict]:
        return self.api("GET", "assignments", params={"course_id": "zhiben"}).json()

    def fetch(self, assignment: str = AID) -> requests.Response:
        return self.api("POST", "assignments/fetch",
                        data={"course_id": "zhiben", "assignment_id": assignment})

    def submit(self, assignment: str = AID) -> requests.Response:
        return self.api("POST", "assignments/submit",
                        data={"course_id": "zhiben", "assignment_id": assignment})

    def read(self, path: str) -> dict:
        return self.api("GET", f"api/contents/{path}", params={"content": 1}).json()

    def save_notebook(self, path: str, nb: dict) -> requests.Response:
        return self.api("PUT", f"api/contents/{path}",
                        json={"type": "notebook", "format": "json", "content": nb})


def browser_login(page, hub: Hub, tid: str, code: str, timeout: int = 300_000) -> None:
    """Log in on the hub's Chinese login page; the lab opens on the trainee's placed paper."""
    page.goto(f"{hub.url}/hub/login")
    assert "准考证号" in page.content()
    page.fill("#username_input", tid)
    page.fill("#password_input", code)
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{tid}/lab/tree/{AID}/paper.ipynb**", timeout=timeout)


def lesson_login(page, hub: Hub, tid: str, timeout: int = 300_000) -> None:
    """Log in to a lesson session on the hub's Chinese login page; the trainee's lab opens."""
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", tid)
    page.fill("#password_input", hub.codes[tid])
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{tid}/lab**", timeout=timeout)


def hand_in(page, *, outcome: str = "已交卷", timeout: int = 120_000, shot: Path | None = None) -> str:
    """Click the paper's 交卷 button, confirm, and return the text of the answer's dialog (the receipt,
    or with ``outcome="未能交卷"`` the refusal, screenshot to ``shot``); the dialog is closed again."""
    page.locator(".zb-hand-in").click()
    page.locator(".jp-Dialog button", has_text="确定交卷").click()
    dialog = page.locator(".jp-Dialog", has_text=outcome)
    dialog.wait_for(timeout=timeout)
    text = dialog.inner_text()
    if shot is not None:
        page.screenshot(path=str(shot))
    dialog.locator("button", has_text="知道了").click()
    dialog.wait_for(state="detached", timeout=30_000)
    return text
