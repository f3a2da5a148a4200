"""Round status from one set-based pass: completed / in progress / overdue / not enrolled."""

from __future__ import annotations

import datetime as dt

import pytest

from zhiben_training.errors import NotFoundError, RegistryError

from .conftest import P_DONE, P_FAILED, P_HALF, P_NONE, TODAY, WORKER, WORKER_2


def _by_person(frame):
    return dict(zip(frame["person_id"], frame["status"], strict=True))


def test_principal_round_statuses_follow_hours_and_results(loaded):
    status = _by_person(loaded.status(round_id="2026-principal", today=TODAY))
    assert status == \
        {P_DONE: "completed", P_HALF: "in_progress", P_NONE: "not_enrolled", P_FAILED: "in_progress"}


def test_after_the_round_closes_everyone_not_completed_is_overdue(loaded):
    status = _by_person(loaded.status(round_id="2026-principal", today=dt.date(2026, 7, 1)))
    assert status == {P_DONE: "completed", P_HALF: "overdue", P_NONE: "overdue", P_FAILED: "overdue"}


def test_chinese_labels_come_with_the_status(loaded):
    frame = loaded.status(round_id="2026-principal", today=TODAY)
    assert set(frame["status_cn"]) == {"已完成", "进行中", "未报名"}


def test_special_workers_count_continuing_education_towards_24_hours(loaded):
    frame = loaded.status(round_id="2026-special", today=TODAY).set_index("person_id")
    assert frame.loc[WORKER, "counted_hours"] == 24.0  # 16 h sessions + 8 h continuing education
    assert frame.loc[WORKER, "status"] == "completed"
    assert frame.loc[WORKER_2, "status"] == "not_enrolled"


def test_a_round_with_too_few_hours_never_lowers_the_75_hao_minimum(loaded):
    frame = loaded.status(round_id="2026-special", today=TODAY)
    assert set(frame["required_hours"]) == {24.0}


def test_filters_by_person_enterprise_and_district(loaded):
    assert loaded.status(round_id="2026-principal", person_id=P_HALF,
                         today=TODAY)["person_id"].tolist() == [P_HALF]
    binhai = loaded.status(round_id="2026-principal", district="滨海新区", today=TODAY)
    assert set(binhai["person_id"]) == {P_DONE, P_NONE}
    one = loaded.status(round_id="2026-principal", enterprise_uscc=binhai["enterprise_uscc"].iloc[0],
                        today=TODAY)
    assert len(one) == 1


def test_summary_by_district_counts_each_status(loaded):
    summary = loaded.status_summary(round_id="2026-principal", today=TODAY).set_index("district")
    assert summary.loc["滨海新区", ["completed", "not_enrolled", "total"]].tolist() == [1, 1, 2]
    assert summary.loc["滨海新区", "completion_rate"] == 0.5
    assert summary["total"].sum() == 4


def test_an_unknown_round_is_not_found_and_names_the_known_ones(loaded):
    with pytest.raises(NotFoundError, match="2026-principal"):
        loaded.status(round_id="2031-principal")


def test_roster_is_unmasked_and_has_everyone_in_the_audience(loaded):
    roster = loaded.roster(round_id="2026-principal", today=TODAY)
    assert set(roster["person_id"]) == {P_DONE, P_HALF, P_NONE, P_FAILED}
    assert "*" not in "".join(roster["person_id"]) and "*" not in "".join(roster["phone"])


def test_loading_a_city_twice_needs_replace(loaded, tiny_city):
    with pytest.raises(RegistryError, match="--replace"):
        loaded.load_synthetic(tiny_city)
    counts = loaded.load_synthetic(tiny_city, replace=True)
    assert counts["people"] == 8 and len(loaded.people()) == 8


def test_findings_filter_by_quarter(loaded):
    assert loaded.findings(year=2026, quarter=1)["finding_id"].tolist() == ["F0001"]
    assert loaded.findings(year=2026, quarter=2)["finding_id"].tolist() == ["F0002"]
    assert len(loaded.findings(district="和平区")) == 0


def test_open_rounds_creates_one_round_per_audience_once(registry):
    assert registry.open_rounds(year=2027) == ["2027-principal", "2027-safety", "2027-special"]
    assert registry.open_rounds(year=2027) == []
    rounds = registry.rounds().set_index("round_id")
    assert rounds.loc["2027-special", "required_hours"] >= 24
