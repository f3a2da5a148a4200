"""Trainee servers reach the Python they run on without any permission on the machine changing.

A trainee server runs as the trainee's own system user. When the Python (or the course) lives
below a folder other users cannot pass through — pyenv under ``/root`` (0700) on a development or
CI machine — that user could not even start the interpreter. Instead of opening the folder to
everyone (``chmod``) or to a group (``setfacl``), each trainee server starts in its own mount
namespace (set up as root, just before the switch to the trainee's user) in which every such
closed folder is an empty tmpfs holding only the paths the server needs, bind-mounted back at their
own place. The rest of ``/root`` stays invisible to the trainee; nothing outside that one process
tree changes. Needs root (``CAP_SYS_ADMIN``), which creating the system users needs anyway.
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

__all__ = ["closed_to_trainees", "passage_plan", "enter_passage", "server_paths"]

_CLONE_NEWNS = 0x00020000
_MS_NOSUID, _MS_NODEV, _MS_BIND, _MS_REC, _MS_PRIVATE = 2, 4, 4096, 16384, 1 << 18


def _closed(folder: Path) -> bool:
    return folder.is_dir() and not folder.stat().st_mode & 0o001


def closed_to_trainees(*paths: Path) -> list[Path]:
    """Folders on the way to ``paths`` (or the paths themselves) that other users cannot pass through."""
    blocked: list[Path] = []
    for path in paths:
        resolved = Path(path).resolve()
        for folder in [*reversed(resolved.parents), resolved]:
            if _closed(folder) and folder not in blocked:
                blocked.append(folder)
    return blocked


def server_paths(*extra: Path) -> list[Path]:
    """What a trainee server needs to reach: this Python (venv and the base install) and ``extra``."""
    return [Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
            Path(sys.executable).resolve().parent, *(Path(p).resolve() for p in extra if p)]


def passage_plan(paths: list[Path]) -> dict[str, list[str]]:
    """{outermost closed folder: the needed paths below it}; empty when every path is reachable.

    A needed path inside another needed path comes along with it and is not listed again."""
    plan: dict[str, list[str]] = {}
    for path in sorted({Path(p).resolve() for p in paths if Path(p).exists()}, key=lambda p: len(p.parts)):
        closed = [folder for folder in reversed(path.parents) if _closed(folder)]
        if not closed:
            continue
        listed = plan.setdefault(str(closed[0]), [])
        if not any(path.is_relative_to(other) for other in listed):
            listed.append(str(path))
    return plan


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def enter_passage(plan: dict[str, list[str]]) -> None:
    """In the calling process (root, about to become a trainee): a private mount namespace in which
    each closed folder of ``plan`` is a tmpfs (0755) with only its needed paths bound back."""
    if not plan:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    _check(libc.unshare(_CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _check(libc.mount(b"none", b"/", None, _MS_REC | _MS_PRIVATE, None), "mount --make-rprivate /")
    for closed, needed in plan.items():
        # opened in the new namespace before the tmpfs hides them; bound back through /proc/self/fd
        handles = [(os.open(path, os.O_PATH | os.O_DIRECTORY), path) for path in needed]
        _check(libc.mount(b"tmpfs", closed.encode(), b"tmpfs", _MS_NOSUID | _MS_NODEV, b"mode=0755,size=1m"),
               f"mount tmpfs {closed}")
        for handle, path in handles:
            os.makedirs(path, mode=0o755, exist_ok=True)
            _check(libc.mount(f"/proc/self/fd/{handle}".encode(), path.encode(), None, _MS_BIND | _MS_REC,
                              None),
                   f"mount --rbind {path}")
            os.close(handle)
