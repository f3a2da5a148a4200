"""Writing and reading the audit log (the table itself is ``models.audit.AuditEntry``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
from sqlalchemy import Connection, insert, select

from . import models as m

__all__ = ["append_audit", "audit_entries", "changes"]


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else str(value)
    return str(value)


def changes(
    *, entity: str, key: str, old: dict | None, new: dict, fields: Iterable[str]
) -> list[dict]:
    """One audit row per field whose value differs between ``old`` (None: a new record) and ``new``."""
    rows = []
    for field in fields:
        before = None if old is None else old.get(field)
        after = new.get(field)
        if old is not None and _text(before) == _text(after):
            continue
        rows.append({"entity": entity, "entity_key": key, "field": field,
                     "old_value": _text(before), "new_value": _text(after)})
    return rows


def append_audit(conn: Connection, rows: list[dict], *, actor: str, reason: str) -> int:
    """Append ``rows`` (from :func:`changes`) stamped with who, when and why."""
    if not rows:
        return 0
    now = dt.datetime.now(dt.UTC)
    stamped = [{**row, "at": now, "actor": actor, "reason": reason} for row in rows]
    for start in range(0, len(stamped), 5000):
        conn.execute(insert(m.AuditEntry.__table__), stamped[start : start + 5000])
    return len(stamped)


def audit_entries(conn: Connection, *, entity: str | None = None,
                  entity_key: str | None = None) -> pd.DataFrame:
    t = m.AuditEntry.__table__
    stmt = select(t).order_by(t.c.id)
    if entity is not None:
        stmt = stmt.where(t.c.entity == entity)
    if entity_key is not None:
        stmt = stmt.where(t.c.entity_key == entity_key)
    result = conn.execute(stmt)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
