"""A lesson session in a room: each trainee's self-check result, dropped where the trainer can see it.

On the hub each trainee's server has ``ZHIBEN_SELFCHECK_DIR`` set to the session's drop folder
(mode 1733: everyone may add a file, nobody but root may list or read). Pressing "提交自测" writes
``<lesson>-<trainee>.json`` there with the points; the file's owner (the trainee's own system
user) says whose it is, whatever the name says. Outside the hub the variable is unset and
nothing is written. ``finished`` reads the folder for ``zhiben hub selfchecks``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pwd
from pathlib import Path

from zhiben_training.lessons.notebooks import practice as practice_notebook
from zhiben_training.lessons.practice import PRACTICE_RECORD

__all__ = ["DROP_ENV", "record_result", "finished", "lesson_label"]

DROP_ENV = "ZHIBEN_SELFCHECK_DIR"


def record_result(lesson: str, points: int, total: int, answered: bool) -> Path | None:
    folder = os.environ.get(DROP_ENV)
    if not folder:
        return None
    who = os.environ.get("JUPYTERHUB_USER") or pwd.getpwuid(os.getuid()).pw_name
    path = Path(folder) / f"{lesson}-{who}.json"
    record = {"lesson": lesson, "user": who, "points": points, "total": total, "all_answered": answered,
              "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return path


def finished(folder: Path, *, owner_to_user=None) -> list[dict]:
    """One row per (trainee, lesson): the latest self-check result. ``owner_to_user(uid)`` maps a
    file's owner to the trainee (the hub's system user naming); a file whose owner does not match
    its stated user is skipped."""
    rows = {}
    for path in sorted(Path(folder).glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if owner_to_user is not None and owner_to_user(path.stat().st_uid) != record.get("user"):
            continue
        rows[(record["user"], record["lesson"])] = record
    return [rows[key] for key in sorted(rows)]


def lesson_label(lesson: str) -> str:
    """A result's lesson as a trainer reads it: ``"03"`` → 第03课; the practice notebook and its
    recorded results → 模拟练习."""
    return "模拟练习" if lesson in (practice_notebook.NUMBER, PRACTICE_RECORD) else f"第{lesson}课"
