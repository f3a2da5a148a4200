"""Renewals due: 17号令 第十条 (3 years, 3-month window) and 75号 第二十二条 (2 years, 3-month window)."""

from __future__ import annotations

import datetime as dt

from zhiben_training.registry.rules import add_months, certificate_rule

from .conftest import TODAY


def test_certificates_expiring_within_the_horizon_are_listed_soonest_first(loaded):
    due = loaded.renewals_due(days=60, today=TODAY)
    assert due["cert_no"].tolist() == ["津建安B（2023）0000001", "SYN-TS-0001", "津建安C2（2023）0000001"]
    assert due["days_left"].tolist() == [36, 47, 47]


def test_a_short_horizon_lists_fewer_and_a_long_one_more(loaded):
    assert len(loaded.renewals_due(days=30, today=TODAY)) == 0
    assert len(loaded.renewals_due(days=365, today=TODAY)) == 5


def test_the_renewal_window_opens_three_months_before_expiry(loaded):
    due = loaded.renewals_due(days=60, today=TODAY).set_index("cert_no")
    assert due.loc["津建安B（2023）0000001", "window_opens"] == dt.date(2026, 3, 20)
    assert bool(due.loc["津建安B（2023）0000001", "window_open"]) is True
    early = loaded.renewals_due(days=365, today=TODAY).set_index("cert_no")
    assert bool(early.loc["津建安B（2024）0000009", "window_open"]) is False


def test_a_penalty_is_listed_for_review_and_a_failed_assessment_does_not_block_by_default(loaded):
    row = loaded.renewals_due(days=60, today=TODAY).set_index("cert_no").loc["津建安C2（2023）0000001"]
    assert bool(row["needs_review"]) and not bool(row["blocked"])
    assert row["to_review"].startswith(
        "有效期内有处罚记录：通报批评（2025-01-15，原因：所在项目重大事故隐患未按期整改）")
    assert "年度考核不合格" not in row["blockers"]


def test_a_special_worker_short_of_24_hours_in_a_year_is_blocked_and_the_basis_says_unverified(loaded):
    row = loaded.renewals_due(days=60, today=TODAY).set_index("cert_no").loc["SYN-TS-0001"]
    assert row["blockers"] == \
        "2025年度培训不足24小时（75号 第十七条，作为延期复核条件见第二十四条（五），未核实）"


def test_a_clean_certificate_is_not_blocked_but_says_what_was_not_checked(loaded):
    row = loaded.renewals_due(days=60, today=TODAY).set_index("cert_no").loc["津建安B（2023）0000001"]
    assert not bool(row["blocked"]) and row["blockers"] == ""
    assert row["not_checked"].startswith("未核查（无数据）：") and "信用档案本身" in row["not_checked"]


def test_extension_and_window_come_from_the_rules_file():
    assert certificate_rule("C3")["extension_years"] == 3 \
        and certificate_rule("C3")["renewal_window_months"] == 3
    assert certificate_rule("SPECIAL")["extension_years"] == 2
    assert "第十条" in certificate_rule("A")["source"] \
        and "第二十二条" in certificate_rule("SPECIAL")["source"]


def test_month_arithmetic_clamps_to_the_end_of_month():
    assert add_months(dt.date(2026, 5, 31), -3) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)


def test_renewing_a_clean_certificate_extends_it_three_years_and_audits_it(loaded):
    result = loaded.renew_certificate(cert_no="津建安B（2023）0000001", actor="审核员", reason="延续申请获准",
                                      applied_on=dt.date(2026, 5, 1), today=TODAY)
    assert result["new_expiry"] == dt.date(2029, 6, 20) and "未核查（无数据）" in result["not_checked"]
    audit = loaded.audit_log(entity="certificate")
    assert audit[["entity_key", "old_value", "new_value", "actor"]].values.tolist() == [
        ["津建安B（2023）0000001", "2026-06-20", "2029-06-20", "审核员"]]


def test_a_blocked_or_early_renewal_is_refused_and_changes_nothing(loaded):
    import pytest

    from zhiben_training.errors import RegistryError

    with pytest.raises(RegistryError, match="待核实：有效期内有处罚记录"):
        loaded.renew_certificate(cert_no="津建安C2（2023）0000001", actor="a", reason="r", applied_on=TODAY,
                                 today=TODAY)
    with pytest.raises(RegistryError, match="不在延续申请期内"):
        loaded.renew_certificate(cert_no="津建安B（2024）0000009", actor="a", reason="r", applied_on=TODAY,
                                 today=TODAY)
    assert len(loaded.audit_log(entity="certificate")) == 0
    assert str(loaded.certificates().set_index("cert_no").loc[
        "津建安C2（2023）0000001", "expiry_date"]) == "2026-07-01"


def test_a_special_certificate_is_extended_by_two_years(loaded):
    result = loaded.renew_certificate(cert_no="SYN-TS-0001", actor="a", reason="复核合格", applied_on=TODAY,
                                      today=TODAY, override_blockers=True)
    assert result["new_expiry"] == dt.date(2028, 7, 1)


def test_after_a_renewal_the_due_list_looks_at_the_new_period_only(loaded):
    loaded.renew_certificate(cert_no="津建安B（2023）0000001", actor="a", reason="r",
                             applied_on=dt.date(2026, 5, 1), today=TODAY)
    row = loaded.renewals_due(days=60,
                              today=dt.date(2029, 5, 15)).set_index("cert_no").loc["津建安B（2023）0000001"]
    assert row["period_start"] == dt.date(2026, 6, 21)
    assert row["blockers"] == "证书有效期内登记库中没有参加安全生产教育培训的记录（17号令 第十条第二款）"


def test_a_special_worker_s_counted_hours_are_round_attendance_plus_continuing_education(loaded):
    from .conftest import WORKER

    entries = loaded.annual_hour_entries(audience="special")
    mine = entries[entries["person_id"] == WORKER]
    assert mine.groupby("source")["hours"].sum().to_dict() == {"培训轮次": 16.0, "继续教育": 8.0}
