"""Fast, sandboxed autograde that writes nbgrader's gradebook — and never a score the trainee's
answers did not earn.

Per submission: a fresh kernel forked by the sandboxed zygote into a private scratch folder runs
setup, the trainee's answer cells and the variant's capture cells (never the submission's). The
capture cells publish answers as plain JSON; outside any kernel, each answer is scored with
``score_item`` against the examiner-only key and stored in nbgrader's gradebook.

What the trainee's code does to its own kernel (dies, overruns) scores that item and the rest 0
with the reason. A failure of the machinery (``_supervisor``: fork server or worker death, a kernel
that never starts, a scorer or disk error) is retried once, then the submission is 未评分（评分系统
故障）: no gradebook row, not marked done (a rerun grades it), refused by ``assess import``.

A paper without any code item (the A paper by default: every item is clicked or typed into a
text box) is graded with no kernel at all: ``needs_kernel`` reads the assignment's source notebook,
and without a code answer cell no fork server, sandbox or kernel starts (``KernelFreeGrader``:
the answers read as data in ``workers`` forked processes, the gradebook written here).

Resumable: the assignment's autograde state (``CourseRoot.autograde_state``) records, per trainee,
the SHA-256 of the graded file and the isolation level, or the cause of a fault; the fork servers'
stderr goes to ``CourseRoot.autograde_logs``. It also keeps which file the gradebook's rows belong to
(``basis``): a newly collected file is a new submission and starts with no manual grade — the
examiner's marks and comments on the old file are dropped, kept in ``dropped_manual`` and named by
``assess import`` in the audit log.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from zhiben_training.assess import nbgrader_adapter as nbg
from zhiben_training.assess.grading._kernel_free import KernelFreeGrader
from zhiben_training.assess.grading._supervisor import GradingPool, _Job, exit_on_first_sigterm
from zhiben_training.assess.grading.sandbox import (
    Limits,
    bwrap_available,
    describe_isolation,
    isolation_level,
)
from zhiben_training.assess.layout import NOTEBOOK_NAME, CourseRoot
from zhiben_training.errors import AssessmentError, GradingIncompleteError

__all__ = ["AutogradeSummary", "autograde", "submissions", "grading_status", "require_fully_graded",
           "dropped_manual_grades", "UNGRADED_LABEL"]

UNGRADED_LABEL = "未评分（评分系统故障）"


@dataclass
class AutogradeSummary:
    assignment_id: str
    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)  # student -> reason (partial/zero, the trainee's)
    ungraded: dict[str, str] = field(default_factory=dict)  # student -> cause (the machine's; no score)
    manual_dropped: dict[str, str] = field(default_factory=dict)  # student -> which manual grades
                                                                  # a new file voided
    tampering: dict[str, list] = field(default_factory=dict)  # student -> CellFindings (integrity),
                                                              # found while grading
    isolation: str = ""
    isolation_note: str = ""
    retries: int = 0
    worker_restarts: int = 0
    seconds: float = 0.0
    kernels: bool = True  # False: the paper has no code item, graded as data without any kernel
    log_dir: str = ""  # the fork servers' stderr, where a fault's cause is told in full

    def require_complete(self) -> None:
        """Raise GradingIncompleteError (exit 4) when this run left any paper 未评分: no score was kept
        for it, and results may not be used until a rerun grades it."""
        if self.ungraded:
            what = f"考核 {self.assignment_id}：{len(self.ungraded)} 份答卷{UNGRADED_LABEL}，没有记入任何分数"
            hint = f"查看 {self.log_dir or '评分日志'} 后重新运行 zhiben assess autograde。"
            raise _incomplete(self.ungraded, what, hint=hint)


def _incomplete(open_: dict[str, str], what: str, *, hint: str) -> GradingIncompleteError:
    """The one 未评分 error: ``what`` and up to ten trainees with their cause (all in ``ungraded``)."""
    listing = "；".join(f"{s}（{c}）" for s, c in sorted(open_.items())[:10])
    more = f"等 {len(open_)} 份" if len(open_) > 10 else ""
    return GradingIncompleteError(f"{what}：{listing}{more}。", ungraded=open_, hint=hint)


def submissions(course_root: Path, assignment: str) -> list[str]:
    return CourseRoot(course_root).submitted_trainees(assignment)


def needs_kernel(course_root: Path, assignment: str) -> bool:
    """Whether the assignment has an item answered with code (every variant shares the source's
    structure). Click items and written answers are read as data, so a paper of only those needs
    no kernel. An unreadable source notebook counts as needing one (the sandboxed path)."""
    from zhiben_training.assess.grading.submission import click_specs, read_own

    try:  # written by ``generate``: read without schema validation (0.4 s)
        source = read_own(CourseRoot(course_root).source_notebook(assignment))
    except (OSError, ValueError, KeyError, AttributeError):
        return True
    clicks = click_specs(source)
    return any(c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")
               and c.metadata["nbgrader"].get("grade_id") not in clicks for c in source.cells)


def _state_path(course_root: Path, aid: str) -> Path:
    return CourseRoot(course_root).autograde_state(aid)


def _load_state(path: Path) -> dict:
    if not path.exists():
        return {"graded": {}, "ungraded": {}}
    raw = json.loads(path.read_text(encoding="utf-8"))
    if "graded" not in raw:  # the first format: student -> sha256
        return {"graded": {s: {"sha256": sha, "isolation": ""} for s, sha in raw.items()}, "ungraded": {}}
    return raw


def _save_state(path: Path, state: dict) -> None:
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def _sha(course_root: Path, student: str, aid: str) -> str:
    path = CourseRoot(course_root).submitted_notebook(aid, student)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def grading_status(course_root: Path, assignment: str) -> dict[str, dict]:
    """Per collected submission: ``{"status": "graded" | "ungraded" | "pending", ...}``.
    ``graded`` only when the gradebook's score belongs to the file collected now."""
    state = _load_state(_state_path(course_root, assignment))
    out = {}
    for student in submissions(course_root, assignment):
        sha = _sha(course_root, student, assignment)
        done = state["graded"].get(student, {})
        fault = state["ungraded"].get(student, {})
        if done.get("sha256") == sha:
            out[student] = {"status": "graded", "isolation": done.get("isolation", "")}
        elif fault.get("sha256") == sha:
            out[student] = {"status": "ungraded", "cause": fault.get("cause", "")}
        else:
            out[student] = {"status": "pending", "cause": "尚未评分或答卷已更新"}
    return out


def require_fully_graded(course_root: Path, assignment: str) -> None:
    """Raise GradingIncompleteError unless every collected submission is graded as it is now."""
    open_ = {s: v.get("cause", "") for s, v in grading_status(course_root, assignment).items()
             if v["status"] != "graded"}
    if open_:
        raise _incomplete(open_, f"考核 {assignment} 有 {len(open_)} 份答卷{UNGRADED_LABEL}或尚未评分，"
                                 "未导入任何成绩",
                          hint=f"先重新运行 zhiben assess autograde --course {course_root} {assignment}。")


_MAX_TEMP_PREFIX = 60  # kernels talk over ipc sockets under it: Unix socket paths end at 107 bytes


def _short_temp_dir() -> str:
    """TMPDIR when its path leaves room for the kernels' ipc socket paths, else /tmp."""
    folder = tempfile.gettempdir()
    return folder if len(os.fsencode(folder)) <= _MAX_TEMP_PREFIX else "/tmp"


def _basis(state: dict) -> dict[str, str]:
    """student -> SHA-256 of the file the gradebook's rows were graded from (older state files: the
    graded one)."""
    return state.setdefault("basis", {s: v["sha256"] for s, v in state.get("graded", {}).items()})


def dropped_text(entry: dict) -> str:
    """The manual grades a new submission voided, in Chinese, e.g. "w01 原人工评分 10 分已作废（…）"."""
    items = "、".join(f"{d['item']} 原人工评分 {d['score']:g} 分"
                     + (f"（评语：{d['comment']}）" if d.get("comment") else "")
                     for d in entry["items"])
    return (f"{items}已作废：考生重新交卷（答卷 SHA-256 由 {entry['old_sha256'][:12]}… "
            f"变为 {entry['sha256'][:12]}…），"
            "新答卷须重新人工评分")


def dropped_manual_grades(course_root: Path, assignment: str) -> dict[str, str]:
    """student -> the manual grades voided when their current file was first graded (Chinese)."""
    state = _load_state(_state_path(course_root, assignment))
    basis = _basis(state)
    return {s: dropped_text(e) for s, e in state.get("dropped_manual", {}).items()
            if basis.get(s) == e["sha256"]}


class _SigtermAsExit:
    """While grading, SIGTERM unwinds like Ctrl-C, so workers, sandboxes and scratch are cleaned up;
    a second SIGTERM during that clean-up is ignored rather than cutting it short."""

    def __enter__(self):
        self.previous = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGTERM, exit_on_first_sigterm)
        return self

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)


def _check_isolation(level: str, *, allow_unsandboxed: bool) -> None:
    if level == "none" and not allow_unsandboxed:
        raise AssessmentError(
            "拒绝评分：本机既不能使用 bubblewrap 沙箱，也不能让每份答卷以独立用户运行，"
            "答卷中的代码将以评分人自己的身份运行，可以读写成绩册和答案。",
            hint="以 root 运行评分，或在允许用户命名空间的机器上评分；"
                 "确需无隔离评分时加 --allow-unsandboxed，"
                 "隔离级别会写入每份评分笔记本和成绩导出。")


def autograde(course_root: Path, assignment: str, *, workers: int = 2, limits: Limits | None = None,
              use_bwrap: bool | None = None, force: bool = False, students: list[str] | None = None,
              progress: bool = True, scorer: Callable | None = None,
              allow_unsandboxed: bool = False) -> AutogradeSummary:
    """Grade every collected submission of ``assignment`` that is new, changed, or 未评分 since the
    last run. Submissions left 未评分 are in ``summary.ungraded``; ``summary.require_complete()`` raises
    the error (exit 4) that says so."""
    started = time.perf_counter()
    course_root = Path(course_root)
    limits = limits or Limits()
    bwrap = bwrap_available() if use_bwrap is None else use_bwrap
    level = isolation_level(use_bwrap=bwrap)
    _check_isolation(level, allow_unsandboxed=allow_unsandboxed)
    summary = AutogradeSummary(assignment, isolation=level, isolation_note=describe_isolation(level),
                               log_dir=f"{CourseRoot(course_root).autograde_logs}/")
    todo = [s for s in submissions(course_root, assignment) if students is None or s in students]
    if not todo:
        raise AssessmentError(f"考核 {assignment} 没有可评分的答卷。", hint="先运行 zhiben assess collect。")
    state_file = _state_path(course_root, assignment)
    previous = _load_state(state_file)
    state = previous if not force else {"graded": {}, "ungraded": {}, "basis": _basis(previous),
                                        "dropped_manual": previous.get("dropped_manual", {})}
    pending, shas = [], {}
    for student in todo:
        shas[student] = _sha(course_root, student, assignment)
        done = state["graded"].get(student, {}).get("sha256") == shas[student]
        (summary.skipped if done else pending).append(student)
    if not pending:
        summary.seconds = round(time.perf_counter() - started, 3)
        return summary
    log_dir = CourseRoot(course_root).autograde_logs
    log_dir.mkdir(parents=True, exist_ok=True)
    summary.kernels = needs_kernel(course_root, assignment)
    if summary.kernels:
        work_base = Path(tempfile.mkdtemp(prefix="zhiben-grade-", dir=_short_temp_dir()))
        os.chmod(work_base, 0o711)
    else:
        work_base = log_dir  # nothing runs, so no scratch folders
    job = _Job(course_root=course_root, assignment=assignment, work_base=work_base, log_dir=log_dir,
               use_bwrap=bwrap, limits=limits, scorer=scorer, isolation=level)
    pool = None
    with _SigtermAsExit(), tqdm(total=len(pending), disable=not progress, desc=f"评分 {assignment}",
                                unit="份") as bar:
        try:
            pool = (GradingPool(job, workers=workers) if summary.kernels
                    else KernelFreeGrader(job, workers=workers, count=len(pending)))
            with nbg.AutogradeWriter(course_root) as writer:
                batch = _Batch(state, state_file, summary, writer, isolation=level)
                try:
                    for kind, student, payload in pool.grade(pending):
                        batch.settle(kind, student, payload, sha=shas[student])
                        bar.update(1)
                        if summary.ungraded:
                            bar.set_postfix_str(f"{UNGRADED_LABEL} {len(summary.ungraded)} 份")
                finally:  # what was graded before an interruption is kept (a rerun grades the rest)
                    batch.flush()
        finally:
            if pool is not None:
                pool.close()
                summary.retries, summary.worker_restarts = pool.retries, pool.worker_restarts
    summary.graded.sort()
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


class _Batch:
    """Outcomes of a run on their way into the gradebook and the state file. Graded results are
    staged and written ``FLUSH_EVERY`` submissions (or ``FLUSH_SECONDS``) at a time in one
    gradebook transaction; the state file is saved after that commit, so it never names a
    submission graded whose rows are not in the gradebook (a run killed between the two re-grades
    the batch, which writes the same rows). A fault is never a row: state only."""

    FLUSH_EVERY = 100
    FLUSH_SECONDS = 5.0

    def __init__(self, state: dict, state_file: Path, summary: AutogradeSummary, writer, *, isolation: str):
        self.state, self.state_file, self.summary, self.writer = state, state_file, summary, writer
        self.isolation = isolation
        self.graded: list[dict] = []
        self.since = time.monotonic()

    def settle(self, kind: str, student: str, payload, *, sha: str) -> None:
        state = self.state
        if kind == "graded":
            basis = _basis(state)
            new_submission = basis.get(student) not in (None, payload["sha256"])
            self.writer.record(assignment_id=self.summary.assignment_id, student_id=student,
                               notebook_id=NOTEBOOK_NAME, rows=payload["rows"],
                               timestamp=payload["timestamp"], drop_manual=new_submission)
            self.graded.append(payload)
            if len(self.graded) >= self.FLUSH_EVERY or time.monotonic() - self.since >= self.FLUSH_SECONDS:
                self.flush()
        else:
            state["graded"].pop(student, None)
            state["ungraded"][student] = {"sha256": sha, "cause": payload}
            self.summary.ungraded[student] = payload

    def flush(self) -> None:
        """Commit the staged rows, then record them graded in the state file (in that order)."""
        dropped = self.writer.flush()
        state, summary = self.state, self.summary
        basis = _basis(state)
        for payload in self.graded:
            student = payload["student"]
            if dropped.get(student):
                entry = {"sha256": payload["sha256"], "old_sha256": basis[student], "items": dropped[student]}
                state.setdefault("dropped_manual", {})[student] = entry
                summary.manual_dropped[student] = dropped_text(entry)
            basis[student] = payload["sha256"]
            state["graded"][student] = {"sha256": payload["sha256"], "isolation": self.isolation}
            state["ungraded"].pop(student, None)
            summary.graded.append(student)
            if payload["reason"]:
                summary.problems[student] = payload["reason"]
            if payload.get("tampering"):
                summary.tampering[student] = payload["tampering"]
        self.graded = []
        self.since = time.monotonic()
        _save_state(self.state_file, state)
