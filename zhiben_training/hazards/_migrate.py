"""Format 1 (pre-judged booleans) → format 2 (measurements), see docs/record-format.md “格式版本与迁移”.

A boolean with an exact measured equivalent is rewritten (``over_excavated: false`` → 超挖深度 0 m,
``rail_zone_unapproved_work: true`` → in the zone and not approved); every other old boolean is kept
— the engine still reads it when no measurement is given — and listed with the fields to measure.

Format 1 read a fact the record did not state as “not found”; format 2 reads it as unknown. So every
item the migrated record leaves 无法判定 is one format 1 reported as no hazard: the migration lists
each, with why per missing field — a field format 1 did not have (``x-since-format`` in the schema)
or one it had and the record left out.
"""

from __future__ import annotations

import copy
import re

from zhiben_training.hazards._judge import judge_record
from zhiben_training.hazards._models import UNDETERMINED, Migration, MigrationGap
from zhiben_training.hazards._record import validate_record
from zhiben_training.law import record_schema

FORMAT_VERSION = "2"

# old boolean → the measured fields that replace it (per record section)
_LEGACY = {
    "enterprise": {"safety_licence_valid": ("safety_licence_valid_until",)},
    "works": {
        "over_excavated": ("over_excavation_depth_m",),
        "deformation_exceeds_design": ("deformation_mm", "deformation_limit_mm"),
        "load_exceeds_design": ("construction_load_kn_m2", "design_load_kn_m2"),
        "strength_insufficient_at_removal_or_climb": ("formwork_operation", "concrete_strength_pct",
                                                      "required_strength_pct"),
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
        "safe_distance_ok": ("clearance_to_structures_m", "group_horizontal_clearance_m",
                             "group_vertical_clearance_m"),
        "overloaded": ("load_kg", "rated_load_kg"),
    },
    "observations.lighting_zones": {"safety_voltage_lighting": ("lighting_voltage_v", "place_kind")},
    "observations.overhead_lines": {"distance_meets_code": ("line_voltage_kv", "distance_m", "near")},
    "weather": {"strong_wind": ("wind_force_beaufort", "wind_speed_m_s")},
}


def _entries(record: dict, section: str):
    """(path, dict) for each object of a section: ``works[0]``, ``enterprise``,
    ``observations.lighting_zones[1]``."""
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
        return (f"{path}.rail_zone_unapproved_work = true → in_rail_protection_zone = true, "
                "rail_zone_approved = false")
    return None


def _since_format(path: str) -> str | None:
    """The format that introduced the field at a record path (``works[0].deformation_mm`` → "2"),
    None if format 1 had it."""
    node = record_schema()
    for part in path.split("."):
        name, index = re.fullmatch(r"([^\[]+)((?:\[\d+\])*)", part).groups()
        node = node.get("properties", {}).get(name)
        if node is None:
            return None
        if node.get("x-since-format"):
            return node["x-since-format"]
        if index:
            node = node.get("items", {})
    return None


def _why(path: str) -> str:
    if _since_format(path):
        return f"{path}：第 1 版格式没有这一字段，旧记录无从记载"
    return f"{path}：第 1 版格式已有这一字段，本记录未填写（第 1 版把未写明的事实当作“未发现”）"


def _gaps(record: dict) -> tuple[MigrationGap, ...]:
    """Every level and item the format-2 engine leaves undecidable in a migrated format-1 record."""
    verdict = judge_record(record)
    gaps = []
    for index, work in enumerate(verdict.works):
        if work.missing and work.level == UNDETERMINED:
            missing = tuple(f"works[{index}].{m}" for m in work.missing)
            gaps.append(MigrationGap(
                None, work.work_id, "危大工程分级", missing,
                ("缺少决定分级的尺寸：第 1 版把缺尺寸的分部分项工程分为一般，"
                 "第 2 版为无法判定（可写 declared_level 沿用专项施工方案的分级）",
                 *(_why(m) for m in missing))))
    for item in verdict.undetermined:
        gaps.append(MigrationGap(item.item_id, None, item.text, item.missing,
                                 (*(_why(m) for m in item.missing), *item.notes)))
    return tuple(gaps)


def migrate_record(record: dict) -> Migration:
    """The record in format 2, Chinese notes on what changed and which old booleans still await a
    measurement, and the items (and 危大 levels) that became 无法判定 with why (``Migration.undecidable``).

    The input is validated first and never changed; migrating a format-2 record changes nothing and
    reports nothing undecidable (nothing became so).
    """
    validate_record(record)
    out = copy.deepcopy(record)
    notes = []
    was_format_1 = out.get("format_version") != FORMAT_VERSION
    if was_format_1:
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
                    notes.append(f"{path}.{key}：旧格式布尔值，仍可读取；"
                                 f"请改记测量值 {'、'.join(legacy[key])}")
    validate_record(out)
    return Migration(out, tuple(notes), _gaps(out) if was_format_1 else ())
