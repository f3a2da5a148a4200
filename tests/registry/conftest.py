"""Fixtures for the registry tests: a fresh registry on SQLite (tmp_path) and on PostgreSQL, and a tiny
synthetic city written by the contract in docs/data-contracts.md with known outcomes.

PostgreSQL tests use ``ZHIBEN_TEST_PG_URL`` when it is set, otherwise one embedded server started for
the whole run (tests/pg_server.py). One database is created per test session (per xdist worker) and its
``public`` schema is reset for every test. A server that cannot be reached fails those tests: it is never
a reason to skip them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.pg_server import admin_url as pg_admin_url
from zhiben_training.identifiers import make_id, make_uscc
from zhiben_training.registry import open_registry

TODAY = dt.date(2026, 5, 15)  # inside the 2026 principal round (03-01 … 06-30)


@pytest.fixture(scope="session")
def pg_database_url():
    """A throwaway PostgreSQL database for this test session (dropped afterwards)."""
    admin_url = pg_admin_url()
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"zhiben_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any connection failure: say which server and why
        admin.dispose()
        pytest.fail(f"PostgreSQL at {admin_url} is unreachable: {type(exc).__name__}: {exc}".splitlines()[0],
                    pytrace=False)
    yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _reset_pg(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """A URL for an empty database: a fresh SQLite file, or a reset PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.sqlite'}"
    url = request.getfixturevalue("pg_database_url")
    _reset_pg(url)
    return url


@pytest.fixture
def registry(db_url):
    reg = open_registry(db_url)
    yield reg
    reg.close()


# -- a tiny city with known outcomes -----------------------------------------------------------------

def _person(area: str, year: int, seq: int, *, female: bool = False) -> str:
    return make_id(area, dt.date(year, 3, 1 + seq % 27), seq, female=female)


ENTERPRISES = [
    # uscc, name, type, kind, grade, district, area
    (make_uscc("120116", "A0000001"), "滨海建工（合成）", "施工", "总承包", "一级", "滨海新区", "120116"),
    (make_uscc("120101", "A0000002"), "和平设计院（合成）", "设计", "", "甲级", "和平区", "120101"),
    (make_uscc("120116", "A0000003"), "滨海监理（合成）", "监理", "", "甲级", "滨海新区", "120116"),
    (make_uscc("120104", "A0000004"), "南开勘察（合成）", "勘察", "", "甲级", "南开区", "120104"),
]
P_DONE = _person("120116", 1970, 1)        # principal, 16 h and passed          -> completed
P_HALF = _person("120101", 1972, 2)        # principal, 8 h                       -> in progress
P_NONE = _person("120116", 1975, 3)        # principal, nothing                   -> not enrolled
P_FAILED = _person("120104", 1968, 4)      # principal, 16 h, failed              -> in progress
SAFE_1 = _person("120116", 1985, 5)        # 专职, C2 expiring soon, sanctioned
SAFE_2 = _person("120116", 1988, 6, female=True)  # 项目负责人, B expiring soon, 8 h CE in 2025, clean
WORKER = _person("120116", 1990, 7)        # 特种作业人员, 16 h attendance + 8 h CE in 2026 -> completed
WORKER_2 = _person("120116", 1992, 8)      # 特种作业人员, 8 h in 2025 only, cert due


def tiny_city_frames() -> dict[str, pd.DataFrame]:
    e1, e2, e3, e4 = (e[0] for e in ENTERPRISES)
    enterprises = pd.DataFrame(
        [{"uscc": u, "name": n, "enterprise_type": t, "construction_kind": k, "qualification_grade": g,
          "district": d, "district_code": a, "address": f"{d}某路1号", "legal_rep_id": "",
          "licence_no": "", "licence_expiry": ""} for u, n, t, k, g, d, a in ENTERPRISES])
    people_rows = [
        (P_DONE, "张一", e1, "法定代表人", ""), (P_HALF, "王二", e2, "法定代表人", ""),
        (P_NONE, "李三", e3, "实际控制人", ""), (P_FAILED, "赵四", e4, "法定代表人", ""),
        (SAFE_1, "钱五", e1, "专职安全生产管理人员", ""), (SAFE_2, "孙六", e1, "项目负责人", ""),
        (WORKER, "周七", e1, "特种作业人员", "建筑电工"),
        (WORKER_2, "吴八", e1, "特种作业人员", "建筑架子工"),
    ]
    district = {u: d for u, _n, _t, _k, _g, d, _a in ENTERPRISES}
    people = pd.DataFrame(
        [{"person_id": pid, "name": name, "sex": "男" if int(pid[16]) % 2 else "女",
          "birth_date": f"{pid[6:10]}-{pid[10:12]}-{pid[12:14]}", "phone": f"1380000{i:04d}",
          "district": district[uscc], "enterprise_uscc": uscc, "role": role, "operation_type": op}
         for i, (pid, name, uscc, role, op) in enumerate(people_rows)])
    rounds = pd.DataFrame([
        ("2026-principal", 2026, "principal", 16, 60, "2026-03-01", "2026-06-30"),
        ("2026-safety", 2026, "safety", 24, 60, "2026-04-01", "2026-10-31"),
        ("2026-special", 2026, "special", 24, 60, "2026-02-01", "2026-11-30"),
        ("2025-safety", 2025, "safety", 24, 60, "2025-04-01", "2025-10-31"),
    ], columns=["round_id", "year", "audience", "required_hours", "pass_mark", "start_date", "end_date"])
    attendance = pd.DataFrame([
        (P_DONE, "2026-principal", "2026-03-10", 8.0), (P_DONE, "2026-principal", "2026-03-11", 8.0),
        (P_HALF, "2026-principal", "2026-03-10", 8.0),
        (P_FAILED, "2026-principal", "2026-03-10", 8.0), (P_FAILED, "2026-principal", "2026-03-11", 8.0),
        (SAFE_1, "2025-safety", "2025-05-10", 8.0),
        (WORKER, "2026-special", "2026-02-10", 8.0), (WORKER, "2026-special", "2026-02-11", 8.0),
    ], columns=["person_id", "round_id", "session_date", "hours"])
    results = pd.DataFrame([
        (P_DONE, "2026-principal", "A", 82.0, 100.0, True, "2026-03-20"),
        (P_FAILED, "2026-principal", "A", 41.0, 100.0, False, "2026-03-20"),
        (SAFE_1, "2025-safety", "C", 50.0, 100.0, False, "2025-06-01"),
    ], columns=["person_id", "round_id", "paper", "score", "max_score", "passed", "taken_date"])
    certificates = pd.DataFrame([
        ("津建安A（2023）0000001", P_DONE, "A", "", "2023-09-01", "2026-09-01"),
        ("津建安C2（2023）0000001", SAFE_1, "C2", "", "2023-07-01", "2026-07-01"),
        ("津建安B（2023）0000001", SAFE_2, "B", "", "2023-06-20", "2026-06-20"),
        ("津建安B（2024）0000009", P_HALF, "B", "", "2024-01-10", "2027-01-10"),
        ("SYN-TS-0001", WORKER_2, "SPECIAL", "建筑架子工", "2024-07-01", "2026-07-01"),
    ], columns=["cert_no", "person_id", "cert_type", "operation_type", "issue_date", "expiry_date"])
    ce = pd.DataFrame([
        (WORKER, "2026-04-01", 8.0, "施工临时用电安全", "企业内部培训"),
        (WORKER_2, "2025-03-01", 8.0, "脚手架工程安全技术", "企业内部培训"),
        # trained: renewal is clean
        (SAFE_2, "2025-03-15", 8.0, "危大工程专项施工方案编制与论证", "企业内部培训"),
    ], columns=["person_id", "date", "hours", "topic", "provider"])
    sanctions = pd.DataFrame([(SAFE_1, e1, "2025-01-15", "通报批评", "所在项目重大事故隐患未按期整改")],
                             columns=["person_id", "enterprise_uscc", "date", "kind", "reason"])
    sites = pd.DataFrame([("S0001", "滨海某住宅项目（合成）", e1, e3, "滨海新区", "住宅", 52000.0, 18000.0,
                           "2025-09-01", "5.4.2")],
                         columns=["site_id", "name", "contractor_uscc", "supervisor_uscc", "district",
                                  "project_type", "floor_area_m2", "contract_value_wan", "start_date",
                                  "label_major_hazard_ids"])
    findings = pd.DataFrame([
        ("F0001", "S0001", "滨海新区", "2026-01-20", "督导检查", "重大", "5.4.2", "基坑支护变形超限",
         "2026-02-05", "2026-02-01", "2026-02-03"),
        ("F0002", "S0001", "滨海新区", "2026-04-02", "企业自查", "一般", "", "临边防护缺失",
         "2026-04-10", "", ""),
    ], columns=["finding_id", "site_id", "district", "found_date", "channel", "level", "item_id",
                "description", "deadline", "rectified_date", "closed_date"])
    return {"enterprises": enterprises, "people": people, "rounds": rounds, "attendance": attendance,
            "assessment_results": results, "certificates": certificates, "continuing_education": ce,
            "sanctions": sanctions, "sites": sites, "findings": findings}


def write_tiny_city(directory: Path) -> Path:
    """Write the tiny city as CSV files named by the contract; returns the folder."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, frame in tiny_city_frames().items():
        frame.to_csv(directory / f"{name}.csv", index=False, encoding="utf-8")
    return directory


@pytest.fixture
def tiny_city(tmp_path) -> Path:
    return write_tiny_city(tmp_path / "city")


@pytest.fixture
def loaded(registry, tiny_city):
    registry.load_synthetic(tiny_city)
    return registry


@pytest.fixture
def sqlite_loaded(tmp_path, tiny_city):
    """A SQLite registry filled with the tiny city (property tests run many examples on SQLite only)."""
    from zhiben_training.registry import open_registry

    registry = open_registry(f"sqlite:///{tmp_path / 'prop.sqlite'}")
    registry.load_synthetic(tiny_city)
    yield registry
    registry.close()
