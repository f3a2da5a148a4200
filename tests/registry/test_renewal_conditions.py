"""Renewal blockers at their boundaries, against 17号令 第十条第二款 and (unverified) 75号 第二十四条.

The tiny city's 孙六 (SAFE_2, B certificate 2023-06-20 → 2026-06-20, trained in 2025, no sanction) is
the clean case; each test adds one fact and looks at what the due list says.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from zhiben_training.registry import open_registry
from zhiben_training.registry.rules import OVERRIDES_ENV, rules

from .conftest import ENTERPRISES, SAFE_2, TODAY, WORKER_2, tiny_city_frames

B_CERT, C2_CERT, SPECIAL_CERT = "津建安B（2023）0000001", "津建安C2（2023）0000001", "SYN-TS-0001"
E1 = ENTERPRISES[0][0]


@pytest.fixture
def city(tmp_path):
    """Load the tiny city plus extra sanctions / training rows; returns the due list by cert_no."""
    registries = []

    def load(*, sanctions=(), ce=None):
        frames = tiny_city_frames()
        frames["sanctions"] = pd.concat([frames["sanctions"], pd.DataFrame(
            [(pid, E1, day, kind, reason) for pid, day, kind, reason in sanctions],
            columns=frames["sanctions"].columns)])
        if ce is not None:
            frames["continuing_education"] = ce(frames["continuing_education"])
        folder = tmp_path / f"city{len(registries)}"
        folder.mkdir()
        for name, frame in frames.items():
            frame.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8")
        registry = open_registry(f"sqlite:///{folder / 'registry.sqlite'}")
        registries.append(registry)
        registry.load_synthetic(folder)
        return registry.renewals_due(days=60, today=TODAY).set_index("cert_no")

    yield load
    for registry in registries:
        registry.close()


@pytest.fixture
def local_rules(tmp_path, monkeypatch):
    """Apply a local rules file (ZHIBEN_RULES_OVERRIDES) for one test; the cached rules are reset after."""
    def apply(values: dict):
        path = tmp_path / "本地规则.json"
        path.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
        monkeypatch.setenv(OVERRIDES_ENV, str(path))
        rules.cache_clear()

    yield apply
    monkeypatch.delenv(OVERRIDES_ENV, raising=False)
    rules.cache_clear()


def test_the_clean_case_is_clean(city):
    assert city().loc[B_CERT, "blockers"] == ""


def test_a_fine_for_an_accident_is_listed_for_review_with_its_reason(city):
    due = city(sanctions=[(SAFE_2, "2025-08-01", "罚款", "对一般生产安全事故负有责任")])
    assert due.loc[B_CERT, "to_review"].startswith(
        "有效期内有处罚记录：罚款（2025-08-01，原因：对一般生产安全事故负有责任）")


def test_an_order_to_stop_work_is_not_a_penalty_and_does_not_block(city):
    due = city(sanctions=[(SAFE_2, "2025-08-01", "责令停止作业", "现场临边防护缺失")])
    assert (due.loc[B_CERT, "blockers"], due.loc[B_CERT, "to_review"]) == ("", "")


def test_a_penalty_counts_from_the_issue_date_on_and_not_before(city):
    on_issue = city(sanctions=[(SAFE_2, "2023-06-20", "罚款", "违反17号令")])
    before = city(sanctions=[(SAFE_2, "2023-06-19", "罚款", "违反17号令")])
    assert "罚款（2023-06-20" in on_issue.loc[B_CERT, "to_review"] and before.loc[B_CERT, "to_review"] == ""


def test_a_bad_conduct_record_blocks_as_the_credit_file_condition(city):
    due = city(sanctions=[(SAFE_2, "2025-08-01", "记入不良行为记录", "未履行隐患排查治理职责")])
    assert due.loc[B_CERT, "blockers"] == \
        "信用档案中有不良行为记录：记入不良行为记录（2025-08-01）（17号令 第十条第二款）"


def test_no_training_record_in_the_validity_period_blocks(city):
    due = city(ce=lambda ce: ce[ce["person_id"] != SAFE_2])
    assert due.loc[B_CERT, "blockers"] == \
        "证书有效期内登记库中没有参加安全生产教育培训的记录（17号令 第十条第二款）"


def test_training_before_the_certificate_was_issued_does_not_count(city):
    def moved(ce):
        ce.loc[ce["person_id"] == SAFE_2, "date"] = "2023-06-19"
        return ce

    assert "没有参加安全生产教育培训的记录" in city(ce=moved).loc[B_CERT, "blockers"]


def test_a_failed_annual_assessment_does_not_block_by_default(city):
    assert "年度考核不合格" not in city().loc[C2_CERT, "blockers"]  # 钱五 failed 2025-safety
    assert rules()["certificates"]["an_guan"]["renewal_blockers"]["failed_annual_assessment"]["value"] == 0


def test_a_failed_annual_assessment_blocks_when_local_policy_turns_it_on(city, local_rules):
    local_rules({"certificates.an_guan.renewal_blockers.failed_annual_assessment": 1})
    blockers = city().loc[C2_CERT, "blockers"]
    assert "年度考核不合格（2025-safety）（本地规定，非法规要求）" in blockers


def test_the_penalty_kinds_are_local_configuration(city, local_rules):
    local_rules({"certificates.an_guan.renewal_blockers.penalty_sanction_kinds": ["罚款", "责令停止作业"]})
    due = city(sanctions=[(SAFE_2, "2025-08-01", "责令停止作业", "现场临边防护缺失")])
    assert "责令停止作业（2025-08-01" in due.loc[B_CERT, "to_review"]
    assert "通报批评" not in due.loc[C2_CERT, "to_review"]  # 钱五's 通报批评 is no longer in the list


def test_a_special_worker_s_penalty_is_for_review_with_an_unverified_basis_only_when_switched_on(
        city, local_rules):
    local_rules({"certificates.special.renewal_blockers.annual_hours_shortfall": 0,
                 "certificates.special.renewal_blockers.sanction_during_validity": 1})
    due = city(sanctions=[(WORKER_2, "2025-08-01", "罚款", "特种作业违章操作")])
    assert "75号 第二十四条（三）“对生产安全事故负有责任的”（未核实）" in due.loc[SPECIAL_CERT, "to_review"]
    local_rules({"certificates.special.renewal_blockers.annual_hours_shortfall": 0})
    assert city(
        sanctions=[(WORKER_2, "2025-08-01", "罚款", "特种作业违章操作")]).loc[SPECIAL_CERT, "to_review"] == ""


def test_a_bad_conduct_record_is_not_a_special_operation_blocker(city, local_rules):
    local_rules({"certificates.special.renewal_blockers.annual_hours_shortfall": 0})
    assert city(
        sanctions=[(WORKER_2, "2025-08-01", "记入不良行为记录", "x")]).loc[SPECIAL_CERT, "blockers"] == ""


def test_every_row_says_what_the_registry_could_not_check(city):
    due = city()
    assert "登记库只有处罚原因的文字记载" in due.loc[B_CERT, "not_checked"]
    assert "第二十四条（一）（二）（四），未核实" in due.loc[SPECIAL_CERT, "not_checked"]
    assert due.loc[C2_CERT, "not_checked"] == due.loc[B_CERT, "not_checked"]


def test_several_blockers_are_joined_by_a_separator_no_message_contains(city):
    due = city(sanctions=[(SAFE_2, "2025-08-01", "记入不良行为记录", "x")],
               ce=lambda ce: ce[ce["person_id"] != SAFE_2])
    parts = due.loc[B_CERT, "blockers"].split("；")
    assert [p.split("：")[0] for p in parts] == [
        "信用档案中有不良行为记录",
        "证书有效期内登记库中没有参加安全生产教育培训的记录（17号令 第十条第二款）"]
