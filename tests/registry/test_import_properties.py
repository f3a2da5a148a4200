"""Property-based: malformed files and rows fed to every importer end in success or a clean
ImportValidationError with a per-row report — never another exception, never a partial write."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from zhiben_training.errors import ImportValidationError
from zhiben_training.identifiers import make_id
from zhiben_training.registry.imports.validation import spec

from .conftest import ENTERPRISES, P_HALF, WORKER
from .filemaker import (
    ATTENDANCE_HEADER,
    ENTERPRISE_HEADER,
    HOURS_HEADER,
    PEOPLE_HEADER,
    people_rows,
    write_file,
)

KINDS = {"people": PEOPLE_HEADER, "enterprises": ENTERPRISE_HEADER, "attendance": ATTENDANCE_HEADER,
         "hours": HOURS_HEADER}
TABLES = ("people", "enterprises", "attendance", "continuing_education", "training_sessions", "audit_log")
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

# Cells: plausible values, near misses and garbage (huge, bad check chars, bad dates, odd numbers).
_valid_id = st.builds(lambda y, s: make_id("120116", dt.date(y, 5, 17), s, female=False),
                      st.integers(1950, 2000), st.integers(0, 999))
_bad_id = _valid_id.map(lambda v: v[:17] + ("X" if v[17] != "X" else "0"))
_printable = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)
CELLS = st.one_of(
    st.sampled_from([P_HALF, WORKER, ENTERPRISES[0][0], "2026-principal", "2026-03-15", "8", "滨海新区",
                     "施工", "项目负责人", "特种作业人员", "建筑电工", "男", "13800001111", "", "2026/02/30",
                     "-1", "1e400", "NaN", "0x10", "2026年3月15日", "19990231"]),
    _valid_id, _bad_id, _printable, st.text(min_size=201, max_size=400, alphabet="隐患排查"),
)


def _counts(registry) -> dict[str, int]:
    with registry.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}


def _rows(registry, kind) -> dict[str, dict]:
    """The kind's table, by the audit log's record key (key columns joined with |)."""
    keys = spec(kind)["keys"]
    with registry.engine.connect() as conn:
        rows = conn.execute(text(f"SELECT * FROM {spec(kind)['table']}")).mappings()
        return {"|".join(str(row[k]) for k in keys): dict(row) for row in rows}


def _audit_rows(registry, after_id: int) -> list[tuple]:
    with registry.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(text(
            "SELECT entity, entity_key, field, old_value, new_value, actor FROM audit_log WHERE id > :i"),
            {"i": after_id}))


def _last_audit_id(registry) -> int:
    with registry.engine.connect() as conn:
        return conn.execute(text("SELECT coalesce(max(id), 0) FROM audit_log")).scalar()


def _as_text(value) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return None if value is None else str(value)


def _expected_audit(kind, before: dict[str, dict], after: dict[str, dict]) -> list[tuple]:
    """What the audit log must gain: for each record the import changed, one row per audited field whose
    value changed (a new record: one per audited field), as the table itself shows."""
    audit = spec(kind)["audit"]
    rows = []
    for key, new in after.items():
        old = before.get(key)
        for field in audit["fields"]:
            if old is None or _as_text(old[field]) != _as_text(new[field]):
                rows.append((audit["entity"], key, field, None if old is None else _as_text(old[field]),
                             _as_text(new[field]), "zhiben import"))
    return sorted(rows)


def _check_outcome(registry, kind, path, before):
    table_before, last_audit = _rows(registry, kind), _last_audit_id(registry)
    try:
        result = registry.import_file(kind, path)
    except ImportValidationError as err:
        assert err.problems, "an ImportValidationError always carries its report"
        for problem in err.problems:
            assert set(problem) == {"row", "column", "value", "reason"} and problem["reason"]
        assert _counts(registry) == before, "a rejected import wrote something"
        return
    table_after = _rows(registry, kind)
    assert set(table_before) <= set(table_after), "an import removed a record"
    assert len(table_after) - len(table_before) == result.inserted
    assert _audit_rows(registry, last_audit) == _expected_audit(kind, table_before, table_after)
    written = {spec(kind)["table"], "audit_log", *(["training_sessions"] if kind == "attendance" else [])}
    after = _counts(registry)
    assert {t: n for t, n in after.items() if t not in written} == \
        {t: n for t, n in before.items() if t not in written}


def test_a_successful_import_adds_exactly_the_audit_rows_of_its_changes(sqlite_loaded, tmp_path):
    """Two new people: one audit row per audited field each; the same file with one name changed: one
    row; the same file again: none (the success path of the properties below, which random rows
    rarely reach)."""
    registry, rows = sqlite_loaded, people_rows(2, uscc=ENTERPRISES[0][0], start=700)
    fields = len(spec("people")["audit"]["fields"])
    for name, expected_rows in (("测试700", 2 * fields), ("改名七百", 1), ("改名七百", 0)):
        rows[0][1] = name
        path = write_file(tmp_path / "people.csv", PEOPLE_HEADER, rows)
        last = _last_audit_id(registry)
        _check_outcome(registry, "people", path, _counts(registry))
        assert len(_audit_rows(registry, last)) == expected_rows


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@SETTINGS
@given(content=st.one_of(st.binary(max_size=2000), st.just(b""),
                         st.binary(max_size=40).map(lambda b: b"PK\x03\x04" + b)))
def test_random_bytes_are_reported_not_crashed_on(sqlite_loaded, tmp_path, kind, suffix, content):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(content)
    _check_outcome(sqlite_loaded, kind, path, _counts(sqlite_loaded))


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@SETTINGS
@given(data=st.data())
def test_malformed_rows_never_half_import(sqlite_loaded, tmp_path, kind, suffix, data):
    header = KINDS[kind]
    rows = data.draw(st.lists(st.lists(CELLS, min_size=0, max_size=len(header) + 2), max_size=8))
    if data.draw(st.booleans()):
        header = data.draw(st.permutations(header + ["备注"]))[: data.draw(st.integers(0, len(header) + 1))]
    path = write_file(tmp_path / f"rows{suffix}", header, rows, bom=data.draw(st.booleans()))
    _check_outcome(sqlite_loaded, kind, path, _counts(sqlite_loaded))


@pytest.mark.parametrize("kind", list(KINDS))
@SETTINGS
@given(header=st.lists(_printable, max_size=12), body=st.text(max_size=500))
def test_wrong_headers_and_free_text_csv_are_reported(sqlite_loaded, tmp_path, kind, header, body):
    path = tmp_path / "free.csv"
    path.write_text(",".join(header) + "\n" + body, encoding="utf-8", errors="surrogatepass")
    _check_outcome(sqlite_loaded, kind, path, _counts(sqlite_loaded))
