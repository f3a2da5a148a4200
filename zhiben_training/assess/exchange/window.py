"""The exam window of an assignment: when it opens and closes, what a late submission gets, and
individual extensions, every change logged.

The window is a small JSON file in the exchange (``CourseRoot.window_file``,
0644, written by the examiner as root) so that the trainee's own server, which runs the
exchange's submit, can read it and refuse a late submission before anything is written. Changes
are appended to the hub's events log (examiner-only) with who made them. Times are stored in UTC
and shown to people in Beijing time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from zhiben_training.assess.layout import CourseRoot
from zhiben_training.errors import AssessmentError

__all__ = ["Window", "LATE_POLICIES", "set_window", "extend", "load_window", "windows_dir",
           "submission_refusal", "login_refusal", "is_late", "log_event", "events", "beijing"]

LATE_POLICIES = {"refuse": "迟交拒收", "mark": "迟交接收并标记"}
_BEIJING = dt.timezone(dt.timedelta(hours=8), "北京时间")


def beijing(moment: dt.datetime, *, seconds: bool = False) -> str:
    return (moment.astimezone(_BEIJING).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
            + "（北京时间）")


def _utc(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC) if text else None


@dataclass(frozen=True)
class Window:
    assignment: str
    opens_at: str
    closes_at: str
    late: str = "refuse"
    late_until: str | None = None  # with late="mark": the last moment a late paper is taken
    extensions: dict[str, str] = field(default_factory=dict)

    def deadline(self, trainee: str) -> dt.datetime:
        return _utc(self.extensions.get(trainee, self.closes_at))

    def last_moment(self, trainee: str) -> dt.datetime:
        """After this nothing is taken from ``trainee``, late or not."""
        own = self.deadline(trainee)
        if self.late == "mark" and self.late_until:
            return max(own, _utc(self.late_until))
        return own


def windows_dir(course_root: Path) -> Path:
    return CourseRoot(course_root).windows_dir


def load_window(course_root: Path, assignment: str) -> Window | None:
    path = CourseRoot(course_root).window_file(assignment)
    if not path.exists():
        return None
    return Window(**json.loads(path.read_text(encoding="utf-8")))


def _write(course_root: Path, window: Window) -> None:
    folder = windows_dir(course_root)
    folder.mkdir(parents=True, exist_ok=True)
    for part in (folder.parent, folder):
        part.chmod(0o755)
    tmp = folder / f".{window.assignment}.tmp"
    tmp.write_text(json.dumps(asdict(window), ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.chmod(0o644)
    os.replace(tmp, folder / f"{window.assignment}.json")


def log_event(course_root: Path, event: str, **details) -> None:
    """Append one examiner-side event to the hub's ``events.jsonl`` (the folder is examiner-only)."""
    path = CourseRoot(course_root).events_log
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    record = {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "event": event, **details}
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def events(course_root: Path) -> list[dict]:
    path = CourseRoot(course_root).events_log
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def set_window(course_root: Path, assignment: str, *, opens_at: dt.datetime, closes_at: dt.datetime,
               late: str = "refuse", late_until: dt.datetime | None = None, by: str = "") -> Window:
    """Set (or move) the exam window, log the change, and make its closing time nbgrader's due date, so a
    paper taken late (late policy "mark") is marked late in the gradebook by nbgrader's own rule."""
    from zhiben_training.assess.nbgrader_adapter import set_due_date  # nbgrader: not for a hub login

    if late not in LATE_POLICIES:
        raise AssessmentError(f"迟交规则只能是 {'、'.join(LATE_POLICIES)}，不是 {late}。")
    if closes_at <= opens_at:
        raise AssessmentError("考试结束时间必须晚于开始时间。")
    old = load_window(course_root, assignment)
    window = Window(assignment, opens_at.astimezone(dt.UTC).isoformat(),
                    closes_at.astimezone(dt.UTC).isoformat(),
                    late, late_until.astimezone(dt.UTC).isoformat() if late_until else None,
                    dict(old.extensions) if old else {})
    _write(course_root, window)
    set_due_date(course_root, assignment, closes_at)
    log_event(course_root, "window", assignment=assignment, by=by, opens_at=window.opens_at,
              closes_at=window.closes_at, late=late, late_until=window.late_until)
    return window


def extend(course_root: Path, assignment: str, trainee: str, *, until: dt.datetime, by: str = "") -> Window:
    """An individual extension for one trainee (e.g. a machine fault during the exam)."""
    old = load_window(course_root, assignment)
    if old is None:
        raise AssessmentError(f"考核 {assignment} 尚未设置考试时间。", hint="先运行 zhiben hub window。")
    window = Window(**{**asdict(old),
                       "extensions": {**old.extensions, trainee: until.astimezone(dt.UTC).isoformat()}})
    _write(course_root, window)
    log_event(course_root, "extension", assignment=assignment, trainee=trainee, by=by,
              until=window.extensions[trainee])
    return window


def is_late(window: Window | None, trainee: str, when: dt.datetime) -> bool:
    return window is not None and when > window.deadline(trainee)


def submission_refusal(window: Window | None, trainee: str, now: dt.datetime) -> str | None:
    """Why a submission now is refused (Chinese), or None when it is taken."""
    if window is None:
        return None
    if now < _utc(window.opens_at):
        return f"考试尚未开始（{beijing(_utc(window.opens_at))} 开始），现在不能交卷。"
    if now > window.last_moment(trainee):
        return (f"考试已于 {beijing(window.deadline(trainee))} 结束，本次交卷未被接收，也没有保存任何文件。"
                "如有特殊情况请联系考核人员。")
    return None


def login_refusal(course_root: Path):
    """The hub's check for a trainee's login: None when the exam is open for them."""

    def refusal(assignment: str | None, trainee: str, now: dt.datetime) -> str | None:
        window = load_window(course_root, assignment) if assignment else None
        if window is None:
            return None
        if now < _utc(window.opens_at):
            return f"考试将于 {beijing(_utc(window.opens_at))} 开始，请届时再登录。"
        if now > window.last_moment(trainee):
            return f"本场考试已于 {beijing(window.deadline(trainee))} 结束，准考证已失效，不能再登录。"
        return None

    return refusal
