"""``zhiben demo``: one whole training round, end to end, on the embedded SQLite default.

The demo is the newcomer's first command, so it uses only the public entry points of each part:
synth → registry → assess (generate, release, simulate, collect, autograde, import) → reports.
Each step returns data; ``zhiben_training.cli.demo`` prints it in Chinese.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["DemoStep", "DemoResult", "run_demo"]


@dataclass
class DemoStep:
    number: int
    title: str
    seconds: float = 0.0
    lines: list[str] = field(default_factory=list)


@dataclass
class DemoResult:
    out_dir: Path
    steps: list[DemoStep]
    outputs: dict[str, Path]


def run_demo(
    *,
    out_dir: Path,
    seed: int = 2026,
    trainees_per_paper: int = 20,
    workers: int | None = None,
    on_step: Callable[[DemoStep], None] | None = None,
) -> DemoResult:
    """Run every step in order; the first failure raises (the CLI turns it into a non-zero exit)."""
    from zhiben_training import _demo_steps as steps

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = steps.DemoContext(out_dir=out_dir, seed=seed, trainees_per_paper=trainees_per_paper,
                            workers=workers)
    done: list[DemoStep] = []
    for number, (title, fn) in enumerate(steps.STEPS, start=1):
        step = DemoStep(number=number, title=title)
        started = time.perf_counter()
        step.lines = fn(ctx)
        step.seconds = time.perf_counter() - started
        done.append(step)
        if on_step is not None:
            on_step(step)
    return DemoResult(out_dir=out_dir, steps=done, outputs=dict(ctx.outputs))
