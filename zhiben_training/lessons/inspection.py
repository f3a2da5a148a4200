"""Lesson 05: walk one synthetic site's inspection record and mark its major hazards.

The record is split into *inspection objects* (企业与人员, each sub-work, each machine, the site
observations). For each object the learner picks "无重大事故隐患" or a 2024 item; the answer key is
what ``hazards.find_hazards`` finds, mapped to objects through the fact paths it reports
("works[4].expert_review_held = false" → object ``works[4]``). Records are in format 2: the learner
sees measurements with units (风力 7 级, 照明电压 220 V, 混凝土强度 60 %) and must know the threshold.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

__all__ = ["NONE", "InspectionObject", "pick_site", "inspection_objects", "expected_items", "judge",
           "fact_cn", "marks_feedback_html", "all_marked", "score_marks", "object_html", "marking_widgets"]

NONE = "无重大事故隐患"
_PATH = re.compile(r"^(works|equipment)\[(\d+)\]")
_PEOPLE = ("enterprise", "staffing", "personnel", "project")


@dataclass(frozen=True)
class InspectionObject:
    key: str  # "works[4]", "equipment[2]", "enterprise", "observations"
    title: str
    fields: tuple[tuple[str, str], ...]  # (Chinese label, display value)


def _object_key(fact: str) -> str:
    match = _PATH.match(fact)
    if match:
        return f"{match.group(1)}[{match.group(2)}]"
    head = fact.split(".", 1)[0].split("[", 1)[0].split(" ", 1)[0]
    return "enterprise" if head in _PEOPLE else "observations"


def pick_site(records: list[dict]) -> tuple[dict, list]:
    """The record with the most (decidable) findings, ties broken by site id: a rich but fixed example."""
    from zhiben_training.hazards import find_hazards

    best = None
    for record in records:
        findings = [f for f in find_hazards(record) if not f.needs_judgement]
        rank = (len(findings), -int(re.sub(r"\D", "", record.get("site_id", "0")) or 0))
        if best is None or rank > best[0]:
            best = (rank, record, findings)
    return best[1], best[2]


def _fields(section: str) -> dict:
    from zhiben_training.hazards import record_schema

    node = record_schema()["properties"][section]
    node = node.get("items", node)
    return node.get("properties", {})


def _titles(section: str) -> dict:
    return {name: spec.get("title", name) for name, spec in _fields(section).items()}


# states the schema lists without a Chinese label (e.g. 防坠落装置 ok/nonconforming/failed/missing)
_STATES = {"ok": "正常", "nonconforming": "不符合要求", "failed": "失效", "missing": "缺失", "none": "无",
           "unknown": "不明"}


def _enum_label(spec: dict, value) -> str:
    """The schema documents enums as "excavation 基坑（槽）；slope 边坡；…": show the Chinese label."""
    match = re.search(rf"(?:^|；){re.escape(str(value))} ([^；]+)", spec.get("description", ""))
    return match.group(1) if match else _STATES.get(str(value), str(value))


_FACT = re.compile(r"^(\w+)(?:\[(\d+)\])?((?:\.\w+)*) = (.+)$")
_SECTION_CN = {"works": "分部分项工程", "equipment": "机械设备", "personnel": "人员",
               "observations": "现场观察", "weather": "天气", "staffing": "配备", "enterprise": "企业",
               "project": "项目"}


def fact_cn(fact: str) -> str:
    """A fact of the rules engine in Chinese words: ``works[8].formwork_operation = "removal"`` →
    ``分部分项工程 9·正在进行的模板作业：模板支架拆除``; a fact it cannot read stays as it is."""
    import json

    match = _FACT.match(fact.strip())
    if not match or match.group(1) not in _SECTION_CN:
        return fact
    section, index, path, raw = match.groups()
    spec: dict = {"properties": _fields(section)}
    for name in [p for p in path.split(".") if p]:
        spec = (spec.get("properties", {}).get(name) or spec.get("items", {}).get("properties", {}).get(name)
                or {})
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    where = _SECTION_CN[section] + (f" {int(index) + 1}" if index is not None else "")
    return f"{where}·{spec.get('title', path.rsplit('.', 1)[-1])}：{_show(value, spec)}"


def _cert_name(spec: dict, value) -> str:
    """``SPECIAL`` → 建筑施工特种作业人员操作资格证书, ``C2`` → C2证 (the schema's description)."""
    match = re.search(rf"(?:^|；){re.escape(str(value))} ([^；]+)", spec.get("description", ""))
    return match.group(1) if match and value == "SPECIAL" else f"{value}证"


def _show(value, spec: dict | None = None) -> str:
    spec = spec or {}
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "；".join(_show(v, spec.get("items", {})) for v in value)
    if isinstance(value, dict):
        props = spec.get("properties", {})
        return "，".join(f"{props.get(k, {}).get('title', k)}：{_show(v, props.get(k))}"
                        for k, v in value.items())
    if "enum" in spec:
        return _enum_label(spec, value)
    unit = re.search(r"（单位：(.+?)）$", spec.get("description", ""))
    if isinstance(value, int | float) and unit:  # a measurement: the learner compares it with the threshold
        return f"{value:g} {unit.group(1)}"
    return str(value)


def _section_fields(section: str, item: dict) -> tuple[tuple[str, str], ...]:
    specs = _fields(section)
    return tuple((specs.get(k, {}).get("title", k), _show(_clean_name(v) if k == "name" else v, specs.get(k)))
                 for k, v in item.items() if k not in ("work_id", "equipment_id", "about"))


def _clean_name(name: str) -> str:
    """Drop a trailing note in brackets from generated names ("深基坑（未组织专家论证）" → "深基坑")."""
    return re.sub(r"（[^）]*）$", "", name)


def inspection_objects(record: dict) -> list[InspectionObject]:
    """The objects a learner inspects, in record order, with Chinese field labels from the schema."""
    objects = []
    people = [("项目", record.get("project", {}).get("name", "")),
              *((f"企业·{t}", _show(record["enterprise"][k], _fields("enterprise")[k]))
                for k, t in _titles("enterprise").items()
                if k in record.get("enterprise", {}) and k not in ("uscc",)),
              *((f"配备·{t}", _show(record["staffing"][k])) for k, t in _titles("staffing").items()
                if k in record.get("staffing", {}))]
    for person in record.get("personnel", []):
        cert_type = (_fields("personnel").get("certificates", {}).get("items", {}).get("properties", {})
                     .get("type", {}))
        certs = "、".join(f"{_cert_name(cert_type, c.get('type'))} 有效期至 {c.get('valid_until', '—')}"
                         for c in person.get("certificates", []))
        people.append((f"人员·{person.get('role', '')}", f"{person.get('name', '')}（{certs or '无证书'}）"))
    objects.append(InspectionObject("enterprise", "企业与人员", tuple(people)))
    for section, label in (("works", "分部分项工程"), ("equipment", "机械设备")):
        for index, item in enumerate(record.get(section, [])):
            fields = _section_fields(section, item)
            name = dict(fields).get("名称") or dict(fields).get("设备类型") or ""
            objects.append(InspectionObject(f"{section}[{index}]", f"{label} {index + 1}：{name}", fields))
    observed = _section_fields("observations", record.get("observations", {}))
    weather = tuple((f"天气·{k}", v) for k, v in _section_fields("weather", record.get("weather", {})))
    if observed or weather:
        objects.append(InspectionObject("observations", "现场其他观察与天气", observed + weather))
    return objects


def expected_items(findings) -> dict[str, set[str]]:
    """Object key → the 2024 items ``find_hazards`` found on it."""
    expected: dict[str, set[str]] = {}
    for finding in findings:
        for key in {_object_key(fact) for fact in finding.facts} or {"observations"}:
            expected.setdefault(key, set()).add(finding.item_id)
    return expected


def judge(key: str, choice: str | None, expected: dict[str, set[str]]) -> tuple[str, str]:
    """("正确" | "不正确" | "未作答", Chinese explanation) for one object's mark."""
    right = expected.get(key, set())
    answer = "、".join(sorted(right)) if right else NONE
    if choice is None:
        return "未作答", "作答后显示参考答案。"
    ok = (choice == NONE and not right) or choice in right
    if ok:
        more = f"（本对象还涉及：{'、'.join(sorted(right - {choice}))}）" if len(right) > 1 else ""
        return "正确", f"规则引擎判定：{answer}{more}"
    return "不正确", f"你选了 {choice}；规则引擎判定：{answer}"


def score_marks(objects: list[InspectionObject], choices: dict, findings) -> list[dict]:
    """One row per object with the verdict and the triggering facts (for the summary table)."""
    expected = expected_items(findings)
    facts = {}
    for finding in findings:
        for fact in finding.facts:
            facts.setdefault(_object_key(fact), []).append(f"{finding.item_id}：{fact_cn(fact)}")
    rows = []
    for obj in objects:
        verdict, why = judge(obj.key, choices.get(obj.key), expected)
        shown = choices.get(obj.key) is not None  # the clause numbers only after the learner's mark
        rows.append({"检查对象": obj.title, "你的标记": choices.get(obj.key) or "—", "结果": verdict,
                     "说明": why, "触发事实": "；".join(facts.get(obj.key, [])) if shown else ""})
    return rows


def marks_feedback_html(objects: list[InspectionObject], choices: dict, findings) -> str | None:
    """The summary for the objects marked so far (score on top); None before the first mark."""
    import pandas as pd

    from zhiben_training.lessons.widgets import text_table

    if not any(choices.get(obj.key) is not None for obj in objects):
        return None
    table = pd.DataFrame(score_marks(objects, choices, findings))
    head = f"<p role='status'>正确：{int((table['结果'] == '正确').sum())} / {len(table)}</p>"
    return head + text_table(table).to_html()


def all_marked(objects: list[InspectionObject], choices: dict) -> bool:
    return all(choices.get(obj.key) is not None for obj in objects)


def object_html(obj: InspectionObject) -> str:
    rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in obj.fields)
    return f"<details><summary><b>{html.escape(obj.title)}</b></summary><table>{rows}</table></details>"


def marking_widgets(objects: list[InspectionObject], choices: dict, findings):
    """Per object: its facts, a Dropdown (无重大事故隐患 or an item) and immediate feedback."""
    import ipywidgets as w

    from zhiben_training import law

    expected = expected_items(findings)
    options = [("（请选择）", None), (NONE, NONE)] + [
        (f"{c.id}　{c.text[:30]}{'…' if len(c.text) > 30 else ''}", c.id)
        for c in law.criteria("2024") if c.decidable
    ]
    rows = []
    for obj in objects:
        picker = w.Dropdown(options=options, value=None, description=f"{obj.title} 的判定",
                            style={"description_width": "initial"}, layout={"width": "720px"})
        feedback = w.HTML()

        def _on_pick(change, key=obj.key, feedback=feedback):
            choices[key] = change["new"]
            verdict, why = judge(key, change["new"], expected)
            mark = {"正确": "✓", "不正确": "×"}.get(verdict, "")
            feedback.value = f"<span role='status'>{mark} {verdict}。{html.escape(why)}</span>"

        picker.observe(_on_pick, names="value")
        rows.append(w.VBox([w.HTML(object_html(obj)), picker, feedback]))
    return w.VBox(rows)
