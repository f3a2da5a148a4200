"""Fast, sandboxed autograde that writes nbgrader's gradebook.

Per submission: a fresh kernel forked by the sandboxed zygote into a private scratch folder runs
setup, the trainee's answer cells and the variant's capture cells (never the submission's). The
capture cells publish answers as plain JSON; here, outside any kernel, each answer is scored with
``score_item`` against the examiner-only key and stored through nbgrader's SaveAutoGrades.

Parallel: ``workers`` threads each drive one kernel at a time (the work happens in the kernel
processes, spread over the cores) and keep the next kernel booting while the current one runs.
A kernel that dies or overruns its wall clock is killed; that item and the rest score 0 with the
reason. Resumable: ``.autograde/<assignment>.json`` maps student -> SHA-256 of the graded file.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import hashlib
import json
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import nbformat
from tqdm import tqdm

from zhiben_training.assess import nbgrader_adapter as nbg
from zhiben_training.assess._kernel import TrainingKernel
from zhiben_training.assess.notebooks import NOTEBOOK_NAME
from zhiben_training.assess.release import load_keys, variant_dir
from zhiben_training.assess.sandbox import SANDBOX_UID_BASE, Limits, Zygote, bwrap_available, isolation_level
from zhiben_training.assess.submission import captured_answer, graded_notebook, load_submission, make_plan
from zhiben_training.errors import AssessmentError

__all__ = ["AutogradeSummary", "autograde", "submissions"]

_DEAD = {"dead": "内核意外终止", "timeout": "超出时间限制，内核已被终止",
         "garbled": "内核发出的消息无法解析（答卷篡改了内核的通信），内核已被终止"}


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


def _default_scorer() -> Callable:
    from zhiben_training.assess.papers import score_item

    return score_item


def _item(data: dict):
    try:
        from zhiben_training.assess.papers import PaperItem

        return PaperItem(**data)
    except (ImportError, TypeError):
        return SimpleNamespace(**data)


class _Runner:
    """Kernel driver shared by the worker threads; one spare kernel per thread."""

    def __init__(self, zygote: Zygote, limits: Limits):
        self.zygote, self.limits = zygote, limits
        self._local = threading.local()
        self._uid = 0
        self._lock = threading.Lock()
        self._spares: list[TrainingKernel] = []

    def _new_kernel(self) -> TrainingKernel:
        with self._lock:
            uid = SANDBOX_UID_BASE + self._uid % 128
            self._uid += 1
        kernel = TrainingKernel(self.zygote, uid=uid, limits=self.limits)
        with self._lock:
            self._spares.append(kernel)
        return kernel

    def run(self, plan, files: dict[str, Path]) -> dict:
        """Execute a plan; return {grade_id: outputs} for answers, and per test cell an answer record."""
        kernel = getattr(self._local, "spare", None) or self._new_kernel()
        self._local.spare = self._new_kernel()  # boots while this submission runs
        result = {"outputs": {}, "answers": {}, "stopped": "", "stopped_at": None}
        try:
            for name, path in files.items():
                target = kernel.scratch / name
                shutil.copyfile(path, target)
                if self.zygote.per_uid:
                    import os

                    os.chown(target, kernel.uid, kernel.uid)
            if not kernel.connect():
                result["stopped"] = kernel.dead_reason
                return result
            deadline = time.monotonic() + self.limits.wall_seconds
            for kind, gid, code in plan.steps:
                run = kernel.run_cell(code, deadline=deadline)
                if kind == "answer":
                    result["outputs"][gid] = run.outputs
                if run.status in _DEAD:
                    result["stopped"] = _DEAD[run.status]
                    result["stopped_at"] = gid
                    return result
                if kind == "test":
                    result["answers"][gid] = captured_answer(run.outputs)
            return result
        finally:
            kernel.kill()
            with self._lock:
                self._spares.remove(kernel)

    def close(self) -> None:
        for kernel in list(self._spares):
            kernel.kill()


def _timestamp(folder: Path) -> dt.datetime | None:
    path = folder / "timestamp.txt"
    if not path.exists():
        return None
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(path.read_text(encoding="utf-8").strip())
    except (ValueError, TypeError):
        return None


def _score(keys: dict, plan, result: dict, scorer: Callable) -> tuple[dict, dict, str]:
    """Scores per test grade_id and comments per answer grade_id (Chinese)."""
    scores, comments = {}, {}
    items = {f"{d['item_id']}-test": d for d in keys["items"] if d["kind"] != "written"}
    reason = "；".join(r for r in (plan.problem, result.get("stopped", "")) if r)
    for gid, data in items.items():
        answer_gid = gid.replace("-test", "-answer")
        if gid in result["answers"]:
            answered, value, why = result["answers"][gid]
            if answered:
                points, text = scorer(_item(data), value)
                points = max(0.0, min(float(points), float(data["points"])))
            else:
                points, text = 0.0, f"未作答或答案无法识别（{why}）"
        else:
            points, text = 0.0, f"本题记 0 分：{reason or '未执行'}"
        scores[gid] = points
        comments[answer_gid] = text
    return scores, comments, reason


def _grade_one(course_root: Path, aid: str, student: str, runner: _Runner, scorer: Callable) -> dict:
    """Everything for one submission except the gradebook write (safe to run in a worker thread)."""
    folder = Path(course_root) / "submitted" / student / aid
    data = (folder / f"{NOTEBOOK_NAME}.ipynb").read_bytes()
    variant_folder = variant_dir(course_root, aid, student)
    variant = nbformat.read(variant_folder / f"{NOTEBOOK_NAME}.ipynb", as_version=4)
    keys = load_keys(course_root, aid, student)
    submitted, problem = load_submission(data)
    plan = make_plan(variant, submitted, problem)
    result = {"outputs": {}, "answers": {}, "stopped": ""}
    if plan.steps:
        files = {p.name: p for p in variant_folder.iterdir() if p.name != f"{NOTEBOOK_NAME}.ipynb"}
        result = runner.run(plan, files)
    scores, comments, reason = _score(keys, plan, result, scorer)
    graded = graded_notebook(variant, plan, submitted, result["outputs"], scores)
    return {"student": student, "sha256": hashlib.sha256(data).hexdigest(), "graded": graded,
            "scores": scores, "comments": comments, "reason": reason, "timestamp": _timestamp(folder)}


def _grade_failed(course_root: Path, aid: str, student: str, scorer: Callable, reason: str) -> dict:
    """A zero row for a submission whose grading itself failed (never stops the batch)."""
    folder = Path(course_root) / "submitted" / student / aid
    data = (folder / f"{NOTEBOOK_NAME}.ipynb").read_bytes()
    variant = nbformat.read(variant_dir(course_root, aid, student) / f"{NOTEBOOK_NAME}.ipynb", as_version=4)
    plan = make_plan(variant, None, reason)
    scores, comments, _ = _score(load_keys(course_root, aid, student), plan,
                                 {"outputs": {}, "answers": {}, "stopped": reason}, scorer)
    return {"student": student, "sha256": hashlib.sha256(data).hexdigest(),
            "graded": graded_notebook(variant, plan, None, {}, scores), "scores": scores,
            "comments": comments, "reason": reason, "timestamp": _timestamp(folder)}


def _state_path(course_root: Path, aid: str) -> Path:
    return Path(course_root) / ".autograde" / f"{aid}.json"


def _save_state(path: Path, state: dict) -> None:
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=0), encoding="utf-8")
    tmp.replace(path)


def _store(course_root: Path, aid: str, graded: dict) -> None:
    out = Path(course_root) / "autograded" / graded["student"] / aid
    out.mkdir(parents=True, exist_ok=True)
    nbformat.write(graded["graded"], out / f"{NOTEBOOK_NAME}.ipynb")
    nbg.record_autograde(course_root, assignment_id=aid, student_id=graded["student"],
                         notebook_id=NOTEBOOK_NAME, graded=graded["graded"],
                         comments=graded["comments"], timestamp=graded["timestamp"])


def autograde(course_root: Path, assignment: str, *, workers: int = 2, limits: Limits | None = None,
              use_bwrap: bool | None = None, force: bool = False, students: list[str] | None = None,
              progress: bool = True, scorer: Callable | None = None) -> AutogradeSummary:
    """Grade every collected submission of ``assignment`` that is new or changed since last run."""
    started = time.perf_counter()
    course_root = Path(course_root)
    limits = limits or Limits()
    scorer = scorer or _default_scorer()
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
    work_root = Path(tempfile.mkdtemp(prefix="zhiben-grade-"))
    zygote = Zygote(work_root, use_bwrap=bwrap)
    runner = _Runner(zygote, limits)
    try:
        zygote.start()
        with cf.ThreadPoolExecutor(max_workers=max(1, workers)) as pool, \
                tqdm(total=len(pending), disable=not progress, desc=f"评分 {assignment}", unit="份") as bar:
            futures = {pool.submit(_grade_one, course_root, assignment, s, runner, scorer): s for s in pending}
            for future in cf.as_completed(futures):
                student = futures[future]
                try:
                    graded = future.result()
                except Exception as exc:  # fail closed: this submission scores 0 with the reason
                    graded = _grade_failed(course_root, assignment, student, scorer,
                                           f"评分过程出错（{type(exc).__name__}: {str(exc)[:120]}）")
                _store(course_root, assignment, graded)
                state[graded["student"]] = graded["sha256"]
                _save_state(state_file, state)
                summary.graded.append(graded["student"])
                if graded["reason"]:
                    summary.problems[graded["student"]] = graded["reason"]
                bar.update(1)
    finally:
        runner.close()
        zygote.close()
        shutil.rmtree(work_root, ignore_errors=True)
    summary.graded.sort()
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary
