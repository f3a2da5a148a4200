"""Where trainee code runs during autograde, and what it can reach.

Guarantee levels (``isolation_level()``), strongest first:

* ``"bubblewrap+uid"`` — the kernel fork server runs in a bubblewrap sandbox (new mount, PID, network,
  IPC and UTS namespaces; ``--die-with-parent``). Only the Python installation, ``/usr`` and
  ``/etc`` are visible, read-only; the only writable place is the grading work folder, and inside it
  every submission has its own scratch folder owned by its own unprivileged uid (mode 0700). The
  course root (gradebook, keys, source notebooks, other submissions) is not mounted at all. A kernel
  cannot signal the grader (other PID namespace, other uid) nor other kernels (other uid).
* ``"bubblewrap"`` — as above, without per-submission uids (grader not run as root): kernels of
  one run share a uid, so a kernel could in principle read a concurrently running scratch folder.
* ``"uid"`` — no bubblewrap; when root (and the Python installation is readable by other users),
  each kernel runs as its own unprivileged uid, so files readable only by their owner (the course
  root's keys and gradebook, mode 0700/0600) cannot be read; world-readable files remain readable.
* ``"none"`` — neither is available: only rlimits and the watchdog apply (documented, warned).

Every level has rlimits (address space, file size, processes, CPU), a wall-clock watchdog that
kills the kernel's session and all processes of its uid, and no network in the bubblewrap levels.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from zhiben_training.errors import AssessmentError

__all__ = ["Limits", "Zygote", "isolation_level", "bwrap_available", "python_readable_by_others",
           "SANDBOX_UID_BASE"]

SANDBOX_UID_BASE = 61000
_ZYGOTE_SCRIPT = Path(__file__).with_name("_zygote.py")


@dataclass(frozen=True)
class Limits:
    """Per-submission limits; defaults suit one A/C paper (seconds, bytes)."""

    wall_seconds: float = 60.0
    cell_seconds: float = 20.0
    address_space: int = 3 * 2**30
    file_size: int = 64 * 2**20
    processes: int = 64
    open_files: int = 256
    cpu_seconds: int = 120
    output_bytes: int = 64 * 2**10

    def rlimits(self, *, per_uid: bool) -> dict:
        values = {"address_space": self.address_space, "file_size": self.file_size,
                  "open_files": self.open_files, "cpu_seconds": self.cpu_seconds}
        if per_uid:  # RLIMIT_NPROC counts every process of the uid: only safe with a private uid
            values["processes"] = self.processes
        return values


def bwrap_available() -> bool:
    """True when bubblewrap exists and can create namespaces here (tried, not assumed)."""
    exe = shutil.which("bwrap")
    if not exe:
        return False
    probe = subprocess.run([exe, *_bind_args(), "--unshare-pid", "--unshare-net", "true"],
                           capture_output=True, timeout=20)
    return probe.returncode == 0


def isolation_level(*, use_bwrap: bool | None = None) -> str:
    """The guarantee level autograde will give on this machine (see module docstring)."""
    bwrap = bwrap_available() if use_bwrap is None else use_bwrap
    root = os.geteuid() == 0
    if bwrap:
        return "bubblewrap+uid" if root else "bubblewrap"
    return "uid" if root and python_readable_by_others() else "none"


def python_readable_by_others() -> bool:
    """Without bubblewrap a kernel dropped to another uid must still read this Python: every
    folder on the way to the installation and the venv must be searchable by others."""
    for prefix in {sys.base_prefix, sys.prefix}:
        for folder in [Path(prefix), *Path(prefix).parents]:
            if not os.stat(folder).st_mode & 0o001:
                return False
    return True


def _bind_args() -> list[str]:
    """Read-only view of the system and of this Python (venv and its base installation only)."""
    args = ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc",
            "--proc", "/proc", "--dev", "/dev", "--perms", "0755", "--tmpfs", "/tmp"]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = Path("/") / link
        if target.is_symlink():
            args += ["--symlink", os.readlink(target), str(target)]
        elif target.exists():
            args += ["--ro-bind", str(target), str(target)]
    for prefix in sorted({sys.base_prefix, sys.prefix}):
        if not prefix.startswith("/usr"):
            args += [*_parent_dirs(prefix), "--ro-bind", prefix, prefix]
    return args


def _parent_dirs(path: str) -> list[str]:
    """bwrap creates missing parents 0700 when run as root; make them traversable (0755)."""
    args: list[str] = []
    for parent in reversed(Path(path).parents):
        if str(parent) not in ("/", "/tmp"):
            args += ["--perms", "0755", "--dir", str(parent)]
    return args


@dataclass
class Zygote:
    """Client of the kernel fork server (``_zygote.py``), started once per autograde run.

    Thread-safe: orchestrator threads share it; each request is one line out, one line back.
    """

    work_root: Path
    use_bwrap: bool = True
    _proc: subprocess.Popen | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    per_uid: bool = field(default=False, init=False)

    def start(self) -> None:
        self.work_root = Path(self.work_root).resolve()  # bind mounts and ipc paths must be absolute
        self.work_root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.work_root, 0o711)
        script_dir = self.work_root / ".zygote"
        script_dir.mkdir(exist_ok=True)
        os.chmod(script_dir, 0o755)
        script = script_dir / "zygote.py"
        shutil.copyfile(_ZYGOTE_SCRIPT, script)
        os.chmod(script, 0o644)
        python = sys.executable
        cmd = [python, "-I", str(script)]
        if self.use_bwrap:
            cmd = ["bwrap", *_bind_args(), *_parent_dirs(str(self.work_root)), "--bind", str(self.work_root), str(self.work_root),
                   "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                   "--die-with-parent", "--new-session", "--chdir", str(self.work_root),
                   "--cap-drop", "ALL"]
            if os.geteuid() == 0:
                cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_KILL"]
            cmd += ["--", python, "-I", str(script)]
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
               "HOME": str(self.work_root), "PYTHONDONTWRITEBYTECODE": "1"}
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, text=True, env=env,
                                      start_new_session=True, cwd=str(self.work_root))
        hello = self._proc.stdout.readline()
        if not hello:
            raise AssessmentError("评分沙箱启动失败：内核服务进程未能启动。",
                                  hint="检查 bubblewrap 是否可用，或使用 --no-bwrap。")
        root = json.loads(hello)["uid"] == 0
        self.per_uid = root and (self.use_bwrap or python_readable_by_others())

    def _call(self, request: dict) -> dict:
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                raise AssessmentError("评分沙箱的内核服务进程已退出。")
            self._proc.stdin.write(json.dumps(request) + "\n")
            self._proc.stdin.flush()
            line = self._proc.stdout.readline()
        if not line:
            raise AssessmentError("评分沙箱的内核服务进程无响应。")
        return json.loads(line)

    def spawn(self, *, conn: Path, cwd: Path, uid: int | None, limits: Limits) -> int:
        reply = self._call({"op": "spawn", "conn": str(conn), "cwd": str(cwd),
                            "uid": uid if self.per_uid else None,
                            "limits": limits.rlimits(per_uid=self.per_uid)})
        return int(reply["pid"])

    def alive(self, pid: int) -> bool:
        return bool(self._call({"op": "alive", "pid": pid})["alive"])

    def kill(self, pid: int, *, uid: int | None) -> None:
        self._call({"op": "kill", "pid": pid, "uid": uid if self.per_uid else None})

    def close(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.stdin.close()
            try:
                os.killpg(self._proc.pid, 9)
            except ProcessLookupError:
                pass
            self._proc.wait(timeout=10)
        self._proc = None


def make_scratch(work_root: Path, name: str, *, uid: int | None) -> Path:
    """A fresh private scratch folder for one submission, owned by its kernel's uid."""
    path = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=work_root))
    if uid is not None:
        os.chown(path, uid, uid)
    os.chmod(path, 0o700)
    return path
