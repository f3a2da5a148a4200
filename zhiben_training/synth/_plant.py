"""Plant exactly the facts that trigger one 2024 major-hazard item, and nothing else.

Each planter adds its own compliant element (a work, a piece of equipment, an observation) and then
breaks the one fact named in docs/record-format.md for that item, so planted items never interact.
Items 16 and 17 need human judgement and are never planted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from zhiben_training.synth._works import clean_equipment, make_clean


@dataclass
class PlantContext:
    """What a planter may use: a random stream, id counters and pools of lapsed certificates."""

    rng: np.random.Generator
    inspection_date: str
    expired_leader: Callable[[], dict | None]
    expired_special: Callable[[], dict | None]
    required_managers: int
    counters: dict = field(default_factory=lambda: {"W": 0, "E": 0})

    def work(self, record: dict, work_type: str, name: str, **params) -> dict:
        self.counters["W"] += 1
        work = {"work_id": f"W-P{self.counters['W']:02d}", "work_type": work_type, "name": name, **params}
        make_clean(work, experts=int(self.rng.integers(5, 9)), adjacent=False, allowed_surcharge=20.0)
        record.setdefault("works", []).append(work)
        return work

    def equipment(self, record: dict, equipment_type: str, **faults) -> dict:
        self.counters["E"] += 1
        e = clean_equipment(f"E-P{self.counters['E']:02d}", equipment_type)
        e.update(faults)
        record.setdefault("equipment", []).append(e)
        return e

    def depth(self, lo: float, hi: float) -> float:
        return round(float(self.rng.uniform(lo, hi)), 1)


def _obs(record: dict, key: str, item: dict) -> None:
    record.setdefault("observations", {}).setdefault(key, []).append(item)


def _p41(r, c):
    # the site generator gives some of these sites a contractor whose licence has lapsed
    if r["enterprise"]["safety_licence_valid_until"] >= c.inspection_date:
        r["enterprise"]["qualification_covers_work"] = False


def _p42(r, c):
    leader = c.expired_leader()
    if leader is not None:
        r["personnel"] = [p for p in r["personnel"] if p["role"] != "项目负责人"] + [leader]
    else:
        r["staffing"]["project_safety_managers"] = c.required_managers - 1
        managers = [i for i, p in enumerate(r["personnel"]) if p["role"] == "专职安全生产管理人员"]
        for i in reversed(managers[c.required_managers - 1:]):
            del r["personnel"][i]


def _p43(r, c):
    worker = c.expired_special()
    if worker is None:  # nobody's certificate has lapsed: a holder works outside the type on the certificate
        holders = [p for p in r["personnel"] if p["role"] == "特种作业人员" and p.get("operation_type")]
        if not holders:
            raise ValueError("cannot plant 4.3 without special-operation workers")
        worker = holders[0]
        worker["operation_type"] = "建筑架子工" if worker["operation_type"] != "建筑架子工" else "建筑电工"
        return
    r["personnel"].append(worker)


def _p44(r, c):
    choice = c.rng.integers(0, 3)
    if choice == 0:
        c.work(r, "excavation", "基坑（方案未审核）", depth_m=c.depth(3.2, 4.8),
               supported=True)["plan_reviewed"] = False
    elif choice == 1:
        c.work(r, "formwork_support", "高大模板（方案严重缺陷）",
               height_m=c.depth(5.2, 7.5))["plan_severe_defect"] = True
    else:
        work = c.work(r, "excavation", "深基坑（未组织专家论证）", depth_m=c.depth(5.5, 12), supported=True)
        work["expert_review_held"] = False


def _p45(r, c):
    c.work(r, "scaffold", "落地式脚手架（未验收即使用）", scaffold_type="floor_standing",
           height_m=c.depth(25, 45))["accepted_before_use"] = False


def _excavation(r, c, name, **faults):
    work = c.work(r, "excavation", name, depth_m=c.depth(3.5, 4.9), supported=True)
    work.update(faults)
    return work


def _p53(r, c):
    work = c.work(r, "excavation", "深基坑（无第三方监测）", depth_m=c.depth(5.2, 14), supported=True)
    work["third_party_monitoring"] = False


def _precursor(flag: str, value=True):
    def plant(r, c):
        work = _excavation(r, c, "基坑（坍塌预兆未处理）", precursor_handled_in_time=False)
        if flag == "pile_gap_hole_depth_m":
            work.update(pile_diameter_m=0.8, pile_gap_hole_depth_m=round(float(c.rng.uniform(0.9, 1.6)), 1))
        elif flag == "deformation_mm":
            work["deformation_mm"] = round(work["deformation_limit_mm"] * float(c.rng.uniform(1.1, 1.8)), 1)
        else:
            work[flag] = value
    return plant


def _formwork(r, c, **faults):
    work = c.work(r, "formwork_support", "模板支架", height_m=c.depth(5.2, 7.5))
    work.update(faults)
    return work


def _p62(r, c):
    work = _formwork(r, c)
    work["construction_load_kn_m2"] = round(work["design_load_kn_m2"] * float(c.rng.uniform(1.1, 1.5)), 1)


def _p63(r, c):
    _formwork(r, c, formwork_operation="removal", required_strength_pct=75.0,
              concrete_strength_pct=round(float(c.rng.uniform(45, 70)), 1))


def _scaffold(r, c, kind="floor_standing", **faults):
    params = ({"height_m": c.depth(25, 45)} if kind == "floor_standing"
              else {"lifting_height_m": c.depth(60, 120)})
    work = c.work(r, "scaffold", "脚手架", scaffold_type=kind, **params)
    work.update(faults)


def _p93(r, c):
    c.work(r, "scaffold", "悬挑式卸料平台", scaffold_type="platform", platform_kind="cantilever_unloading",
           platform_on_stable_structure=False, platform_reliably_connected=False)


def _tunnel(**faults):
    def plant(r, c):
        work = c.work(r, "tunnel", "盾构区间", tunnel_method="shield")
        work.update(faults)
    return plant


def _p1410(r, c):
    work = c.work(r, "excavation", "基坑（无支护）", depth_m=c.depth(1.5, 2.8), supported=False)
    work["stack_distance_m"] = round(work["depth_m"] * 0.5, 1)


PLANTERS: dict[str, Callable[[dict, PlantContext], None]] = {
    "4.1": _p41, "4.2": _p42, "4.3": _p43, "4.4": _p44, "4.5": _p45,
    "5.1": lambda r, c: _excavation(r, c, "基坑（毗邻管线未防护）", adjacent_at_risk=True,
                                    adjacent_protection=False),
    "5.2": lambda r, c: _excavation(r, c, "基坑（超挖）", over_excavation_depth_m=c.depth(0.3, 1.2),
                                    effective_measures=False),
    "5.3": _p53,
    "5.4.1": _precursor("deformation_mm"),
    "5.4.2": _precursor("heavy_leakage_or_soil_flow"),
    "5.4.3": _precursor("piping_or_burst"),
    "5.4.4": _precursor("pile_gap_hole_depth_m"),
    "6.1": lambda r, c: _formwork(r, c, foundation_meets_design=False),
    "6.2": _p62,
    "6.3": _p63,
    "6.4": lambda r, c: _formwork(r, c, pour_violates_plan=True),
    "7.1": lambda r, c: _scaffold(r, c, foundation_meets_design=False),
    "7.2": lambda r, c: _scaffold(r, c, wall_ties="whole_layer_missing"),
    "7.3": lambda r, c: _scaffold(r, c, "attached_lifting", anti_fall_device="failed"),
    "8.1": lambda r, c: c.equipment(r, "tower_crane", use_registered=False),
    "8.2": lambda r, c: c.equipment(r, "tower_crane", foundation_meets_design=False),
    "8.3": lambda r, c: c.equipment(r, "tower_crane", current_operation="climbing",
                                    pre_operation_checks_done=False),
    "8.4": lambda r, c: c.equipment(r, "hoist", safety_devices="failed"),
    "8.5": lambda r, c: c.equipment(r, "tower_crane", main_member_defects=True),
    "8.6": lambda r, c: c.equipment(r, "hoist", attachment_spacing_m=c.depth(9.5, 12)),
    "8.7": lambda r, c: c.equipment(r, "tower_crane", verticality_per_mille=c.depth(4.5, 7)),
    "8.8": lambda r, c: c.equipment(r, "tower_crane", clearance_to_structures_m=c.depth(0.2, 0.5)),
    "8.9": lambda r, c: c.equipment(r, "tower_crane", at_scrap_standard=True),
    "9.1": lambda r, c: c.work(r, "steel_structure", "钢结构安装", structure_kind="steel",
                               span_m=c.depth(18, 30))
    .update(anti_overturning_device=False),
    "9.2": lambda r, c: c.work(r, "prefab_install", "预制构件安装").update(anti_instability_measures=False),
    "9.3": _p93,
    "9.4": lambda r, c: _obs(r, "openings", {"location": "电梯井", "kind": "elevator_shaft",
                                           "horizontal_protection": False, "shaft_door": False}),
    "9.5": lambda r, c: c.equipment(r, "gondola", load_kg=float(c.rng.integers(700, 900))),
    "10.1": lambda r, c: _obs(r, "lighting_zones", {"location": "地下室", "muddy": True,
                                                  "water_or_conductive_liquid": True,
                                                  "place_kind": "damp_or_touchable",
                                                  "lighting_voltage_v": 220.0}),
    "10.2": lambda r, c: _obs(r, "overhead_lines", {"location": "场区北侧", "near": "machinery",
                                                  "line_voltage_kv": 10.0, "distance_m": c.depth(1.0, 2.8),
                                                  "protection_measures": False}),
    "11.1": lambda r, c: _obs(r, "confined_spaces", {"location": "污水检查井", "identified": False,
                                                   "warning_sign": False, "work_in_progress": False}),
    "11.2": lambda r, c: _obs(r, "confined_spaces", _confined(permit_approved=False)),
    "11.3": lambda r, c: _obs(r, "confined_spaces", _confined(guardian_present=False)),
    "11.4": lambda r, c: _obs(r, "confined_spaces", _confined(gas_detector=False)),
    "12.1": lambda r, c: c.work(r, "demolition", "装修拆除", affects_surroundings=False)
    .update(removes_load_bearing_in_renovation=True, structural_review_done=False),
    "12.2": lambda r, c: c.work(r, "demolition", "拆除工程", affects_surroundings=False)
    .update(sequence_violates_plan=True),
    "13.1": _tunnel(water_at_face_without_measures=True),
    "13.2": _tunnel(inrush_collapse_or_support_damage=True, measures_in_time=False),
    "13.3": _tunnel(advance_forecast_done=False),
    "13.4": _tunnel(end_reinforced_per_design=False),
    "13.5": _tunnel(tail_seal_or_hinge_leak_continuing=True),
    "13.6": _tunnel(adjacent_at_risk=True, adjacent_protection=False),
    "13.7": lambda r, c: _excavation(r, c, "轨道交通保护区内基坑（未经批准）", in_rail_protection_zone=True,
                                     rail_zone_approved=False),
    "14.1": lambda r, c: _excavation(r, c, "基坑（周边超载）", edge_surcharge_kn_m2=35.0),
    "14.2": _p1410,
    "14.3": lambda r, c: _obs(r, "structural_loads", {"location": "地下室顶板", "element": "basement_roof",
                                                    "load_kn_m2": 18.0, "allowed_kn_m2": 10.0}),
    "15.1": lambda r, c: c.equipment(r, "concrete_pump", route_bearing_checked=False),
    "15.2": lambda r, c: r.update(weather={"wind_force_beaufort": int(c.rng.integers(6, 9)),
                                           "activities": ["lifting"]}),
    "15.3": lambda r, c: _obs(r, "persons_lifted", {"equipment_type": "tower_crane",
                                                  "description": "用塔式起重机吊运作业人员"}),
}


def _confined(**fault) -> dict:
    space = {"location": "地下管井", "identified": True, "warning_sign": True, "work_in_progress": True,
             "permit_approved": True, "special_training": True, "ventilate_test_then_work": True,
             "guardian_present": True, "safety_manager_supervising": True, "gas_detector": True,
             "mechanical_ventilation": True, "respiratory_protection": True, "rescue_equipment": True}
    space.update(fault)
    return space


PLANTABLE_IDS: tuple[str, ...] = tuple(PLANTERS)
