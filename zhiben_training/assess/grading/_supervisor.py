"""Supervised pool of grading workers: the part of autograde that keeps machine failures from
ever becoming scores.

Each worker process (``_worker``) owns one sandboxed fork server and grades one submission at a
time; the supervisor (this module, in the examiner's process) hands out submissions one by one, so
it always knows which submission each worker holds. When a worker reports a fault, dies, or stops
answering, that submission is retried once (on a fresh fork server, or a fresh worker); a second
failure leaves it 未评分 with the cause. Nothing of a failed attempt reaches the gradebook.

Clean-up is layered so that nothing outlives a run, however it ends: workers die with the
supervisor (PR_SET_PDEATHSIG → SIGTERM, which makes them tidy their folder), fork servers die with
their worker (bubblewrap ``--die-with-parent``, or PDEATHSIG outside it), kernels die with their
namespace or are killed by uid, and ``close`` sweeps any process still working in the run's folder.
"""

from __future__ import annotations

import ctypes
import dataclasses
import multiprocessing as mp
import multiprocessing.connection as mpc
import os
import shutil
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from zhiben_training.assess.grading._worker import Runner, grade_one, write_autograded
from zhiben_training.assess.grading.sandbox import (
    Limits,
    UidBlock,
    Zygote,
    kill_uids,
    lease_uid_block,
    process_alive,
)
from zhiben_training.assess.nbgrader_adapter import autograde_rows
from zhiben_training.errors import GradingFaultError

__all__ = ["GradingPool", "MAX_ATTEMPTS"]

MAX_ATTEMPTS = 2  # the first try and one retry on a fresh fork server / worker
MAX_WORKER_STARTS = 3  # consecutive failed starts of one worker slot before it is given up
MAX_FAULTS_IN_A_ROW = 2  # a worker failing this many submissions in a row is replaced


@dataclass(frozen=True)
class _Job:
    course_root: Path
    assignment: str
    work_base: Path
    log_dir: Path
    use_bwrap: bool
    limits: Limits
    scorer: Callable | None
    isolation: str
    lease_fds: tuple = ()


def _prctl_deathsig(sig: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, sig, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def exit_on_first_sigterm(signum, frame) -> None:
    """SIGTERM handler of the examiner's run (while grading) and of each worker: the first SIGTERM
    unwinds into the clean-up; any later one is ignored, so it cannot cut that clean-up short. A dying
    supervisor's PR_SET_PDEATHSIG comes once per thread of it that exits (the kernel hands the worker
    to a sibling thread first, and signals again): strace showed two SIGTERMs 42 ms apart and a worker
    exiting 143 with its folder left and no exit line (the SIGKILL case of
    tests/assess/test_supervision.py)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise SystemExit(128 + signum)


def _worker_main(index: int, conn, job: _Job, parent: int, uid_base: int) -> None:
    """Body of one worker process: start a fork server, then grade what the supervisor sends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the supervisor's to handle
    signal.signal(signal.SIGTERM, exit_on_first_sigterm)
    _prctl_deathsig(signal.SIGTERM)
    if os.getppid() != parent:  # the supervisor died before the line above
        return
    for fd in job.lease_fds:  # the uid leases are the supervisor's: a worker holding them kept a
        try:                  # SIGKILLed examiner's run from being tidied (tests/assess/test_supervision)
            os.close(fd)
        except OSError:
            pass
    from zhiben_training.assess.grading._worker import default_scorer

    scorer = job.scorer or default_scorer()
    work = _worker_dir(job.work_base, index)
    log = _worker_log(job.log_dir, index)  # this worker's log: fork-server starts, re-runs, its exit
    alive = _pid_file(job.work_base, index)  # while it exists, this worker is alive or died untidy
    alive.write_text(str(os.getpid()), encoding="utf-8")
    runner = None
    why = "评分结束，主进程通知退出"
    try:
        zygote = Zygote(work, use_bwrap=job.use_bwrap, log=log)
        try:
            zygote.start()
        except GradingFaultError as exc:
            why = "内核服务未能启动"
            conn.send(("init_failed", None, exc.message))
            return
        runner = Runner(zygote, job.limits, uid_base=uid_base)
        conn.send(("ready", None, None))
        while (student := _next_student(conn, parent)) is not None:
            conn.send(_grade(job, student, runner, scorer))
    except (EOFError, BrokenPipeError):
        why = "与评分主进程的连接已断开"  # the supervisor went away
    except SystemExit as exc:
        why = f"收到终止信号（退出码 {exc.code}）"
        raise
    finally:
        started = time.monotonic()
        if runner is not None:
            runner.close()
        closed = time.monotonic()
        _tidy(work)
        tidied = time.monotonic()
        alive.unlink(missing_ok=True)
        orphan = os.getppid() != parent
        if orphan:  # the supervisor died: the last worker out removes the run's folder
            _remove_when_empty(job.work_base, seconds=20.0, log_dir=job.log_dir, me=index)
        _log_exit(log, why, orphan=orphan, close=closed - started, tidy=tidied - closed,
                  siblings=time.monotonic() - tidied, left=work.exists())


def _log_exit(path: Path, why: str, *, orphan: bool, close: float, tidy: float, siblings: float,
              left: bool) -> None:
    """One line per worker exit in its log: how long each clean-up wait took, and whether its folder
    is gone (the examiner's evidence when a killed run left something behind)."""
    _append_line(path, f"工作进程退出：{why}；{'主进程已不在；' if orphan else ''}"
                       f"关闭 fork server {close:.1f} 秒，清理目录 {tidy:.1f} 秒，"
                       f"等待其他工作进程 {siblings:.1f} 秒；工作目录{'仍有残留' if left else '已删除'}")


def _append_line(path: Path, text: str) -> None:
    """A time-stamped line at the end of a worker's log."""
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"[{time.strftime('%Y-%m-%d %H:%M:%S')}] {text}\n")
    except OSError:
        pass  # the course root itself went away: nothing to tell


def _next_student(conn, parent: int):
    """The next submission from the supervisor. A worker also holds the supervisor's end of its pipe
    (forked with it), so a dead supervisor never gives EOF here; and a worker was found waiting here for
    good after its supervisor was SIGKILLed (about 1 in 10 runs, its PR_SET_PDEATHSIG SIGTERM never
    seen). So the worker looks at its parent every second while it waits."""
    while not conn.poll(1.0):
        if os.getppid() != parent:
            raise EOFError("the supervisor is gone")
    return conn.recv()


def _worker_dir(work_base: Path, index: int | str) -> Path:
    return work_base / f"w{index}"


def _worker_log(log_dir: Path, index: int | str) -> Path:
    return log_dir / f"zygote-w{index}.log"


def _pid_file(work_base: Path, index: int) -> Path:
    return work_base / f"w{index}.pid"


def _tidy_dead_siblings(work_base: Path, *, log_dir: Path, me: int) -> None:
    """A sibling worker that is gone without tidying its folder (its pid file names a process that
    no longer exists): an orphaned worker removes what it left and says so in that worker's log."""
    for pid_file in work_base.glob("w*.pid"):
        try:
            pid = int(pid_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if process_alive(pid):
            continue
        index = pid_file.stem.removeprefix("w")
        folder = _worker_dir(work_base, index)
        _tidy(folder)
        pid_file.unlink(missing_ok=True)
        _append_line(_worker_log(log_dir, index), f"工作进程退出：进程已不在，未留下自己的退出记录；"
                     f"主进程已不在；其工作目录由工作进程 w{me} 清理，"
                     f"工作目录{'仍有残留' if folder.exists() else '已删除'}")


def _remove_when_empty(folder: Path, *, seconds: float, log_dir: Path | None = None, me: int = -1) -> None:
    """rmdir that waits for sibling workers still tidying their own folders inside (and, with
    ``log_dir``, tidies after a sibling that died without doing so)."""
    deadline = time.monotonic() + seconds
    while True:
        if log_dir is not None:
            _tidy_dead_siblings(folder, log_dir=log_dir, me=me)
        try:
            os.rmdir(folder)
            return
        except FileNotFoundError:
            return
        except OSError:
            if time.monotonic() > deadline:
                return
            time.sleep(0.05)


def _grade(job: _Job, student: str, runner: Runner, scorer: Callable) -> tuple:
    try:
        graded = grade_one(job.course_root, job.assignment, student, runner, scorer, isolation=job.isolation)
        write_autograded(job.course_root, job.assignment, graded)
        # what the gradebook needs, as plain data: cheap to send from a worker process
        graded["rows"] = autograde_rows(graded.pop("graded"), graded["comments"])
        return ("graded", student, graded)
    except GradingFaultError as exc:
        cause = exc.message
    except Exception as exc:  # any other failure of ours (disk full, unreadable key…): a fault, never a score
        cause = f"{type(exc).__name__}: {exc}"[:300]
    runner.recover()
    return ("fault", student, cause)


@dataclass
class _Slot:
    index: int
    uids: UidBlock
    process: mp.Process | None = None
    conn: object = None
    ready: bool = False
    student: str | None = None
    since: float = 0.0
    failed_starts: int = 0
    faults_in_a_row: int = 0


class GradingPool:
    """``workers`` supervised worker processes grading one assignment."""

    def __init__(self, job: _Job, *, workers: int):
        self.context = mp.get_context("fork")
        self.slots = []
        try:
            for i in range(max(1, workers)):
                self.slots.append(_Slot(i, lease_uid_block()))
        except GradingFaultError:
            self._release()
            raise
        # the workers are told which inherited fds are the leases, to close them
        self.job = dataclasses.replace(
            job, lease_fds=tuple(s.uids.fd for s in self.slots if s.uids.fd is not None))
        self.retries = 0
        self.worker_restarts = 0
        self.last_start_error = ""
        for slot in self.slots:
            self._start(slot)

    @property
    def stall_seconds(self) -> float:
        """A worker silent this long on one submission is wedged (every wait inside has a deadline).
        A submission may run twice (a stopped kernel is re-run to see whether the stop repeats)."""
        limits = self.job.limits
        return 2 * (limits.wall_seconds + 2 * limits.kernel_start_seconds) + 60

    def _start(self, slot: _Slot) -> None:
        parent_end, child_end = self.context.Pipe()
        slot.process = self.context.Process(target=_worker_main,
                                            args=(slot.index, child_end, self.job, os.getpid(),
                                                  slot.uids.first),
                                            daemon=True, name=f"zhiben-grader-{slot.index}")
        slot.process.start()
        child_end.close()
        slot.conn, slot.ready, slot.student = parent_end, False, None

    def _stop(self, slot: _Slot, *, kill: bool) -> None:
        if slot.process is None:
            return
        if kill and slot.process.is_alive():
            slot.process.kill()
        slot.process.join(timeout=10)
        slot.conn.close()
        _sweep(_worker_dir(self.job.work_base, slot.index), slot.uids)
        slot.process = None

    def _lost(self, slot: _Slot, cause: str) -> tuple[str | None, str]:
        """A worker died or hung: replace it; return the submission it held."""
        student = slot.student
        self._stop(slot, kill=True)
        if slot.ready:
            slot.failed_starts = 0
        else:
            slot.failed_starts += 1
            self.last_start_error = cause
        if slot.failed_starts < MAX_WORKER_STARTS:
            self.worker_restarts += 1
            self._start(slot)
        return student, cause

    def grade(self, students: list[str]) -> Iterator[tuple[str, str, object]]:
        """Yield ``("graded", student, result)`` or ``("ungraded", student, cause)`` for each."""
        queue, attempts = deque(students), dict.fromkeys(students, 0)
        failed_on: dict[str, int] = {}  # student -> the slot of its last failed attempt

        def failed(student: str | None, cause: str, slot: _Slot | None):
            if student is None:
                return None
            if attempts[student] < MAX_ATTEMPTS:
                self.retries += 1
                queue.appendleft(student)
                if slot is not None:
                    failed_on[student] = slot.index
                return None
            return ("ungraded", student, cause)

        while queue or any(s.student for s in self.slots):
            live = [s for s in self.slots if s.process is not None]
            if not live:  # every slot gave up starting: nothing can be graded on this machine now
                cause = self.last_start_error or "评分进程无法启动"
                while queue:
                    yield ("ungraded", queue.popleft(), cause)
                return
            for slot in live:
                if slot.ready and slot.student is None and queue:
                    student = self._next_for(slot, queue, failed_on, alone=len(live) == 1)
                    if student is None:
                        continue
                    slot.student, slot.since = student, time.monotonic()
                    attempts[student] += 1
                    try:
                        slot.conn.send(student)
                    except OSError:  # the worker died while idle: its sentinel settles it below
                        pass
            waitables = {s.conn: s for s in live} | {s.process.sentinel: s for s in live}
            for ready in mpc.wait(list(waitables), timeout=1.0):
                slot = waitables[ready]
                if slot.process is None or ready not in (slot.conn, slot.process.sentinel):
                    continue  # that worker was already replaced through its other handle
                event = self._receive(slot, ready)
                if event is None:
                    continue
                if event[0] == "graded":
                    slot.faults_in_a_row = 0
                    yield event
                    continue
                slot.faults_in_a_row += event[0] == "fault"  # a lost worker was replaced already
                if slot.faults_in_a_row >= MAX_FAULTS_IN_A_ROW and slot.process is not None:
                    slot.faults_in_a_row = 0
                    self._lost(slot, "评分进程连续出错，已更换")  # a broken worker must not drain the queue
                outcome = failed(event[1], event[2], slot)
                if outcome is not None:
                    yield outcome
            for slot in live:
                if (slot.student and slot.process is not None
                        and time.monotonic() - slot.since > self.stall_seconds):
                    outcome = failed(*self._lost(slot, "评分进程长时间无响应，已终止"), slot)
                    if outcome is not None:
                        yield outcome

    @staticmethod
    def _next_for(slot: _Slot, queue: deque, failed_on: dict, *, alone: bool) -> str | None:
        """The next submission for ``slot``: a retry goes to another worker when there is one."""
        for position, student in enumerate(queue):
            if failed_on.get(student) != slot.index or alone:
                del queue[position]
                return student
        return None

    def _receive(self, slot: _Slot, ready) -> tuple | None:
        """One message from a worker, or the loss of the worker; None when nothing is settled."""
        message = None
        if ready is slot.conn or slot.conn.poll(0):  # a result sent just before dying still counts
            try:
                message = slot.conn.recv()
            except (EOFError, OSError):
                message = None
        if message is None:
            slot.process.join(timeout=5)
            code = slot.process.exitcode
            student, cause = self._lost(slot, f"评分进程意外退出（退出码 {code}）")
            return ("lost", student, cause)
        kind, student, payload = message
        if kind == "ready":
            slot.ready, slot.failed_starts = True, 0
            return None
        if kind == "init_failed":
            self._lost(slot, payload)
            return None
        slot.student = None
        return (kind, student, payload)

    def close(self) -> None:
        for slot in self.slots:
            if slot.process is not None and slot.process.is_alive():
                try:
                    slot.conn.send(None)
                except OSError:
                    pass
        deadline = time.monotonic() + 10
        for slot in self.slots:
            if slot.process is not None:
                slot.process.join(timeout=max(0.1, deadline - time.monotonic()))
                self._stop(slot, kill=True)
        _tidy(self.job.work_base)
        self._release()

    def _release(self) -> None:
        for slot in self.slots:
            slot.uids.release()


def _tidy(folder: Path, *, seconds: float = 10.0) -> None:
    """Remove a grading folder once nothing runs in it any more: kernels of a namespace that is
    going away may still write into their scratch folders for a moment."""
    deadline = time.monotonic() + seconds
    while folder.exists():
        _sweep(folder, None)
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists() or time.monotonic() > deadline:
            return
        time.sleep(0.05)


def _sweep(folder: Path, uids: UidBlock | None) -> None:
    """Kill whatever still runs in a worker's (or the run's) folder: a dead fork server's kernels
    outside a namespace, and anything left of the worker's own sandbox uids when run as root."""
    if uids is not None:
        kill_uids(uids.first, uids.count)
    prefix = str(folder.resolve()) if folder.exists() else str(folder)
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cwd = os.readlink(f"/proc/{entry}/cwd")
        except OSError:
            continue
        if cwd == prefix or cwd.startswith(prefix + "/"):
            try:
                os.kill(int(entry), signal.SIGKILL)
            except OSError:
                pass
