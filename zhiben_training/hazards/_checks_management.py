"""判定标准2024 第四条 (施工安全管理): licence, staffing, certificates, plans, acceptance.

Each check yields ``Hit``s; a 危大 duty on a work whose level is 无法判定 gives 无法判定 too.
"""

from __future__ import annotations

from zhiben_training.hazards._classify import classify_work
from zhiben_training.hazards._measure import Hit
from zhiben_training.hazards._models import UNDETERMINED, fact
from zhiben_training.law import status_note, thresholds_data

# 206号 一 (verified): 企业主要负责人包括法定代表人、总经理（总裁）…安全总监等 → A; 项目负责人 → B;
# 专职安全生产管理人员 → C1–C3 (206号 二、六)
_CERT_FOR_ROLE = {
    "法定代表人": {"A"}, "主要负责人": {"A"},
    "项目负责人": {"B"}, "专职安全生产管理人员": {"C1", "C2", "C3"},
}
# Named by the Tianjin action plan as training targets, but not in 206号 一's list: whether such a person is
# a 主要负责人 (17号令 第三条: 对本企业生产经营活动和安全生产工作具有决策权的领导人员) is the
# inspector's call.
_PRINCIPAL_UNLISTED = ("实际控制人", "实际负责人")
_UNLISTED_NOTE = ("{here} 岗位为{role}：建质〔2015〕206号 一 所列企业主要负责人（法定代表人、总经理（总裁）、"
                  "分管安全生产的副总经理、分管生产经营的副总经理、技术负责人、安全总监等）未列{role}，"
                  "是否须持 A 证无法据原文判定（未核实）；检查人认定其为"
                  "“对本企业生产经营活动和安全生产工作具有决策权的领导人员”（17号令 第三条）时，"
                  "请把岗位记为“主要负责人”")
_AREA_CATEGORIES = ("建筑工程", "装修工程")  # 91号 第十三条（一）
_CONTRACT_CATEGORIES = ("土木工程", "线路管道", "设备安装工程")  # 91号 第十三条（二）


def _licence(ent: dict, on: str) -> tuple[list[str], list[str]]:
    """4.1 安全生产许可证: not held, or its expiry DATE before the inspection date (else the old boolean)."""
    if ent.get("safety_licence_held") is False:
        return [fact("enterprise.safety_licence_held", False)], ["未取得安全生产许可证"]
    if "safety_licence_valid_until" in ent:
        until = ent["safety_licence_valid_until"]
        if until < on:
            return ([fact("enterprise.safety_licence_valid_until", until)],
                    [f"安全生产许可证有效期至 {until}，早于检查日期 {on}："
                     "已过有效期，不是有效的安全生产许可证"])
        return [], []
    return (([fact("enterprise.safety_licence_valid", False)], [])
            if ent.get("safety_licence_valid") is False else ([], []))


def check_enterprise(record: dict):
    """4.1: no valid 安全生产许可证 (by date), or work beyond / without qualification."""
    if "enterprise" not in record:
        return
    ent = record["enterprise"]
    facts, notes = _licence(ent, record["inspection_date"])
    if ent.get("qualification_covers_work") is False:
        facts.append(fact("enterprise.qualification_covers_work", False))
    if facts:
        yield Hit("4.1", tuple(facts), tuple(notes))
    elif not any(k in ent for k in ("safety_licence_valid_until", "safety_licence_valid")):
        # held without an expiry date says nothing about the inspection day: unknown, not valid
        held = ("记录写明持有安全生产许可证（enterprise.safety_licence_held = true），但未写有效期截止日期："
                "无法判断检查日许可证是否仍在有效期内",) if ent.get("safety_licence_held") is True else ()
        yield Hit("4.1", notes=held, missing=("enterprise.safety_licence_valid_until",))


def _band(bands: list[dict], amount: float) -> int:
    for band in bands:
        if band["below"] is None or amount < band["below"]:
            return band["required"]
    raise AssertionError("bands must end with an open band")


def required_project_managers(record: dict) -> tuple[int, str] | None:
    """Required 项目专职安全生产管理人员 and the basis, or None when the record does not say enough."""
    staffing, project = record.get("staffing", {}), record["project"]
    if "project_safety_managers_required" in staffing:
        return staffing["project_safety_managers_required"], "记录中给出的应配人数"
    if record.get("enterprise", {}).get("construction_kind", "总承包") != "总承包":
        return None  # 第十三条 covers 总承包单位 only; 分包单位 (第十四条) is unverified and not applied
    category = project.get("work_category") or ("建筑工程" if project["type"] == "房屋建筑" else "土木工程")
    if category in _AREA_CATEGORIES and "floor_area_m2" in project:
        row, amount = thresholds_data()["project_safety_managers_by_area"], project["floor_area_m2"]
    elif category in _CONTRACT_CATEGORIES and "contract_value_wan" in project:
        row, amount = thresholds_data()["project_safety_managers_by_contract"], project["contract_value_wan"]
    else:
        return None
    return _band(row["value"], amount), f"{row['source']}{status_note(row['status'])}"


def required_enterprise_managers(enterprise: dict) -> tuple[int, str] | None:
    """Required 企业专职安全生产管理人员 per 91号 第八条, or None when kind/grade are not given."""
    row = thresholds_data()["enterprise_safety_managers"]
    table = row["value"].get(enterprise.get("construction_kind", ""), {})
    required = table.get(enterprise.get("qualification_grade", ""), table.get("*"))
    return None if required is None else (required, row["source"])


def _valid_certificates(person: dict, types: set[str], on: str) -> list[dict]:
    return [c for c in person.get("certificates", []) if c["type"] in types and c["valid_until"] >= on]


def check_staffing(record: dict):
    """4.2: too few 专职安全生产管理人员, or 安管人员 working without a valid A/B/C certificate."""
    facts, notes = [], []
    actual = record.get("staffing", {}).get("project_safety_managers")
    need = required_project_managers(record)
    if actual is not None and need and actual < need[0]:
        facts.append(fact("staffing.project_safety_managers", actual))
        notes.append(f"项目应配专职安全生产管理人员不少于 {need[0]} 人（{need[1]}）")
    ent = record.get("enterprise", {})
    need_ent = required_enterprise_managers(ent)
    if "full_time_safety_managers" in ent and need_ent and ent["full_time_safety_managers"] < need_ent[0]:
        facts.append(fact("enterprise.full_time_safety_managers", ent["full_time_safety_managers"]))
        notes.append(f"企业应配专职安全生产管理人员不少于 {need_ent[0]} 人（{need_ent[1]}）")
    open_notes, missing = [], []
    for index, person in enumerate(record.get("personnel", [])):
        if person.get("working") is False or "certificates" not in person:
            continue
        if person["role"] in _PRINCIPAL_UNLISTED:
            if not _valid_certificates(person, {"A"}, record["inspection_date"]):
                open_notes.append(_UNLISTED_NOTE.format(here=f"personnel[{index}]", role=person["role"]))
                missing.append(f"personnel[{index}].role")
            continue
        types = _CERT_FOR_ROLE.get(person["role"])
        if types and not _valid_certificates(person, types, record["inspection_date"]):
            facts += [fact(f"personnel[{index}].role", person["role"]), *_certificate_facts(index, person)]
    if facts:
        yield Hit("4.2", tuple(facts), tuple(notes))
    elif missing:
        yield Hit("4.2", notes=tuple(open_notes), missing=tuple(missing))


def _certificate_facts(index: int, person: dict) -> list[str]:
    certs = person.get("certificates", [])
    if not certs:
        return [fact(f"personnel[{index}].certificates", [])]
    return [fact(f"personnel[{index}].certificates[{k}].{key}", c[key])
            for k, c in enumerate(certs) for key in ("type", "operation_type", "valid_until") if key in c]


def check_special_workers(record: dict):
    """4.3: 特种作业人员 at work without a valid 操作资格证书 for that operation type."""
    facts = []
    for index, person in enumerate(record.get("personnel", [])):
        if person["role"] != "特种作业人员" or person.get("working") is False or "certificates" not in person:
            continue
        valid = [
            c for c in _valid_certificates(person, {"SPECIAL"}, record["inspection_date"])
            if not (person.get("operation_type") and c.get("operation_type"))
            or c["operation_type"] == person["operation_type"]
        ]
        if not valid:
            facts.append(fact(f"personnel[{index}].role", person["role"]))
            if person.get("operation_type"):
                facts.append(fact(f"personnel[{index}].operation_type", person["operation_type"]))
            facts += _certificate_facts(index, person)
    if facts:
        yield Hit("4.3", tuple(facts))


def _level_status(result) -> str:
    """Flag a level that rests only on unverified scope entries (e.g. W2.3.2 from memory)."""
    return status_note("unverified") if result.level_unverified else ""


def _levels(result) -> tuple[bool | None, bool | None]:
    """(is 危大 or above, is 超规模) for one classification; None where the record leaves it open."""
    if result.level == UNDETERMINED:
        return None, None
    top = (True if result.level == "超规模"
           else None if any(i.startswith("W2") for i in result.open_scope_ids) else False)
    return result.level != "一般", top


def check_plans(record: dict):
    """4.4 (plan missing, unreviewed or severely defective; 超规模 without ≥5-expert review) and 4.5."""
    min_experts = thresholds_data()["expert_min_count"]["value"]
    for index, work in enumerate(record.get("works", [])):
        result = classify_work(work)
        here = f"works[{index}]"
        is_wd, is_top = _levels(result)
        missing = tuple(f"{here}.{m}" for m in result.missing) or (f"{here}.declared_level",)
        level_note = (f"{here}（{result.work_id}）为{result.level}工程"
                      f"（{'、'.join(result.scope_ids) or '声明'}）{_level_status(result)}")
        open_note = f"{here}（{result.work_id}）分级无法判定：{result.reasons[-1] if result.reasons else ''}"
        bad = [fact(f"{here}.{k}", v) for k, v in (("plan_prepared", False), ("plan_reviewed", False),
                                                   ("plan_severe_defect", True))
               if work.get(k) is v]
        experts, notes = [], []
        if work.get("expert_review_held") is False:
            experts.append(fact(f"{here}.expert_review_held", False))
        elif "expert_count" in work and work["expert_count"] < min_experts:
            experts.append(fact(f"{here}.expert_count", work["expert_count"]))
            notes.append(f"专家论证专家不少于 {min_experts} 名"
                         f"（{thresholds_data()['expert_min_count']['source']}）")
        for facts, state, note in ((bad, is_wd, level_note), (experts, is_top, level_note)):
            if facts and state:
                yield Hit("4.4", tuple(facts), (note, *notes))
            elif facts and state is None:
                yield Hit("4.4", notes=(open_note,), missing=missing)
        if work.get("acceptance_required") is not False and work.get("accepted_before_use") is False:
            if is_wd:
                yield Hit("4.5", (fact(f"{here}.accepted_before_use", False),), (level_note,))
            elif is_wd is None:
                yield Hit("4.5", notes=(open_note,), missing=missing)


CHECKS = (check_enterprise, check_staffing, check_special_workers, check_plans)
