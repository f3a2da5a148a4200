"""The synthetic city lessons 05 and 06 work on, generated on first use so they run offline.

Where it lives: ``$ZHIBEN_LESSON_CITY`` when set (a trainer can point every learner at one
prepared city), otherwise ``<zhiben_home()>/lesson-city-<scale>-<seed>``. A missing or
incomplete folder is (re)generated with a fixed seed under a file lock, so two kernels starting
at once do not write the same files.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CITY_ENV", "LESSON_SCALE", "LESSON_SEED", "lesson_city_dir", "ensure_city", "load_lesson_city",
           "lesson_site_records"]

CITY_ENV = "ZHIBEN_LESSON_CITY"
LESSON_SCALE = "demo"
LESSON_SEED = 2026
_DONE = ".lesson-city-complete"


def lesson_city_dir(*, scale: str = LESSON_SCALE, seed: int = LESSON_SEED) -> Path:
    """The folder of the lesson city (not created here)."""
    explicit = os.environ.get(CITY_ENV)
    if explicit:
        return Path(explicit).expanduser()
    from zhiben_training.paths import zhiben_home

    return zhiben_home() / f"lesson-city-{scale}-{seed}"


def ensure_city(directory: Path | None = None, *, scale: str = LESSON_SCALE, seed: int = LESSON_SEED) -> Path:
    """Generate the city into ``directory`` unless a complete one is already there; returns the folder."""
    from filelock import FileLock

    from zhiben_training.synth import generate_city

    directory = Path(directory) if directory is not None else lesson_city_dir(scale=scale, seed=seed)
    directory.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(directory) + ".lock"):
        if not (directory / _DONE).exists():
            generate_city(scale=scale, seed=seed, out_dir=directory)
            (directory / _DONE).write_text(f"{scale} {seed}\n", encoding="utf-8")
    return directory


def load_lesson_city(**kwargs) -> dict:
    """Every table of the lesson city as DataFrames (generating it first if needed)."""
    from zhiben_training.synth import load_city

    return load_city(ensure_city(**kwargs))


def lesson_site_records(**kwargs) -> list[dict]:
    """The inspection records of the lesson city's sites, in file order."""
    from zhiben_training.synth import load_site_records

    return list(load_site_records(ensure_city(**kwargs)))
