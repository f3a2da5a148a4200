"""The city the plans use, on the embedded PostgreSQL, through the documented commands.

Runs, as a user would (README "管理员" and ``docs/deployment.md``), each as a ``zhiben`` subprocess:

    export ZHIBEN_DB_URL="$(zhiben db serve --url-only --data-dir bench-out/city/postgres)"
    zhiben synth --scale tianjin --seed 2026 --out bench-out/city/city --no-progress
    zhiben db upgrade
    zhiben db load-synth bench-out/city/city
    zhiben status --round 2026-principal --today 2026-11-28
    zhiben report roster --round 2026-principal --today 2026-11-28 --out bench-out/city/报送
    zhiben db serve --stop --data-dir bench-out/city/postgres

and measures each command's wall time (start-up included: what the user waits for). Ratios against the
obvious alternatives are measured in this process on the same server, on the library calls the two
commands make (``Registry.status`` + ``summarise``; ``roster_frame`` + ``write_roster``):
* status: the per-person way (a handful of ORM queries per person, ``bench_registry._loop_status``) on
  ``SAMPLE`` people of the round, extrapolated to everyone ``zhiben status`` covered;
* roster: one SQL query (people of the round's roles with attendance or a result in it) read with
  ``pandas.read_sql`` and written with ``DataFrame.to_excel`` (openpyxl), no validation, no filing elements.

Bounded: every command has a timeout (``STEP_TIMEOUT``) and the server is stopped whatever happens.
``ZHIBEN_BENCH_CITY_SCALE=demo`` (or ``tiny``) runs the same steps on a smaller city.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

SCALE = os.environ.get("ZHIBEN_BENCH_CITY_SCALE", "tianjin")
ROUND = "2026-principal"
TODAY = dt.date(2026, 11, 28)  # the synthetic city's "today"
SAMPLE = 500
STEP_TIMEOUT = 1800  # seconds for any one command (the tianjin load on a busy 2-core machine takes minutes)
TARGETS = {"status_seconds": 3.0, "roster_seconds": 15.0}  # as bench_registry / bench_roster, in-process


def _zhiben(*argv: str, env: dict[str, str]) -> tuple[float, str]:
    """Run one ``zhiben`` command; (wall seconds, stdout). A non-zero exit stops the benchmark with its
    stderr."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "zhiben_training", *argv], env=env, capture_output=True,
                          text=True, timeout=STEP_TIMEOUT, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"zhiben {' '.join(argv)} → exit {proc.returncode}\n{proc.stderr[-4000:]}")
    return seconds, proc.stdout


def _ours_seconds(url: str, out: Path) -> tuple[float, float, int]:
    """The library calls behind the two commands: (status seconds, roster seconds, people in the round)."""
    from zhiben_training.registry import open_registry
    from zhiben_training.reports import export_roster

    with open_registry(url) as registry:
        started = time.perf_counter()
        summary = registry.status_summary(round_id=ROUND, by="district", today=TODAY)
        status_seconds = time.perf_counter() - started
        started = time.perf_counter()
        export_roster(registry, out, round_id=ROUND, today=TODAY)
        roster_seconds = time.perf_counter() - started
    return status_seconds, roster_seconds, int(summary["total"].sum())


def _loop_status_seconds(url: str, people: int) -> tuple[float, float]:
    """The per-person way on a sample of the round's people; (sample seconds, extrapolated seconds)."""
    import pandas as pd
    from sqlalchemy import bindparam, text

    from benchmarks.bench_registry import _loop_status
    from zhiben_training.registry import open_registry

    with open_registry(url) as registry:
        with registry.engine.connect() as conn:
            query = text("SELECT person_id FROM people WHERE role IN :roles ORDER BY person_id")
            ids = pd.read_sql(query.bindparams(bindparam("roles", expanding=True)), conn,
                              params={"roles": _roles()})["person_id"]
        sample = ids.sample(min(SAMPLE, len(ids)), random_state=1).tolist()
        started = time.perf_counter()
        _loop_status(registry, sample)
        seconds = time.perf_counter() - started
    return seconds, seconds * people / max(len(sample), 1)


def _roles() -> list[str]:
    from zhiben_training.registry import registry_rules

    return list(registry_rules()["audiences"]["principal"]["roles"])


_PANDAS_ROSTER = """
SELECT p.person_id, p.name, e.name AS enterprise, e.uscc, e.district, p.role, c.cert_no,
       COALESCE(a.hours, 0) AS hours, r.score, r.passed
FROM people p JOIN enterprises e ON e.uscc = p.enterprise_uscc
LEFT JOIN (SELECT person_id, SUM(hours) AS hours FROM attendance WHERE round_id = :round GROUP BY person_id) a
       ON a.person_id = p.person_id
LEFT JOIN (SELECT person_id, MAX(100.0 * score / max_score) AS score, \
MAX(CASE WHEN passed THEN 1 ELSE 0 END) AS passed
           FROM assessment_results WHERE round_id = :round GROUP BY person_id) r ON r.person_id = p.person_id
LEFT JOIN (SELECT person_id, MAX(cert_no) AS cert_no FROM certificates GROUP BY person_id) c
       ON c.person_id = p.person_id
WHERE p.role IN :roles AND (a.person_id IS NOT NULL OR r.person_id IS NOT NULL)
ORDER BY e.district, e.uscc, p.person_id
"""


def _pandas_roster_seconds(url: str, out: Path) -> tuple[float, int]:
    """The obvious script: one query through pandas.read_sql, then DataFrame.to_excel (openpyxl)."""
    import pandas as pd
    from sqlalchemy import bindparam, create_engine, text

    engine = create_engine(url)
    started = time.perf_counter()
    with engine.connect() as conn:
        frame = pd.read_sql(text(_PANDAS_ROSTER).bindparams(bindparam("roles", expanding=True)), conn,
                            params={"round": ROUND, "roles": _roles()})
    frame.to_excel(out, index=False, engine="openpyxl")
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds, len(frame)


def run(out_dir: Path) -> dict:
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    data_dir, city, reports = out_dir / "postgres", out_dir / "city", out_dir / "报送"
    for stale in (data_dir, reports):
        shutil.rmtree(stale, ignore_errors=True)
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    env.pop("ZHIBEN_DB_URL", None)
    _, url = _zhiben("db", "serve", "--url-only", "--data-dir", str(data_dir), env=env)
    url = url.strip()
    env["ZHIBEN_DB_URL"] = url
    try:
        synth_seconds, _ = _zhiben("synth", "--scale", SCALE, "--seed", "2026", "--out", str(city),
                                   "--no-progress", env=env)
        _zhiben("db", "upgrade", env=env)
        load_seconds, loaded = _zhiben("db", "load-synth", str(city), env=env)
        status_seconds, status_out = _zhiben("status", "--round", ROUND, "--today", TODAY.isoformat(),
                                             env=env)
        people = int(re.search(r"共 (\d+) 人", status_out).group(1))
        roster_seconds, roster_out = _zhiben("report", "roster", "--round", ROUND,
                                             "--today", TODAY.isoformat(), "--out", str(reports), env=env)
        roster_rows = int(re.search(r"共 (\d+) 人", roster_out).group(1))
        ours_status, ours_roster, in_round = _ours_seconds(url, out_dir / "roster-ours")
        loop_sample, loop_all = _loop_status_seconds(url, in_round)
        pandas_seconds, pandas_rows = _pandas_roster_seconds(url, out_dir / "roster-pandas-openpyxl.xlsx")
    finally:
        _zhiben("db", "serve", "--stop", "--data-dir", str(data_dir), env=env)
    return {
        "scale": SCALE, "database": "embedded PostgreSQL (zhiben db serve)",
        "load_average_1min": round(os.getloadavg()[0], 2),
        "synth_seconds": round(synth_seconds, 1), "load_synth_seconds": round(load_seconds, 1),
        "loaded": loaded.strip(),
        "status": {"people": people, "command_seconds": round(status_seconds, 2),
                   "library_seconds": round(ours_status, 3),
                   "per_person_sample": SAMPLE, "per_person_sample_seconds": round(loop_sample, 2),
                   "per_person_extrapolated_seconds": round(loop_all, 1),
                   "ratio": round(loop_all / ours_status, 1)},
        "roster": {"rows": roster_rows, "command_seconds": round(roster_seconds, 2),
                   "library_seconds": round(ours_roster, 2),
                   "pandas_read_sql_to_excel_rows": pandas_rows, "pandas_seconds": round(pandas_seconds, 2),
                   "ratio": round(ours_roster / pandas_seconds, 2)},
        "ratio": round(loop_all / ours_status, 1),
        "target": f"status of the round < {TARGETS['status_seconds']:g} s and its roster "
                  f"(validated XLSX + CSV) < {TARGETS['roster_seconds']:g} s on the {SCALE} city "
                  "in PostgreSQL",
        "met": ours_status < TARGETS["status_seconds"] and ours_roster < TARGETS["roster_seconds"],
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(Path("bench-out/city")), ensure_ascii=False, indent=2))
