"""Fast, sandboxed autograde that writes nbgrader's gradebook.

Per submission: a fresh kernel forked by the sandboxed zygote into a private scratch folder runs
setup, the trainee's answer cells and the variant's capture cells (never the submission's). The
capture cells publish answers as plain JSON; here, outside any kernel, each answer is scored with
``score_item`` against the examiner-only key and stored in nbgrader's gradebook (``nbgrader_adapter.record_autograde``).

Parallel: a pool of ``workers`` processes (``_worker``), each with its own sandboxed zygote, drives
one kernel at a time and keeps the next kernel booting while the current one runs; this process
only writes the gradebook and the state file. A kernel that dies or overruns its wall clock is killed; that item and the rest score 0 with the
reason. Resumable: ``.autograde/<assignment>.json`` maps student -> SHA-256 of the graded file.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import multiprocessing as mp
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from zhiben_training.assess import nbgrader_adapter as nbg
from zhiben_training.assess._worker import (
    default_scorer,
    grade_failed,
    grade_in_worker,
    init_worker,
    write_autograded,
)
from zhiben_training.assess.notebooks import NOTEBOOK_NAME
from zhiben_training.assess.sandbox import Limits, bwrap_available, isolation_level
from zhiben_training.errors import AssessmentError

__all__ = ["AutogradeSummary", "autograde", "submissions"]

@dataclass
class AutogradeSummary:
    assignment_id: str
    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)  # student -> reason (partial/zero)
    isolation: str = ""
    seconds: float = 0.0


def submissions(course_root: Path, assignment: str) -> list[str]:
    base = Path(course_root) / "submitted"
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / assignment / f"{NOTEBOOK_NAME}.ipynb").exists())


def _state_path(course_root: Path, aid: str) -> Path:
    return Path(course_root) / ".autograde" / f"{aid}.json"


def _save_state(path: Path, state: dict) -> None:
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=0), encoding="utf-8")
    tmp.replace(path)


def _store(writer: nbg.AutogradeWriter, aid: str, graded: dict) -> None:
    writer.record(assignment_id=aid, student_id=graded["student"], notebook_id=NOTEBOOK_NAME,
                  graded=graded["graded"], comments=graded["comments"], timestamp=graded["timestamp"])


def autograde(course_root: Path, assignment: str, *, workers: int = 2, limits: Limits | None = None,
              use_bwrap: bool | None = None, force: bool = False, students: list[str] | None = None,
              progress: bool = True, scorer: Callable | None = None) -> AutogradeSummary:
    """Grade every collected submission of ``assignment`` that is new or changed since last run."""
    started = time.perf_counter()
    course_root = Path(course_root)
    limits = limits or Limits()
    bwrap = bwrap_available() if use_bwrap is None else use_bwrap
    summary = AutogradeSummary(assignment, isolation=isolation_level(use_bwrap=bwrap))
    todo = [s for s in submissions(course_root, assignment) if students is None or s in students]
    if not todo:
        raise AssessmentError(f"考核 {assignment} 没有可评分的答卷。", hint="先运行 zhiben assess collect。")
    state_file = _state_path(course_root, assignment)
    state = {} if force or not state_file.exists() else json.loads(state_file.read_text(encoding="utf-8"))
    pending = []
    for student in todo:
        sha = hashlib.sha256((course_root / "submitted" / student / assignment / f"{NOTEBOOK_NAME}.ipynb").read_bytes()).hexdigest()
        (summary.skipped if state.get(student) == sha else pending).append(student)
    work_base = Path(tempfile.mkdtemp(prefix="zhiben-grade-"))
    os.chmod(work_base, 0o711)
    context = mp.get_context("fork")
    slots = context.Queue()
    for index in range(max(1, workers)):
        slots.put(index)
    try:
        with cf.ProcessPoolExecutor(max_workers=max(1, workers), mp_context=context, initializer=init_worker,
                                    initargs=(str(work_base), bwrap, limits, slots)) as pool, \
                tqdm(total=len(pending), disable=not progress, desc=f"评分 {assignment}", unit="份") as bar, \
                nbg.AutogradeWriter(course_root) as writer:
            futures = {pool.submit(grade_in_worker, course_root, assignment, s, scorer): s for s in pending}
            for future in cf.as_completed(futures):
                student = futures[future]
                try:
                    graded = future.result()
                except Exception as exc:  # fail closed: this submission scores 0 with the reason
                    graded = grade_failed(course_root, assignment, student, scorer or default_scorer(),
                                          f"评分过程出错（{type(exc).__name__}: {str(exc)[:120]}）")
                    write_autograded(course_root, assignment, graded)
                _store(writer, assignment, graded)
                state[graded["student"]] = graded["sha256"]
                _save_state(state_file, state)
                summary.graded.append(graded["student"])
                if graded["reason"]:
                    summary.problems[graded["student"]] = graded["reason"]
                bar.update(1)
    finally:
        shutil.rmtree(work_base, ignore_errors=True)
    summary.graded.sort()
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary
