"""Property-based: whatever rows the gradebook side hands over, recording results ends in success or a
clean registry error (a ZhibenError) — never another exception, never a partial write."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiben_training.errors import ZhibenError

from .conftest import P_DONE, P_FAILED, P_HALF

VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10, 200),
                   st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                   st.sampled_from(["2026-04-01", "2026-02-30", "A", "C", "True", "否", ""]))
ROW = st.fixed_dictionaries(
    {"person_id": st.one_of(st.sampled_from([P_HALF, P_DONE, P_FAILED]), VALUES)},
    optional={"paper": VALUES, "score": VALUES, "max_score": VALUES, "passed": VALUES, "taken_date": VALUES},
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, max_size=4))
def test_hostile_result_rows_are_stored_or_cleanly_refused(sqlite_loaded, rows):
    before = (sqlite_loaded.assessment_results(), len(sqlite_loaded.audit_log()))
    try:
        sqlite_loaded.record_assessment_results(round_id="2026-principal", rows=rows, actor="x", reason="y")
    except ZhibenError:
        after = sqlite_loaded.assessment_results()
        assert after.equals(before[0]) and len(sqlite_loaded.audit_log()) == before[1]
