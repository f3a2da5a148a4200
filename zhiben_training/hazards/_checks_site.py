"""判定标准2024 items decided from equipment, site observations and weather:
第八条, 第九条（四）（五）, 第十、十一条, 第十四条（三）, 第十五、十六、十七条.

Each check yields ``(item_id, facts, notes)``; a fact counts only when written in the record.
"""

from __future__ import annotations

from zhiben_training.hazards._models import fact
from zhiben_training.law._load import thresholds_data

CRANES = ("tower_crane", "hoist", "material_hoist", "mobile_crane", "crawler_crane", "tyre_crane", "other_crane")
_REGISTERED = ("tower_crane", "hoist", "material_hoist", "other_crane")  # 8.1 塔式起重机、施工升降机、物料提升机等
_LARGE_MACHINES = ("concrete_pump", "pile_rig", "mobile_crane", "crawler_crane", "tyre_crane")  # 15.1
_NON_PASSENGER = ("tower_crane", "mobile_crane", "crawler_crane", "tyre_crane")  # 15.3
_MOUNTING = ("installing", "dismantling", "climbing", "attaching")
_ADVERSE = ("poor_ventilation", "high_temperature", "conductive_dust", "muddy", "water_or_conductive_liquid", "other_adverse")
_CONFINED_SETUP = ("permit_approved", "special_training", "ventilate_test_then_work")
_CONFINED_WATCH = ("guardian_present", "safety_manager_supervising")
_CONFINED_KIT = ("gas_detector", "mechanical_ventilation", "respiratory_protection", "rescue_equipment")
_WEATHER = ("thunderstorm", "heavy_snow", "dense_fog", "strong_wind")


def _is(entry: dict, here: str, key: str, value) -> list[str]:
    return [fact(f"{here}.{key}", value)] if entry.get(key) is value else []


def _any_false(entry: dict, here: str, keys) -> list[str]:
    return [fact(f"{here}.{k}", False) for k in keys if entry.get(k) is False]


def _crane_items(here: str, eq: dict):
    """第八条 for one 建筑起重机械."""
    kind = eq["equipment_type"]
    unaccepted = _any_false(eq, here, ("accepted", "use_registered"))
    if kind in _REGISTERED and eq.get("in_use") is True and unaccepted:
        yield "8.1", [fact(f"{here}.in_use", True)] + unaccepted
    yield "8.2", _is(eq, here, "foundation_meets_design", False)
    unchecked = _is(eq, here, "pre_operation_checks_done", False)
    if eq.get("current_operation") in _MOUNTING and unchecked:
        yield "8.3", [fact(f"{here}.current_operation", eq["current_operation"])] + unchecked
    if eq.get("safety_devices", "complete") != "complete":
        yield "8.4", [fact(f"{here}.safety_devices", eq["safety_devices"])]
    yield "8.5", _is(eq, here, "main_member_defects", True) + _is(eq, here, "bolts_pins_missing_or_failed", True)
    if kind == "hoist":
        yield "8.6", _any_false(eq, here, ("attachment_spacing_ok", "free_height_ok", "verticality_ok"))
    if kind == "tower_crane":
        yield "8.7", _any_false(eq, here, ("free_standing_height_ok", "attachment_spacing_ok", "free_height_ok", "verticality_ok"))
        yield "8.8", _is(eq, here, "safe_distance_ok", False)
    if eq.get("in_use") is not False:
        yield "8.9", _is(eq, here, "at_scrap_standard", True)


def check_equipment(record: dict):
    """第八条 cranes, 第九条（五）吊篮, 第十五条（一）大型机械承载力校核."""
    for index, eq in enumerate(record.get("equipment", [])):
        here, kind = f"equipment[{index}]", eq["equipment_type"]
        if kind in CRANES:
            for item_id, facts in _crane_items(here, eq):
                yield item_id, facts, []
        if kind == "gondola":
            yield "9.5", _is(eq, here, "overloaded", True) + _any_false(eq, here, ("safety_lock_ok", "lifeline_independent")), []
        if kind in _LARGE_MACHINES:
            unchecked = _is(eq, here, "route_bearing_checked", False)
            if unchecked:
                yield "15.1", [fact(f"{here}.equipment_type", kind)] + unchecked, []


def check_openings(obs: dict):
    """第九条（四）贯通未设水平防护 / 电梯井道."""
    for index, entry in enumerate(obs.get("openings", [])):
        here = f"observations.openings[{index}]"
        no_cover = _is(entry, here, "horizontal_protection", False)
        if entry.get("kind") == "scaffold_gap" and no_cover:
            yield "9.4", [fact(f"{here}.kind", "scaffold_gap")] + no_cover, []
        no_door = _is(entry, here, "shaft_door", False)
        if entry.get("kind") == "elevator_shaft" and no_cover and no_door:
            yield "9.4", [fact(f"{here}.kind", "elevator_shaft")] + no_cover + no_door, []


def check_electricity(obs: dict):
    """第十条 施工临时用电."""
    humidity_limit = thresholds_data()["special_env_humidity_pct"]["value"]
    for index, zone in enumerate(obs.get("lighting_zones", [])):
        here = f"observations.lighting_zones[{index}]"
        special = [fact(f"{here}.{k}", True) for k in _ADVERSE if zone.get(k) is True]
        humidity = zone.get("long_term_relative_humidity_pct")
        if humidity is not None and humidity > humidity_limit:
            special.append(fact(f"{here}.long_term_relative_humidity_pct", humidity))
        unsafe = _is(zone, here, "safety_voltage_lighting", False)
        if special and unsafe:
            yield "10.1", special + unsafe, []
    for index, line in enumerate(obs.get("overhead_lines", [])):
        here = f"observations.overhead_lines[{index}]"
        facts = _is(line, here, "distance_meets_code", False) + _is(line, here, "protection_measures", False)
        if len(facts) == 2:
            yield "10.2", facts, []


def check_confined(obs: dict):
    """第十一条 有限空间作业."""
    for index, space in enumerate(obs.get("confined_spaces", [])):
        here = f"observations.confined_spaces[{index}]"
        unknown = _is(space, here, "identified", False) + _is(space, here, "warning_sign", False)
        if len(unknown) == 2:
            yield "11.1", unknown, []
        if space.get("work_in_progress") is not True:
            continue
        working = [fact(f"{here}.work_in_progress", True)]
        for item_id, keys in (("11.2", _CONFINED_SETUP), ("11.3", _CONFINED_WATCH), ("11.4", _CONFINED_KIT)):
            missing = _any_false(space, here, keys)
            if missing:
                yield item_id, working + missing, []


def check_loads_and_lifting(obs: dict):
    """第十四条（三）结构构件或脚手架上堆载, 第十五条（三）非载人设备吊运人员."""
    for index, load in enumerate(obs.get("structural_loads", [])):
        here = f"observations.structural_loads[{index}]"
        if "load_kn_m2" in load and "allowed_kn_m2" in load and load["load_kn_m2"] > load["allowed_kn_m2"]:
            yield "14.3", [fact(f"{here}.load_kn_m2", load["load_kn_m2"]), fact(f"{here}.allowed_kn_m2", load["allowed_kn_m2"])], []
    for index, lifted in enumerate(obs.get("persons_lifted", [])):
        if lifted.get("equipment_type") in _NON_PASSENGER:
            yield "15.3", [fact(f"observations.persons_lifted[{index}].equipment_type", lifted["equipment_type"])], []


def check_observations(record: dict):
    obs = record.get("observations", {})
    for check in (check_openings, check_electricity, check_confined, check_loads_and_lifting):
        yield from check(obs)


def check_weather(record: dict):
    """第十五条（二）恶劣天气违规吊装、安拆、高处作业."""
    weather = record.get("weather", {})
    bad = [fact(f"weather.{k}", True) for k in _WEATHER if weather.get(k) is True]
    if bad and weather.get("activities"):
        yield "15.2", bad + [fact("weather.activities", weather["activities"])], []


def check_judgement_items(record: dict):
    """第十六、十七条 need a human: raised only when the record names such a fact."""
    obs = record.get("observations", {})
    for item_id, key, label in (("16", "banned_techniques", "name"), ("17", "other_serious_violations", "description")):
        entries = obs.get(key, [])
        if entries:
            notes = ["需人工判断：请对照《房屋建筑和市政基础设施工程禁止和限制使用技术目录》核实" if item_id == "16"
                     else "需人工判断：是否存在危害程度较大、可能导致群死群伤或造成重大经济损失的现实危险"]
            yield item_id, [fact(f"observations.{key}[{i}].{label}", e[label]) for i, e in enumerate(entries)], notes


CHECKS = (check_equipment, check_observations, check_weather, check_judgement_items)
