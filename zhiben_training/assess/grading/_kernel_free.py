"""Grading a paper without code items: every answer is read from the file as data and scored, so
no fork server, sandbox or kernel starts. The submissions are shared out to ``workers`` forked
processes (parsing and scoring are CPU work; the examiner's process only writes the gradebook),
with the same outcomes as ``GradingPool.grade``: a worker that dies is a machine fault, and the
submissions it held are graded again here (one retry), else 未评分 — never a score."""

from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from zhiben_training.assess.grading._supervisor import _grade, _Job
from zhiben_training.errors import GradingFaultError

__all__ = ["KernelFreeGrader"]

_MIN_PER_WORKER = 8  # below this a forked worker costs more than it saves
_CHUNK = 4  # at least this many submissions sent to a worker at a time (a quarter of its share at most)

_job: _Job | None = None  # set in each worker before the fork (inherited, not pickled)
_scorer = None


class _NoKernel:
    """The runner of a paper without code items: running anything is a fault, never a score."""

    def run(self, plan, files):
        raise GradingFaultError("本试卷没有代码题，评分不运行任何代码，但答卷的评分计划中有代码单元格")

    def recover(self) -> None:
        pass


def _grade_here(student: str) -> tuple:
    return _grade(_job, student, _NoKernel(), _scorer)


def _ready() -> bool:
    return True


class KernelFreeGrader:
    """Grades a paper without code items, in ``workers`` forked processes when there are enough
    submissions, else in this process."""

    worker_restarts = 0

    def __init__(self, job: _Job, *, workers: int = 1, count: int = 0):
        global _job, _scorer
        from zhiben_training.assess.grading._worker import default_scorer

        _job, _scorer = job, job.scorer or default_scorer()
        self.retries = 0
        self.workers = max(1, min(workers, count // _MIN_PER_WORKER))
        self.executor = None
        if self.workers > 1:  # forked now, before the examiner's process opens the gradebook
            self.executor = ProcessPoolExecutor(self.workers, mp_context=mp.get_context("fork"))
            self.executor.submit(_ready).result()

    def grade(self, students: list[str]):
        if self.executor is None:
            for student in students:
                yield _grade_here(student)
            return
        done = set()
        try:
            chunk = max(_CHUNK, len(students) // (4 * self.workers))
            for outcome in self.executor.map(_grade_here, students, chunksize=chunk):
                done.add(outcome[1])
                yield outcome
        except BrokenProcessPool:  # a worker was killed (OOM, from outside): the machine's fault
            for student in students:
                if student not in done:
                    self.retries += 1
                    yield _grade_here(student)

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
