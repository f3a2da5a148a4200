"""Registry benchmarks: set-based status for a Tianjin-scale population and bulk import of 120,000 people.

Each is measured against the obvious per-row approach in the same run (on a sample, extrapolated):
* status: one pass (``Registry.status`` for the three 2026 rounds) vs a loop of per-person ORM queries;
* import: ``zhiben import people`` on a 120,000-row CSV vs ORM ``session.add`` + ``commit`` per row.
Targets (issue #4): status < 3 s, import < 60 s. The population is synthesised here with numpy
(valid ID numbers and USCCs, roles and hours drawn at random) so the benchmark needs nothing else.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import zhiben_training.registry.models as m  # the per-row ORM way the benchmark compares with
from zhiben_training.identifiers import id_problem, make_id, make_uscc
from zhiben_training.registry import open_registry
from zhiben_training.registry import registry_rules as rules

N_PEOPLE = 120_000
N_ENTERPRISES = 12_000
SAMPLE = 2_000
TODAY = dt.date(2026, 9, 1)
ROLES = {"法定代表人": 0.10, "实际控制人": 0.03, "实际负责人": 0.03, "项目负责人": 0.22,
         "专职安全生产管理人员": 0.27, "特种作业人员": 0.35}
TYPES = {"施工": 0.7, "设计": 0.12, "勘察": 0.06, "监理": 0.12}


def _ids(rng: np.random.Generator, n: int) -> list[str]:
    """n distinct valid ID numbers (birth date × sequence make each unique)."""
    base = dt.date(1960, 1, 1)
    out = []
    for i in range(n):
        birth = base + dt.timedelta(days=int(i % 14_000))
        out.append(make_id("120116", birth, i // 14_000, female=bool(rng.integers(2))))
    return out


def build_population(seed: int = 2026) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    usccs = [make_uscc("120116", f"{i:08d}") for i in range(N_ENTERPRISES)]
    etype = rng.choice(list(TYPES), N_ENTERPRISES, p=list(TYPES.values()))
    enterprises = pd.DataFrame({"uscc": usccs, "name": [f"企业{i}（合成）" for i in range(N_ENTERPRISES)],
                                "enterprise_type": etype, "district": "滨海新区", "district_code": "120116"})
    builders = np.flatnonzero(etype == "施工")
    role = rng.choice(list(ROLES), N_PEOPLE, p=list(ROLES.values()))
    principal = np.isin(role, ["法定代表人", "实际控制人", "实际负责人"])
    employer = np.where(principal, rng.integers(0, N_ENTERPRISES, N_PEOPLE), rng.choice(builders, N_PEOPLE))
    people = pd.DataFrame({"person_id": _ids(rng, N_PEOPLE), "name": "合成人员", "phone": "13800000000",
                           "district": "滨海新区", "enterprise_uscc": np.array(usccs)[employer], "role": role,
                           "operation_type": np.where(role == "特种作业人员", "建筑电工", "")})
    audience = np.select([principal, role == "特种作业人员"], ["principal", "special"], "safety")
    rounds = pd.DataFrame([(f"2026-{a}", 2026, a, 16.0 if a == "principal" else 24.0, 60.0, "2026-03-01",
                            "2026-08-31")
                           for a in ("principal", "safety", "special")],
                          columns=["round_id", "year", "audience", "required_hours", "pass_mark",
                                   "start_date", "end_date"])
    sessions = rng.integers(0, 4, N_PEOPLE)
    who = np.repeat(np.arange(N_PEOPLE), sessions)
    seq = np.concatenate([np.arange(k) for k in sessions])
    attendance = pd.DataFrame({"person_id": people["person_id"].to_numpy()[who],
                               "round_id": "2026-" + audience[who],
                               "session_date": pd.Timestamp("2026-03-02")
                               + pd.to_timedelta(seq * 7, unit="D"),
                               "hours": 8.0})
    takers = np.flatnonzero((audience != "special") & (sessions >= 2))
    results = pd.DataFrame({"person_id": people["person_id"].to_numpy()[takers],
                            "round_id": "2026-" + audience[takers],
                            "paper": np.where(audience[takers] == "principal", "A", "C"),
                            "score": rng.normal(75, 12, len(takers)).clip(0, 100).round(1),
                            "max_score": 100.0})
    results["passed"] = results["score"] >= 60
    results["taken_date"] = "2026-06-01"
    ce_who = rng.integers(0, N_PEOPLE, N_PEOPLE)
    ce = pd.DataFrame({"person_id": people["person_id"].to_numpy()[ce_who], "date": "2026-05-10",
                       "hours": 8.0, "topic": [f"专题{i}" for i in range(N_PEOPLE)],
                       "provider": "企业内部培训"})
    return {"enterprises": enterprises, "people": people, "rounds": rounds, "attendance": attendance,
            "assessment_results": results, "continuing_education": ce}


def _loop_status(registry, person_ids: list[str]) -> list[str]:
    """The per-person way: a handful of ORM queries for every person."""
    out = []
    with Session(registry.engine) as session:
        for pid in person_ids:
            person = session.get(m.Person, pid)
            enterprise = session.get(m.Enterprise, person.enterprise_uscc)
            rnd = session.scalars(select(m.TrainingRound).where(
                m.TrainingRound.audience == _audience(person.role), m.TrainingRound.year == 2026)).one()
            audience = rules()["audiences"][rnd.audience]
            if enterprise.enterprise_type not in audience["enterprise_types"]:
                out.append("out_of_scope")
                continue
            hours = session.scalar(select(func.coalesce(func.sum(m.Attendance.hours), 0.0)).where(
                m.Attendance.person_id == pid, m.Attendance.round_id == rnd.round_id))
            ce = session.scalar(select(func.coalesce(func.sum(m.ContinuingEducation.hours), 0.0)).where(
                m.ContinuingEducation.person_id == pid))
            passed = session.scalars(select(m.AssessmentResult.passed).where(
                m.AssessmentResult.person_id == pid, m.AssessmentResult.round_id == rnd.round_id)).all()
            counted = hours + (ce if audience.get("counts_continuing_education") else 0)
            done = counted >= rnd.required_hours and (any(passed) or not audience.get("assessed"))
            out.append("completed" if done else "overdue" if TODAY > rnd.end_date else "in_progress")
    return out


def _audience(role: str) -> str:
    return next(a for a, spec in rules()["audiences"].items() if role in spec["roles"])


def bench_status(work: Path, frames: dict[str, pd.DataFrame]) -> dict:
    registry = open_registry(f"sqlite:///{work / 'status.sqlite'}")
    started = time.perf_counter()
    registry.load_frames(frames)
    load_seconds = time.perf_counter() - started
    started, cpu_started = time.perf_counter(), time.process_time()
    statuses = [registry.status(round_id=r, today=TODAY)
                for r in ("2026-principal", "2026-safety", "2026-special")]
    set_seconds, set_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    covered = sum(len(s) for s in statuses)
    sample = frames["people"]["person_id"].sample(SAMPLE, random_state=1).tolist()
    started = time.perf_counter()
    _loop_status(registry, sample)
    loop_sample = time.perf_counter() - started
    loop_extrapolated = loop_sample * N_PEOPLE / SAMPLE
    registry.close()
    return {"people": N_PEOPLE, "people_in_scope": covered, "attendance_rows": len(frames["attendance"]),
            "load_seconds": round(load_seconds, 2), "set_based_seconds": round(set_seconds, 3),
            "set_based_cpu_seconds": round(set_cpu, 3), "load_average_1min": round(os.getloadavg()[0], 2),
            "loop_sample_people": SAMPLE, "loop_sample_seconds": round(loop_sample, 2),
            "loop_extrapolated_seconds": round(loop_extrapolated, 1),
            "ratio": round(loop_extrapolated / set_seconds, 1), "target": "< 3 s", "met": set_seconds < 3.0}


def bench_status_postgres(frames: dict[str, pd.DataFrame]) -> dict | None:
    """The same status pass on PostgreSQL when ``ZHIBEN_TEST_PG_URL`` names a server (informative only)."""
    admin_url = os.environ.get("ZHIBEN_TEST_PG_URL")
    if not admin_url:
        return None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = "zhiben_bench_registry"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        registry = open_registry(make_url(admin_url).set(database=name).render_as_string(hide_password=False))
        registry.load_frames(frames)
        started = time.perf_counter()
        for round_id in ("2026-principal", "2026-safety", "2026-special"):
            registry.status(round_id=round_id, today=TODAY)
        seconds = time.perf_counter() - started
        registry.close()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return {"set_based_seconds": round(seconds, 3), "met": seconds < 3.0}


def _write_people_csv(path: Path, people: pd.DataFrame) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["身份证号", "姓名", "手机号", "所在区", "单位统一社会信用代码", "岗位",
                         "特种作业类别"])
        for row in people[["person_id", "name", "phone", "district", "enterprise_uscc", "role",
                           "operation_type"]].itertuples(index=False):
            writer.writerow(row)


def _per_row_orm(registry, path: Path, limit: int) -> None:
    """The naive way: read a row, check the ID, add one ORM object, commit — per row."""
    with path.open(encoding="utf-8-sig") as handle, Session(registry.engine) as session:
        for i, row in enumerate(csv.DictReader(handle)):
            if i >= limit:
                break
            if id_problem(row["身份证号"]) is None:
                session.add(m.Person(person_id=row["身份证号"], name=row["姓名"], phone=row["手机号"],
                                     district=row["所在区"], enterprise_uscc=row["单位统一社会信用代码"],
                                     role=row["岗位"], operation_type=row["特种作业类别"] or None))
                session.commit()


def bench_import(work: Path, frames: dict[str, pd.DataFrame]) -> dict:
    path = work / "people.csv"
    _write_people_csv(path, frames["people"])
    base = {"enterprises": frames["enterprises"]}
    registry = open_registry(f"sqlite:///{work / 'import.sqlite'}")
    registry.load_frames(base)
    started = time.perf_counter()
    result = registry.import_file("people", path)
    bulk_seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = registry.import_file("people", path)
    reimport_seconds = time.perf_counter() - started
    registry.close()
    naive = open_registry(f"sqlite:///{work / 'naive.sqlite'}")
    naive.load_frames(base)
    started = time.perf_counter()
    _per_row_orm(naive, path, SAMPLE)
    naive_sample = time.perf_counter() - started
    naive.close()
    naive_extrapolated = naive_sample * N_PEOPLE / SAMPLE
    return {"rows": result.rows, "inserted": result.inserted, "bulk_seconds": round(bulk_seconds, 2),
            "reimport_seconds": round(reimport_seconds, 2), "reimport_unchanged": again.unchanged,
            "per_row_sample_rows": SAMPLE, "per_row_sample_seconds": round(naive_sample, 2),
            "per_row_extrapolated_seconds": round(naive_extrapolated, 1),
            "ratio": round(naive_extrapolated / bulk_seconds, 1), "target": "< 60 s",
            "met": bulk_seconds < 60.0}


def run(out_dir: Path) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("*.sqlite*"):
        stale.unlink()
    frames = build_population()
    status = bench_status(out_dir, frames)
    imports = bench_import(out_dir, frames)
    postgres = bench_status_postgres(frames)
    if postgres is not None:
        status["postgres"] = postgres
    return {"status": status, "import": imports, "ratio": status["ratio"],
            "target": "status of 120,000 people < 3 s; import of 120,000 people < 60 s",
            "met": bool(status["met"] and imports["met"])}
