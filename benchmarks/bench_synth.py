"""Synthetic city: tianjin scale wall time and peak memory, and person rows/s against naive faker.

* The tianjin scale (10,000 enterprises, 120,000 people, 20,000 sites + records, 1,000,000 findings)
  runs in a child process; its peak RSS is that child's ``VmHWM`` (``benchmarks._memory``:
  ``ru_maxrss`` would include the parent's size inherited across fork + exec).
* The obvious alternative, one faker zh_CN call per field per person row (name, ID number, birth date,
  sex, phone, address, employer), is measured on 20,000 rows in this run and compared in person rows/s
  with the vectorised people step (people + ID numbers + names + phones, as an Arrow table).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

NAIVE_ROWS = 20_000
_CHILD = """
import json, sys, time
from pathlib import Path
from benchmarks._memory import peak_rss_mb
from zhiben_training.synth import generate_city
started = time.perf_counter()
m = generate_city(scale="tianjin", seed=2026, out_dir=Path(sys.argv[1]))
wall = time.perf_counter() - started
print(json.dumps({"wall": wall, "maxrss_kb": int(peak_rss_mb() * 1024),
                  "counts": m.counts, "stats": m.stats}))
"""


def _tianjin(out_dir: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(out_dir / "tianjin")], check=True,
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _naive_rows_per_second(rows: int) -> float:
    """One faker call per field per row, the way a quick script would do it."""
    import pandas as pd
    from faker import Faker

    fake = Faker("zh_CN")
    fake.seed_instance(2026)
    started = time.perf_counter()
    records = []
    for _ in range(rows):
        records.append({
            "person_id": fake.ssn(), "name": fake.name(),
            "birth_date": fake.date_of_birth(minimum_age=22, maximum_age=62),
            "sex": fake.random_element(("男", "女")), "phone": fake.phone_number(), "address": fake.address(),
            "enterprise": fake.company(),
        })
    pd.DataFrame.from_records(records)
    return rows / (time.perf_counter() - started)


def _vectorised_rows_per_second() -> tuple[float, int]:
    """The people step of the tianjin scale (enterprises built beforehand, not timed); best of 3."""
    from zhiben_training.synth._config import DEFAULT_REFERENCE_DATE, SCALES, stream
    from zhiben_training.synth._enterprises import build_enterprises
    from zhiben_training.synth._io import to_arrow
    from zhiben_training.synth._people import build_people

    size = SCALES["tianjin"]
    ent = build_enterprises(stream(2026, "enterprises"), size.enterprises, reference=DEFAULT_REFERENCE_DATE)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        people = build_people(stream(2026, "people"), ent, size.people, reference=DEFAULT_REFERENCE_DATE)
        to_arrow("people", people)
        best = min(best, time.perf_counter() - started)
    return size.people / best, size.people


def run(out_dir: Path) -> dict:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tianjin = _tianjin(out_dir)
    naive = _naive_rows_per_second(NAIVE_ROWS)
    ours, people = _vectorised_rows_per_second()
    ratio = ours / naive
    return {
        "measured_on": dt.date.today().isoformat(),
        "tianjin_wall_seconds": round(tianjin["wall"], 2),
        "tianjin_peak_rss_mb": round(tianjin["maxrss_kb"] / 1024, 1),
        "tianjin_counts": tianjin["counts"],
        "tianjin_stats": tianjin["stats"],
        "naive_faker_rows": NAIVE_ROWS,
        "naive_faker_person_rows_per_s": round(naive),
        "vectorised_person_rows": people,
        "vectorised_person_rows_per_s": round(ours),
        "tianjin_person_rows_per_s_whole_city": round(people / tianjin["wall"]),
        "ratio": round(ratio, 1),
        "target": ("tianjin scale < 60 s on 2 cores; vectorised person rows/s ≥ 20× naive faker zh_CN "
                   "(one call per field)"),
        "met": tianjin["wall"] < 60 and ratio >= 20,
    }
