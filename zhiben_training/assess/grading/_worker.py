"""Worker process of autograde: grades one submission at a time in its own sandboxed zygote.

Each worker owns a zygote (its own bubblewrap sandbox) and a range of sandbox uids, runs one kernel
per submission while the next boots, scores the captured answers against the examiner-only key
(here, outside every kernel) and writes the autograded notebook. The parent process
(``_supervisor``) only writes the gradebook, so grading runs on all cores.

Attribution, the rule that keeps scores honest: what the trainee's code does to its own kernel
(it dies, overruns, garbles messages) is an outcome — that item and the rest score 0 with the
reason. Anything else that goes wrong — the fork server dies or stops answering, a kernel never
starts, a scorer or disk fails — raises :class:`GradingFaultError`: no score, and the supervisor
retries the submission on a fresh fork server, then leaves it 未评分.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from zhiben_training.assess.exchange import load_keys, variant_dir
from zhiben_training.assess.grading._kernel import TrainingKernel
from zhiben_training.assess.grading.integrity import tamper_findings
from zhiben_training.assess.grading.sandbox import UID_BLOCK, Limits, Zygote, kill_uids
from zhiben_training.assess.grading.submission import (
    captured_answer,
    graded_notebook,
    load_submission,
    make_plan,
    parse_submission,
    read_clicks,
    read_own,
    read_written,
    write_own,
)
from zhiben_training.assess.layout import NOTEBOOK_NAME, CourseRoot, comment_cell_id, test_cell_id
from zhiben_training.errors import GradingFaultError

__all__ = ["Runner", "grade_one", "write_autograded", "default_scorer"]

_DEAD = {"dead": "内核意外终止", "timeout": "超出时间限制，内核已被终止",
         "garbled": "内核发出的消息无法解析（答卷篡改了内核的通信），内核已被终止",
         "overtime": "整份答卷超出总时限"}


def _stop_text(stop: tuple[int, str] | None) -> str:
    return "完整运行结束" if stop is None else f"在第 {stop[0] + 1} 格{_DEAD[stop[1]]}"


def _segment(plan, stop: tuple[int, str]) -> tuple[int, str]:
    """Where a stop happened, as precisely as it can be known: the cells up to the next test cell
    are sent to the kernel together, and a kernel that dies loses the outputs (and the idle
    messages) it had not sent yet, so a death is placed within that group, not at one cell. Two
    stops in the same group the same way are the same stop; and the same test cells completed
    before it, so the same points."""
    index, status = stop
    return sum(1 for kind, _, _ in plan.steps[:index] if kind == "test"), status


def _overtime(limits: Limits, index: int) -> str:
    return (f"整份答卷运行超过总时限 {limits.wall_seconds:g} 秒"
            f"（停在第 {index + 1} 格，没有哪一格超过单格时限 "
            f"{limits.cell_seconds:g} 秒）：机器过慢或负载过高，不计分；可用更长的 --timeout 重新评分")


def default_scorer() -> Callable:
    from zhiben_training.assess.papers import score_item

    return score_item


def _item(data: dict):
    from zhiben_training.assess.papers import PaperItem

    try:
        return PaperItem(**data)
    except TypeError as exc:  # the key record and the paper model have drifted apart: a machine fault
        raise GradingFaultError(f"答案记录与试卷结构不一致（{exc}）") from exc


class Runner:
    """Kernel driver of one worker process: one kernel running, the next one already booting.
    ``recover`` makes it healthy again after a fault (fresh fork server, no stale spare)."""

    def __init__(self, zygote: Zygote, limits: Limits, *, uid_base: int):
        self.zygote, self.limits, self.uid_base = zygote, limits, uid_base
        self._count = 0
        self._spare: TrainingKernel | None = None

    def _new_kernel(self) -> TrainingKernel:
        uid = self.uid_base + self._count % UID_BLOCK
        self._count += 1
        return TrainingKernel(self.zygote, uid=uid, limits=self.limits)

    def run(self, plan, files: dict[str, Path]) -> dict:
        """Execute a plan; return {grade_id: outputs} for answers, and per test cell an answer record.

        A kernel that stops early (a cell over its time limit, a death, garbled messages) costs the
        trainee the rest of the paper only when a fresh kernel stops again at the same place the
        same way (``_segment``: the same cell, or for a death the same group of cells sent together):
        the submission did it. A stop that does not repeat came from the machine (load, an
        outside kill, the OOM killer), and a paper that ran out of its total time without any one
        cell over its limit says nothing about the answers either: both are GradingFaultError
        (retried elsewhere, else 未评分), never a score."""
        first = self._run_once(plan, files)
        if first["stop"] is None:
            return first
        if first["stop"][1] == "overtime":
            raise GradingFaultError(_overtime(self.limits, first["stop"][0]))
        again = self._run_once(plan, files)
        causes = "".join(f"（{r['cause']}）" for r in (first, again) if r.get("cause"))
        same = again["stop"] is not None and _segment(plan, again["stop"]) == _segment(plan, first["stop"])
        self._log(f"--- 内核{_stop_text(first['stop'])}；全新内核复跑：{_stop_text(again['stop'])}{causes}\n")
        if again["stop"] is None or same:
            if again["stop"] is not None:
                again["stopped"] += "（在全新内核中复跑，在同一处再次出现）"
            return again
        raise GradingFaultError(f"内核{_stop_text(first['stop'])}，"
                                f"在全新内核中复跑时{_stop_text(again['stop'])}{causes}："
                                "两次不一致，是评分机器的故障，不计分")

    def _run_once(self, plan, files: dict[str, Path]) -> dict:
        """One run of the plan in a fresh kernel; ``stop`` is (cell index, status) when it ended early."""
        if not self.zygote.running:  # killed since the last submission (outside a namespace, by a kernel)
            self.recover()
        kernel = self._spare or self._new_kernel()
        self._spare = None
        result = {"outputs": {}, "answers": {}, "stopped": "", "stopped_at": None, "stop": None}
        try:
            self._spare = self._new_kernel()  # boots while this submission runs
            self._prepare(kernel, files)
            if not kernel.connect(timeout=self.limits.kernel_start_seconds):
                # A kernel lost before any trainee code ran (a spare that died waiting): one fresh start
                self._keep_kernel_log(kernel)
                kernel.kill()
                kernel = self._new_kernel()
                self._prepare(kernel, files)
                if not kernel.connect(timeout=self.limits.kernel_start_seconds):
                    last = self._keep_kernel_log(kernel)
                    raise GradingFaultError(f"{kernel.dead_reason}（未执行考生代码）"
                                            f"{('：' + last) if last else ''}")
            deadline = time.monotonic() + self.limits.wall_seconds
            barriers = frozenset(i for i, (kind, _, _) in enumerate(plan.steps) if kind == "test")
            runs = kernel.run_cells([code for _, _, code in plan.steps], deadline=deadline, barriers=barriers)
            if runs and runs[-1].status == "dead" and self.zygote.use_bwrap and not self.zygote.answers():
                # Inside bubblewrap the server is PID 1 and cannot be signalled by a kernel: its death
                # (and with it the kernel's) came from outside the submission.
                raise GradingFaultError("评分沙箱的内核服务进程已退出。")
            for index, ((kind, gid, _), run) in enumerate(zip(plan.steps, runs, strict=False)):
                if kind == "answer":
                    result["outputs"][gid] = run.outputs
                if run.status in _DEAD:
                    result.update(stopped=_DEAD[run.status], stopped_at=gid, stop=(index, run.status),
                                  cause=run.cause)
                    return result
                if kind == "test":
                    result["answers"][gid] = captured_answer(run.outputs)
            return result
        finally:
            kernel.kill()

    def _prepare(self, kernel: TrainingKernel, files: dict[str, Path]) -> None:
        for name, path in files.items():
            target = kernel.scratch / name
            shutil.copyfile(path, target)
            if self.zygote.per_uid:
                os.chown(target, kernel.uid, kernel.uid)

    def _keep_kernel_log(self, kernel: TrainingKernel) -> str:
        """A kernel that never started: its log goes to the fork server's log (outside the sandbox,
        kept for the examiner); returns its last line for the cause."""
        try:
            text = (kernel.scratch / ".kernel.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        self._log(f"--- 内核未能启动（{kernel.dead_reason}），内核日志：\n{text[-4000:]}\n")
        lines = [line for line in text.splitlines() if line.strip()]
        return lines[-1][:160] if lines else ""

    def _log(self, text: str) -> None:
        """A line in the fork server's log (outside the sandbox, kept for the examiner)."""
        if self.zygote.log is not None:
            with open(self.zygote.log, "a", encoding="utf-8") as fh:
                fh.write(text)

    def recover(self) -> None:
        """After a fault: drop the spare kernel and restart the fork server if it is gone."""
        self.close_spare()
        if not self.zygote.running:
            self.zygote.close()
            if self.zygote.per_uid:  # kernels a dead server left behind outside a namespace
                kill_uids(self.uid_base, UID_BLOCK)
            self.zygote.start()

    def close_spare(self) -> None:
        if self._spare is not None:
            try:
                self._spare.kill()
            except GradingFaultError:
                pass
            self._spare = None

    def close(self) -> None:
        self.close_spare()
        self.zygote.close()


def _timestamp(folder: Path) -> dt.datetime | None:
    from zhiben_training.assess.nbgrader_adapter import parse_timestamp

    path = folder / "timestamp.txt"
    return parse_timestamp(path.read_text(encoding="utf-8")) if path.exists() else None


def _score(keys: dict, plan, result: dict, scorer: Callable) -> tuple[dict, dict, str]:
    """Scores per test grade_id and comments per answer grade_id (Chinese). A scorer that raises
    is a machine fault (GradingFaultError), never a 0 for the trainee."""
    scores, comments = {}, {}
    items = {test_cell_id(d["item_id"]): d for d in keys["items"] if d["kind"] != "written"}
    reason = "；".join(r for r in (plan.problem, result.get("stopped", "")) if r)
    for gid, data in items.items():
        answer_gid = comment_cell_id(gid)
        if gid in result["answers"]:
            answered, value, why = result["answers"][gid]
            if answered:
                try:
                    points, text = scorer(_item(data), value)
                except GradingFaultError:
                    raise
                except Exception as exc:  # a scorer bug is ours, not the trainee's
                    raise GradingFaultError(
                        f"评分程序出错（{gid}：{type(exc).__name__}: {exc}）"[:200]) from exc
                points = max(0.0, min(float(points), float(data["points"])))
            else:
                points, text = 0.0, f"未作答或答案无法识别（{why}）"
        else:
            points, text = 0.0, f"本题记 0 分：{reason or '未执行'}"
        scores[gid] = points
        comments[answer_gid] = text
    return scores, comments, reason


def grade_one(course_root: Path, aid: str, student: str, runner: Runner, scorer: Callable,
              *, isolation: str) -> dict:
    """Everything for one submission except the gradebook write."""
    folder = CourseRoot(course_root).submission_dir(aid, student)
    data = CourseRoot(course_root).submitted_notebook(aid, student).read_bytes()
    variant_folder = variant_dir(course_root, aid, student)
    variant = read_own(variant_folder / f"{NOTEBOOK_NAME}.ipynb")
    keys = load_keys(course_root, aid, student)
    raw, problem = parse_submission(data)  # once: the plan, the clicks and the text boxes all read it
    submitted, problem = (None, problem) if problem else load_submission(raw)
    plan = make_plan(variant, submitted, problem)
    result = {"outputs": {}, "answers": {}, "stopped": ""}
    if plan.steps:
        files = {p.name: p for p in variant_folder.iterdir() if p.name != f"{NOTEBOOK_NAME}.ipynb"}
        result = runner.run(plan, files)
    if submitted is not None:  # click items: read from the file as data, never run
        result["answers"].update(read_clicks(variant, raw))
        if not plan.steps:  # no code item was answered, so no kernel ran
            for d in keys["items"]:
                if d["kind"] != "written":
                    result["answers"].setdefault(test_cell_id(d["item_id"]), (False, None, "未作答"))
    scores, comments, reason = _score(keys, plan, result, scorer)
    # before graded_notebook fills the variant
    tampering = tamper_findings(variant, submitted, problem, student)
    graded = graded_notebook(variant, plan, submitted, result["outputs"], scores, answers=result["answers"],
                             typed=read_written(variant, raw) if submitted is not None else None, own=True)
    sha = hashlib.sha256(data).hexdigest()
    graded.metadata["zhiben_grading"] = {"isolation": isolation, "submission_sha256": sha}
    return {"student": student, "sha256": sha, "graded": graded, "tampering": tampering,
            "scores": scores, "comments": comments, "reason": reason, "timestamp": _timestamp(folder)}


def write_autograded(course_root: Path, aid: str, graded: dict) -> None:
    out = CourseRoot(course_root).autograded_notebook(aid, graded["student"])
    out.parent.mkdir(parents=True, exist_ok=True)
    write_own(graded["graded"], out)
