"""判定标准2024 items decided from sub-work facts: 第五、六、七条, 第九条（一）–（三）, 第十二、十三条,
第十四条（一）（二） and the 吊索具 half of 第八条（九）.

Each check yields ``Hit``s. Measurements are compared with their thresholds (``_measure``); a needed
measurement the record omits gives 无法判定. A boolean observation omitted is simply not observed.
"""

from __future__ import annotations

from zhiben_training.hazards._classify import classify_work, deep_pit_state, is_high_slope
from zhiben_training.hazards._measure import (
    FALSE,
    Hit,
    Tri,
    against_record_limit,
    against_standard,
    both,
    either,
    flag,
    observed,
    standard,
)
from zhiben_training.hazards._models import UNDETERMINED, fact
from zhiben_training.law import thresholds_data

_PIT = ("excavation", "slope")
_FORMWORK = ("formwork_support", "tool_formwork", "load_bearing_support")
_DEVICES = ("anti_tilt_device", "anti_fall_device", "sync_control_device")


def _hits(*pairs):
    for item_id, tri in pairs:
        hit = tri.hit(item_id)
        if hit:
            yield hit


def _over_excavation(work: dict, here: str) -> Tri:
    """5.2 超挖: measured depth below the allowed level > 0 (the text names no tolerance)."""
    if "over_excavation_depth_m" in work:
        row = standard("over_excavation_tolerance_m")
        return against_standard(work["over_excavation_depth_m"], row["value"], row["id"], label="超挖深度",
                                path=f"{here}.over_excavation_depth_m", unit="m")
    if "over_excavated" in work:
        return flag(work, here, "over_excavated", True)
    return Tri(None, missing=(f"{here}.over_excavation_depth_m",))


def _pile_gap(work: dict, here: str) -> Tri:
    """5.4.4 桩间土流失孔洞深度超过桩径 (equal does not trigger)."""
    if "pile_gap_hole_depth_m" not in work:
        return FALSE
    if "pile_diameter_m" not in work:
        return Tri(None, missing=(f"{here}.pile_diameter_m",))
    hole, diameter = work["pile_gap_hole_depth_m"], work["pile_diameter_m"]
    if hole > diameter * thresholds_data()["pile_gap_hole_ratio"]["value"]:
        return Tri(True, (fact(f"{here}.pile_gap_hole_depth_m", hole),
                          fact(f"{here}.pile_diameter_m", diameter)),
                   (f"孔洞深度 {hole:g} m > 桩径 {diameter:g} m（判定标准2024 第五条第（四）项第4目）",))
    return FALSE


_DEFORMING = {"supported": "有支护结构", "adjacent_at_risk": "有可能受损的毗邻建（构）筑物"}


def _deformation(work: dict, here: str) -> Tri:
    """5.4.1 变形值超过设计变形控制值, or not applicable where the record states there is no control value.

    ``deformation_limit_applies: false`` counts only when the record also says there is nothing whose
    deformation the text speaks of (支护结构或周边建筑物): ``supported`` and ``adjacent_at_risk`` both false.
    """
    if work.get("deformation_limit_applies") is not False:
        return against_record_limit(work, here, "deformation", legacy=("deformation_exceeds_design", True))
    stated = f"{here}.deformation_limit_applies = false（记录写明没有设计变形控制值）"
    present = [k for k in _DEFORMING if work.get(k) is True]
    if present:
        why = "、".join(f"{here}.{k} = true（{_DEFORMING[k]}）" for k in present)
        return Tri(None, notes=(f"{stated}，但 {why}："
                                "支护结构或周边建筑物应有设计变形控制值，请核实后补记变形监测值与控制值",),
                   missing=(f"{here}.deformation_mm", f"{here}.deformation_limit_mm"))
    unknown = [k for k in _DEFORMING if k not in work]
    if unknown:
        return Tri(None, notes=(f"{stated}，但未写明 {'、'.join(f'{here}.{k}' for k in unknown)}："
                                "须确认既无支护结构、"
                                "也无可能受损的毗邻建（构）筑物，方可认定第五条第（四）项第1目不适用",),
                   missing=tuple(f"{here}.{k}" for k in unknown))
    return FALSE


def check_pits(index: int, work: dict):
    """第五条 基坑、边坡工程 (5.4 is reported through its sub-items 5.4.1–5.4.4)."""
    if work["work_type"] not in _PIT:
        return
    here = f"works[{index}]"
    yield from _hits(
        ("5.1", both(observed(work, here, "adjacent_at_risk", True),
                     observed(work, here, "adjacent_protection", False))),
        ("5.2", both(_over_excavation(work, here), flag(work, here, "effective_measures", False))),
    )
    if work.get("third_party_monitoring") is False:
        deep = True if is_high_slope(work) else deep_pit_state(work)
        if deep:
            shown = "slope_class" if is_high_slope(work) else "depth_m"
            yield Hit("5.3", (fact(f"{here}.{shown}", work[shown]),
                              fact(f"{here}.third_party_monitoring", False)))
        elif deep is None:
            yield Hit("5.3", missing=(f"{here}.depth_m",), notes=("未写开挖深度，无法判定是否为深基坑",))
    untreated = flag(work, here, "precursor_handled_in_time", False)
    yield from _hits(
        ("5.4.1", both(_deformation(work, here), untreated)),
        ("5.4.2", both(observed(work, here, "heavy_leakage_or_soil_flow", True), untreated)),
        ("5.4.3", both(observed(work, here, "piping_or_burst", True), untreated)),
        ("5.4.4", both(_pile_gap(work, here), untreated)),
    )


def _removal_strength(work: dict, here: str) -> Tri:
    """6.3: strength reached vs the design/plan requirement, else the configured standard table."""
    operation = work.get("formwork_operation")
    if operation not in ("removal", "climbing"):
        return observed(work, here, "strength_insufficient_at_removal_or_climb", True)
    context = (fact(f"{here}.formwork_operation", operation),)
    if "concrete_strength_pct" not in work:
        return Tri(None, missing=(f"{here}.concrete_strength_pct",))
    if "required_strength_pct" in work:
        tri = against_record_limit(work, here, "concrete_strength")
        return Tri(tri.state, context + tri.facts if tri.state else (), tri.notes)
    if operation == "climbing":  # 滑模、爬模: the requirement is in the plan; no table is configured
        return Tri(None, missing=(f"{here}.required_strength_pct",))
    kind, span = work.get("member_kind"), work.get("member_span_m")
    bands = standard("formwork_removal_strength_pct")["value"].get(kind or "", [])
    if not bands or (span is None and len(bands) > 1):
        return Tri(None, missing=tuple(f"{here}.{k}"
                                       for k in ("required_strength_pct", "member_kind", "member_span_m")
                                       if k not in work))
    need = next(b["min_pct"] for b in bands
                if b["span_up_to_m"] is None or (span is not None and span <= b["span_up_to_m"]))
    tri = against_standard(work["concrete_strength_pct"], need, "formwork_removal_strength_pct",
                           label="混凝土强度（占设计强度）", path=f"{here}.concrete_strength_pct", unit="%")
    return Tri(tri.state, context + tri.facts if tri.state else (), tri.notes)


def _level_state(work: dict, *, top: bool = False) -> tuple[bool | None, tuple[str, ...]]:
    """Whether the work is 危大 (or, with ``top``, 超规模): True / False / None with the missing fields."""
    result = classify_work(work)
    if top:
        if result.level == "超规模":
            return True, ()
        if result.level == UNDETERMINED or any(s.startswith("W2") for s in result.open_scope_ids):
            return None, result.missing
        return False, ()
    if result.level == UNDETERMINED:
        return None, result.missing
    return result.level != "一般", ()


def check_formwork(index: int, work: dict):
    """第六条 模板工程及支撑体系."""
    if work["work_type"] not in _FORMWORK:
        return
    here = f"works[{index}]"
    yield from _hits(
        ("6.1", observed(work, here, "foundation_meets_design", False)),
        ("6.2", against_record_limit(work, here, "formwork_load", legacy=("load_exceeds_design", True))),
        ("6.3", _removal_strength(work, here)),
    )
    if work["work_type"] == "formwork_support" and work.get("pour_violates_plan") is True:
        state, missing = _level_state(work)
        if state:
            yield Hit("6.4", (fact(f"{here}.pour_violates_plan", True),),
                      (f"{here} 为危大混凝土模板支撑工程",))
        elif state is None:
            yield Hit("6.4", missing=tuple(f"{here}.{m}" for m in missing),
                      notes=("无法判定是否为危大混凝土模板支撑工程",))


def check_scaffold(index: int, work: dict):
    """第七条 脚手架工程 and 第九条（三）悬挑式卸料平台."""
    if work["work_type"] != "scaffold":
        return
    here = f"works[{index}]"
    yield from _hits(("7.1", observed(work, here, "foundation_meets_design", False)))
    if work.get("wall_ties") in ("none", "whole_layer_missing"):
        yield Hit("7.2", (fact(f"{here}.wall_ties", work["wall_ties"]),))
    if work.get("scaffold_type") == "attached_lifting":
        bad = tuple(fact(f"{here}.{k}", work[k]) for k in _DEVICES if work.get(k, "ok") != "ok")
        if bad:
            yield Hit("7.3", bad)
    if work.get("platform_kind") == "cantilever_unloading":
        tri = both(observed(work, here, "platform_on_stable_structure", False),
                   observed(work, here, "platform_reliably_connected", False))
        hit = tri.hit("9.3", context=(fact(f"{here}.platform_kind", "cantilever_unloading"),))
        if hit:
            yield hit


_MEMBERS_NOTE = ("第九条第（二）项只适用于“单榀钢桁架（屋架）等预制构件安装”：钢结构工程未写是否安装此类构件"
                 "（single_truss_or_prefab_members），未采取防失稳措施是否构成重大事故隐患无从判定")


def check_steel_and_lifting(index: int, work: dict):
    """第九条（一）（二）钢结构、网架安装 and 第八条（九）报废吊索具."""
    here = f"works[{index}]"
    if work["work_type"] in ("steel_structure", "load_bearing_support"):
        # 9.1: 钢结构、网架安装用支撑结构 (W1.2.3)
        yield from _hits(("9.1", either(
            observed(work, here, "support_foundation_meets_design", False),
            against_record_limit(work, here, "support_capacity", legacy=("support_overloaded", True)),
            observed(work, here, "anti_overturning_device", False))))
    if work["work_type"] == "prefab_install":  # 装配式混凝土预制构件: 预制构件 by definition
        yield from _hits(("9.2", observed(work, here, "anti_instability_measures", False)))
    elif work["work_type"] == "steel_structure":
        # 9.2 covers 单榀钢桁架（屋架）等预制构件, not every steel work
        members = flag(work, here, "single_truss_or_prefab_members", True)
        if members.state is None:
            members = Tri(None, notes=(_MEMBERS_NOTE,), missing=members.missing)
        yield from _hits(("9.2", both(members, observed(work, here, "anti_instability_measures", False))))
    if work["work_type"] == "lifting_operation":
        yield from _hits(("8.9", observed(work, here, "rigging_at_scrap_standard", True)))


def check_demolition(index: int, work: dict):
    """第十二条 拆除工程."""
    if work["work_type"] != "demolition":
        return
    here = f"works[{index}]"
    yield from _hits(
        ("12.1", both(observed(work, here, "removes_load_bearing_in_renovation", True),
                      observed(work, here, "structural_review_done", False))),
        ("12.2", observed(work, here, "sequence_violates_plan", True)),
    )


def check_tunnel(index: int, work: dict):
    """第十三条 隧道工程 (13.7 applies to every kind of work, see ``check_rail_zone``)."""
    if work["work_type"] != "tunnel":
        return
    here = f"works[{index}]"
    monitoring = against_record_limit(work, here, "tunnel_monitoring",
                                      legacy=("monitoring_exceeds_design", True))
    yield from _hits(
        ("13.1", either(observed(work, here, "water_at_face_without_measures", True),
                        observed(work, here, "groundwater_control_failed_continuing", True))),
        ("13.2", both(observed(work, here, "inrush_collapse_or_support_damage", True),
                      observed(work, here, "measures_in_time", False))),
        ("13.3", either(observed(work, here, "method_not_per_plan", True),
                        observed(work, here, "advance_forecast_done", False),
                        observed(work, here, "monitoring_measurement_done", False),
                        both(monitoring, flag(work, here, "measures_in_time", False)))),
        ("13.4", either(observed(work, here, "end_reinforced_per_design", False),
                        both(observed(work, here, "reinforcement_effect_ok", False),
                             observed(work, here, "reinforcement_remedied", False)))),
        ("13.5", either(observed(work, here, "tail_seal_or_hinge_leak_continuing", True),
                        observed(work, here, "pressurized_opening_noncompliant", True))),
        ("13.6", both(observed(work, here, "adjacent_at_risk", True),
                      observed(work, here, "adjacent_protection", False))),
    )


def check_rail_zone(index: int, work: dict):
    """13.7: 未经批准在轨道交通工程安全保护区内新（改、扩）建建（构）筑物、敷设管线、架空、挖掘、爆破等作业.

    The text names building, pipeline, overhead, excavation and blasting work "等": any sub-work in the zone.
    """
    here = f"works[{index}]"
    in_zone = both(observed(work, here, "in_rail_protection_zone", True),
                   flag(work, here, "rail_zone_approved", False))
    yield from _hits(("13.7", either(observed(work, here, "rail_zone_unapproved_work", True), in_zone)))


def check_pit_loads(index: int, work: dict):
    """第十四条（一）（二）基坑周边堆载."""
    if work["work_type"] != "excavation":
        return
    here = f"works[{index}]"
    yield from _hits(("14.1", against_record_limit(work, here, "pit_edge_surcharge", required=False)))
    if work.get("supported") is False and "stack_distance_m" in work:
        if "depth_m" not in work:
            yield Hit("14.2", missing=(f"{here}.depth_m",))
            return
        distance, depth = work["stack_distance_m"], work["depth_m"]
        ratio = thresholds_data()["unsupported_pit_stack_range_ratio"]["value"]
        if distance <= depth * ratio:
            yield Hit("14.2", (fact(f"{here}.supported", False), fact(f"{here}.stack_distance_m", distance),
                               fact(f"{here}.depth_m", depth)),
                      (f"堆载距坑底边线 {distance:g} m ≤ 开挖深度 {depth:g} m"
                       "（判定标准2024 第十四条第（二）项）",))


WORK_CHECKS = (check_pits, check_formwork, check_scaffold, check_steel_and_lifting, check_demolition,
               check_tunnel, check_rail_zone, check_pit_loads)


def check_works(record: dict):
    """Run every per-work check over ``record["works"]``."""
    for index, work in enumerate(record.get("works", [])):
        for check in WORK_CHECKS:
            yield from check(index, work)


CHECKS = (check_works,)
