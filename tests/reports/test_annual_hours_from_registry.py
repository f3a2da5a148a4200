"""The report's 继续教育达标 counts what the registry counts: 75号 第十七条 gives 24 hours a year of
年度安全教育培训 *or* 继续教育, so a round's attendance and continuing education add up."""

from __future__ import annotations

import pytest

from tests.reference import REGULATIONS, reference_text
from tests.registry.conftest import TODAY, WORKER, WORKER_2, write_tiny_city
from zhiben_training.registry import open_registry
from zhiben_training.reports.periodic import build_periodic_report
from zhiben_training.reports.periods import parse_period
from zhiben_training.reports.sources import periodic_inputs

# 建质〔2008〕75号 第十七条第二款, verified in the reference: quoted exactly.
ART_17_PARA_2 = "建筑施工特种作业人员应当参加年度安全教育培训或者继续教育，每年不得少于24小时。"


@pytest.fixture
def registry(tmp_path):
    reg = open_registry(f"sqlite:///{tmp_path / 'registry.sqlite'}")
    reg.load_synthetic(write_tiny_city(tmp_path / "city"))
    yield reg
    reg.close()


def test_the_rule_quoted_here_is_the_reference_s():
    assert ART_17_PARA_2 in reference_text(REGULATIONS)


def test_a_worker_with_16_hours_of_round_attendance_and_8_of_ce_is_达标_in_the_report_as_in_the_registry(
        registry):
    status = registry.status(round_id="2026-special", today=TODAY).set_index("person_id")
    assert status.loc[WORKER, ["hours", "ce_hours", "status"]].tolist() == [16.0, 8.0, "completed"]
    report = build_periodic_report(periodic_inputs(registry, parse_period("annual", "2026")),
                                   parse_period("annual", "2026"))
    ce = next(s for s in report.sections if s.key == "continuing_education")
    binhai = ce.table.set_index("所在区").loc["滨海新区"]
    assert (binhai["应参加人数"], binhai["2026年达标人数"]) == (2, 1)  # 周七 达标; 吴八 has 8 h, in 2025 only
    assert "年度安全教育培训（培训轮次学时）或者继续教育" in ce.note


def test_the_registry_names_where_each_counted_hour_comes_from(registry):
    entries = registry.annual_hour_entries(audience="special")
    worker = entries[entries["person_id"] == WORKER]
    assert worker.groupby("source")["hours"].sum().to_dict() == {"培训轮次": 16.0, "继续教育": 8.0}
    assert set(entries["person_id"]) == {WORKER, WORKER_2}
