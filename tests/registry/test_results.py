"""Assessment results from the gradebook: stored, audited (who, when, old → new, why), idempotent."""

from __future__ import annotations

import pytest

from zhiben_training.errors import NotFoundError, RegistryError

from .conftest import P_FAILED, P_HALF, TODAY


def _rows(score: float, passed: bool):
    return [{"person_id": P_HALF, "paper": "A", "score": score, "max_score": 100, "passed": passed,
             "taken_date": "2026-04-01"}]


def test_recording_a_new_result_writes_it_and_audits_each_field(loaded):
    counts = loaded.record_assessment_results(round_id="2026-principal", rows=_rows(71, True), actor="examiner-1",
                                              reason="nbgrader 自动评分")
    assert counts == {"inserted": 1, "updated": 0, "unchanged": 0}
    audit = loaded.audit_log(entity="assessment_result")
    assert set(audit["field"]) == {"score", "max_score", "passed", "taken_date"}
    assert set(audit["actor"]) == {"examiner-1"} and set(audit["reason"]) == {"nbgrader 自动评分"}
    assert audit.set_index("field").loc["score", "new_value"] == "71"


def test_recording_the_same_results_again_changes_nothing(loaded):
    loaded.record_assessment_results(round_id="2026-principal", rows=_rows(71, True), actor="a", reason="r")
    before = len(loaded.audit_log())
    counts = loaded.record_assessment_results(round_id="2026-principal", rows=_rows(71, True), actor="a", reason="r")
    assert counts == {"inserted": 0, "updated": 0, "unchanged": 1}
    assert len(loaded.audit_log()) == before


def test_a_regrade_keeps_old_and_new_score_in_the_audit_log(loaded):
    loaded.record_assessment_results(round_id="2026-principal", rows=_rows(55, False), actor="a", reason="初评")
    loaded.record_assessment_results(round_id="2026-principal", rows=_rows(64, True), actor="b", reason="复核改分")
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
        loaded.record_assessment_results(round_id="1999-principal", rows=_rows(1, False), actor="a", reason="r")
    assert len(loaded.audit_log(entity="assessment_result")) == 0


def test_a_score_above_the_maximum_is_refused(loaded):
    with pytest.raises(RegistryError):
        loaded.record_assessment_results(round_id="2026-principal", rows=_rows(120, True), actor="a", reason="r")


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
    assert not bool(loaded.assessment_results(round_id="2026-principal").set_index("person_id").loc[P_HALF, "passed"])
