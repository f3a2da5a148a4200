"""The course in a learner's own folder, from the installed package alone (no git, no make).

The lessons are built from the package (``build.py``: the same bytes as ``course/``, which
``zhiben lessons build --check`` keeps equal), so a wheel install carries them. A file already in the
folder is never overwritten: when it differs from the new version (the learner's answers, notes,
saved outputs) it is kept and reported, and the 错题本 of the practice is never touched.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from zhiben_training.lessons.build import build_course

__all__ = ["CopyReport", "copy_course"]


@dataclass(frozen=True)
class CopyReport:
    folder: Path
    copied: tuple[str, ...]  # new in the folder
    unchanged: tuple[str, ...]  # already there, same as the new version
    kept: tuple[str, ...]  # already there and different: the learner's version stays


def copy_course(folder: Path, *, extra: tuple[Path, ...] = ()) -> CopyReport:
    """Put every lesson (and the ``extra`` files, e.g. an exported practice set) into ``folder``."""
    folder = Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    copied, unchanged, kept = [], [], []
    with tempfile.TemporaryDirectory() as scratch:
        sources = build_course(Path(scratch)) + [Path(p) for p in extra]
        for source in sources:
            target = folder / source.name
            if not target.exists():
                shutil.copyfile(source, target)
                copied.append(source.name)
            elif target.read_bytes() == source.read_bytes():
                unchanged.append(source.name)
            else:
                kept.append(source.name)
    return CopyReport(folder, tuple(copied), tuple(unchanged), tuple(kept))
