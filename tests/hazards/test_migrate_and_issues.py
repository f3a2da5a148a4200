"""Format 1 → 2 migration, and the verdict on every recorded issue (major / 一般 / 无法判定)."""

from __future__ import annotations

import copy

from tests.hazards.conftest import equipment as E
from tests.hazards.conftest import make_record
from tests.hazards.conftest import work as W
from zhiben_training.hazards import find_hazards, judge_record, migrate_record

OLD = make_record(
    schema_version="1",
    enterprise={"safety_licence_valid": True},
    works=[W("excavation", depth_m=4, complex_surroundings=False, over_excavated=False,
             deformation_exceeds_design=False),
           {**W("tunnel", tunnel_method="shield", rail_zone_unapproved_work=True), "work_id": "W-02"}],
    weather={"strong_wind": True, "activities": ["lifting"]},
)


def test_migration_rewrites_exact_equivalents_and_lists_what_still_needs_measuring():
    before = copy.deepcopy(OLD)
    migration = migrate_record(OLD)
    new, notes = migration.record, migration.notes
    assert OLD == before  # the input is never changed
    assert new["format_version"] == "2" and "schema_version" not in new
    assert new["works"][0]["over_excavation_depth_m"] == 0 and "over_excavated" not in new["works"][0]
    assert (new["works"][1]["in_rail_protection_zone"] is True
            and new["works"][1]["rail_zone_approved"] is False)
    text = "\n".join(notes)
    assert "works[0].deformation_exceeds_design" in text and "deformation_mm" in text
    assert "weather.strong_wind" in text and "enterprise.safety_licence_valid" in text


def test_a_migrated_record_gets_the_same_major_hazards():
    new = migrate_record(OLD).record
    assert ([f.item_id for f in find_hazards(new)] == [f.item_id for f in find_hazards(OLD)]
            == ["13.7", "15.2"])


def test_migrating_twice_changes_nothing_more():
    once = migrate_record(OLD).record
    twice = migrate_record(once)
    assert twice.record == once and not any("format_version" in n for n in twice.notes)
    assert twice.undecidable == ()  # nothing became undecidable the second time


def _issues(**sections):
    return [(i.verdict, i.item_ids) for i in judge_record(make_record(**sections)).issues]


def test_an_issue_on_an_object_with_a_major_hazard_is_named_with_its_item():
    record = dict(equipment=[E("gondola", load_kg=800, rated_load_kg=630)],
                  observations={"issues": [{"description": "吊篮内 4 人并堆放砂浆",
                                            "about": "equipment[0]"}]})
    assert _issues(**record) == [("重大事故隐患", ("9.5",))]


def test_an_issue_on_a_compliant_object_is_an_ordinary_hazard():
    record = dict(equipment=[E("gondola", load_kg=300, rated_load_kg=630)],
                  observations={"issues": [{"description": "吊篮操作人员未系安全带",
                                            "about": "equipment[0]"}]})
    assert _issues(**record) == [("一般隐患", ())]


def test_an_issue_without_an_object_or_on_an_undecided_object_is_undetermined():
    record = dict(equipment=[E("gondola", load_kg=300)],
                  observations={"issues": [{"description": "吊篮载重不明", "about": "equipment[0]"},
                                           {"description": "现场材料堆放凌乱"}]})
    assert _issues(**record) == [("无法判定", ()), ("无法判定", ())]


def test_free_text_issues_never_raise_item_17():
    record = make_record(observations={"issues": [{"description": "可能导致群死群伤",
                                                   "about": "enterprise"}]})
    assert "17" not in {f.item_id for f in judge_record(record).findings}
