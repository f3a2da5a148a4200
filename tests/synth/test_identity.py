"""People and enterprises carry valid, consistent identifiers and realistic Tianjin names and addresses."""

from __future__ import annotations

import datetime as dt
import json
import re
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhiben_training.identifiers import id_birth_date, id_sex, is_valid_id, is_valid_uscc, make_id
from zhiben_training.synth._vector import id_numbers

DISTRICTS = {d["code"]: d["name"] for d in json.loads(
    resources.files("zhiben_training").joinpath("data", "districts.json")
    .read_text(encoding="utf-8"))["districts"]}
PLACES = json.loads(resources.files("zhiben_training").joinpath("data", "synth", "tianjin_places.json")
                    .read_text(encoding="utf-8"))


def test_every_id_number_is_valid_unique_and_matches_district_birth_date_and_sex(demo_tables):
    people = demo_tables["people"]
    assert people["person_id"].is_unique
    for row in people.itertuples():
        assert is_valid_id(row.person_id), row.person_id
        assert row.person_id[:6] == row.district_code
        assert DISTRICTS[row.district_code] == row.district
        assert id_birth_date(row.person_id) == row.birth_date.date()
        assert id_sex(row.person_id) == row.sex


def test_vectorised_id_numbers_equal_the_scalar_builder():
    rng = np.random.default_rng(3)
    area = np.array([120101, 120116, 120119, 120116])
    birth = np.array(["1980-02-29", "1999-12-31", "1975-01-01", "1999-12-31"], dtype="datetime64[D]")
    female = np.array([True, False, True, False])
    base = rng.integers(0, 500, 4)
    got = id_numbers(area, birth, female, base)
    # the second and the last share area, birth date and sex: the last gets the next order code after
    # the second's (one base per group, so the two can never coincide)
    seqs = [base[0], base[1], base[2], base[1] + 1]
    expected = [make_id(str(a), dt.date.fromisoformat(str(b)), int(s), female=bool(f))
                for a, b, f, s in zip(area, birth, female, seqs, strict=True)]
    assert list(got) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([120101, 120116]), st.integers(0, 3), st.booleans(),
                          st.integers(0, 3) | st.integers(0, 499)), min_size=1, max_size=60))
def test_id_numbers_are_unique_whatever_the_random_order_bases(people):
    """Tianjin scale once gave 97 pairs one number: base 10 + rank 0 and base 9 + rank 1 are both 10."""
    area = np.array([p[0] for p in people])
    birth = np.datetime64("1980-01-01") + np.array([p[1] for p in people])
    female = np.array([p[2] for p in people])
    got = id_numbers(area, birth, female, np.array([p[3] for p in people]))
    assert len(set(got)) == len(people)


def test_the_tianjin_scale_gives_every_person_their_own_id_number():
    from zhiben_training.synth._config import DEFAULT_REFERENCE_DATE, SCALES, stream
    from zhiben_training.synth._enterprises import build_enterprises
    from zhiben_training.synth._people import build_people

    size = SCALES["tianjin"]
    ent = build_enterprises(stream(2026, "enterprises"), size.enterprises, reference=DEFAULT_REFERENCE_DATE)
    people = build_people(stream(2026, "people"), ent, size.people, reference=DEFAULT_REFERENCE_DATE)
    assert len(set(people["person_id"])) == size.people


def test_nobody_is_younger_than_18_when_their_certificate_period_began(demo_tables):
    certs = demo_tables["certificates"].merge(demo_tables["people"], on="person_id")
    age_at_issue = (certs["issue_date"] - certs["birth_date"]).dt.days / 365.25
    assert age_at_issue.min() >= 18


def test_every_uscc_is_valid_unique_and_carries_the_district_code(demo_tables):
    ent = demo_tables["enterprises"]
    assert ent["uscc"].is_unique and ent["name"].is_unique
    for row in ent.itertuples():
        assert is_valid_uscc(row.uscc), row.uscc
        assert row.uscc[2:8] == row.district_code
        assert DISTRICTS[row.district_code] == row.district


def test_each_enterprise_has_its_legal_representative_among_its_people(demo_tables):
    ent, people = demo_tables["enterprises"], demo_tables["people"].set_index("person_id")
    reps = people.loc[ent["legal_rep_id"]]
    assert (reps["role"].to_numpy() == "法定代表人").all()
    assert (reps["enterprise_uscc"].to_numpy() == ent["uscc"].to_numpy()).all()
    assert (people["role"] == "法定代表人").sum() == len(ent)


def test_enterprise_kinds_and_licences_follow_the_contract(demo_tables):
    ent = demo_tables["enterprises"]
    assert set(ent["enterprise_type"]) == {"勘察", "设计", "施工", "监理"}
    builder = ent["enterprise_type"] == "施工"
    assert set(ent.loc[builder, "construction_kind"]) == {"总承包", "专业承包", "劳务"}
    assert (ent.loc[~builder, "construction_kind"] == "").all()
    assert (ent.loc[builder, "licence_expiry"].notna().all()
            and ent.loc[~builder, "licence_expiry"].isna().all())
    assert (ent.loc[~builder, "licence_no"] == "").all()


@pytest.mark.parametrize("pattern", [r"^天津市.+(建筑工程|建设集团|建设工程|建工集团|市政工程|路桥建设|"
                                     r"钢结构工程|机电安装工程|建筑装饰工程|地基基础工程|起重设备安装工程|"
                                     r"模板脚手架工程|防水工程|幕墙工程|建筑劳务|劳务分包|建筑劳务服务|"
                                     r"岩土工程勘察|勘察院|工程勘察测绘|建筑设计院|工程设计|建筑设计研究院|"
                                     r"工程建设监理|工程项目管理|建设工程监理咨询)有限公司$"])
def test_enterprise_names_look_like_tianjin_companies(demo_tables, pattern):
    names = demo_tables["enterprises"]["name"].str.replace("^天津(?!市)", "天津市", regex=True)
    assert names.str.match(pattern).all()


def test_addresses_use_a_road_of_the_enterprise_district_and_no_other_province(demo_tables):
    for row in demo_tables["enterprises"].itertuples():
        prefix = f"天津市{row.district}"
        assert row.address.startswith(prefix)
        rest = row.address[len(prefix):]
        assert any(rest.startswith(road) for road in PLACES["roads"][row.district]), row.address
        assert re.search(r"\d+号", rest)


def test_person_names_are_a_listed_surname_and_a_short_given_name(demo_tables):
    surnames = {line.split(",")[0] for line in resources.files("zhiben_training").joinpath(
        "data", "synth", "surnames.csv").read_text(encoding="utf-8").splitlines()[1:]}
    names = demo_tables["people"]["name"]
    assert names.map(lambda n: n[0] in surnames or n[:2] in surnames).all()
    assert names.str.len().between(2, 4).all()
    assert names.nunique() > len(names) * 0.8
