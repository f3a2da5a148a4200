"""Worker process of autograde: grades one submission at a time in its own sandboxed zygote.

Each worker owns a zygote (its own bubblewrap sandbox) and a range of sandbox uids, runs one kernel
per submission while the next boots, scores the captured answers against the examiner-only key
(here, outside every kernel) and writes the autograded notebook. The parent process only writes
the gradebook, so grading runs on all cores instead of behind one interpreter lock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing.util
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import nbformat

from zhiben_training.assess._kernel import TrainingKernel
from zhiben_training.assess.notebooks import NOTEBOOK_NAME
from zhiben_training.assess.release import load_keys, variant_dir
from zhiben_training.assess.sandbox import SANDBOX_UID_BASE, Limits, Zygote
from zhiben_training.assess.submission import (
    captured_answer,
    graded_notebook,
    load_submission,
    make_plan,
    read_own,
    write_own,
)

__all__ = ["Runner", "grade_one", "grade_failed", "init_worker", "grade_in_worker", "default_scorer"]

UIDS_PER_WORKER = 32
_DEAD = {"dead": "内核意外终止", "timeout": "超出时间限制，内核已被终止",
         "garbled": "内核发出的消息无法解析（答卷篡改了内核的通信），内核已被终止"}
_RUNNER: Runner | None = None


def default_scorer() -> Callable:
    from zhiben_training.assess.papers import score_item

    return score_item


def _item(data: dict):
    try:
        from zhiben_training.assess.papers import PaperItem

        return PaperItem(**data)
    except (ImportError, TypeError):
        return SimpleNamespace(**data)


class Runner:
    """Kernel driver of one worker process: one kernel running, the next one already booting."""

    def __init__(self, zygote: Zygote, limits: Limits, *, uid_base: int):
        self.zygote, self.limits, self.uid_base = zygote, limits, uid_base
        self._count = 0
        self._spare: TrainingKernel | None = None

    def _new_kernel(self) -> TrainingKernel:
        uid = self.uid_base + self._count % UIDS_PER_WORKER
        self._count += 1
        return TrainingKernel(self.zygote, uid=uid, limits=self.limits)

    def run(self, plan, files: dict[str, Path]) -> dict:
        """Execute a plan; return {grade_id: outputs} for answers, and per test cell an answer record."""
        kernel = self._spare or self._new_kernel()
        self._spare = self._new_kernel()  # boots while this submission runs
        result = {"outputs": {}, "answers": {}, "stopped": "", "stopped_at": None}
        try:
            for name, path in files.items():
                target = kernel.scratch / name
                shutil.copyfile(path, target)
                if self.zygote.per_uid:
                    os.chown(target, kernel.uid, kernel.uid)
            if not kernel.connect():
                result["stopped"] = kernel.dead_reason
                return result
            deadline = time.monotonic() + self.limits.wall_seconds
            barriers = frozenset(i for i, (kind, _, _) in enumerate(plan.steps) if kind == "test")
            runs = kernel.run_cells([code for _, _, code in plan.steps], deadline=deadline, barriers=barriers)
            for (kind, gid, _), run in zip(plan.steps, runs, strict=False):
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

    def close(self) -> None:
        if self._spare is not None:
            self._spare.kill()
            self._spare = None


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


def grade_one(course_root: Path, aid: str, student: str, runner: Runner, scorer: Callable) -> dict:
    """Everything for one submission except the gradebook write (safe to run in a worker thread)."""
    folder = Path(course_root) / "submitted" / student / aid
    data = (folder / f"{NOTEBOOK_NAME}.ipynb").read_bytes()
    variant_folder = variant_dir(course_root, aid, student)
    variant = read_own(variant_folder / f"{NOTEBOOK_NAME}.ipynb")
    keys = load_keys(course_root, aid, student)
    submitted, problem = load_submission(data)
    plan = make_plan(variant, submitted, problem)
    result = {"outputs": {}, "answers": {}, "stopped": ""}
    if plan.steps:
        files = {p.name: p for p in variant_folder.iterdir() if p.name != f"{NOTEBOOK_NAME}.ipynb"}
        result = runner.run(plan, files)
    scores, comments, reason = _score(keys, plan, result, scorer)
    graded = graded_notebook(variant, plan, submitted, result["outputs"], scores, answers=result["answers"])
    return {"student": student, "sha256": hashlib.sha256(data).hexdigest(), "graded": graded,
            "scores": scores, "comments": comments, "reason": reason, "timestamp": _timestamp(folder)}


def grade_failed(course_root: Path, aid: str, student: str, scorer: Callable, reason: str) -> dict:
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


def init_worker(work_base: str, use_bwrap: bool, limits: Limits, slots) -> None:
    """Process-pool initializer: this worker's zygote, scratch area and uid range."""
    global _RUNNER
    index = slots.get()
    zygote = Zygote(Path(work_base) / f"w{index}", use_bwrap=use_bwrap)
    zygote.start()
    _RUNNER = Runner(zygote, limits, uid_base=SANDBOX_UID_BASE + index * UIDS_PER_WORKER)
    multiprocessing.util.Finalize(None, _shutdown, exitpriority=10)


def _shutdown() -> None:
    if _RUNNER is not None:
        _RUNNER.close()
        _RUNNER.zygote.close()


def grade_in_worker(course_root: Path, aid: str, student: str, scorer: Callable | None) -> dict:
    """Grade one submission in this worker; write its autograded notebook; return the result."""
    graded = grade_one(course_root, aid, student, _RUNNER, scorer or default_scorer())
    write_autograded(course_root, aid, graded)
    return graded


def write_autograded(course_root: Path, aid: str, graded: dict) -> None:
    out = Path(course_root) / "autograded" / graded["student"] / aid
    out.mkdir(parents=True, exist_ok=True)
    write_own(graded["graded"], out / f"{NOTEBOOK_NAME}.ipynb")
