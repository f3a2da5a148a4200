"""The trainee server's activity record for 学时 (a Jupyter server extension, enabled by the hub config).

Every ``ZHIBEN_ACTIVITY_INTERVAL`` seconds (30) the server looks at its kernels' last activity — a cell
run, a widget clicked, an answer chosen — and, when it moved, appends one line to a file of its own in
``ZHIBEN_ACTIVITY_DIR`` (the hub's ``activity/`` folder, mode 1733: anyone may add a file, only root
reads them): ``{"user", "at", "event": "active", "open": [notebooks with a kernel]}``. Polling by the
browser (file list, kernel list) is not activity, so a trainee who leaves the page open and walks away
stops adding lines; ``hub/hours.py`` turns the lines into 学时. The file's owner (the trainee's system
user) says whose it is. Outside the hub the variables are unset and nothing is recorded.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

__all__ = ["ACTIVITY_ENV", "INTERVAL_ENV", "ActivityRecorder", "activity_file"]

ACTIVITY_ENV = "ZHIBEN_ACTIVITY_DIR"
INTERVAL_ENV = "ZHIBEN_ACTIVITY_INTERVAL"


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
    """Appends a line when the kernels' last activity has moved since the previous sample."""

    def __init__(self, serverapp, folder: Path, user: str):
        self.serverapp = serverapp
        self.path = activity_file(folder, user)
        self.user = user
        self.last = None

    async def sample(self) -> bool:
        moment = self.serverapp.kernel_manager.last_kernel_activity
        if self.last is not None and moment <= self.last:
            return False
        if self.last is None and not self.serverapp.kernel_manager.list_kernel_ids():
            return False  # a server that has run nothing has done nothing yet
        self.last = moment
        sessions = await self.serverapp.session_manager.list_sessions()
        record = {"user": self.user, "at": moment.isoformat(timespec="seconds"), "event": "active",
                  "open": sorted({s.get("path", "") for s in sessions if s.get("path")})}
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        return True


def _jupyter_server_extension_points():
    return [{"module": "zhiben_training.hub.activity"}]


def _load_jupyter_server_extension(serverapp) -> None:
    folder = os.environ.get(ACTIVITY_ENV)
    if not folder:
        return
    from tornado.ioloop import PeriodicCallback

    user = os.environ.get("JUPYTERHUB_USER") or os.environ.get("USER", "")
    recorder = ActivityRecorder(serverapp, Path(folder), user)
    seconds = float(os.environ.get(INTERVAL_ENV) or 30)
    serverapp.web_app.settings["zhiben_activity"] = recorder
    PeriodicCallback(recorder.sample, seconds * 1000).start()
    serverapp.log.info("zhiben: recording activity for 学时 in %s every %gs", recorder.path, seconds)
