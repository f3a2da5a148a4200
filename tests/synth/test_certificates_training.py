"""Certificates follow the documented numbering and validity rules; training history is coherent."""

from __future__ import annotations

import pandas as pd

from zhiben_training.synth import DEFAULT_REFERENCE_DATE

REF = pd.Timestamp(DEFAULT_REFERENCE_DATE)
SIX_TYPES = {"建筑电工", "建筑架子工", "建筑起重信号司索工", "建筑起重机械司机", "建筑起重机械安装拆卸工",
             "高处作业吊篮安装拆卸工"}


def test_c_numbers_follow_206_hao_exactly_and_a_b_by_analogy(demo_tables):
    certs = demo_tables["certificates"]
    c = certs[certs["cert_type"].str.startswith("C")]
    assert c["cert_no"].str.fullmatch(r"津建安C[123]（\d{4}）\d{7}").all()
    assert (c["cert_no"].str[3:5] == c["cert_type"]).all()
    ab = certs[certs["cert_type"].isin(["A", "B"])]
    assert ab["cert_no"].str.fullmatch(r"津建安[AB]（\d{4}）\d{7}").all()
    assert certs["cert_no"].is_unique


def test_the_year_in_the_number_is_the_first_issue_year_and_serials_start_at_one(demo_tables):
    certs = demo_tables["certificates"]
    official = certs[certs["cert_type"] != "SPECIAL"]
    assert (official["cert_no"].str.extract(r"（(\d{4})）")[0].astype(int)
            == official["first_issue_year"]).all()
    serial = official["cert_no"].str[-7:].astype(int)
    first = serial.groupby([official["cert_type"], official["first_issue_year"]]).min()
    assert (first == 1).all()


def test_special_certificates_use_a_plainly_synthetic_format_and_the_six_types(demo_tables):
    certs = demo_tables["certificates"]
    special = certs[certs["cert_type"] == "SPECIAL"]
    assert special["cert_no"].str.fullmatch(r"SYN-TJ-TZ0[1-6]-\d{4}-\d{7}").all()
    assert set(special["operation_type"]) == SIX_TYPES
    people = demo_tables["people"].set_index("person_id")
    assert (people.loc[special["person_id"], "role"].to_numpy() == "特种作业人员").all()


def test_validity_is_three_years_for_an_guan_and_two_for_special_operations(demo_tables):
    certs = demo_tables["certificates"]
    years = (certs["expiry_date"] + pd.Timedelta(days=1)).dt.year - certs["issue_date"].dt.year
    assert (years[certs["cert_type"] == "SPECIAL"] == 2).all()
    assert (years[certs["cert_type"] != "SPECIAL"] == 3).all()


def test_expired_expiring_within_three_months_and_valid_certificates_all_occur(demo_tables):
    expiry = demo_tables["certificates"]["expiry_date"]
    expired = expiry < REF
    expiring = (expiry >= REF) & (expiry <= REF + pd.DateOffset(months=3))
    valid = expiry > REF + pd.DateOffset(months=3)
    assert expired.mean() > 0.03 and expiring.mean() > 0.03 and valid.mean() > 0.6


def test_there_are_nine_rounds_2024_to_2026_per_audience(demo_tables):
    rounds = demo_tables["rounds"]
    assert sorted(rounds["round_id"]) == sorted(f"{y}-{a}" for y in (2024, 2025, 2026)
                                                for a in ("principal", "safety", "special"))
    special = rounds[rounds["audience"] == "special"]
    assert (special["required_hours"] == 24).all() and (special["required_hours_status"] == "verified").all()


def test_sessions_fall_inside_their_round_and_not_after_the_reference_date(demo_tables):
    att = demo_tables["attendance"].merge(demo_tables["rounds"], on="round_id")
    assert att["session_date"].between(att["start_date"], att["end_date"]).all()
    assert (att["session_date"] <= REF).all()
    hours = att.groupby(["person_id", "round_id"])["hours"].sum()
    assert (hours < 24).any() and (hours >= 24).any()  # some trainees fall short of the plan


def test_results_pass_exactly_at_the_pass_mark_and_papers_match_audiences(demo_tables):
    res = demo_tables["assessment_results"].merge(demo_tables["rounds"], on="round_id")
    assert (res["passed"] == (res["score"] >= res["pass_mark"])).all()
    assert set(res.loc[res["audience"] == "principal", "paper"]) == {"A"}
    assert set(res.loc[res["audience"] == "safety", "paper"]) == {"C"}
    assert (res["audience"] != "special").all()
    assert (~res["passed"]).any() and (res["taken_date"] <= REF).all()


def test_continuing_education_and_sanctions_refer_to_real_people(demo_tables):
    ids = set(demo_tables["people"]["person_id"])
    assert set(demo_tables["continuing_education"]["person_id"]) <= ids
    sanctions = demo_tables["sanctions"]
    assert len(sanctions) > 0 and set(sanctions["person_id"]) <= ids
    assert sanctions["date"].between(pd.Timestamp("2024-01-01"), REF).all()


def test_training_rows_are_unique_on_the_keys_the_registry_uses(demo_tables):
    assert not demo_tables["attendance"].duplicated(["person_id", "round_id", "session_date"]).any()
    assert not demo_tables["assessment_results"].duplicated(["person_id", "round_id", "paper"]).any()
    assert not demo_tables["continuing_education"].duplicated(["person_id", "date", "topic"]).any()


def test_a_retake_replaces_a_failed_first_attempt(demo_tables):
    res = demo_tables["assessment_results"].merge(demo_tables["rounds"], on="round_id")
    retakes = res[res["attempts"] == 2]
    assert len(retakes) and (retakes["first_score"] < retakes["pass_mark"]).all()
    single = res[res["attempts"] == 1]
    assert (single["first_score"] == single["score"]).all()


def test_principals_of_all_four_enterprise_types_train_and_sit_the_a_paper(demo_tables):
    """The action plan (二、（一）2) trains the principals of 勘察设计、施工、监理 enterprises, not builders
    only."""
    people = demo_tables["people"].merge(demo_tables["enterprises"],
                                         left_on="enterprise_uscc", right_on="uscc")
    kinds = people.set_index("person_id")["enterprise_type"]
    for table in ("attendance", "assessment_results"):
        rows = demo_tables[table]
        principal = rows[rows["round_id"] == "2026-principal"]
        assert set(kinds.loc[principal["person_id"]]) == {"勘察", "设计", "施工", "监理"}, table
        others = rows[rows["round_id"].isin(["2026-safety", "2026-special"])]
        assert set(kinds.loc[others["person_id"]]) == {"施工"}, table
