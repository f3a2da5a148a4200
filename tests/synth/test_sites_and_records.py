"""Every generated site serialises to a valid inspection record whose rules-engine verdict is the label."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from zhiben_training.hazards import classify_work, find_hazards, judge_record, validate_record
from zhiben_training.law import criteria
from zhiben_training.synth import load_site_records
from zhiben_training.synth._plant import PLANTABLE_IDS, PLANTERS, PlantContext
from zhiben_training.synth._works import classify


def _ids(record: dict) -> list[str]:
    return sorted({f.item_id for f in find_hazards(record)}, key=lambda s: [int(x) for x in s.split(".")])


def test_every_demo_record_validates_and_assess_equals_the_intended_label(demo_city, demo_tables):
    labels = demo_tables["sites"].set_index("site_id")["label_major_hazard_ids"]
    seen = 0
    for record in load_site_records(demo_city):
        validate_record(record)
        intended = [x for x in labels[record["site_id"]].split(";") if x]
        assert _ids(record) == intended, record["site_id"]
        verdict = judge_record(record)
        # the city writes every measurement
        assert verdict.undetermined == (), (record["site_id"], verdict.undetermined)
        assert all(w.level != "无法判定" for w in verdict.works), record["site_id"]
        assert record["format_version"] == "2"
        seen += 1
    assert seen == len(labels)


def test_most_sites_are_clean_and_some_carry_one_to_three_major_hazards(demo_tables):
    counts = demo_tables["sites"]["label_major_hazard_ids"].map(lambda s: len(s.split(";")) if s else 0)
    assert 0.75 < (counts == 0).mean() < 0.95
    assert set(counts) == {0, 1, 2, 3}


def test_planted_items_span_chapters_4_to_15(demo_tables):
    items = {i for lab in demo_tables["sites"]["label_major_hazard_ids"] for i in lab.split(";") if i}
    assert {int(i.split(".")[0]) for i in items} == set(range(4, 16))


def test_plantable_items_are_exactly_the_decidable_2024_items():
    crits = criteria("2024")
    parents = {c.parent_id for c in crits if c.parent_id}
    decidable = {c.id for c in crits if c.decidable and c.id not in parents}
    assert set(PLANTABLE_IDS) == decidable


@pytest.fixture(scope="module")
def clean_record(demo_city, demo_tables):
    clean = demo_tables["sites"].query("label_major_hazard_ids == '' and project_type == '住宅'")["site_id"]
    wanted = set(clean)
    return next(r for r in load_site_records(demo_city) if r["site_id"] in wanted)


def _context(seed: int, *, lapsed: bool) -> PlantContext:
    leader = {"name": "过期", "role": "项目负责人",
              "certificates": [{"type": "B", "number": "津建安B（2020）0000009",
                                "valid_until": "2026-01-01"}]}
    worker = {"name": "过期", "role": "特种作业人员", "operation_type": "建筑电工",
              "certificates": [{"type": "SPECIAL", "operation_type": "建筑电工",
                                "valid_until": "2025-01-01"}]}
    return PlantContext(rng=np.random.default_rng(seed), inspection_date="2026-11-28", required_managers=2,
                        expired_leader=lambda: leader if lapsed else None,
                        expired_special=lambda: worker if lapsed else None)


@pytest.mark.parametrize("item", PLANTABLE_IDS)
@pytest.mark.parametrize("lapsed", [True, False], ids=["lapsed-certificate", "other-variant"])
def test_each_item_planted_alone_on_a_compliant_record_is_all_that_assess_finds(clean_record, item, lapsed):
    assert _ids(clean_record) == []
    for seed in range(3):
        record = copy.deepcopy(clean_record)
        if item == "4.1" and lapsed:
            record["enterprise"]["safety_licence_valid"] = False
        record["staffing"]["project_safety_managers"] = 2
        PLANTERS[item](record, _context(seed, lapsed=lapsed))
        validate_record(record)
        assert _ids(record) == [item]


def test_the_generator_grades_works_as_the_rules_engine_does(demo_city, demo_tables):
    sites = demo_tables["sites"].set_index("site_id")
    for record in load_site_records(demo_city):
        levels = [classify_work(w).level for w in record["works"]]
        assert levels == [classify(w) for w in record["works"]]
        row = sites.loc[record["site_id"]]
        assert (row["n_works"], row["n_wd_works"], row["n_cgm_works"]) == (
            len(levels), levels.count("危大"), levels.count("超规模"))


def test_the_city_has_a_plausible_share_of_wd_and_cgm_works(demo_tables):
    sites = demo_tables["sites"]
    works = sites["n_works"].sum()
    assert 0.3 < sites["n_wd_works"].sum() / works < 0.8
    assert 0.05 < sites["n_cgm_works"].sum() / works < 0.3
    assert (sites["n_cgm_works"] > 0).mean() > 0.2


def test_record_personnel_are_people_of_the_city_with_their_real_certificates(demo_city, demo_tables):
    certs = demo_tables["certificates"].set_index("cert_no")
    people = demo_tables["people"].set_index("person_id")
    for record in load_site_records(demo_city):
        for person in record["personnel"]:
            if "person_id" not in person:
                continue
            assert people.loc[person["person_id"], "name"] == person["name"]
            for cert in person["certificates"]:
                assert certs.loc[cert["number"], "person_id"] == person["person_id"]
                assert str(certs.loc[cert["number"], "expiry_date"].date()) == cert["valid_until"]


def test_sites_with_a_lapsed_licence_are_labelled_4_1(demo_city, demo_tables):
    ent = demo_tables["enterprises"].set_index("uscc")
    for record in load_site_records(demo_city):
        expired = (ent.loc[record["enterprise"]["uscc"], "licence_expiry"].date().isoformat()
                   < record["inspection_date"])
        assert (record["enterprise"]["safety_licence_valid_until"]
                == ent.loc[record["enterprise"]["uscc"], "licence_expiry"].date().isoformat())
        if expired:
            assert "4.1" in _ids(record)


def test_site_rows_summarise_their_records(demo_city, demo_tables):
    sites = demo_tables["sites"].set_index("site_id")
    contractors = set(demo_tables["enterprises"].query("construction_kind == '总承包'")["uscc"])
    for record in load_site_records(demo_city):
        row = sites.loc[record["site_id"]]
        assert row["n_equipment"] == len(record["equipment"])
        assert row["project_safety_managers"] == record["staffing"]["project_safety_managers"]
        assert (row["contractor_uscc"] == record["enterprise"]["uscc"]
                and row["contractor_uscc"] in contractors)
        assert record["project"]["district"] == row["district"]
        leader = [p["person_id"] for p in record["personnel"] if p["role"] == "项目负责人"]
        assert row["project_leader_id"] == (leader[0] if leader else "")
