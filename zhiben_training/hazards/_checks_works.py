"""判定标准2024 items decided from sub-work facts: 第五、六、七条, 第九条（一）–（三）, 第十二、十三条,
第十四条（一）（二） and the 吊索具 half of 第八条（九）.

Each check yields ``(item_id, facts, notes)``; a fact counts only when written in the record.
"""

from __future__ import annotations

from zhiben_training.hazards._classify import classify_work, is_deep_pit, is_high_slope
from zhiben_training.hazards._models import fact
from zhiben_training.law._load import thresholds_data

_PIT = ("excavation", "slope")
_FORMWORK = ("formwork_support", "tool_formwork", "load_bearing_support")
_DEVICES = ("anti_tilt_device", "anti_fall_device", "sync_control_device")


def _flags(work: dict, here: str, wanted: dict) -> list[str]:
    """Facts for every ``key: value`` in ``wanted`` that the work states exactly."""
    return [fact(f"{here}.{k}", v) for k, v in wanted.items() if work.get(k) is v]


def _both(work: dict, here: str, first: tuple, second: tuple) -> list[str]:
    """Facts when BOTH conditions are stated (the law's “且”)."""
    a, b = _flags(work, here, dict([first])), _flags(work, here, dict([second]))
    return a + b if a and b else []


def check_pits(index: int, work: dict):
    """第五条 基坑、边坡工程 (5.4 is reported through its sub-items 5.4.1–5.4.4)."""
    if work["work_type"] not in _PIT:
        return
    here = f"works[{index}]"
    yield "5.1", _both(work, here, ("adjacent_at_risk", True), ("adjacent_protection", False)), []
    yield "5.2", _both(work, here, ("over_excavated", True), ("effective_measures", False)), []
    if (is_deep_pit(work) or is_high_slope(work)) and work.get("third_party_monitoring") is False:
        shown = fact(f"{here}.depth_m", work["depth_m"]) if is_deep_pit(work) else fact(f"{here}.slope_class", work["slope_class"])
        yield "5.3", [shown, fact(f"{here}.third_party_monitoring", False)], []
    if work.get("precursor_handled_in_time") is not False:
        return
    untreated = fact(f"{here}.precursor_handled_in_time", False)
    for item, key in (("5.4.1", "deformation_exceeds_design"), ("5.4.2", "heavy_leakage_or_soil_flow"), ("5.4.3", "piping_or_burst")):
        if work.get(key) is True:
            yield item, [fact(f"{here}.{key}", True), untreated], []
    hole, diameter = work.get("pile_gap_hole_depth_m"), work.get("pile_diameter_m")
    ratio = thresholds_data()["pile_gap_hole_ratio"]["value"]
    if hole is not None and diameter is not None and hole > diameter * ratio:
        yield "5.4.4", [fact(f"{here}.pile_gap_hole_depth_m", hole), fact(f"{here}.pile_diameter_m", diameter), untreated], []


def check_formwork(index: int, work: dict):
    """第六条 模板工程及支撑体系."""
    if work["work_type"] not in _FORMWORK:
        return
    here = f"works[{index}]"
    yield "6.1", _flags(work, here, {"foundation_meets_design": False}), []
    yield "6.2", _flags(work, here, {"load_exceeds_design": True}), []
    yield "6.3", _flags(work, here, {"strength_insufficient_at_removal_or_climb": True}), []
    if work["work_type"] == "formwork_support" and classify_work(work).level != "一般":
        yield "6.4", _flags(work, here, {"pour_violates_plan": True}), [f"{here} 为危大混凝土模板支撑工程"]


def check_scaffold(index: int, work: dict):
    """第七条 脚手架工程 and 第九条（三）悬挑式卸料平台."""
    if work["work_type"] != "scaffold":
        return
    here = f"works[{index}]"
    yield "7.1", _flags(work, here, {"foundation_meets_design": False}), []
    if work.get("wall_ties") in ("none", "whole_layer_missing"):
        yield "7.2", [fact(f"{here}.wall_ties", work["wall_ties"])], []
    if work["scaffold_type"] == "attached_lifting":
        yield "7.3", [fact(f"{here}.{k}", work[k]) for k in _DEVICES if work.get(k, "ok") != "ok"], []
    if work.get("platform_kind") == "cantilever_unloading":
        facts = _both(work, here, ("platform_on_stable_structure", False), ("platform_reliably_connected", False))
        yield "9.3", ([fact(f"{here}.platform_kind", "cantilever_unloading")] + facts) if facts else [], []


def check_steel_and_lifting(index: int, work: dict):
    """第九条（一）（二）钢结构、网架安装 and 第八条（九）报废吊索具."""
    here = f"works[{index}]"
    if work["work_type"] == "steel_structure":
        yield "9.1", _flags(work, here, {"support_foundation_meets_design": False, "support_overloaded": True,
                                         "anti_overturning_device": False}), []
    if work["work_type"] in ("steel_structure", "prefab_install"):
        yield "9.2", _flags(work, here, {"anti_instability_measures": False}), []
    if work["work_type"] == "lifting_operation":
        yield "8.9", _flags(work, here, {"rigging_at_scrap_standard": True}), []


def check_demolition(index: int, work: dict):
    """第十二条 拆除工程."""
    if work["work_type"] != "demolition":
        return
    here = f"works[{index}]"
    yield "12.1", _both(work, here, ("removes_load_bearing_in_renovation", True), ("structural_review_done", False)), []
    yield "12.2", _flags(work, here, {"sequence_violates_plan": True}), []


def check_tunnel(index: int, work: dict):
    """第十三条 隧道工程."""
    if work["work_type"] != "tunnel":
        return
    here = f"works[{index}]"
    yield "13.1", _flags(work, here, {"water_at_face_without_measures": True, "groundwater_control_failed_continuing": True}), []
    yield "13.2", _both(work, here, ("inrush_collapse_or_support_damage", True), ("measures_in_time", False)), []
    yield "13.3", (_flags(work, here, {"method_not_per_plan": True, "advance_forecast_done": False,
                                       "monitoring_measurement_done": False})
                   + _both(work, here, ("monitoring_exceeds_design", True), ("measures_in_time", False))), []
    yield "13.4", (_flags(work, here, {"end_reinforced_per_design": False})
                   + _both(work, here, ("reinforcement_effect_ok", False), ("reinforcement_remedied", False))), []
    yield "13.5", _flags(work, here, {"tail_seal_or_hinge_leak_continuing": True, "pressurized_opening_noncompliant": True}), []
    yield "13.6", _both(work, here, ("adjacent_at_risk", True), ("adjacent_protection", False)), []
    yield "13.7", _flags(work, here, {"rail_zone_unapproved_work": True}), []


def check_pit_loads(index: int, work: dict):
    """第十四条（一）（二）基坑周边堆载."""
    if work["work_type"] != "excavation":
        return
    here = f"works[{index}]"
    load, allowed = work.get("edge_surcharge_kn_m2"), work.get("edge_surcharge_allowed_kn_m2")
    if load is not None and allowed is not None and load > allowed:
        yield "14.1", [fact(f"{here}.edge_surcharge_kn_m2", load), fact(f"{here}.edge_surcharge_allowed_kn_m2", allowed)], []
    distance, depth = work.get("stack_distance_m"), work.get("depth_m")
    ratio = thresholds_data()["unsupported_pit_stack_range_ratio"]["value"]
    if work.get("supported") is False and distance is not None and depth is not None and distance <= depth * ratio:
        yield "14.2", [fact(f"{here}.supported", False), fact(f"{here}.stack_distance_m", distance), fact(f"{here}.depth_m", depth)], []


WORK_CHECKS = (check_pits, check_formwork, check_scaffold, check_steel_and_lifting, check_demolition, check_tunnel, check_pit_loads)


def check_works(record: dict):
    """Run every per-work check over ``record["works"]``; empty fact lists mean “not found”."""
    for index, work in enumerate(record.get("works", [])):
        for check in WORK_CHECKS:
            for item_id, facts, notes in check(index, work):
                if facts:
                    yield item_id, facts, notes


CHECKS = (check_works,)
