"""Sub-works and equipment of a site in the inspection-record format, in their compliant ("clean") state.

``classify`` mirrors the 危大/超规模 thresholds documented in docs/record-format.md (建办质〔2018〕31号
附件1/附件2, "及以上" read as ≥) so the generator can fill the duties a compliant site has met
(专项施工方案, 专家论证, 验收, 第三方监测) without calling the rules engine; a test checks it against
``hazards.classify_work`` on every work at demo scale.
"""

from __future__ import annotations

import numpy as np

GENERAL, WD, CGM = "一般", "危大", "超规模"
CRANES = ("tower_crane", "hoist", "material_hoist", "mobile_crane", "crawler_crane", "tyre_crane",
          "other_crane")


def classify(work: dict) -> str:
    """一般 / 危大 / 超规模 for one work dict, by the documented thresholds."""
    t = work["work_type"]
    rule = _RULES.get(t)
    return rule(work) if rule else GENERAL


def _excavation(w):
    d = w.get("depth_m", 0)
    return CGM if d >= 5 else WD if d >= 3 or w.get("complex_surroundings") else GENERAL


def _formwork(w):
    h, s = w.get("height_m", 0), w.get("span_m", 0)
    q, line = w.get("total_load_kn_m2", 0), w.get("line_load_kn_m", 0)
    if h >= 8 or s >= 18 or q >= 15 or line >= 20:
        return CGM
    return WD if h >= 5 or s >= 10 or q >= 10 or line >= 15 else GENERAL


def _scaffold(w):
    kind = w.get("scaffold_type")
    if kind == "floor_standing":
        h = w.get("height_m", 0)
        return CGM if h >= 50 else WD if h >= 24 else GENERAL
    if kind in ("attached_lifting", "attached_lifting_platform"):
        return CGM if w.get("lifting_height_m", 0) >= 150 else WD
    if kind == "cantilever":
        return CGM if w.get("segment_height_m", 0) >= 20 else WD
    return WD


def _lifting(w):
    if w.get("lifting_method") == "unconventional":
        weight = w.get("lift_weight_kn", 0)
        return CGM if weight >= 100 else WD if weight >= 10 else GENERAL
    return WD if w.get("lifting_method") == "crane" else GENERAL


def _crane(w):
    big = (w.get("crane_capacity_kn", 0) >= 300 or w.get("erect_height_m", 0) >= 200
           or w.get("base_elevation_m", 0) >= 200)
    return CGM if big else WD


def _steel(w):
    span = w.get("span_m", 0)
    big = span >= 36 if w.get("structure_kind", "steel") == "steel" else span >= 60
    return CGM if big else WD


def _demolition(w):
    if w.get("special_structure") or w.get("heritage_area"):
        return CGM
    return WD if w.get("affects_surroundings") else GENERAL


_RULES = {
    "excavation": _excavation,
    "formwork_support": _formwork,
    "tool_formwork": lambda w: CGM,
    "load_bearing_support": lambda w: CGM if w.get("point_load_kn", 0) >= 7 else WD,
    "scaffold": _scaffold,
    "lifting_operation": _lifting,
    "crane_installation": _crane,
    "curtain_wall": lambda w: CGM if w.get("height_m", 0) >= 50 else WD,
    "steel_structure": _steel,
    "manual_dug_pile": lambda w: CGM if w.get("depth_m", 0) >= 16 else WD,
    "underwater": lambda w: CGM,
    "prefab_install": lambda w: WD,
    "jacking": lambda w: CGM if w.get("weight_kn", 0) >= 1000 else GENERAL,
    "new_tech": lambda w: CGM if w.get("no_standard") else GENERAL,
    "demolition": _demolition,
    "tunnel": lambda w: CGM if w.get("tunnel_method") in ("mining", "shield", "pipe_jacking") else GENERAL,
}


def make_clean(work: dict, *, experts: int, adjacent: bool, allowed_surcharge: float) -> tuple[dict, str]:
    """Add the facts of a compliant work (duties met, no defects) and return it with its level."""
    level = classify(work)
    if level != GENERAL:
        work.update(plan_prepared=True, plan_reviewed=True, plan_severe_defect=False,
                    accepted_before_use=True)
        if level == CGM:
            work.update(expert_review_held=True, expert_count=experts)
    _CLEAN.get(work["work_type"], lambda w, a, s: None)(work, adjacent, allowed_surcharge)
    return work, level


def _clean_excavation(w, adjacent, allowed):
    if w["depth_m"] < 3:
        w.setdefault("complex_surroundings", False)  # W1.1.2 must be decided, not left unknown
    w.update(adjacent_at_risk=adjacent, over_excavation_depth_m=0.0,
             deformation_mm=round(min(w["depth_m"] * 1.5, 24.0), 1), deformation_limit_mm=30.0,
             heavy_leakage_or_soil_flow=False, piping_or_burst=False)
    if adjacent:
        w["adjacent_protection"] = True
    if w["depth_m"] >= 3:
        w["third_party_monitoring"] = True
    if w.get("supported", True):
        w.update(edge_surcharge_kn_m2=round(allowed * 0.6, 1), edge_surcharge_allowed_kn_m2=allowed)
    else:
        w["stack_distance_m"] = round(w["depth_m"] * 1.6 + 0.5, 1)


def _clean_formwork(w, adjacent, allowed):
    for key, below_annex1 in (("span_m", 8.0), ("total_load_kn_m2", 8.0), ("line_load_kn_m", 12.0)):
        w.setdefault(key, below_annex1)  # every 附件1/2 parameter stated, so the level is decided
    design = max(w["total_load_kn_m2"], 1.0)
    w.update(isolated_without_ties=False, foundation_meets_design=True,
             construction_load_kn_m2=round(design * 0.8, 1), design_load_kn_m2=design,
             formwork_operation="none", pour_violates_plan=False)


def _clean_scaffold(w, adjacent, allowed):
    kind = w.get("scaffold_type")
    if kind in ("floor_standing", "cantilever", "attached_lifting"):
        w.update(foundation_meets_design=True, wall_ties="complete")
    if kind == "attached_lifting":
        w.update(anti_tilt_device="ok", anti_fall_device="ok", sync_control_device="ok")


def _clean_steel(w, adjacent, allowed):
    w.update(support_foundation_meets_design=True, support_load_kn=300.0, support_capacity_kn=500.0,
             anti_overturning_device=True, anti_instability_measures=True)


def _clean_tunnel(w, adjacent, allowed):
    w.update(water_at_face_without_measures=False, groundwater_control_failed_continuing=False,
             inrush_collapse_or_support_damage=False, method_not_per_plan=False, advance_forecast_done=True,
             monitoring_measurement_done=True, monitoring_value_mm=8.0, monitoring_control_value_mm=30.0,
             adjacent_at_risk=adjacent, in_rail_protection_zone=False)
    if adjacent:
        w["adjacent_protection"] = True
    if w.get("tunnel_method") == "shield":
        w.update(end_reinforced_per_design=True, reinforcement_effect_ok=True,
                 tail_seal_or_hinge_leak_continuing=False, pressurized_opening_noncompliant=False)


_CLEAN = {
    "excavation": _clean_excavation,
    "formwork_support": _clean_formwork,
    "scaffold": _clean_scaffold,
    "steel_structure": _clean_steel,
    "prefab_install": lambda w, a, s: w.update(anti_instability_measures=True),
    "lifting_operation": lambda w, a, s: w.update(rigging_at_scrap_standard=False),
    "demolition": lambda w, a, s: w.update(special_structure=w.get("special_structure", False),
                                           heritage_area=w.get("heritage_area", False),
                                           sequence_violates_plan=False,
                                           removes_load_bearing_in_renovation=False),
    "crane_installation": lambda w, a, s: w.setdefault("base_elevation_m", 0.0),
    "tunnel": _clean_tunnel,
}


def clean_equipment(equipment_id: str, equipment_type: str) -> dict:
    """A piece of equipment in use, accepted, registered and with every check passed."""
    e = {"equipment_id": equipment_id, "equipment_type": equipment_type, "in_use": True}
    if equipment_type in CRANES:
        e.update(foundation_meets_design=True, current_operation="operating", safety_devices="complete",
                 main_member_defects=False, bolts_pins_missing_or_failed=False, at_scrap_standard=False)
    if equipment_type in ("tower_crane", "hoist", "material_hoist", "other_crane"):
        e.update(accepted=True, use_registered=True)
    # measured against the manual's limits (8.7) and GB 5144 clearances (8.8)
    if equipment_type == "tower_crane":
        e.update(free_standing_height_m=35.0, free_standing_height_max_m=45.0, verticality_per_mille=2.0,
                 verticality_limit_per_mille=4.0, clearance_to_structures_m=2.0)
    if equipment_type == "hoist":
        e.update(attachment_spacing_m=7.5, attachment_spacing_max_m=9.0, free_height_m=6.0,
                 free_height_max_m=7.5, verticality_per_mille=0.5, verticality_limit_per_mille=1.0)
    if equipment_type == "gondola":
        e.update(load_kg=400.0, rated_load_kg=630.0, safety_lock_ok=True, lifeline_independent=True)
    if equipment_type in ("concrete_pump", "pile_rig", "mobile_crane", "crawler_crane", "tyre_crane"):
        e["route_bearing_checked"] = True
    return e


def lognormal(rng: np.random.Generator, spec: list, size: int) -> np.ndarray:
    """[median, sigma, min, max] → values rounded to 0.1, clipped to [min, max]."""
    median, sigma, lo, hi = spec
    if sigma == 0:
        return np.full(size, float(median))
    return np.round(np.clip(median * np.exp(rng.normal(0, sigma, size)), lo, hi), 1)
