"""Servers ready before the room fills: a JupyterHub service that starts every admitted trainee's
server ahead of the exam window, a few at a time, and stops them after it.

The examiner knows days ahead who sits and when (``codes.json``, the window). From ``lead`` before
the window opens until ``grace`` after the trainee's last moment, each admitted trainee's server
should be up; the service asks the hub for the missing ones, at most ``throttle`` starting at once
(what the machine can carry: a start costs a few CPU-seconds), and stops them after. A trainee who
logs in before their turn is started by the login itself, ahead of the queue, and meanwhile sees a
Chinese page with their place in it (``queue_place``, read by the hub's ``spawn_pending`` page).

A lesson session (``--lessons``) has no exam window but a start time (and perhaps an end): with
``--session-start`` the service starts every admitted trainee's server from ``lead`` before the
session starts (``session_plan``), and stops them ``grace`` after its end, if one is given.

Run by the hub (``c.JupyterHub.services``, written by ``write_hub_config``) as
``python -m zhiben_training.hub.prestart --course … --status …``; the hub passes the API token.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["DEFAULT_LEAD_MINUTES", "PrestartPlan", "StepReport", "prestart_plan", "session_plan",
           "prestart_step", "next_round_in", "queue_place",
           "lead_minutes", "save_lead_minutes", "prestart_time"]

DEFAULT_LEAD_MINUTES = 20.0


def _setting(course_root: Path) -> Path:
    from zhiben_training.hub.codes import hub_dir

    return hub_dir(course_root) / "prestart.json"


def save_lead_minutes(course_root: Path, minutes: float | None) -> None:
    """Remember the hub's lead (None: pre-start off) so that ``zhiben hub window`` can say when."""
    _setting(course_root).write_text(json.dumps({"lead_minutes": minutes}), encoding="utf-8")


def lead_minutes(course_root: Path) -> float | None:
    """The lead the hub config was written with (the default before any config)."""
    try:
        return json.loads(_setting(course_root).read_text(encoding="utf-8"))["lead_minutes"]
    except (OSError, ValueError, KeyError):
        return DEFAULT_LEAD_MINUTES


def prestart_time(course_root: Path, opens_at: dt.datetime) -> dt.datetime | None:
    """When the trainees' servers of a window opening at ``opens_at`` start (None: pre-start off)."""
    minutes = lead_minutes(course_root)
    return None if minutes is None else opens_at - dt.timedelta(minutes=minutes)


@dataclass(frozen=True)
class PrestartPlan:
    """Who should have a server up now, in start order, and whose server may be stopped."""

    run: list[str]
    stop: list[str]


@dataclass
class StepReport:
    updated: str
    started: list[str] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)
    ready: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    queue: list[str] = field(default_factory=list)  # due but neither ready nor starting, in start order


def prestart_plan(course_root: Path, *, now: dt.datetime, lead: dt.timedelta,
                  grace: dt.timedelta = dt.timedelta(minutes=30)) -> PrestartPlan:
    """From ``lead`` before a trainee's window opens to ``grace`` after their last moment, their server
    should run; after that it may stop. Trainees without a window are left alone."""
    from zhiben_training.assess.exchange import load_window
    from zhiben_training.hub.codes import admitted

    run, stop = [], []
    windows: dict = {}
    for trainee, assignment in sorted(admitted(course_root).items()):
        if assignment not in windows:
            windows[assignment] = load_window(course_root, assignment)
        window = windows[assignment]
        if window is None:
            continue
        opens = dt.datetime.fromisoformat(window.opens_at).astimezone(dt.UTC)
        if opens - lead <= now < window.last_moment(trainee) + grace:
            run.append(trainee)
        elif now >= window.last_moment(trainee) + grace:
            stop.append(trainee)
    return PrestartPlan(run, stop)


def session_plan(course_root: Path, *, now: dt.datetime, lead: dt.timedelta, starts_at: dt.datetime,
                 ends_at: dt.datetime | None = None,
                 grace: dt.timedelta = dt.timedelta(minutes=30)) -> PrestartPlan:
    """A lesson session: every admitted trainee's server should run from ``lead`` before ``starts_at``
    until ``grace`` after ``ends_at`` (without an end, until the hub stops); after that it may stop."""
    from zhiben_training.hub.codes import admitted

    trainees = sorted(admitted(course_root))
    if now < starts_at - lead:
        return PrestartPlan([], [])
    if ends_at is not None and now >= ends_at + grace:
        return PrestartPlan([], trainees)
    return PrestartPlan(trainees, [])


class _HubAPI:
    """The few calls of the hub's REST API the service makes (token from the hub)."""

    def __init__(self, url: str, token: str, public_url: str | None = None):
        import requests

        self.url = url.rstrip("/")
        self.public_url = (public_url or "").rstrip("/")
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"token {token}"

    def users(self) -> dict[str, dict]:
        answer = self.http.get(f"{self.url}/users", params={"state": ""}, timeout=30)
        answer.raise_for_status()
        return {u["name"]: u for u in answer.json()}

    def create(self, names: list[str]) -> None:
        if names:
            self.http.post(f"{self.url}/users", json={"usernames": names}, timeout=30).raise_for_status()

    def start(self, name: str) -> None:
        answer = self.http.post(f"{self.url}/users/{name}/server", timeout=30)
        if answer.status_code not in (201, 202, 400):  # 400: already running or pending
            answer.raise_for_status()

    def stop(self, name: str) -> None:
        answer = self.http.delete(f"{self.url}/users/{name}/server", timeout=30)
        if answer.status_code not in (202, 204, 400):
            answer.raise_for_status()

    def warm(self, user: dict) -> bool:
        """Ask a new server, through the proxy, for what a login's first visit asks: the lab page and
        the trainee's notebooks. Its first answers cost ~85 ms of CPU each (templates compiled,
        extension metadata read, the notebook schema built; measured, docs/deployment.md) that a
        server answering a login at the opening time would otherwise pay then. A trainee's own paper
        also gets its kernel started (a notebook session for its path, which the paper's page joins
        when it opens, as after a reload): a kernel's start costs ~0.36 CPU-seconds (measured), 100 of
        them ~18 s of two cores at the opening time. The memory is the same as when every trainee has
        opened the paper, 20 minutes earlier. Lessons are left to the learner (a kernel is a record of
        which lessons were open, hub/activity.py)."""
        import requests

        path = user.get("servers", {}).get("", {}).get("url")
        if not self.public_url or not path:
            return False
        base = f"{self.public_url}{path}"
        try:
            self.http.get(f"{base}lab", timeout=60)
            home = self.http.get(f"{base}api/contents", timeout=60)
            folders = [i["path"] for i in home.json().get("content", []) if i["type"] == "directory"] \
                if home.ok else []
            for folder in folders[:3]:
                listing = self.http.get(f"{base}api/contents/{folder}", timeout=60)
                notebooks = [i["path"] for i in listing.json().get("content", [])
                             if i["type"] == "notebook"] \
                    if listing.ok else []
                for notebook in notebooks[:1]:
                    got = self.http.get(f"{base}api/contents/{notebook}", params={"content": 1}, timeout=60)
                    metadata = got.json()["content"]["metadata"] if got.ok else {}
                    if metadata.get("zhiben", {}).get("trainee_id"):  # a paper, not a lesson
                        self._start_kernel(base, notebook, metadata)
        except (requests.RequestException, ValueError, KeyError, TypeError):
            return False
        return True

    def _start_kernel(self, base: str, notebook: str, metadata: dict) -> None:
        kernel = (metadata.get("kernelspec") or {}).get("name") or "python3"
        answer = self.http.post(f"{base}api/sessions", timeout=60, json={  # an existing one is returned
            "path": notebook, "type": "notebook", "name": notebook.rsplit("/", 1)[-1],
            "kernel": {"name": kernel}})
        answer.raise_for_status()


def _server(user: dict | None) -> tuple[bool, bool]:
    """(ready, starting) of a user's default server as the hub reports it."""
    server = (user or {}).get("servers", {}).get("", {})
    return bool(server.get("ready")), bool(server.get("pending") or (user or {}).get("pending"))


def prestart_step(api, plan: PrestartPlan, *, throttle: int, now: dt.datetime,
                  warmed: set[str] | None = None) -> StepReport:
    """One round: create missing hub users, start the next servers up to ``throttle`` starting at
    once, stop the ones past their window; with ``warmed`` (names already warmed, updated here) ask
    each newly ready server for its first pages. Returns what it saw and did."""
    users = api.users()
    api.create([name for name in plan.run if name not in users])
    report = StepReport(updated=now.isoformat(timespec="seconds"))
    for name in plan.run:
        ready, starting = _server(users.get(name))
        (report.ready if ready else report.pending if starting else report.queue).append(name)
    for name in report.queue[:max(0, throttle - len(report.pending))]:
        api.start(name)
        report.started.append(name)
    report.queue = report.queue[len(report.started):]
    report.pending += report.started
    if warmed is not None:
        for name in report.ready:
            if name not in warmed and api.warm(users[name]):
                warmed.add(name)
    for name in plan.stop:
        ready, starting = _server(users.get(name))
        if ready or starting:
            api.stop(name)
            report.stopped.append(name)
    return report


def next_round_in(report: StepReport | None, warmed: set[str], *, every: float, idle_every: float) -> float:
    """Seconds until the next round: ``every`` while servers start or wait to be warmed (or the last
    round failed), ``idle_every`` once every due server is up and warm. Each round lists every user
    with their servers (~150 ms of the hub's only thread for 100), time the logins need at the opening."""
    busy = report is None or report.queue or report.pending or not warmed.issuperset(report.ready)
    return every if busy else idle_every


def queue_place(status_file: Path, name: str) -> dict:
    """What the waiting page tells a trainee: place in the queue (1 = next) and servers ahead of them,
    from the service's last report; {} when the trainee is not waiting in it."""
    try:
        report = json.loads(Path(status_file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if name in report.get("pending", []):
        return {"starting": True, "ahead": 0}
    if name in report.get("queue", []):
        place = report["queue"].index(name) + 1
        return {"starting": False, "place": place, "ahead": place - 1 + len(report.get("pending", []))}
    return {}


def _write_status(path: Path, report: StepReport) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(report), ensure_ascii=False), encoding="utf-8")
    tmp.chmod(0o644)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - run by the hub as its service
    hub = os.getppid()  # the hub that started this service: a hub killed outright leaves no service behind
    parser = argparse.ArgumentParser(description="Start trainee servers ahead of the exam window.")
    parser.add_argument("--course", required=True, type=Path)
    parser.add_argument("--status", required=True, type=Path)
    parser.add_argument("--lead-minutes", type=float, default=20)
    parser.add_argument("--grace-minutes", type=float, default=30)
    parser.add_argument("--throttle", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between rounds while servers start")
    parser.add_argument("--idle-every", type=float, default=30.0,
                        help="seconds between rounds when every due server is up (each round lists "
                             "every user: the hub's time, taken from logins at the opening)")
    parser.add_argument("--public-url", default=None, help="the proxy's URL, to warm each new server")
    parser.add_argument("--session-start", type=dt.datetime.fromisoformat, default=None,
                        help="a lesson session's start (ISO 8601 with offset): "
                             "pre-start for it, not for exam windows")
    parser.add_argument("--session-end", type=dt.datetime.fromisoformat, default=None)
    args = parser.parse_args(argv)
    import requests

    api = _HubAPI(os.environ["JUPYTERHUB_API_URL"], os.environ["JUPYTERHUB_API_TOKEN"], args.public_url)
    warmed: set[str] = set()
    lead, grace = dt.timedelta(minutes=args.lead_minutes), dt.timedelta(minutes=args.grace_minutes)

    def plan(now: dt.datetime) -> PrestartPlan:
        if args.session_start is not None:
            return session_plan(args.course, now=now, lead=lead, starts_at=args.session_start,
                                ends_at=args.session_end, grace=grace)
        return prestart_plan(args.course, now=now, lead=lead, grace=grace)

    while os.getppid() == hub:
        now = dt.datetime.now(dt.UTC)
        try:
            report = prestart_step(api, plan(now), throttle=args.throttle, now=now, warmed=warmed)
        except (OSError, ValueError, requests.RequestException) as exc:  # a busy hub: said, tried next round
            print(f"prestart: {type(exc).__name__}: {exc}", flush=True)
            report = None
        else:
            _write_status(args.status, report)
            if report.started or report.stopped:
                print(f"prestart: started {len(report.started)}, stopped {len(report.stopped)}, "
                      f"ready {len(report.ready)}, waiting {len(report.queue)}", flush=True)
        time.sleep(next_round_in(report, warmed, every=args.every, idle_every=args.idle_every))


if __name__ == "__main__":  # pragma: no cover
    main()
