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

from .conftest import ENTERPRISES, P_HALF, WORKER
from .filemaker import ATTENDANCE_HEADER, ENTERPRISE_HEADER, HOURS_HEADER, PEOPLE_HEADER, write_file

KINDS = {"people": PEOPLE_HEADER, "enterprises": ENTERPRISE_HEADER, "attendance": ATTENDANCE_HEADER,
         "hours": HOURS_HEADER}
TABLES = ("people", "enterprises", "attendance", "continuing_education", "training_sessions", "audit_log")
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Cells: plausible values, near misses and garbage (huge, bad check chars, bad dates, odd numbers).
_valid_id = st.builds(lambda y, s: make_id("120116", dt.date(y, 5, 17), s, female=False),
                      st.integers(1950, 2000), st.integers(0, 999))
_bad_id = _valid_id.map(lambda v: v[:17] + ("X" if v[17] != "X" else "0"))
_printable = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)
CELLS = st.one_of(
    st.sampled_from([P_HALF, WORKER, ENTERPRISES[0][0], "2026-principal", "2026-03-15", "8", "滨海新区", "施工",
                     "项目负责人", "特种作业人员", "建筑电工", "男", "13800001111", "", "2026/02/30", "-1", "1e400",
                     "NaN", "0x10", "2026年3月15日", "19990231"]),
    _valid_id, _bad_id, _printable, st.text(min_size=201, max_size=400, alphabet="隐患排查"),
)


def _counts(registry) -> dict[str, int]:
    with registry.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}


def _check_outcome(registry, kind, path, before):
    try:
        registry.import_file(kind, path)
    except ImportValidationError as err:
        assert err.problems, "an ImportValidationError always carries its report"
        for problem in err.problems:
            assert set(problem) == {"row", "column", "value", "reason"} and problem["reason"]
        assert _counts(registry) == before, "a rejected import wrote something"
        return
    after = _counts(registry)
    assert after["audit_log"] >= before["audit_log"]


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@SETTINGS
@given(content=st.one_of(st.binary(max_size=2000), st.just(b""), st.binary(max_size=40).map(lambda b: b"PK\x03\x04" + b)))
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
