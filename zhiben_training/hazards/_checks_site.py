"""判定标准2024 items decided from equipment, site observations and weather:
第八条, 第九条（四）（五）, 第十、十一条, 第十四条（三）, 第十五、十六、十七条.

Each check yields ``Hit``s; measurements go through ``_measure`` (无法判定 when a needed one is missing).
"""

from __future__ import annotations

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
    standard_note,
)
from zhiben_training.hazards._models import fact
from zhiben_training.law import thresholds_data

CRANES = ("tower_crane", "hoist", "material_hoist", "mobile_crane", "crawler_crane", "tyre_crane",
          "other_crane")
_REGISTERED = ("tower_crane", "hoist", "material_hoist",
               "other_crane")  # 8.1 塔式起重机、施工升降机、物料提升机等
_LARGE_MACHINES = ("concrete_pump", "pile_rig", "mobile_crane", "crawler_crane", "tyre_crane")  # 15.1
_NON_PASSENGER = ("tower_crane", "mobile_crane", "crawler_crane", "tyre_crane")  # 15.3
_MOUNTING = ("installing", "dismantling", "climbing", "attaching")
_ADVERSE = ("poor_ventilation", "high_temperature", "conductive_dust", "muddy", "water_or_conductive_liquid",
            "other_adverse")
_CONFINED_SETUP = ("permit_approved", "special_training", "ventilate_test_then_work")
_CONFINED_WATCH = ("guardian_present", "safety_manager_supervising")
_CONFINED_KIT = ("gas_detector", "mechanical_ventilation", "respiratory_protection", "rescue_equipment")
_WEATHER = ("thunderstorm", "heavy_snow", "dense_fog")
# 8.6 / 8.7: (record limit id, old boolean); verticality applies to every machine, the rest only when measured
_HOIST_ASPECTS = (("hoist_attachment_spacing", "attachment_spacing_ok", False),
                  ("hoist_free_height", "free_height_ok", False),
                  ("hoist_verticality", "verticality_ok", True))
_CRANE_ASPECTS = (("crane_free_standing_height", "free_standing_height_ok", False),
                  ("crane_attachment_spacing", "attachment_spacing_ok", False),
                  ("crane_free_height", "free_height_ok", False),
                  ("crane_verticality", "verticality_ok", True))
_PLACE_CN = {"special": "一般特殊场所", "damp_or_touchable": "潮湿和易触及带电体场所",
             "very_damp_or_metal_vessel": "特别潮湿场所或金属容器内"}  # schema labels of place_kind
_NEAR_CN = {"building": "在建工程", "scaffold": "脚手架", "machinery": "机械设备",
            "site_road": "场内机动车道"}
_CLEARANCES = {"clearance_to_structures_m": "与周边建（构）筑物的距离",
               "group_horizontal_clearance_m": "群塔水平距离",
               "group_vertical_clearance_m": "群塔垂直距离"}


def _hits(*pairs, context=()):
    for item_id, tri in pairs:
        hit = tri.hit(item_id, context=context)
        if hit:
            yield hit


def _aspects(eq: dict, here: str, aspects) -> Tri:
    return either(*(against_record_limit(eq, here, limit, legacy=(old, False), required=needed)
                    for limit, old, needed in aspects))


def _clearance(eq: dict, here: str) -> Tri:
    """8.8: measured clearances against the configured GB 5144 values (未核实), else the old boolean."""
    row = standard("tower_crane_clearance_m")
    measured = [k for k in _CLEARANCES if k in eq]
    if measured:
        return either(*(against_standard(eq[k], row["value"][k], row["id"], label=_CLEARANCES[k],
                                         path=f"{here}.{k}", unit="m") for k in measured))
    return flag(eq, here, "safe_distance_ok", False)


def _crane_items(here: str, eq: dict):
    """第八条 for one 建筑起重机械."""
    kind = eq["equipment_type"]
    unaccepted = either(observed(eq, here, "accepted", False), observed(eq, here, "use_registered", False))
    if kind in _REGISTERED and eq.get("in_use") is True:
        yield from _hits(("8.1", unaccepted), context=(fact(f"{here}.in_use", True),))
    yield from _hits(("8.2", observed(eq, here, "foundation_meets_design", False)))
    if eq.get("current_operation") in _MOUNTING:
        yield from _hits(("8.3", observed(eq, here, "pre_operation_checks_done", False)),
                         context=(fact(f"{here}.current_operation", eq["current_operation"]),))
    if eq.get("safety_devices", "complete") != "complete":
        yield Hit("8.4", (fact(f"{here}.safety_devices", eq["safety_devices"]),))
    yield from _hits(("8.5", either(observed(eq, here, "main_member_defects", True),
                                    observed(eq, here, "bolts_pins_missing_or_failed", True))))
    if kind == "hoist":
        yield from _hits(("8.6", _aspects(eq, here, _HOIST_ASPECTS)))
    if kind == "tower_crane":
        yield from _hits(("8.7", _aspects(eq, here, _CRANE_ASPECTS)), ("8.8", _clearance(eq, here)))
    if eq.get("in_use") is not False:
        yield from _hits(("8.9", observed(eq, here, "at_scrap_standard", True)))


def check_equipment(record: dict):
    """第八条 cranes, 第九条（五）吊篮, 第十五条（一）大型机械承载力校核."""
    for index, eq in enumerate(record.get("equipment", [])):
        here, kind = f"equipment[{index}]", eq["equipment_type"]
        if kind in CRANES:
            yield from _crane_items(here, eq)
        if kind == "gondola":
            yield from _hits(("9.5", either(
                against_record_limit(eq, here, "gondola_load", legacy=("overloaded", True)),
                observed(eq, here, "safety_lock_ok", False),
                observed(eq, here, "lifeline_independent", False))))
        if kind in _LARGE_MACHINES:
            yield from _hits(("15.1", observed(eq, here, "route_bearing_checked", False)),
                             context=(fact(f"{here}.equipment_type", kind),))


def check_openings(obs: dict):
    """第九条（四）贯通未设水平防护 / 电梯井道."""
    for index, entry in enumerate(obs.get("openings", [])):
        here = f"observations.openings[{index}]"
        no_cover = observed(entry, here, "horizontal_protection", False)
        if entry.get("kind") == "scaffold_gap":
            yield from _hits(("9.4", no_cover), context=(fact(f"{here}.kind", "scaffold_gap"),))
        if entry.get("kind") == "elevator_shaft":
            yield from _hits(("9.4", both(no_cover, observed(entry, here, "shaft_door", False))),
                             context=(fact(f"{here}.kind", "elevator_shaft"),))


def _special_environment(zone: dict, here: str) -> Tri:
    """10.1 特殊作业环境: a listed adverse condition, or 相对湿度长期超过75%
    (verified; 75 itself does not)."""
    limit = thresholds_data()["special_env_humidity_pct"]["value"]
    flags = [observed(zone, here, k, True) for k in _ADVERSE]
    humidity = zone.get("long_term_relative_humidity_pct")
    if humidity is None:
        wet = Tri(None, missing=(f"{here}.long_term_relative_humidity_pct",))
    elif humidity > limit:
        wet = Tri(True, (fact(f"{here}.long_term_relative_humidity_pct", humidity),),
                  (f"相对湿度长期 {humidity:g}% > {limit}%（判定标准2024 第十条第（一）项）",))
    else:
        wet = FALSE
    return either(*flags, wet)


def _unsafe_voltage(zone: dict, here: str) -> Tri:
    """10.1 照明未按规定使用安全电压: measured voltage against the configured JGJ 46 limits (未核实)."""
    if "lighting_voltage_v" not in zone:
        return flag(zone, here, "safety_voltage_lighting", False) if "safety_voltage_lighting" in zone \
            else Tri(None, missing=(f"{here}.lighting_voltage_v",))
    row, volts, kind = standard("lighting_voltage_max_v"), zone["lighting_voltage_v"], zone.get("place_kind")
    if kind is None:
        low, high = min(row["value"].values()), max(row["value"].values())
        if volts <= low or volts > high:  # decided whatever the kind of place
            bound = high if volts > high else low
            return against_standard(volts, bound, row["id"], label="照明电压（各类场所限值均不满足/均满足）",
                                    path=f"{here}.lighting_voltage_v", unit="V")
        return Tri(None, missing=(f"{here}.place_kind",))
    return against_standard(volts, row["value"][kind], row["id"], label=f"照明电压（{_PLACE_CN[kind]}）",
                            path=f"{here}.lighting_voltage_v", unit="V")


def _line_too_close(line: dict, here: str) -> Tri:
    """10.2 安全距离不符合规范要求: distance vs the configured JGJ 46 table by voltage and object (未核实)."""
    row = standard("overhead_line_min_distance_m")
    if "distance_m" not in line:
        return flag(line, here, "distance_meets_code", False) if "distance_meets_code" in line \
            else Tri(None, missing=(f"{here}.distance_m",))
    needed = [f"{here}.{k}" for k in ("line_voltage_kv", "near") if k not in line]
    if needed:
        return Tri(None, missing=tuple(needed))
    band = next((b for b in row["value"][line["near"]] if line["line_voltage_kv"] <= b["up_to_kv"]), None)
    if band is None:
        return Tri(None, notes=(standard_note(row, f"线路电压 {line['line_voltage_kv']:g} kV 超出配置表"),),
                   missing=(f"{here}.distance_meets_code",))
    return against_standard(line["distance_m"], band["min_m"], row["id"],
                            label=f"与外电线路距离（{_NEAR_CN[line['near']]}，≤{band['up_to_kv']:g} kV）",
                            path=f"{here}.distance_m", unit="m")


def check_electricity(obs: dict):
    """第十条 施工临时用电."""
    for index, zone in enumerate(obs.get("lighting_zones", [])):
        here = f"observations.lighting_zones[{index}]"
        yield from _hits(("10.1", both(_special_environment(zone, here), _unsafe_voltage(zone, here))))
    for index, line in enumerate(obs.get("overhead_lines", [])):
        here = f"observations.overhead_lines[{index}]"
        yield from _hits(("10.2", both(_line_too_close(line, here),
                                       flag(line, here, "protection_measures", False))))


def check_confined(obs: dict):
    """第十一条 有限空间作业."""
    for index, space in enumerate(obs.get("confined_spaces", [])):
        here = f"observations.confined_spaces[{index}]"
        yield from _hits(("11.1", both(observed(space, here, "identified", False),
                                       observed(space, here, "warning_sign", False))))
        if space.get("work_in_progress") is not True:
            continue
        for item_id, keys in (("11.2", _CONFINED_SETUP), ("11.3", _CONFINED_WATCH), ("11.4", _CONFINED_KIT)):
            yield from _hits((item_id, either(*(observed(space, here, k, False) for k in keys))),
                             context=(fact(f"{here}.work_in_progress", True),))


def check_loads_and_lifting(obs: dict):
    """第十四条（三）结构构件或脚手架上堆载, 第十五条（三）非载人设备吊运人员."""
    for index, load in enumerate(obs.get("structural_loads", [])):
        here = f"observations.structural_loads[{index}]"
        yield from _hits(("14.3", against_record_limit(load, here, "structural_load", required=False)))
    for index, lifted in enumerate(obs.get("persons_lifted", [])):
        if lifted.get("equipment_type") in _NON_PASSENGER:
            yield Hit("15.3", (fact(f"observations.persons_lifted[{index}].equipment_type",
                                    lifted["equipment_type"]),))


def check_observations(record: dict):
    obs = record.get("observations", {})
    for check in (check_openings, check_electricity, check_confined, check_loads_and_lifting):
        yield from check(obs)


def _strong_wind(weather: dict) -> Tri:
    """大风: measured force (级) or speed (m/s) against the configured values (未核实),
    else the old boolean."""
    parts = []
    if "wind_force_beaufort" in weather:
        parts.append(against_standard(weather["wind_force_beaufort"],
                                      standard("wind_stop_force_beaufort")["value"],
                                      "wind_stop_force_beaufort", label="风力",
                                      path="weather.wind_force_beaufort", unit="级"))
    if "wind_speed_m_s" in weather:
        parts.append(against_standard(weather["wind_speed_m_s"], standard("wind_stop_speed_m_s")["value"],
                                      "wind_stop_speed_m_s", label="风速", path="weather.wind_speed_m_s",
                                      unit="m/s"))
    if parts:
        return either(*parts)
    if "strong_wind" in weather:
        return flag(weather, "weather", "strong_wind", True)
    return Tri(None, missing=("weather.wind_force_beaufort",))


def check_weather(record: dict):
    """第十五条（二）在雷雨、大雪、浓雾或大风等恶劣天气条件下违规进行吊装、安拆、高处作业."""
    weather = record.get("weather", {})
    if not weather.get("activities"):
        return
    bad = either(*(observed(weather, "weather", k, True) for k in _WEATHER), _strong_wind(weather))
    yield from _hits(("15.2", bad), context=(fact("weather.activities", weather["activities"]),))


def check_judgement_items(record: dict):
    """第十六、十七条 need a human: raised only when the record names such a fact."""
    obs = record.get("observations", {})
    for item_id, key, label in (("16", "banned_techniques", "name"),
                                ("17", "other_serious_violations", "description")):
        entries = obs.get(key, [])
        if entries:
            notes = ("需人工判断：请对照《房屋建筑和市政基础设施工程禁止和限制使用技术目录》核实"
                     if item_id == "16"
                     else "需人工判断：是否存在危害程度较大、可能导致群死群伤或造成重大经济损失的现实危险",)
            yield Hit(item_id, tuple(fact(f"observations.{key}[{i}].{label}", e[label])
                                     for i, e in enumerate(entries)), notes)


CHECKS = (check_equipment, check_observations, check_weather, check_judgement_items)
