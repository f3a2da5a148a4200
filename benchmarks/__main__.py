"""Run every benchmark (``make bench``) or the ones named: ``python -m benchmarks synth registry``.

Each ``benchmarks/bench_<name>.py`` exposes ``run(out_dir: Path) -> dict``; the dict holds the
measurements, a ``ratio`` (ours vs the obvious alternative, measured in the same run) and
``target`` text. Results are printed and written to ``bench-out/<name>.json``.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path

import benchmarks


def main(argv: list[str]) -> int:
    out = Path("bench-out")
    out.mkdir(exist_ok=True)
    names = sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules(benchmarks.__path__)
                   if m.name.startswith("bench_"))
    wanted = argv or names
    unknown = set(wanted) - set(names)
    if unknown:
        print(f"未知的基准测试：{', '.join(sorted(unknown))}；可选：{', '.join(names)}", file=sys.stderr)
        return 2
    failed = False
    for name in wanted:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        result = module.run(out / name)
        result["wall_seconds"] = round(time.perf_counter() - started, 2)
        (out / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        print(json.dumps(result, ensure_ascii=False, indent=2), flush=True)
        failed |= result.get("met") is False
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
