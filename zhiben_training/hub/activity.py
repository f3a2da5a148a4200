"""The trainee server's activity record for 学时 (a Jupyter server extension, enabled by the hub config).

Two kinds of line go to a file of the server's own in ``ZHIBEN_ACTIVITY_DIR`` (the hub's ``activity/``
folder, mode 1733: anyone may add a file, only root reads them):

* ``{"event": "active", "source": "browser", ...}`` — the learner did something on the page. The lab
  plugin ``zhiben-paper:activity`` (``assessments/lab/zhiben-paper/lib/activity.js``) posts to
  ``<server>/zhiben/activity`` when the learner moves or clicks the mouse, presses a key, turns the
  wheel or comes back to the tab, at most once per ``ZHIBEN_ACTIVITY_INTERVAL`` seconds (30) and
  only while the tab is visible; the line is stamped with the moment of that action (server clock,
  minus the ``ago`` seconds the plugin reports, never more than one interval). Reading and scrolling
  a lesson is activity; a page left open with nobody at it is not.
* ``{"event": "kernel", ...}`` — every interval the server looks at its kernels' last activity and,
  when it moved, notes which notebooks have a kernel. This says which lessons were open; a kernel
  running by itself is not the learner, so ``hub/hours.py`` does not count these lines as actions.

Both carry ``"user", "at", "open": [notebooks with a kernel]``. The file's owner (the trainee's
system user) says whose it is. Outside the hub the variables are unset: nothing is recorded and the
endpoint does not exist (the plugin then stays silent).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

__all__ = ["ACTIVITY_ENV", "INTERVAL_ENV", "HEARTBEAT_PATH", "ActivityRecorder", "activity_file"]

ACTIVITY_ENV = "ZHIBEN_ACTIVITY_DIR"
INTERVAL_ENV = "ZHIBEN_ACTIVITY_INTERVAL"
HEARTBEAT_PATH = "zhiben/activity"  # below the server's base URL; lib/activity.js posts here


def activity_file(folder: Path, user: str) -> Path:
    """``<user>.jsonl`` in ``folder``, or ``<user>.<uid>.jsonl`` when someone else made the first one."""
    path = Path(folder) / f"{user}.jsonl"
    try:
        if path.stat().st_uid != os.getuid():
            return Path(folder) / f"{user}.{os.getuid()}.jsonl"
    except FileNotFoundError:
        pass
    return path


class ActivityRecorder:
    """Appends the learner's heartbeats, and a line when the kernels' last activity has moved."""

    def __init__(self, serverapp, folder: Path, user: str, interval: float = 30):
        self.serverapp = serverapp
        self.path = activity_file(folder, user)
        self.user = user
        self.interval = interval
        self.last = None

    async def _open(self) -> list[str]:
        sessions = await self.serverapp.session_manager.list_sessions()
        return sorted({s.get("path", "") for s in sessions if s.get("path")})

    def _append(self, record: dict) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")

    async def sample(self) -> bool:
        """A ``kernel`` line when the kernels did something since the last sample."""
        moment = self.serverapp.kernel_manager.last_kernel_activity
        if self.last is not None and moment <= self.last:
            return False
        if self.last is None and not self.serverapp.kernel_manager.list_kernel_ids():
            return False  # a server that has run nothing has done nothing yet
        self.last = moment
        self._append({"user": self.user, "at": moment.isoformat(timespec="seconds"), "event": "kernel",
                      "open": await self._open()})
        return True

    async def heartbeat(self, ago: float, viewing: str | None) -> dict:
        """An ``active`` line: the learner acted ``ago`` seconds before now (at most one interval)."""
        ago = min(max(float(ago), 0.0), self.interval)
        moment = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=ago)
        record = {"user": self.user, "at": moment.isoformat(timespec="seconds"), "event": "active",
                  "source": "browser", "open": await self._open()}
        if isinstance(viewing, str) and viewing:
            record["viewing"] = viewing[:300]
        self._append(record)
        return record


def _handler_class():
    from jupyter_server.base.handlers import APIHandler
    from tornado import web

    class HeartbeatHandler(APIHandler):
        """GET: the heartbeat interval (the plugin's throttle); POST ``{"ago", "viewing"}``: one heartbeat."""

        @web.authenticated
        def get(self):
            self.finish(json.dumps({"interval": self.settings["zhiben_activity"].interval}))

        @web.authenticated
        async def post(self):
            try:
                body = json.loads(self.request.body or b"{}")
                ago = float(body.get("ago", 0))
            except (ValueError, TypeError, AttributeError) as err:
                raise web.HTTPError(400, "heartbeat: {\"ago\": seconds, \"viewing\": path}") from err
            await self.settings["zhiben_activity"].heartbeat(ago, body.get("viewing"))
            self.set_status(204)
            self.finish()

    return HeartbeatHandler


def _jupyter_server_extension_points():
    return [{"module": "zhiben_training.hub.activity"}]


def _load_jupyter_server_extension(serverapp) -> None:
    folder = os.environ.get(ACTIVITY_ENV)
    if not folder:
        return
    from jupyter_server.utils import url_path_join
    from tornado.ioloop import PeriodicCallback

    user = os.environ.get("JUPYTERHUB_USER") or os.environ.get("USER", "")
    seconds = float(os.environ.get(INTERVAL_ENV) or 30)
    recorder = ActivityRecorder(serverapp, Path(folder), user, interval=seconds)
    serverapp.web_app.settings["zhiben_activity"] = recorder
    route = url_path_join(serverapp.web_app.settings["base_url"], HEARTBEAT_PATH)
    serverapp.web_app.add_handlers(".*$", [(route, _handler_class())])
    PeriodicCallback(recorder.sample, seconds * 1000).start()
    serverapp.log.info("zhiben: recording activity for 学时 in %s (heartbeats at %s, kernels every %gs)",
                       recorder.path, route, seconds)
