"""Fill the registry from a synthetic city (the tables named in docs/data-contracts.md).

Checked first (``city_check.py``: empty registry, unique keys, filled required columns, references that
resolve), so a city that would break a constraint writes nothing and gets a Chinese report instead of an
IntegrityError; then one write transaction, chunked Core inserts. Sessions and assessments are derived
from the attendance and result tables. The audit log gets one entry per loaded table ("bulk load of N rows"),
not one per row: a synthetic city is a starting state, not a change anyone made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Engine, delete, insert

from zhiben_training.errors import NotFoundError, RegistryError, ZhibenError

from . import models as m
from .bulk import frame_records, insert_chunks
from .city_check import TABLE_NAMES_CN, check_city, existing_rows, refuse
from .store import refresh_statistics, write_transaction

__all__ = ["read_city", "load_city_frames", "CITY_TABLES"]

# Load order respects foreign keys; each entry: city table name → model.
CITY_TABLES: tuple[tuple[str, type], ...] = (
    ("enterprises", m.Enterprise),
    ("people", m.Person),
    ("certificates", m.Certificate),
    ("rounds", m.TrainingRound),
    ("sessions", m.TrainingSession),
    ("attendance", m.Attendance),
    ("assessments", m.Assessment),
    ("assessment_results", m.AssessmentResult),
    ("continuing_education", m.ContinuingEducation),
    ("sanctions", m.Sanction),
    ("sites", m.Site),
    ("findings", m.Finding),
)
_STRING_COLUMNS = {"person_id", "uscc", "enterprise_uscc", "legal_rep_id", "phone", "cert_no",
                   "district_code", "contractor_uscc", "supervisor_uscc", "site_id", "finding_id", "item_id",
                   "round_id"}


def read_city(directory: Path) -> dict[str, pd.DataFrame]:
    """The synthetic city's tables: via ``zhiben_training.synth.load_city`` when present, else the files."""
    directory = Path(directory)
    if not directory.is_dir():
        raise NotFoundError(f"找不到合成城市目录：{directory}")
    try:
        from zhiben_training.synth import load_city
    except ImportError:
        load_city = None
    if load_city is not None:
        try:
            return dict(load_city(directory))
        except (ZhibenError, KeyError, ValueError, OSError):
            pass  # not a complete synth-format city (e.g. hand-made contract tables): read the files below
    frames: dict[str, pd.DataFrame] = {}
    for name, _model in CITY_TABLES:
        parquet, csv = directory / f"{name}.parquet", directory / f"{name}.csv"
        if parquet.exists():
            frames[name] = pd.read_parquet(parquet)
        elif csv.exists():
            frames[name] = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if "people" not in frames or "enterprises" not in frames:
        raise NotFoundError(f"{directory} 中没有 enterprises / people 表，不是合成城市目录")
    return frames


def _derived(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    frames = dict(frames)
    if "attendance" in frames and "sessions" not in frames:
        att = frames["attendance"]
        frames["sessions"] = att[["round_id", "session_date"]].drop_duplicates()
    if "assessment_results" in frames and "assessments" not in frames:
        frames["assessments"] = frames["assessment_results"][["round_id", "paper"]].drop_duplicates()
    for name in ("sessions", "attendance"):
        if name in frames:
            frame = frames[name].copy()
            frame["session_date"] = pd.to_datetime(frame["session_date"]).dt.date
            frames[name] = frame.drop_duplicates(subset=[c for c in ("person_id", "round_id", "session_date")
                                                          if c in frame.columns])
    for name, frame in frames.items():
        for column in _STRING_COLUMNS & set(frame.columns):
            values = frame[column].astype(object)
            frame = frame.assign(**{column: values.where(values.notna(), None)})
        frames[name] = frame
    return frames


def load_city_frames(
    engine: Engine,
    frames: dict[str, pd.DataFrame],
    *,
    replace: bool = False,
    actor: str = "synthetic-loader",
    on_progress: Callable[[str], None] | None = None,
    source: str = "（内存中的表）",
) -> dict[str, int]:
    """Check, then insert every city table in one transaction; returns rows loaded per table.

    Raises ``ImportValidationError`` (problems by table, row and column; nothing written) when a row would
    break a constraint, ``RegistryError`` when the registry already holds data and ``replace`` is false.
    """
    frames = _derived(frames)
    tables = [(name, model.__table__) for name, model in CITY_TABLES]
    problems = check_city(frames, tables)
    if problems:
        raise refuse(source, problems)
    counts: dict[str, int] = {}
    with write_transaction(engine) as conn:
        _ensure_empty(conn, replace=replace)
        now = dt.datetime.now(dt.UTC)
        for name, table in tables:
            if name not in frames:
                continue
            counts[name] = insert_chunks(conn, table, frame_records(frames[name], table))
            if on_progress:
                on_progress(f"{name}:{counts[name]}")
        audit_rows = [
            {"at": now, "actor": actor, "entity": "synthetic_load", "entity_key": name, "field": "rows",
             "old_value": None, "new_value": str(n), "reason": "合成城市批量载入"}
            for name, n in counts.items()
        ]
        if audit_rows:
            conn.execute(insert(m.AuditEntry.__table__), audit_rows)
        refresh_statistics(conn, [model.__tablename__ for name, model in CITY_TABLES if name in counts])
    return counts


def _ensure_empty(conn: Connection, *, replace: bool) -> None:
    """A city is a starting state: it goes into an empty registry (rounds opened by ``open-rounds``
    included), or replaces everything with ``--replace``."""
    if replace:
        # renewals granted here refer to the old certificates
        conn.execute(delete(m.CertificateRenewal.__table__))
        conn.execute(delete(m.AssessmentItemScore.__table__))  # item scores belong to the old results
        for _name, model in reversed(CITY_TABLES):
            conn.execute(delete(model.__table__))
        return
    existing = existing_rows(conn, [(name, model.__table__) for name, model in CITY_TABLES])
    if existing:
        held = "、".join(f"{TABLE_NAMES_CN[name]} {n} 条" for name, n in existing.items())
        raise RegistryError(
            f"登记库中已有数据（{held}），未载入合成城市。",
            hint="合成城市只能载入空登记库：先 zhiben db load-synth，"
                 "再 zhiben db open-rounds（已有的轮次不变）；"
                 "如确需覆盖，请加 --replace（清空这些数据后载入，审计日志保留）。",
        )
