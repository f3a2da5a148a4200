"""Every 2024 item with a stated (or configured) threshold, from measurements at, just below and just above
it, and the same item with the measurement missing: 无法判定, never "no hazard"."""

from __future__ import annotations

import pytest

from tests.hazards.conftest import equipment as E
from tests.hazards.conftest import make_record
from tests.hazards.conftest import work as W
from zhiben_training.hazards import judge_record

PIT = {"depth_m": 4, "over_excavation_depth_m": 0, "deformation_mm": 5, "deformation_limit_mm": 30}
FORM = {"height_m": 6, "span_m": 8, "total_load_kn_m2": 9, "line_load_kn_m": 12, "projection_width_m": 9,
        "isolated_without_ties": False, "construction_load_kn_m2": 5, "design_load_kn_m2": 10}
TOWER = {"verticality_per_mille": 1, "verticality_limit_per_mille": 4, "clearance_to_structures_m": 3}
HOIST = {"verticality_per_mille": 0.5, "verticality_limit_per_mille": 1}
GONDOLA = {"load_kg": 300, "rated_load_kg": 630}
TUNNEL = {"tunnel_method": "shield", "monitoring_value_mm": 5, "monitoring_control_value_mm": 30}
WET = {"long_term_relative_humidity_pct": 80, "place_kind": "special"}


def _pit(**f):
    return make_record(works=[W("excavation", **{**PIT, **f})])


def _form(**f):
    return make_record(works=[W("formwork_support", **{**FORM, **f})])


def _eq(kind, base, **f):
    return make_record(equipment=[E(kind, **{**base, **f})])


def _zone(**f):
    return make_record(observations={"lighting_zones": [{**WET, "lighting_voltage_v": 12, **f}]})


def _line(**f):
    return make_record(observations={"overhead_lines": [{"near": "building", "line_voltage_kv": 10,
                                                         "distance_m": 8, "protection_measures": False,
                                                         **f}]})


def _wind(**f):
    return make_record(weather={"activities": ["lifting"], **f})


def _licence(until):
    return make_record(enterprise={"safety_licence_valid_until": until, "qualification_covers_work": True})


# (item, record builder taking the measured value, at, below, above, found at/below/above)
CASES = [
    ("4.1", _licence, "2026-03-15", "2026-03-14", "2026-03-16", (False, True, False)),
    ("4.4", lambda n: _pit(depth_m=6, plan_prepared=True, plan_reviewed=True,
                           expert_review_held=True, expert_count=n),
     5, 4, 6, (False, True, False)),
    ("5.2", lambda d: _pit(over_excavation_depth_m=d, effective_measures=False),
     0, 0, 0.01, (False, False, True)),
    ("5.3", lambda d: _pit(depth_m=d, third_party_monitoring=False), 5, 4.99, 5.01, (True, False, True)),
    ("5.4.1", lambda v: _pit(deformation_mm=v, precursor_handled_in_time=False),
     30, 29.9, 30.1, (False, False, True)),
    ("5.4.4", lambda v: _pit(pile_gap_hole_depth_m=v, pile_diameter_m=0.8, precursor_handled_in_time=False),
     0.8, 0.79, 0.81, (False, False, True)),
    ("6.2", lambda v: _form(construction_load_kn_m2=v), 10, 9.9, 10.1, (False, False, True)),
    ("6.3", lambda v: _form(formwork_operation="removal", concrete_strength_pct=v, required_strength_pct=75),
     75, 74.9, 75.1, (False, True, False)),
    ("6.3", lambda v: _form(formwork_operation="removal", concrete_strength_pct=v, member_kind="slab",
                            member_span_m=2),
     50, 49.9, 50.1, (False, True, False)),
    ("8.6", lambda v: _eq("hoist", HOIST, verticality_per_mille=v), 1, 0.99, 1.01, (False, False, True)),
    ("8.6", lambda v: _eq("hoist", HOIST, attachment_spacing_m=v, attachment_spacing_max_m=9),
     9, 8.9, 9.1, (False, False, True)),
    ("8.7", lambda v: _eq("tower_crane", TOWER, verticality_per_mille=v), 4, 3.9, 4.1, (False, False, True)),
    ("8.7", lambda v: _eq("tower_crane", TOWER, free_standing_height_m=v, free_standing_height_max_m=45),
     45, 44.9, 45.1, (False, False, True)),
    ("8.8", lambda v: _eq("tower_crane", TOWER, clearance_to_structures_m=v),
     0.6, 0.59, 0.61, (False, True, False)),
    ("8.8", lambda v: _eq("tower_crane", TOWER, group_vertical_clearance_m=v),
     2, 1.99, 2.01, (False, True, False)),
    ("9.1", lambda v: make_record(works=[W("steel_structure", structure_kind="steel", span_m=20,
                                           support_load_kn=v, support_capacity_kn=500)]),
     500, 499, 501, (False, False, True)),
    ("9.5", lambda v: _eq("gondola", GONDOLA, load_kg=v), 630, 629, 631, (False, False, True)),
    ("10.1", lambda h: _zone(long_term_relative_humidity_pct=h, lighting_voltage_v=220),
     75, 74.9, 75.1, (False, False, True)),
    ("10.1", lambda v: _zone(lighting_voltage_v=v), 36, 35.9, 36.1, (False, False, True)),
    ("10.1", lambda v: _zone(lighting_voltage_v=v, place_kind="damp_or_touchable"),
     24, 23.9, 24.1, (False, False, True)),
    ("10.1", lambda v: _zone(lighting_voltage_v=v, place_kind="very_damp_or_metal_vessel"),
     12, 11.9, 12.1, (False, False, True)),
    ("10.2", lambda d: _line(distance_m=d), 6, 5.99, 6.01, (False, True, False)),
    ("13.3", lambda v: make_record(works=[W("tunnel", **{**TUNNEL, "monitoring_value_mm": v,
                                                         "measures_in_time": False})]),
     30, 29.9, 30.1, (False, False, True)),
    ("14.1", lambda v: _pit(edge_surcharge_kn_m2=v, edge_surcharge_allowed_kn_m2=20),
     20, 19.9, 20.1, (False, False, True)),
    ("14.2", lambda d: _pit(depth_m=2.5, complex_surroundings=False, supported=False, stack_distance_m=d),
     2.5, 2.49, 2.51, (True, True, False)),
    ("14.3",
     lambda v: make_record(observations={"structural_loads": [{"load_kn_m2": v, "allowed_kn_m2": 20}]}),
     20, 19.9, 20.1, (False, False, True)),
    ("15.2", lambda f: _wind(wind_force_beaufort=f), 6, 5, 7, (True, False, True)),
    ("15.2", lambda v: _wind(wind_speed_m_s=v), 10.8, 10.7, 10.9, (True, False, True)),
]


def _found(record) -> tuple[set, set]:
    verdict = judge_record(record)
    return {f.item_id for f in verdict.findings}, {u.item_id for u in verdict.undetermined}


@pytest.mark.parametrize(("item", "build", "at", "below", "above", "found"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_an_item_at_just_below_and_just_above_its_threshold(item, build, at, below, above, found):
    for value, expected in zip((at, below, above), found, strict=True):
        hazards, open_items = _found(build(value))
        assert (item in hazards) is expected, (item, value)
        assert item not in open_items, (item, value)


def _drop(record: dict, section: str, key: str) -> dict:
    node = record[section]
    target = node[0] if isinstance(node, list) else node
    if section == "observations":
        target = next(iter(node.values()))[0]
    del target[key]
    return record


# (item, a record whose measurement is missing, the field named as missing)
MISSING = [
    ("4.1", make_record(enterprise={"qualification_covers_work": True}),
     "enterprise.safety_licence_valid_until"),
    ("4.4", _drop(_pit(depth_m=6, plan_prepared=False), "works", "depth_m"), "works[0].depth_m"),
    ("5.2", _drop(_pit(), "works", "over_excavation_depth_m"), "works[0].over_excavation_depth_m"),
    ("5.2", _pit(over_excavation_depth_m=0.5), "works[0].effective_measures"),
    ("5.3", _drop(_pit(third_party_monitoring=False), "works", "depth_m"), "works[0].depth_m"),
    ("5.4.1", _drop(_pit(), "works", "deformation_limit_mm"), "works[0].deformation_limit_mm"),
    ("5.4.1", _pit(deformation_mm=40), "works[0].precursor_handled_in_time"),
    ("5.4.4", _pit(pile_gap_hole_depth_m=1.0), "works[0].pile_diameter_m"),
    ("6.2", _drop(_form(), "works", "design_load_kn_m2"), "works[0].design_load_kn_m2"),
    ("6.3", _form(formwork_operation="removal"), "works[0].concrete_strength_pct"),
    ("6.3", _form(formwork_operation="removal", concrete_strength_pct=60), "works[0].member_kind"),
    ("6.3", _form(formwork_operation="climbing", concrete_strength_pct=60), "works[0].required_strength_pct"),
    ("6.4", make_record(works=[W("formwork_support", height_m=4, construction_load_kn_m2=1,
                                 design_load_kn_m2=2, pour_violates_plan=True)]), "works[0].span_m"),
    ("8.6", _drop(_eq("hoist", HOIST), "equipment", "verticality_limit_per_mille"),
     "equipment[0].verticality_limit_per_mille"),
    ("8.7", _drop(_eq("tower_crane", TOWER), "equipment", "verticality_per_mille"),
     "equipment[0].verticality_per_mille"),
    ("8.8", _drop(_eq("tower_crane", TOWER), "equipment", "clearance_to_structures_m"),
     "equipment[0].safe_distance_ok"),
    ("9.1", make_record(works=[W("steel_structure", structure_kind="steel", span_m=20)]),
     "works[0].support_load_kn"),
    ("9.5", _drop(_eq("gondola", GONDOLA), "equipment", "rated_load_kg"), "equipment[0].rated_load_kg"),
    ("10.1", _drop(_zone(), "observations", "lighting_voltage_v"),
     "observations.lighting_zones[0].lighting_voltage_v"),
    ("10.1", _drop(_zone(lighting_voltage_v=24), "observations", "place_kind"),
     "observations.lighting_zones[0].place_kind"),
    ("10.1", make_record(observations={"lighting_zones": [{"lighting_voltage_v": 220}]}),
     "observations.lighting_zones[0].long_term_relative_humidity_pct"),
    ("10.2", _drop(_line(), "observations", "distance_m"), "observations.overhead_lines[0].distance_m"),
    ("10.2", _line(distance_m=3, protection_measures=True) | {"observations": {"overhead_lines": [
        {"near": "building", "line_voltage_kv": 10, "distance_m": 3}]}},
     "observations.overhead_lines[0].protection_measures"),
    ("13.3", _drop(make_record(works=[W("tunnel", **TUNNEL)]), "works", "monitoring_value_mm"),
     "works[0].monitoring_value_mm"),
    ("13.7", make_record(works=[W("other", in_rail_protection_zone=True)]), "works[0].rail_zone_approved"),
    ("14.1", _pit(edge_surcharge_kn_m2=30), "works[0].edge_surcharge_allowed_kn_m2"),
    ("14.2", _drop(_pit(supported=False, stack_distance_m=1), "works", "depth_m"), "works[0].depth_m"),
    ("14.3", make_record(observations={"structural_loads": [{"load_kn_m2": 30}]}),
     "observations.structural_loads[0].allowed_kn_m2"),
    ("15.2", _wind(), "weather.wind_force_beaufort"),
]


@pytest.mark.parametrize(("item", "record", "field"), MISSING,
                         ids=[f"{m[0]}-{i}" for i, m in enumerate(MISSING)])
def test_a_missing_measurement_gives_undetermined_never_no_hazard(item, record, field):
    verdict = judge_record(record)
    assert item not in {f.item_id for f in verdict.findings}
    open_items = {u.item_id: u for u in verdict.undetermined}
    assert item in open_items, item
    assert field in open_items[item].missing
    assert verdict.outcome == "undetermined" or verdict.findings


def test_item_13_7_covers_every_kind_of_work_in_the_rail_zone():
    """13.7 names building, pipeline, overhead, excavation and blasting work, not only tunnels."""
    for kind in ("excavation", "demolition", "other", "tunnel", "curtain_wall"):
        record = make_record(works=[W(kind, in_rail_protection_zone=True, rail_zone_approved=False)])
        assert "13.7" in {f.item_id for f in judge_record(record).findings}, kind


def test_a_verdict_on_a_configured_threshold_names_the_standard_and_says_unverified():
    finding = next(f for f in judge_record(_wind(wind_force_beaufort=7)).findings if f.item_id == "15.2")
    note = " ".join(finding.notes)
    assert "weather.wind_force_beaufort = 7 级 ≥ 6 级" in note and "JGJ 80" in note and "未核实" in note


def test_a_verdict_on_a_record_limit_shows_both_numbers_and_the_citation():
    finding = next(f for f in judge_record(_form(construction_load_kn_m2=12)).findings if f.item_id == "6.2")
    assert any("12 kN/m² > works[0].design_load_kn_m2 = 10" in n and "第六条第（二）项" in n
               for n in finding.notes)


def test_an_old_boolean_still_decides_when_no_measurement_is_given():
    assert "15.2" in _found(_wind(strong_wind=True))[0]
    assert "15.2" not in _found(_wind(strong_wind=False))[0] | _found(_wind(strong_wind=False))[1]


def test_a_measurement_wins_over_a_contradicting_old_boolean():
    assert "15.2" not in _found(_wind(strong_wind=True, wind_force_beaufort=4))[0]


def test_item_9_1_covers_the_load_bearing_support_used_for_steel_installation():
    record = make_record(works=[W("load_bearing_support", point_load_kn=5, support_load_kn=600,
                                  support_capacity_kn=500)])
    assert "9.1" in {f.item_id for f in judge_record(record).findings}
