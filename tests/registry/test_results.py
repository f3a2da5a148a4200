"""Assessment results from the gradebook: stored, audited (who, when, old → new, why), idempotent."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from zhiben_training.errors import NotFoundError, RegistryError

from .conftest import P_DONE, P_FAILED, P_HALF, TODAY


def _rows(score: float, passed: bool):
    return [{"person_id": P_HALF, "paper": "A", "score": score, "max_score": 100, "passed": passed,
             "taken_date": "2026-04-01"}]


def test_recording_a_new_result_writes_it_and_audits_each_field(loaded):
    counts = loaded.record_assessment_results(round_id="2026-principal", rows=_rows(71, True),
                                              actor="examiner-1", reason="nbgrader 自动评分")
    assert counts.counts == {"inserted": 1, "updated": 0, "unchanged": 0}
    audit = loaded.audit_log(entity="assessment_result")
    assert set(audit["field"]) == {"score", "max_score", "passed", "taken_date"}
    assert set(audit["actor"]) == {"examiner-1"} and set(audit["reason"]) == {"nbgrader 自动评分"}
    assert audit.set_index("field").loc["score", "new_value"] == "71"


def test_recording_the_same_results_again_changes_nothing(loaded):
    loaded.record_assessment_results(round_id="2026-principal", rows=_rows(71, True), actor="a", reason="r")
    before = len(loaded.audit_log())
    counts = loaded.record_assessment_results(round_id="2026-principal", rows=_rows(71, True), actor="a",
                                              reason="r")
    assert counts.counts == {"inserted": 0, "updated": 0, "unchanged": 1}
    assert len(loaded.audit_log()) == before


def test_a_regrade_keeps_old_and_new_score_in_the_audit_log(loaded):
    loaded.record_assessment_results(round_id="2026-principal", rows=_rows(55, False), actor="a",
                                     reason="初评")
    loaded.record_assessment_results(round_id="2026-principal", rows=_rows(64, True), actor="b",
                                     reason="复核改分")
    audit = loaded.audit_log(entity="assessment_result", entity_key=f"{P_HALF}|2026-principal|A")
    regrade = audit[audit["reason"] == "复核改分"].set_index("field")
    assert regrade.loc["score", ["old_value", "new_value"]].tolist() == ["55", "64"]
    assert regrade.loc["passed", ["old_value", "new_value"]].tolist() == ["False", "True"]


def test_a_passed_regrade_completes_the_person(loaded):
    rows = [{"person_id": P_FAILED, "paper": "A", "score": 70, "max_score": 100, "passed": True,
             "taken_date": "2026-04-20"}]
    loaded.record_assessment_results(round_id="2026-principal", rows=rows, actor="a", reason="补考")
    status = loaded.status(round_id="2026-principal", person_id=P_FAILED, today=TODAY)
    assert status["status"].tolist() == ["completed"]


def test_results_for_unknown_people_or_rounds_are_refused(loaded):
    bad = [{"person_id": "110101199003070018", "paper": "A", "score": 1, "max_score": 100, "passed": False}]
    with pytest.raises(NotFoundError):
        loaded.record_assessment_results(round_id="2026-principal", rows=bad, actor="a", reason="r")
    with pytest.raises(NotFoundError):
        loaded.record_assessment_results(round_id="1999-principal", rows=_rows(1, False), actor="a",
                                         reason="r")
    assert len(loaded.audit_log(entity="assessment_result")) == 0


def test_a_score_above_the_maximum_is_refused(loaded):
    with pytest.raises(RegistryError):
        loaded.record_assessment_results(round_id="2026-principal", rows=_rows(120, True), actor="a",
                                         reason="r")


def test_without_a_pass_flag_the_rounds_pass_mark_decides(loaded):
    rows = [{"person_id": P_HALF, "paper": "A", "score": 30, "max_score": 50, "taken_date": "2026-04-01"},
            {"person_id": P_FAILED, "paper": "A", "score": 29.5, "max_score": 50, "taken_date": "2026-04-01"}]
    loaded.record_assessment_results(round_id="2026-principal", rows=rows, actor="a", reason="r")
    results = loaded.assessment_results(round_id="2026-principal").set_index("person_id")
    assert bool(results.loc[P_HALF, "passed"]) is True  # 60 % reaches the pass mark of 60
    assert bool(results.loc[P_FAILED, "passed"]) is False


def test_a_passed_flag_given_as_text_is_read_as_text(loaded):
    rows = [{"person_id": P_HALF, "paper": "A", "score": 20, "max_score": 100, "passed": "False",
             "taken_date": "2026-04-01"}]
    loaded.record_assessment_results(round_id="2026-principal", rows=rows, actor="a", reason="r")
    assert not bool(
        loaded.assessment_results(round_id="2026-principal").set_index("person_id").loc[P_HALF, "passed"])


def _result(person: str, score: float, passed: bool, taken: str = "2026-03-20", **extra) -> dict:
    return {"person_id": person, "paper": "A", "score": score, "max_score": 100, "passed": passed,
            "taken_date": taken, **extra}


def test_the_registry_says_which_results_are_new_changed_and_unchanged(loaded):
    """P_DONE (82, passed) and P_FAILED (41, failed) are held; P_HALF has no result yet."""
    out = loaded.record_assessment_results(
        round_id="2026-principal", actor="a", reason="r",
        rows=[_result(P_DONE, 82, True), _result(P_FAILED, 70, True), _result(P_HALF, 71, True)])
    assert [(r.person_id, r.score, r.old_score) for r in out.new] == [(P_HALF, 71.0, None)]
    assert [(r.person_id, r.old_score, r.old_passed, r.score, r.passed) for r in out.changed] == [
        (P_FAILED, 41.0, False, 70.0, True)]
    assert [r.person_id for r in out.unchanged] == [P_DONE]
    assert out.counts == {"inserted": 1, "updated": 1, "unchanged": 1}


def test_a_new_exam_day_alone_is_written_and_audited_but_the_result_is_unchanged(loaded):
    out = loaded.record_assessment_results(round_id="2026-principal",
                                           rows=[_result(P_DONE, 82, True, "2026-03-21")], actor="a",
                                           reason="r")
    assert [r.person_id for r in out.unchanged] == [P_DONE] and out.new == out.changed == ()
    assert out.counts == {"inserted": 0, "updated": 1, "unchanged": 0}
    assert set(loaded.audit_log(entity="assessment_result")["field"]) == {"taken_date"}


def test_item_scores_are_recorded_with_their_result_and_replaced_when_they_change(loaded):
    row = _result(P_HALF, 6, False, items={"k01": 2.0, "w01": 4.0})
    loaded.record_assessment_results(round_id="2026-principal", rows=[row], actor="a", reason="r")
    assert loaded.recorded_item_scores(round_id="2026-principal") == {P_HALF: {"k01": 2.0, "w01": 4.0}}
    audited = len(loaded.audit_log())
    # an examiner moves two points from w01 to k01: the total is the same, the items are not
    out = loaded.record_assessment_results(round_id="2026-principal", actor="a", reason="r",
                                           rows=[{**row, "items": {"k01": 4.0, "w01": 2.0}}])
    assert [r.person_id for r in out.unchanged] == [P_HALF]
    assert loaded.recorded_item_scores(round_id="2026-principal", paper="A") == \
        {P_HALF: {"k01": 4.0, "w01": 2.0}}
    assert loaded.recorded_item_scores(round_id="2026-principal", paper="B") == {}
    # item scores are the gradebook's; the audit trail is the result's
    assert len(loaded.audit_log()) == audited


def test_when_the_item_scores_cannot_be_written_the_results_and_audit_log_are_left_as_they_were(
        sqlite_loaded):
    """Issue #25: the import ledger (item scores) and the results can never disagree. The database itself
    refuses the item-score write here (a trigger), so the whole transaction must roll back."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with sqlite_loaded.engine.begin() as conn:
        conn.execute(text("CREATE TRIGGER refuse_items BEFORE INSERT ON assessment_item_scores "
                          "BEGIN SELECT RAISE(ABORT, 'disk full'); END"))
    results, audit = sqlite_loaded.assessment_results(), sqlite_loaded.audit_log()
    with pytest.raises(DBAPIError, match="disk full"):
        sqlite_loaded.record_assessment_results(
            round_id="2026-principal", actor="a", reason="r",
            rows=[_result(P_FAILED, 70, True, items={"k01": 70.0}),
                  _result(P_HALF, 71, True, items={"k01": 71.0})])
    pd.testing.assert_frame_equal(sqlite_loaded.assessment_results(), results)
    pd.testing.assert_frame_equal(sqlite_loaded.audit_log(), audit)
    assert sqlite_loaded.recorded_item_scores(round_id="2026-principal") == {}


def test_a_pass_flag_in_words_the_registry_cannot_read_is_refused(loaded):
    with pytest.raises(RegistryError, match="无法识别"):
        loaded.record_assessment_results(round_id="2026-principal", rows=[_result(P_HALF, 20, "也许")],
                                         actor="a", reason="r")
    assert set(loaded.assessment_results(round_id="2026-principal")["person_id"]) == {P_DONE, P_FAILED}


def test_a_completed_person_completed_on_the_later_of_their_last_session_and_their_first_pass(loaded):
    """P_DONE: sessions 03-10 and 03-11, passed 03-20; a later failed attempt does not move the date."""
    loaded.record_assessment_results(round_id="2026-principal", actor="a", reason="r",
                                     rows=[{**_result(P_DONE, 40, False, "2026-04-02"), "paper": "B"}])
    status = loaded.status(round_id="2026-principal", today=TODAY,
                           with_completion_dates=True).set_index("person_id")
    assert status.loc[P_DONE, "completed_date"] == dt.date(2026, 3, 20)
    assert status.loc[P_FAILED, "completed_date"] is None and status.loc[P_HALF, "completed_date"] is None
    outcomes = loaded.result_outcomes(round_id="2026-principal").set_index("person_id")
    assert outcomes.loc[P_DONE, ["passed", "taken_date", "score_pct"]].tolist() == \
        [True, dt.date(2026, 3, 20), 82.0]
    assert outcomes.loc[P_FAILED, ["passed", "taken_date"]].tolist() == [False, dt.date(2026, 3, 20)]
    before_the_pass = loaded.result_outcomes(round_id="2026-principal", until=dt.date(2026, 3, 19))
    assert before_the_pass.empty
