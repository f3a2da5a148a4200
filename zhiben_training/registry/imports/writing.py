"""Writing validated import records: diff against the registry, upsert only what changed, audit it.

Each kind's ``audit`` fields (columns.json) get one audit row per changed field (a new record: one per
field), stamped with the actor and the file's name.

Re-importing the same file finds nothing changed and writes nothing (not even audit rows).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Table, select

from .. import models as m
from ..audit import append_audit, changes
from ..bulk import upsert_chunks
from .validation import spec

__all__ = ["write_records", "TABLES"]

TABLES: dict[str, Table] = {
    "people": m.Person.__table__,
    "enterprises": m.Enterprise.__table__,
    "attendance": m.Attendance.__table__,
    "continuing_education": m.ContinuingEducation.__table__,
}
_IN_CHUNK = 900


def _existing(conn: Connection, table: Table, keys: list[str], records: list[dict]) -> dict[tuple, dict]:
    """Current rows for the records' keys, fetched in chunks of key values (set-based)."""
    first = table.c[keys[0]]
    values = sorted({r[keys[0]] for r in records})
    found: dict[tuple, dict] = {}
    for start in range(0, len(values), _IN_CHUNK):
        chunk = values[start : start + _IN_CHUNK]
        for row in conn.execute(select(table).where(first.in_(chunk))).mappings():
            found[tuple(row[k] for k in keys)] = dict(row)
    return found


def write_records(conn: Connection, kind: str, records: list[dict], *, actor: str, reason: str,
                  on_progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Upsert the records that are new or differ; returns inserted / updated / unchanged counts."""
    meta = spec(kind)
    table, keys = TABLES[meta["table"]], meta["keys"]
    fields = [c.name for c in table.columns if c.name != "id"]
    existing = _existing(conn, table, keys, records)
    audit_spec = meta.get("audit")
    to_write, audit, inserted = [], [], 0
    for record in records:
        row = {f: record.get(f) for f in fields}
        key = tuple(row[k] for k in keys)
        old = existing.get(key)
        if old is not None and all(_same(old.get(f), row[f]) for f in fields):
            continue
        inserted += old is None
        to_write.append(row)
        if audit_spec:
            audit += changes(entity=audit_spec["entity"], key="|".join(map(str, key)), old=old, new=row,
                             fields=audit_spec["fields"])
    if kind == "attendance" and to_write:
        sessions = sorted({(r["round_id"], r["session_date"]) for r in to_write})
        upsert_chunks(conn, m.TrainingSession.__table__,
                      [{"round_id": r, "session_date": d} for r, d in sessions],
                      keys=("round_id", "session_date"))
    if to_write:
        upsert_chunks(conn, table, to_write, keys=keys,
                      on_chunk=(lambda i: on_progress(f"chunk:{i}")) if on_progress else None)
    append_audit(conn, audit, actor=actor, reason=reason)
    return {"inserted": inserted, "updated": len(to_write) - inserted,
            "unchanged": len(records) - len(to_write)}


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(float(a) - float(b)) < 1e-9
    return a == b


def known_references(conn: Connection, kind: str, records: list[dict]) -> dict[str, object]:
    """The registry's people / enterprises / rounds that the records refer to (one query per table)."""
    refs = {c["ref"]: c["field"] for c in spec(kind)["columns"] if c.get("ref")}
    known: dict[str, object] = {"round_dates": {}}
    if "enterprises" in refs:
        known["enterprises"] = set(conn.execute(select(m.Enterprise.uscc)).scalars())
    if "people" in refs:
        wanted = sorted({r["person_id"] for r in records if r.get("person_id")})
        roles: dict[str, str] = {}
        for start in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[start : start + _IN_CHUNK]
            rows = conn.execute(select(m.Person.person_id, m.Person.role)
                                .where(m.Person.person_id.in_(chunk)))
            roles.update({r.person_id: r.role for r in rows})
        known["people"] = roles  # person id → role, for the round-audience check
    if "rounds" in refs:
        t = m.TrainingRound
        rows = conn.execute(select(t.round_id, t.start_date, t.end_date, t.audience))
        rounds = list(rows)
        known["round_dates"] = {r.round_id: (r.start_date, r.end_date) for r in rounds}
        known["round_audience"] = {r.round_id: r.audience for r in rounds}
        known["rounds"] = set(known["round_dates"])
    return known


__all__ += ["known_references"]
