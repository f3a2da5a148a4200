"""Kernel fork server that runs INSIDE the grading sandbox (a standalone script; imports nothing
from zhiben_training, so no answer key or package code is reachable from a trainee's kernel).

Why: starting a Python kernel and importing pandas costs about a second of CPU per submission,
which on a small machine is most of the grading time. This process imports ipykernel and pandas
once and then forks one fresh kernel process per submission (copy-on-write, a few ms). Each forked
kernel drops to its own unprivileged uid (when the server runs as root), gets resource limits and
its own session, and serves the connection file written by the grader into its scratch folder.

Protocol: one JSON object per line on stdin, one JSON reply per line on stdout.
  {"op": "spawn", "conn": PATH, "cwd": PATH, "uid": INT|null, "limits": {...}} -> {"pid": INT}
  {"op": "alive", "pid": INT} -> {"alive": BOOL, "status": INT|null}
  {"op": "kill", "pid": INT, "uid": INT|null} -> {"killed": true}
A request that fails (a fork refused, a bad line) is answered {"error": TEXT}; the server goes on.
Inside bubblewrap it is PID 1 of its namespace, so no kernel can signal it, and it reaps orphans.
It dies with its parent (PR_SET_PDEATHSIG), so a crashed grader leaves no fork server behind.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import sys
import time

import ipykernel.kernelapp  # noqa: F401  (pre-imported so forked kernels start instantly)
import IPython.core.interactiveshell  # noqa: F401

try:  # imported lazily by IPKernelApp.initialize (debugger support): most of a kernel's start-up
    import pdb  # noqa: F401

    import ipykernel.debugger  # noqa: F401
    import ipykernel.ipkernel  # noqa: F401
except ImportError:  # pragma: no cover
    pass

try:  # pandas pre-imported: the ledger task uses it and the import costs ~0.4 s per kernel
    import pandas  # noqa: F401
except ImportError:  # pragma: no cover
    pass

_EXITED: dict[int, int] = {}


def _apply_limits(limits: dict) -> None:
    """Set the per-submission rlimits; they are inherited by anything the kernel starts."""
    table = {
        "address_space": resource.RLIMIT_AS,
        "file_size": resource.RLIMIT_FSIZE,
        "processes": resource.RLIMIT_NPROC,
        "open_files": resource.RLIMIT_NOFILE,
        "cpu_seconds": resource.RLIMIT_CPU,
    }
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for name, which in table.items():
        value = limits.get(name)
        if value:
            resource.setrlimit(which, (int(value), int(value)))


def _child(request: dict) -> None:
    """Become the trainee's kernel: new session, limits, unprivileged uid, then serve forever."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.setsid()
    cwd = request["cwd"]
    uid = request.get("uid")
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    _apply_limits(request.get("limits", {}))
    os.chdir(cwd)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": cwd,
        "TMPDIR": os.path.join(cwd, ".tmp"),
        "IPYTHONDIR": os.path.join(cwd, ".ipython"),
        "JUPYTER_RUNTIME_DIR": os.path.join(cwd, ".runtime"),
        "MPLBACKEND": "Agg",
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "NBGRADER_EXECUTION": "autograde",
    }
    os.environ.clear()
    os.environ.update(env)
    for sub in (".tmp", ".ipython", ".runtime"):
        os.makedirs(os.path.join(cwd, sub), exist_ok=True)
    log = os.open(os.path.join(cwd, ".kernel.log"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    sys.argv = ["zhiben-kernel", "-f", request["conn"]]
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    # No history database; no top-level-await detection (it compiles every cell a second time).
    app.initialize(["-f", request["conn"], "--HistoryManager.enabled=False",
                    "--InteractiveShell.autoawait=False"])
    app.start()


def _spawn(request: dict) -> dict:
    pid = os.fork()
    if pid == 0:
        try:
            _child(request)
        except BaseException:  # the kernel could not start: leave the reason in its log
            import traceback

            traceback.print_exc()
            sys.stderr.flush()
        finally:
            os._exit(70)
    # PIDs are reused (quickly, in a small PID namespace): an earlier process that had this pid and was
    # reaped without being asked about must not make the new kernel look dead.
    _EXITED.pop(pid, None)
    return {"pid": pid}


def _reap() -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _EXITED[pid] = status


def _alive(request: dict) -> dict:
    _reap()
    pid = int(request["pid"])
    if pid in _EXITED:
        return {"alive": False, "status": _EXITED[pid]}
    return {"alive": True, "status": None}


def _kill_uid(uid: int) -> None:
    """kill(-1) as the submission's own uid: ends every process it left behind, even escaped ones."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def _kill(request: dict) -> dict:
    pid = int(request["pid"])
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except (ProcessLookupError, PermissionError):
            pass
    if request.get("uid") is not None:
        _kill_uid(int(request["uid"]))
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        _reap()
        if pid in _EXITED:
            break
        time.sleep(0.005)
    _EXITED.pop(pid, None)
    return {"killed": True}


def _die_with_parent() -> None:
    """PR_SET_PDEATHSIG = 1: SIGKILL when the grader's worker that started us exits."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _handle(line: str) -> dict:
    ops = {"spawn": _spawn, "alive": _alive, "kill": _kill}
    try:
        request = json.loads(line)
        return ops[request["op"]](request)
    except Exception as exc:  # answer the grader, which records a fault; never die on one request
        return {"error": f"{type(exc).__name__}: {exc}"[:300]}


def main() -> None:
    _die_with_parent()
    out = sys.stdout
    out.write(json.dumps({"ready": True, "uid": os.getuid()}) + "\n")
    out.flush()
    for line in sys.stdin:
        reply = _handle(line)
        out.write(json.dumps(reply) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
