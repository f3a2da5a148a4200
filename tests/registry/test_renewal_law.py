"""Renewal as the law is written: the current validity period, the application window, what a penalty
proves and what it does not (17号令 第十条, 75号 第二十二条 / 第二十四条).

The tiny city (conftest): 孙六 (SAFE_2) holds B 2023-06-20 → 2026-06-20, trained only on 2025-03-15;
钱五 (SAFE_1) holds C2 2023-07-01 → 2026-07-01 with a 2025-01-15 通报批评; 吴八 (WORKER_2) holds a
special certificate 2024-07-01 → 2026-07-01.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from sqlalchemy import select

from tests.reference import REGULATIONS, reference_text
from zhiben_training.errors import RegistryError
from zhiben_training.registry import models as m
from zhiben_training.registry import open_registry
from zhiben_training.registry.rules import OVERRIDES_ENV, rules

from .conftest import ENTERPRISES, SAFE_1, SAFE_2, TODAY, WORKER_2, tiny_city_frames

B_CERT, C2_CERT, SPECIAL_CERT = "津建安B（2023）0000001", "津建安C2（2023）0000001", "SYN-TS-0001"
E1 = ENTERPRISES[0][0]
IN_2029 = dt.date(2029, 5, 15)

# 17号令 第十条, verified in the reference (section 5): quoted exactly.
ART_10_PARA_1 = ("安全生产考核合格证书有效期届满需要延续的，“安管人员”应当在有效期届满前3个月内，"
                 "由本人通过受聘企业向原考核机关"
                 "申请证书延续。准予证书延续的，证书有效期延续3年。")
ART_10_PARA_2 = ("对证书有效期内未因生产安全事故或者违反本规定受到行政处罚，"
                 "信用档案中无不良行为记录，且已按规定参加企业和县级以上"
                 "人民政府住房城乡建设主管部门组织的安全生产教育培训的，考核机关应当在受理延续申请之日起20个工作日内，准予证书延续。")
# 75号 第二十四条（三）, from memory in the reference: the only penalty-like ground it gives.
ART_24_ITEM_3 = "（三）对生产安全事故负有责任的；"


@pytest.fixture
def city(tmp_path):
    """A registry holding the tiny city plus extra sanctions / continuing education; closed afterwards."""
    registries = []

    def load(*, sanctions=(), ce=()):
        frames = tiny_city_frames()
        frames["sanctions"] = pd.concat([frames["sanctions"], pd.DataFrame(
            [(pid, E1, day, kind, reason) for pid, day, kind, reason in sanctions],
            columns=frames["sanctions"].columns)])
        frames["continuing_education"] = pd.concat([frames["continuing_education"], pd.DataFrame(
            [(pid, day, hours, "安全生产教育培训", "企业内部培训") for pid, day, hours in ce],
            columns=frames["continuing_education"].columns)])
        folder = tmp_path / f"city{len(registries)}"
        folder.mkdir()
        for name, frame in frames.items():
            frame.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8")
        registry = open_registry(f"sqlite:///{folder / 'registry.sqlite'}")
        registries.append(registry)
        registry.load_synthetic(folder)
        return registry

    yield load
    for registry in registries:
        registry.close()


@pytest.fixture
def local_rules(tmp_path, monkeypatch):
    def apply(values: dict):
        path = tmp_path / "本地规则.json"
        path.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
        monkeypatch.setenv(OVERRIDES_ENV, str(path))
        rules.cache_clear()

    yield apply
    monkeypatch.delenv(OVERRIDES_ENV, raising=False)
    rules.cache_clear()


def _row(registry, cert_no: str, today: dt.date) -> pd.Series:
    return registry.renewals_due(days=60, today=today).set_index("cert_no").loc[cert_no]


def test_the_article_10_texts_these_tests_check_are_the_reference_s_words():
    reference = reference_text(REGULATIONS)
    assert ART_10_PARA_1 in reference and ART_10_PARA_2 in reference and ART_24_ITEM_3 in reference


# -- 1. 证书有效期内 is the current validity period (第十条第二款) ------------------------------------------

def test_a_certificate_renewed_to_2029_whose_only_training_was_in_2025_is_blocked_in_2029(city):
    registry = city()
    result = registry.renew_certificate(cert_no=B_CERT, actor="审核员", reason="延续申请获准",
                                        applied_on=dt.date(2026, 5, 1), today=TODAY)
    assert result["new_expiry"] == dt.date(2029, 6, 20)
    row = _row(registry, B_CERT, IN_2029)
    assert row["period_start"] == dt.date(2026, 6, 21)  # the day after the previous expiry
    assert row["blockers"] == "证书有效期内登记库中没有参加安全生产教育培训的记录（17号令 第十条第二款）"


def test_a_2025_reprimand_does_not_hold_up_the_2029_renewal(city):
    registry = city(ce=[(SAFE_1, "2027-03-01", 8.0)])
    registry.renew_certificate(cert_no=C2_CERT, actor="审核员", reason="处罚原因经核对不属于第十条第二款情形",
                               applied_on=dt.date(2026, 5, 1), today=TODAY, reviewed=True)
    row = _row(registry, C2_CERT, IN_2029)
    assert (row["blockers"], row["to_review"], bool(row["blocked"])) == ("", "", False)


def test_a_penalty_on_the_old_expiry_day_belongs_to_the_old_period(city):
    registry = city(sanctions=[(SAFE_2, "2026-06-20", "罚款", "违反17号令"),
                               (SAFE_2, "2026-06-21", "罚款", "违反17号令")],
                    ce=[(SAFE_2, "2027-03-01", 8.0)])
    registry.renew_certificate(cert_no=B_CERT, actor="a", reason="r", applied_on=dt.date(2026, 5, 1),
                               today=TODAY)
    to_review = _row(registry, B_CERT, IN_2029)["to_review"]
    assert "罚款（2026-06-21" in to_review and "2026-06-20" not in to_review


# -- 4. the window is for the application; the decision may come after expiry (第十条) ----------------

def test_a_renewal_applied_for_in_time_and_decided_after_expiry_is_granted_and_recorded(city):
    registry = city()
    result = registry.renew_certificate(cert_no=B_CERT, actor="审核员", reason="延续申请获准",
                                        applied_on=dt.date(2026, 6, 15), today=dt.date(2026, 7, 10))
    assert (result["old_expiry"], result["new_expiry"]) == (dt.date(2026, 6, 20), dt.date(2029, 6, 20))
    assert (result["applied_on"], result["decided_on"]) == (dt.date(2026, 6, 15), dt.date(2026, 7, 10))
    with registry.engine.connect() as conn:
        rows = conn.execute(select(m.CertificateRenewal.__table__)).mappings().all()
    assert [(r["cert_no"], r["applied_date"], r["decided_date"], r["previous_expiry"], r["new_expiry"])
            for r in rows] == [(B_CERT, dt.date(2026, 6, 15), dt.date(2026, 7, 10), dt.date(2026, 6, 20),
                                dt.date(2029, 6, 20))]
    audit = registry.audit_log(entity="certificate")
    assert "申请日期 2026-06-15" in audit["reason"].iloc[0]


@pytest.mark.parametrize("applied_on", [dt.date(2026, 3, 19), dt.date(2026, 6, 21)])
def test_an_application_outside_the_three_months_before_expiry_is_refused(city, applied_on):
    registry = city()
    with pytest.raises(RegistryError, match="延续申请日期 .* 不在延续申请期内（2026-03-20 至 2026-06-20"):
        registry.renew_certificate(cert_no=B_CERT, actor="a", reason="r", applied_on=applied_on,
                                   today=dt.date(2026, 7, 1))
    assert len(registry.audit_log(entity="certificate")) == 0


def test_an_application_dated_after_the_decision_is_refused(city):
    with pytest.raises(RegistryError, match="申请日期 2026-06-01 晚于决定日期 2026-05-15"):
        city().renew_certificate(cert_no=B_CERT, actor="a", reason="r", applied_on=dt.date(2026, 6, 1),
                                 today=TODAY)


def test_a_renewal_decided_after_expiry_looks_at_the_period_that_ended_not_at_what_came_after(city):
    """The penalty dated after the old expiry is not 证书有效期内 of the period being renewed."""
    # after expiry: not in the period
    registry = city(sanctions=[(SAFE_2, "2026-07-01", "罚款", "违反17号令")])
    registry.renew_certificate(cert_no=B_CERT, actor="a", reason="r", applied_on=dt.date(2026, 6, 1),
                               today=dt.date(2026, 7, 10))
    assert registry.certificates().set_index("cert_no").loc[B_CERT, "expiry_date"] == dt.date(2029, 6, 20)


# -- 3. a penalty is configuration and unknown cause, never law (第十条第二款) -------------------------

def test_an_an_guan_penalty_is_shown_for_review_with_its_recorded_reason_as_configuration(city):
    row = _row(city(sanctions=[(SAFE_2, "2025-08-01", "罚款", "对一般生产安全事故负有责任")]), B_CERT, TODAY)
    assert row["blockers"] == "" and not bool(row["blocked"])
    assert row["to_review"] == (
        "有效期内有处罚记录：罚款（2025-08-01，原因：对一般生产安全事故负有责任）——处罚种类按配置规则列入"
        "（配置规则，非法规原文），"
        "是否属于17号令 第十条第二款“因生产安全事故或者违反本规定受到行政处罚”，须按原因核实")


def test_an_an_guan_penalty_with_no_recorded_reason_says_the_cause_is_unknown(city):
    row = _row(city(sanctions=[(SAFE_2, "2025-08-01", "罚款", None)]), B_CERT, TODAY)
    assert row["to_review"] == (
        "有效期内有处罚记录：罚款（2025-08-01，原因未记录）——处罚种类按配置规则列入（配置规则，非法规原文），"
        "原因未记录，无法判断是否属于17号令 第十条第二款情形")


def test_a_penalty_awaiting_review_stops_the_renewal_until_the_examiner_confirms(city):
    registry = city(sanctions=[(SAFE_2, "2025-08-01", "罚款", None)])
    with pytest.raises(RegistryError, match="暂不能延续，待核实：有效期内有处罚记录"):
        registry.renew_certificate(cert_no=B_CERT, actor="a", reason="r", applied_on=dt.date(2026, 5, 1),
                                   today=TODAY)
    result = registry.renew_certificate(cert_no=B_CERT, actor="a", reason="处罚原因已核对", today=TODAY,
                                        applied_on=dt.date(2026, 5, 1), reviewed=True)
    assert result["new_expiry"] == dt.date(2029, 6, 20)


def test_no_penalty_message_cites_article_10_as_the_reason_renewal_is_refused(city):
    registry = city(sanctions=[(SAFE_2, "2025-08-01", "暂扣安全生产考核合格证书", "x")])
    due = registry.renewals_due(days=60, today=TODAY)
    assert not due["blockers"].str.contains("处罚").any()


# -- 2. special-operation penalties: only what the reference gives, unverified, off by default -----------

def test_a_special_worker_s_penalty_does_not_hold_up_延期复核_by_default(city, local_rules):
    local_rules({"certificates.special.renewal_blockers.annual_hours_shortfall": 0})
    row = _row(city(sanctions=[(WORKER_2, "2025-08-01", "罚款", "特种作业违章操作")]), SPECIAL_CERT, TODAY)
    assert (row["blockers"], row["to_review"]) == ("", "")
    switch = rules()["certificates"]["special"]["renewal_blockers"]["sanction_during_validity"]
    assert (switch["value"], switch["status"]) == (0, "configurable, not law")


def test_the_special_rule_keeps_only_article_24_item_3_and_marks_it_unverified():
    blockers = rules()["certificates"]["special"]["renewal_blockers"]
    assert blockers["sanction_during_validity"]["quote"] == "对生产安全事故负有责任的"
    assert blockers["sanction_during_validity"]["quote"] in ART_24_ITEM_3
    assert "未核实" in blockers["sanction_during_validity"]["source"]


def test_switched_on_a_special_worker_s_penalty_is_shown_for_review_with_the_unverified_text(
        city, local_rules):
    local_rules({"certificates.special.renewal_blockers.annual_hours_shortfall": 0,
                 "certificates.special.renewal_blockers.sanction_during_validity": 1})
    row = _row(city(sanctions=[(WORKER_2, "2025-08-01", "罚款", "特种作业违章操作")]), SPECIAL_CERT, TODAY)
    assert row["blockers"] == ""
    assert row["to_review"] == (
        "有效期内有处罚记录：罚款（2025-08-01，原因：特种作业违章操作）——处罚种类按配置规则列入（配置规则，非法规原文），"
        "是否属于75号 第二十四条（三）“对生产安全事故负有责任的”（未核实），须按原因核实")


# -- the command ---------------------------------------------------------------------------------------

def test_zhiben_renew_records_the_application_date_and_refuses_an_unreviewed_penalty(city, capsys):
    from zhiben_training.cli import main

    registry = city()
    db = registry.url
    assert main(["renew", B_CERT, "--applied", "2026-06-15", "--actor", "审核员", "--reason", "延续申请获准",
                 "--today", "2026-07-10", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "有效期至 2026-06-20 → 2029-06-20（延续申请日期 2026-06-15，决定日期 2026-07-10）" in out
    assert main(["renew", C2_CERT, "--applied", "2026-05-01", "--actor", "审核员", "--reason", "r",
                 "--today", "2026-05-15", "--db", db]) == 2
    assert "暂不能延续，待核实：有效期内有处罚记录：通报批评" in capsys.readouterr().err
    assert main(["renew", C2_CERT, "--applied", "2026-05-01", "--actor", "审核员", "--reason",
                 "处罚原因已核对", "--reviewed", "--today", "2026-05-15", "--db", db]) == 0
