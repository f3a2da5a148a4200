"""Set-based writes: DataFrames to typed rows, chunked executemany inserts and upserts.

Rows go through SQLAlchemy Core in chunks (one ``executemany`` per chunk), never ORM objects one by
one — that is what makes 120,000 people load in seconds.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import Boolean, Connection, Date, DateTime, Float, Integer, Table, insert

from zhiben_training.values import as_bool, as_date

__all__ = ["frame_records", "typed_columns", "insert_chunks", "upsert_chunks", "CHUNK"]

CHUNK = 5_000


def _to_date(value) -> dt.date | None:
    return as_date(value)


def _to_bool(value) -> bool | None:
    """A yes/no word (``zhiben_training.values``); other text is False and other values their truth, as
    the typed columns have always read them."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    word = as_bool(value)
    if word is not None:
        return word
    return False if isinstance(value, str) else bool(value)


def _to_float(value) -> float | None:
    if value is None or value == "":
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _to_text(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    text = str(value)
    return text if text.strip() else None


def _converter(column) -> Callable:
    kind = type(column.type)
    if issubclass(kind, Date) and not issubclass(kind, DateTime):
        return _to_date
    if issubclass(kind, Boolean):
        return _to_bool
    if issubclass(kind, Float):
        return _to_float
    if issubclass(kind, Integer):
        return lambda v: None if (number := _to_float(v)) is None else int(number)
    return _to_text


def typed_columns(frame: pd.DataFrame, table: Table, names: Iterable[str] | None = None) -> dict[str, list]:
    """Columns of ``frame`` typed for ``table`` (all, or only ``names``); missing ones become NULL."""
    wanted = None if names is None else set(names)
    columns = [c for c in table.columns if not (c.autoincrement is True and c.name not in frame.columns)
               and (wanted is None or c.name in wanted)]
    prepared: dict[str, list] = {}
    for column in columns:
        if column.name not in frame.columns:
            prepared[column.name] = [None] * len(frame)
            continue
        convert = _converter(column)
        prepared[column.name] = [convert(v) for v in frame[column.name].astype(object).tolist()]
    return prepared


def frame_records(frame: pd.DataFrame, table: Table) -> list[dict]:
    """Rows of ``frame`` as dicts typed for ``table``; missing columns become NULL, extra ones are dropped."""
    prepared = typed_columns(frame, table)
    names = list(prepared)
    return [dict(zip(names, values, strict=True)) for values in zip(*prepared.values(), strict=True)]


def _chunks(rows: Sequence[dict]) -> Iterable[Sequence[dict]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def insert_chunks(conn: Connection, table: Table, rows: Sequence[dict], *,
                  on_chunk: Callable | None = None) -> int:
    for index, chunk in enumerate(_chunks(rows)):
        conn.execute(insert(table), list(chunk))
        if on_chunk:
            on_chunk(index)
    return len(rows)


def upsert_chunks(
    conn: Connection, table: Table, rows: Sequence[dict], *, keys: Sequence[str],
    on_chunk: Callable | None = None,
) -> int:
    """INSERT … ON CONFLICT (keys) DO UPDATE, the same statement on SQLite and PostgreSQL."""
    dialect_insert: Callable[[Table], Any]
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        dialect_insert = pg_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        dialect_insert = sqlite_insert
    for index, chunk in enumerate(_chunks(rows)):
        stmt = dialect_insert(table)
        updates = {name: stmt.excluded[name] for name in chunk[0] if name not in keys and name != "id"}
        stmt = (
            stmt.on_conflict_do_update(index_elements=list(keys), set_=updates)
            if updates
            else stmt.on_conflict_do_nothing(index_elements=list(keys))
        )
        conn.execute(stmt, list(chunk))
        if on_chunk:
            on_chunk(index)
    return len(rows)
