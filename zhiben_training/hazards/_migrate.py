"""Format 1 (pre-judged booleans) → format 2 (measurements), see docs/record-format.md “格式版本与迁移”.

A boolean with an exact measured equivalent is rewritten (``over_excavated: false`` → 超挖深度 0 m,
``rail_zone_unapproved_work: true`` → in the zone and not approved); every other old boolean is kept
— the engine still reads it when no measurement is given — and listed with the fields to measure.
"""

from __future__ import annotations

import copy

from zhiben_training.hazards._record import validate_record

FORMAT_VERSION = "2"

# old boolean → the measured fields that replace it (per record section)
_LEGACY = {
    "enterprise": {"safety_licence_valid": ("safety_licence_valid_until",)},
    "works": {
        "over_excavated": ("over_excavation_depth_m",),
        "deformation_exceeds_design": ("deformation_mm", "deformation_limit_mm"),
        "load_exceeds_design": ("construction_load_kn_m2", "design_load_kn_m2"),
        "strength_insufficient_at_removal_or_climb": ("formwork_operation", "concrete_strength_pct", "required_strength_pct"),
        "support_overloaded": ("support_load_kn", "support_capacity_kn"),
        "monitoring_exceeds_design": ("monitoring_value_mm", "monitoring_control_value_mm"),
        "height_exceeds_projection_width": ("projection_width_m",),
        "rail_zone_unapproved_work": ("in_rail_protection_zone", "rail_zone_approved"),
    },
    "equipment": {
        "free_standing_height_ok": ("free_standing_height_m", "free_standing_height_max_m"),
        "attachment_spacing_ok": ("attachment_spacing_m", "attachment_spacing_max_m"),
        "free_height_ok": ("free_height_m", "free_height_max_m"),
        "verticality_ok": ("verticality_per_mille", "verticality_limit_per_mille"),
        "safe_distance_ok": ("clearance_to_structures_m", "group_horizontal_clearance_m", "group_vertical_clearance_m"),
        "overloaded": ("load_kg", "rated_load_kg"),
    },
    "observations.lighting_zones": {"safety_voltage_lighting": ("lighting_voltage_v", "place_kind")},
    "observations.overhead_lines": {"distance_meets_code": ("line_voltage_kv", "distance_m", "near")},
    "weather": {"strong_wind": ("wind_force_beaufort", "wind_speed_m_s")},
}


def _entries(record: dict, section: str):
    """(path, dict) for each object of a section: ``works[0]``, ``enterprise``, ``observations.lighting_zones[1]``."""
    head, _, sub = section.partition(".")
    node = record.get(head)
    if sub:
        node = (node or {}).get(sub)
    if isinstance(node, dict):
        yield section, node
    for index, entry in enumerate(node if isinstance(node, list) else []):
        yield f"{section}[{index}]", entry


def _rewrite(path: str, entry: dict, key: str) -> str | None:
    """Rewrite one old boolean with an exact equivalent; the Chinese note, or None if kept."""
    value = entry[key]
    if key == "over_excavated" and value is False and "over_excavation_depth_m" not in entry:
        del entry[key]
        entry["over_excavation_depth_m"] = 0
        return f"{path}.over_excavated = false → {path}.over_excavation_depth_m = 0"
    if key == "rail_zone_unapproved_work" and value is True and "in_rail_protection_zone" not in entry:
        del entry[key]
        entry.update(in_rail_protection_zone=True, rail_zone_approved=False)
        return f"{path}.rail_zone_unapproved_work = true → in_rail_protection_zone = true, rail_zone_approved = false"
    return None


def migrate_record(record: dict) -> tuple[dict, list[str]]:
    """(the record in format 2, Chinese notes on what changed and which old booleans still await a measurement).

    The input is validated first and never changed; migrating a format-2 record changes nothing.
    """
    validate_record(record)
    out = copy.deepcopy(record)
    notes = []
    if out.get("format_version") != FORMAT_VERSION:
        out.pop("schema_version", None)
        out = {"format_version": FORMAT_VERSION, **{k: v for k, v in out.items() if k != "format_version"}}
        notes.append(f"format_version → {FORMAT_VERSION}")
    for section, legacy in _LEGACY.items():
        for path, entry in _entries(out, section):
            for key in [k for k in legacy if k in entry]:
                rewritten = _rewrite(path, entry, key)
                if rewritten:
                    notes.append(rewritten)
                elif not any(m in entry for m in legacy[key]):
                    notes.append(f"{path}.{key}：旧格式布尔值，仍可读取；请改记测量值 {'、'.join(legacy[key])}")
    validate_record(out)
    return out, notes
