"""Render an inspection record as a Chinese narrative inspection report (examiner-side only).

The trainee must not receive the machine-readable record: ``zhiben_training.hazards.find_hazards``
(installed with the lessons) would answer task t01 from it. So every fact is rewritten with
varied wording from ``assessments/bank/narrative.json`` (phrases chosen per trainee by the paper's
random generator), record ids and planted-work names are replaced by neutral labels, statements are
shuffled, and a few ordinary observations that are not major hazards are mixed in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from zhiben_training.errors import KnowledgeBaseError

__all__ = ["SiteLabels", "render_site_report", "label_entities", "work_parameters"]

_SKIP = {"work_id", "name", "work_type", "equipment_id", "equipment_type", "location", "kind", "element",
         "near", "person_id", "schema_version", "format_version", "about", "record_id", "site_id",
         "inspector", "description", "catalogue", "legal_basis", "scaffold_type", "platform_kind", "uscc",
         "construction_kind", "qualification_grade", "current_operation"}
# the classification-relevant parameters shown in t02 (numbers and the qualitative switches of 附件1/2)
_CLASSIFY_KEYS = ("depth_m", "height_m", "span_m", "total_load_kn_m2", "line_load_kn_m", "point_load_kn",
                  "lift_weight_kn", "crane_capacity_kn", "erect_height_m", "base_elevation_m",
                  "lifting_height_m", "segment_height_m", "weight_kn", "complex_surroundings",
                  "affects_surroundings", "special_structure", "heritage_area", "no_standard",
                  "height_exceeds_projection_width", "isolated_without_ties", "lifting_method",
                  "structure_kind", "tunnel_method", "slope_class", "projection_width_m", "declared_level")
# measured zero values read better as a statement than as "超挖深度 0m"
_ZERO = {"over_excavation_depth_m": "未超挖（超挖深度 0 m）"}


@dataclass(frozen=True)
class SiteLabels:
    """Neutral trainee-facing labels: record work_id → "W1", equipment_id → "E1"."""

    works: dict[str, str]
    equipment: dict[str, str]


@cache
def _phrases(bank: str) -> dict:
    path = Path(bank) / "narrative.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise KnowledgeBaseError(f"叙述措辞文件 {path} 无法读取：{err}") from err


@cache
def _schema_fields() -> dict[str, tuple[str, str, dict[str, str]]]:
    """key → (title, unit, enum code → Chinese label), first definition of each key wins."""
    from zhiben_training.hazards import record_schema

    schema = record_schema()
    out: dict[str, tuple[str, str, dict[str, str]]] = {}

    def walk(node: dict) -> None:
        if "$ref" in node:
            node = schema["$defs"][node["$ref"].split("/")[-1]]
        for key, sub in node.get("properties", {}).items():
            target = schema["$defs"][sub["$ref"].split("/")[-1]] if "$ref" in sub else sub
            desc = target.get("description", "")
            unit = re.search(r"（单位：([^）]+)）", desc)
            labels = dict(re.findall(r"([a-z_]+) ([^；:：]+?)(?=；|$)", desc))
            out.setdefault(key, (target.get("title", key), unit.group(1) if unit else "", labels))
            walk(target)
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            walk(node["items"])

    walk(schema)
    return out


def _num(value: float) -> str:
    return f"{value:g}"


def _fallback_bool(title: str, value: bool, rng: np.random.Generator) -> str:
    if title.startswith("已"):
        return title if value else "未" + title[1:]
    for word, negated in (("符合", "不符合"), ("满足", "不满足"), ("有效", "失效"), ("保持", "未保持")):
        if word in title:
            return title if value else title.replace(word, negated, 1)
    return (rng.choice([f"发现{title}", f"存在{title}的情况"]) if value
            else rng.choice([f"未发现{title}", f"未见{title}"]))


def _phrase(key: str, value: object, rng: np.random.Generator, bank: str) -> str | None:
    """One statement about one fact, or None when the fact is not shown."""
    if key in _SKIP or value is None or isinstance(value, list | dict):
        return None
    spec = _phrases(bank)["fields"].get(key, {})
    title, unit, labels = _schema_fields().get(key, (key, "", {}))
    if isinstance(value, bool):
        variants = spec.get("true" if value else "false")
        return str(rng.choice(variants)) if variants else _fallback_bool(title, value, rng)
    if isinstance(value, int | float):
        if value == 0 and key in _ZERO:
            return _ZERO[key]
        if "num" in spec:
            return str(rng.choice(spec["num"])).format(v=_num(value))
        return f"{title} {_num(value)}{unit}"
    return f"{title}：{labels.get(str(value), str(value))}"


def label_entities(record: dict, rng: np.random.Generator) -> SiteLabels:
    """Shuffle works and equipment and number them W1…, E1… (hides generator ids like "W-P01")."""
    works = [w.get("work_id", f"#{i}") for i, w in enumerate(record.get("works", []))]
    equipment = [e.get("equipment_id", f"#{i}") for i, e in enumerate(record.get("equipment", []))]
    works = [works[i] for i in rng.permutation(len(works))]
    equipment = [equipment[i] for i in rng.permutation(len(equipment))]
    return SiteLabels({w: f"W{i + 1}" for i, w in enumerate(works)},
                      {e: f"E{i + 1}" for i, e in enumerate(equipment)})


def _work_label(work: dict, bank: str) -> str:
    fields = _schema_fields()
    for key in ("scaffold_type", "platform_kind"):
        if work.get(key):
            return fields[key][2].get(work[key], work[key]).split("（")[0]
    labels = _phrases(bank)["work_labels"].get(work.get("work_type", "other"), ["分项工程"])
    return labels[0]


def _shown(key: str, entity: dict, bank: str) -> bool:
    """False when the fact's premise is absent (e.g. no expert count when no review was held)."""
    rule = _phrases(bank).get("suppress_when", {}).get(key, {})
    return not any(entity.get(k) == v for k, v in rule.items())


def _statements(entity: dict, rng: np.random.Generator, bank: str, *, keys=None) -> list[str]:
    chosen = [k for k in entity if (keys is None or k in keys) and _shown(k, entity, bank)]
    out = [s for k in chosen if (s := _phrase(k, entity[k], rng, bank))]
    return [out[i] for i in rng.permutation(len(out))]


def work_parameters(work: dict, rng: np.random.Generator, bank: str) -> tuple[str, str]:
    """(label, parameters sentence) of one sub-work for the t02 classification table."""
    return _work_label(work, bank), "；".join(_statements(work, rng, bank, keys=_CLASSIFY_KEYS)) or "—"


def _people_lines(record: dict, date: str) -> list[str]:
    lines = []
    for person in record.get("personnel", []):
        role = person.get("operation_type") or person.get("role", "人员")
        certs = person.get("certificates") or []
        if certs:
            held = "，".join(
                f"持{c.get('type', '')}类证书（编号 {c.get('number', '—')}），"
                f"有效期至 {c.get('valid_until', '未载明')}"
                if c.get("type") != "SPECIAL" else
                f"持特种作业操作资格证书（{c.get('operation_type', '')}），"
                f"有效期至 {c.get('valid_until', '未载明')}"
                for c in certs)
        else:
            held = "未能出示任何证书"
        working = "" if person.get("working", True) else "（今日未上岗）"
        lines.append(f"- {role} {person.get('name', '')}：{held}{working}。")
    return lines


def _management_lines(record: dict, rng, bank) -> list[str]:
    project, ent, staff = record.get("project", {}), record.get("enterprise", {}), record.get("staffing", {})
    size = (f"建筑面积约 {_num(project['floor_area_m2'])} m²" if project.get("floor_area_m2")
            else f"合同价约 {_num(project.get('contract_value_wan', 0))} 万元")
    lines = [f"- 工程概况：{project.get('name', '本项目')}，{project.get('type', '')}工程，{size}。",
             f"- 施工总承包单位：{ent.get('name', '（未载明）')}，{ent.get('construction_kind', '')}"
             f"{ent.get('qualification_grade', '')}资质；" + "；".join(_statements(ent, rng, bank)) + "。"]
    if "project_safety_managers" in staff:
        need = staff.get("project_safety_managers_required")
        extra = f"（按本项目规模应配备 {need} 人）" if need is not None else ""
        lines.append(f"- 项目专职安全生产管理人员实有 {staff['project_safety_managers']} 人{extra}。")
    if "full_time_safety_managers" in ent:
        lines.append(f"- 企业安全生产管理机构专职安全生产管理人员 {ent['full_time_safety_managers']} 人。")
    return lines


def _observation_lines(record: dict, rng, bank) -> list[str]:
    fields, obs, lines = _schema_fields(), record.get("observations", {}), []
    for key, entries in obs.items():
        title = fields.get(key, (key, "", {}))[0]
        for entry in entries:
            where = entry.get("location", "")
            what = [fields[k][2].get(entry[k], entry[k]) for k in ("kind", "element", "near") if entry.get(k)]
            what += [entry[k] for k in ("description", "name") if entry.get(k)]
            head = "，".join(dict.fromkeys(x for x in [where, *what] if x))
            lines.append(f"- {title}（{head}）：" + "；".join(_statements(entry, rng, bank)) + "。")
    weather = record.get("weather", {})
    if weather:
        names = {"thunderstorm": "雷雨", "heavy_snow": "大雪", "dense_fog": "浓雾", "strong_wind": "大风"}
        acts = {"lifting": "吊装作业", "equipment_installation": "设备安装",
                "equipment_dismantling": "设备拆卸", "work_at_height": "高处作业"}
        seen = [v for k, v in names.items() if weather.get(k)]
        if "wind_force_beaufort" in weather:  # format 2: the measured wind, judged by the trainee
            seen.append(f"实测风力 {weather['wind_force_beaufort']} 级")
        if "wind_speed_m_s" in weather:
            seen.append(f"风速 {_num(weather['wind_speed_m_s'])} m/s")
        bad = "、".join(seen) or "天气晴好"
        doing = "、".join(acts.get(a, a) for a in weather.get("activities", []))
        lines.append(f"- 检查当日天气：{bad}" + (f"；现场正在进行{doing}" if doing else "") + "。")
    return lines


def render_site_report(record: dict, labels: SiteLabels, rng: np.random.Generator, *, bank: str) -> str:
    """The t01 narrative (markdown) for one record; deterministic for a given generator state."""
    fields = _schema_fields()
    parts = [f"**检查日期：{record.get('inspection_date', '')}**", "", "**一、管理与人员**", ""]
    parts += _management_lines(record, rng, bank) + _people_lines(record, record.get("inspection_date", ""))
    parts += ["", "**二、分部分项工程**", ""]
    works = sorted(record.get("works", []), key=lambda w: int(labels.works[w["work_id"]][1:]))
    for work in works:
        parts.append(f"- （{labels.works[work['work_id']]}）{_work_label(work, bank)}："
                     + "；".join(_statements(work, rng, bank)) + "。")
    if record.get("equipment"):
        parts += ["", "**三、机械设备**", ""]
        equipment = sorted(record["equipment"], key=lambda e: int(labels.equipment[e["equipment_id"]][1:]))
        for item in equipment:
            kind = fields["equipment_type"][2].get(item.get("equipment_type", ""), "设备")
            state = fields["current_operation"][2].get(item.get("current_operation", ""), "")
            head = f"（{labels.equipment[item['equipment_id']]}）{kind}" + (f"（{state}中）" if state else "")
            body = "；".join(_statements(item, rng, bank))
            parts.append(f"- {head}：{body}。")
    parts += ["", "**四、其他检查情况**", ""]
    extra = list(_phrases(bank)["distractors"])
    parts += _observation_lines(record, rng, bank)
    parts += [f"- {extra[i]}。" for i in rng.choice(len(extra), size=3, replace=False)]
    return "\n".join(parts)
