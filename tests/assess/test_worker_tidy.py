"""A grading worker that vanished without tidying (SIGKILLed, or gone before its clean-up ran) while the
examiner's run was already dead: the orphaned worker that goes out last removes what it left and writes
that worker's exit line, so nothing of a submission stays in the temporary folder."""

from __future__ import annotations

import subprocess
import sys

from zhiben_training.assess.grading._supervisor import _pid_file, _remove_when_empty


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _run_folder(tmp_path, pid: int):
    base, logs = tmp_path / "run", tmp_path / "logs"
    (base / "w1" / "sub-x").mkdir(parents=True)
    (base / "w1" / "sub-x" / "answer.ipynb").write_text("{}", encoding="utf-8")
    _pid_file(base, 1).write_text(str(pid), encoding="utf-8")
    logs.mkdir()
    return base, logs


def test_the_last_worker_out_tidies_after_a_sibling_that_died_untidy(tmp_path):
    base, logs = _run_folder(tmp_path, _dead_pid())
    _remove_when_empty(base, seconds=10, log_dir=logs, me=0)
    assert not base.exists()
    line = (logs / "zygote-w1.log").read_text(encoding="utf-8")
    assert "工作进程退出：进程已不在" in line and "由工作进程 w0 清理" in line and "已删除" in line


def test_a_sibling_still_alive_is_waited_for_never_tidied_from_outside(tmp_path):
    import os

    base, logs = _run_folder(tmp_path, os.getpid())  # alive: it tidies its own folder
    _remove_when_empty(base, seconds=0.3, log_dir=logs, me=0)
    assert (base / "w1" / "sub-x" / "answer.ipynb").exists()
    assert not (logs / "zygote-w1.log").exists()


_WAITING_WORKER = """
import multiprocessing as mp, os, sys, time
from pathlib import Path
from zhiben_training.assess.grading._supervisor import _next_student

def worker(conn, parent, marker):
    try:
        _next_student(conn, parent)
    except EOFError:
        Path(marker).write_text("EOF", encoding="utf-8")

ctx = mp.get_context("fork")
mine, theirs = ctx.Pipe()
child = ctx.Process(target=worker, args=(theirs, os.getpid(), sys.argv[1]), daemon=False)
child.start()
print(child.pid, flush=True)
time.sleep(600)
"""


def test_a_worker_waiting_for_work_leaves_when_its_supervisor_is_killed(tmp_path):
    """The worker holds both ends of its pipe (forked with the supervisor's), so no EOF comes from the
    pipe; it sees its parent gone and leaves within seconds instead of waiting for good."""
    import os
    import signal
    import time

    marker = tmp_path / "left"
    supervisor = subprocess.Popen([sys.executable, "-c", _WAITING_WORKER, str(marker)],
                                  stdout=subprocess.PIPE)
    worker = int(supervisor.stdout.readline())
    os.kill(supervisor.pid, signal.SIGKILL)
    supervisor.wait()
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert marker.read_text(encoding="utf-8") == "EOF"
    try:
        os.kill(worker, signal.SIGKILL)  # gone already; never left behind by a failing test
    except ProcessLookupError:
        pass
