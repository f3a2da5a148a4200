"""学时 of a hub lesson session, from what the session recorded, under a crediting rule that is configuration.

What is recorded, per trainee (the hub user is the ID number):

* ``login`` / ``logout`` — the hub's own event log ``<course>/hub/events.jsonl`` (the authenticator and
  its logout handler write them, naming the hub's folder: an exam hub on the same course is another session);
* ``active`` — the learner's own actions on the page (mouse, keys, wheel, coming back to the tab), sent
  by the lab plugin at most once per heartbeat interval while the tab is visible and written by the
  trainee's server, as the trainee's system user, to a file of its own in ``<hub dir>/activity/``
  (``hub/activity.py``);
* ``kernel`` — the same server's note that its kernels did something, naming the lessons open: it
  tells which lessons were opened, but a kernel running by itself is not the learner, so it is no action;
* ``selfcheck`` — a submitted self-check in ``<hub dir>/selfchecks/`` (``lessons/room.py``), with its score.

The rule (``data/session_hours.json``, ``--rule FILE`` to override): an action is a login, a logout, an
``active`` heartbeat or a submitted self-check; between two recorded actions on one day, at most
``idle_limit_minutes`` count (无操作 time beyond the limit is not 学时); nothing counts
between a logout and the next action; ``minutes_per_hour`` active minutes make one 学时, rounded down to
a multiple of ``round_down_to``. No verified national or Tianjin text fixes these figures: they are
printed as 配置规则，非法定学时标准 wherever hours are shown.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from zhiben_training.assess import CourseRoot
from zhiben_training.errors import ConfigError
from zhiben_training.overrides import checked_number, read_override_file

if TYPE_CHECKING:
    from zhiben_training.registry import ImportResult, Registry

__all__ = ["CreditRule", "SessionEvent", "TraineeDay", "credit_rule", "session_events", "session_hours",
           "write_attendance_file", "import_session_hours", "BEIJING", "ACTIVITY_DIR", "lesson_number"]

BEIJING = dt.timezone(dt.timedelta(hours=8))
ACTIVITY_DIR = "activity"  # <hub dir>/activity/: the trainee servers' activity samples (mode 1733)
_RULE_KEYS = ("idle_limit_minutes", "minutes_per_hour", "round_down_to")


def lesson_number(path: str) -> str | None:
    """'课程/03_危大工程与超危大工程.ipynb' → '03'; other files → None."""
    name = Path(path).name
    return name[:2] if name.endswith(".ipynb") and name[:2].isdigit() and name[2:3] == "_" else None


@dataclass(frozen=True)
class CreditRule:
    idle_limit_minutes: float
    minutes_per_hour: float
    round_down_to: float
    label: str
    source: str  # "内置" or the override file

    def describe(self) -> str:
        """The rule in one Chinese sentence, labelled as configuration."""
        step = f"，不足 {self.round_down_to:g} 学时的部分舍去" if self.round_down_to else ""
        return (f"学时计算规则（{self.label}；来源：{self.source}）："
                f"操作指登录、退出、提交自测和学员在学习页面上的"
                f"鼠标、键盘、滚轮操作（页面在前台时记录，计算内核自行运行不算操作）；"
                f"两次操作之间最多计 {self.idle_limit_minutes:g} 分钟，"
                f"无操作超过 {self.idle_limit_minutes:g} 分钟的部分不计；退出登录后不计；"
                f"每 {self.minutes_per_hour:g} 分钟有效时间折合 1 学时{step}。")

    def credited(self, active_minutes: float) -> float:
        hours = active_minutes / self.minutes_per_hour
        if self.round_down_to:
            hours = math.floor(hours / self.round_down_to + 1e-9) * self.round_down_to
        return round(hours, 2)


def credit_rule(path: Path | None = None) -> CreditRule:
    """The shipped rule, with the values of the JSON object in ``path`` (if given) in its place."""
    data = json.loads(resources.files("zhiben_training").joinpath("data/session_hours.json")
                      .read_text("utf-8"))
    values = {key: data[key]["value"] for key in _RULE_KEYS}
    source = "内置 zhiben_training/data/session_hours.json"
    if path is not None:
        local = read_override_file(Path(path), what="学时计算规则", env="--rule",
                                   example='{"idle_limit_minutes": 10, "minutes_per_hour": 45}')
        unknown = sorted(set(local) - set(_RULE_KEYS))
        if unknown:
            raise ConfigError(f"学时计算规则 {path} 中有未知项：{'、'.join(unknown)}。",
                              hint=f"可设置的项：{'、'.join(_RULE_KEYS)}")
        for key, value in local.items():
            values[key] = checked_number(key, value, what="学时计算规则")
        source = str(path)
    if not values["minutes_per_hour"] or not values["idle_limit_minutes"]:
        raise ConfigError("学时计算规则中 idle_limit_minutes 和 minutes_per_hour 必须大于 0。")
    return CreditRule(**{k: float(v) for k, v in values.items()}, label=data["label"], source=source)


@dataclass(frozen=True)
class SessionEvent:
    user: str
    at: dt.datetime  # aware
    kind: str  # "login" | "logout" | "active" | "selfcheck" (actions) | "kernel" (lessons open, no action)
    lessons: tuple[str, ...] = ()  # lesson numbers open ("active", "kernel") or submitted ("selfcheck")
    points: int | None = None
    total: int | None = None


@dataclass(frozen=True)
class TraineeDay:
    """One trainee's session on one day (Beijing time)."""

    user: str
    date: dt.date
    first_login: dt.datetime | None
    last_logout: dt.datetime | None
    last_action: dt.datetime | None  # None: only kernel notes that day, no action of the learner
    active_minutes: float
    hours: float
    lessons_opened: tuple[str, ...]
    selfchecks: tuple[tuple[str, int, int], ...]  # (lesson, points, total), the latest per lesson


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _jsonl(path: Path) -> Iterable[dict]:
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line:
            try:
                yield json.loads(line)
            except ValueError:  # a line cut short by a server killed mid-write: the rest still counts
                continue


def session_events(course_root: Path, hub_dir: Path, *,
                   owner_to_user: Callable[[int], str] | None = None) -> list[SessionEvent]:
    """Every recorded event of the session, sorted by time. ``owner_to_user(uid)`` maps the owner of
    an activity or self-check file to its trainee (the hub's system users), or to None for an owner
    whose files are trusted as they are (root, who runs the hub); a file whose owner maps to another
    trainee than the one it names is not counted. Without it, the names in the files are taken."""
    out = []
    log = CourseRoot(course_root).events_log
    if log.exists():
        here = str(Path(hub_dir).resolve())  # an exam hub on the same course logs into the same file
        records = [r for r in _jsonl(log)
                   if r.get("event") in ("login", "logout") and r.get("hub", here) == here]
        staff = {r["user"] for r in records if r["event"] == "login" and r.get("role") != "trainee"}
        out += [SessionEvent(r["user"], _moment(r["at"]), r["event"]) for r in records
                if r["user"] not in staff]
    folder = Path(hub_dir) / ACTIVITY_DIR
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else ():
        owner = owner_to_user(path.stat().st_uid) if owner_to_user else None
        for record in _jsonl(path):
            user = record.get("user", "")
            if owner is not None and owner != user:
                continue
            lessons = tuple(sorted({n for n in map(lesson_number, record.get("open", [])) if n}))
            kind = "kernel" if record.get("event") == "kernel" else "active"
            out.append(SessionEvent(user, _moment(record["at"]), kind, lessons))
    checks = Path(hub_dir) / "selfchecks"
    for path in sorted(checks.glob("*.json")) if checks.is_dir() else ():
        record = json.loads(path.read_text(encoding="utf-8"))
        owner = owner_to_user(path.stat().st_uid) if owner_to_user else None
        if owner is not None and owner != record.get("user"):
            continue
        if record.get("at"):
            out.append(SessionEvent(record["user"], _moment(record["at"]), "selfcheck", (record["lesson"],),
                                    record["points"], record["total"]))
    return sorted(out, key=lambda e: (e.user, e.at, e.kind))


def _day(user: str, date: dt.date, events: list[SessionEvent], rule: CreditRule) -> TraineeDay:
    limit = dt.timedelta(minutes=rule.idle_limit_minutes)
    active = dt.timedelta()
    actions = [e for e in events if e.kind != "kernel"]
    for before, after in zip(actions, actions[1:], strict=False):
        if before.kind != "logout":  # nothing counts between a logout and the next action
            active += min(after.at - before.at, limit)
    minutes = active.total_seconds() / 60
    logins = [e.at for e in events if e.kind == "login"]
    logouts = [e.at for e in events if e.kind == "logout"]
    checks = {e.lessons[0]: (e.lessons[0], e.points, e.total) for e in events if e.kind == "selfcheck"}
    opened = {n for e in events if e.kind in ("active", "kernel", "selfcheck") for n in e.lessons}
    return TraineeDay(user=user, date=date, first_login=min(logins, default=None),
                      last_logout=max(logouts, default=None), last_action=actions[-1].at if actions else None,
                      active_minutes=round(minutes, 2), hours=rule.credited(minutes),
                      lessons_opened=tuple(sorted(opened)),
                      selfchecks=tuple(checks[k] for k in sorted(checks)))


def session_hours(events: Iterable[SessionEvent], rule: CreditRule) -> list[TraineeDay]:
    """Per trainee and day (Beijing), the active minutes and the 学时 the rule credits; sorted."""
    grouped: dict[tuple[str, dt.date], list[SessionEvent]] = {}
    for event in sorted(events, key=lambda e: (e.user, e.at, e.kind)):
        grouped.setdefault((event.user, event.at.astimezone(BEIJING).date()), []).append(event)
    return [_day(user, date, grouped[(user, date)], rule) for user, date in sorted(grouped)]


ATTENDANCE_HEADER = ["身份证号", "培训轮次", "培训日期", "学时"]


def write_attendance_file(days: Iterable[TraineeDay], *, round_id: str, path: Path) -> Path:
    """The credited days (hours > 0) as an attendance file in the format of ``zhiben import attendance``
    (mode 0600: it holds full ID numbers, and the hub's folder is traversable by trainee servers)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with open(fd, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ATTENDANCE_HEADER)
        for day in days:
            if day.hours > 0:
                writer.writerow([day.user, round_id, day.date.isoformat(), f"{day.hours:g}"])
    return path


def import_session_hours(registry: Registry, days: Iterable[TraineeDay], *, round_id: str,
                         path: Path) -> ImportResult | None:
    """Write the credited days to ``path`` and import it exactly as ``zhiben import attendance`` does
    (every row validated, all or nothing, a per-row report next to the file, audited). Importing the
    same session again changes nothing. Returns None when no day earned any 学时."""
    days = [day for day in days if day.hours > 0]
    if not days:
        return None  # nothing credited: nothing to import (an empty file would be refused)
    write_attendance_file(days, round_id=round_id, path=path)
    return registry.import_file("attendance", path, actor="zhiben hub hours")
