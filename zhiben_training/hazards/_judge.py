"""Run every check over a validated record and merge the hits into one verdict per item.

Per item: a major hazard when any check found its facts; otherwise 无法判定 when a check lacked a
needed measurement; otherwise not found. The 2024 standard applies to 房屋市政工程 only (第一条、第三条).
"""

from __future__ import annotations

from zhiben_training.hazards import _checks_management, _checks_site, _checks_works
from zhiben_training.hazards._classify import classify_work
from zhiben_training.hazards._models import HazardFinding, IssueVerdict, RecordVerdict, Undetermined
from zhiben_training.hazards._record import validate_record
from zhiben_training.law import criteria

_CHECKS = _checks_management.CHECKS + _checks_works.CHECKS + _checks_site.CHECKS
IN_SCOPE_TYPES = ("房屋建筑", "市政")  # 判定标准2024 第一条: 房屋建筑和市政基础设施工程


def _unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _merge(record: dict) -> tuple[list[HazardFinding], list[Undetermined]]:
    facts: dict[str, list[str]] = {}
    notes: dict[str, list[str]] = {}
    missing: dict[str, list[str]] = {}
    open_notes: dict[str, list[str]] = {}
    for check in _CHECKS:
        for hit in check(record):
            if hit.facts:
                facts.setdefault(hit.item_id, []).extend(hit.facts)
                notes.setdefault(hit.item_id, []).extend(hit.notes)
            else:
                missing.setdefault(hit.item_id, []).extend(hit.missing)
                open_notes.setdefault(hit.item_id, []).extend(hit.notes)
    findings, undetermined = [], []
    for c in criteria("2024"):
        if c.id in facts:
            findings.append(HazardFinding(item_id=c.id, text=c.text, facts=_unique(facts[c.id]),
                                          needs_judgement=not c.decidable, notes=_unique(notes[c.id])))
        elif c.id in missing:
            undetermined.append(Undetermined(item_id=c.id, text=c.text, missing=_unique(missing[c.id]),
                                             notes=_unique(open_notes[c.id])))
    return findings, undetermined


def _concerns(path: str, about: str) -> bool:
    return path == about or path.startswith((about + ".", about + "[", about + " "))


def _issues(record: dict, findings, undetermined) -> tuple[IssueVerdict, ...]:
    """Which recorded observations are major hazards: those whose object (``about``) a finding's facts
    name."""
    out = []
    for index, issue in enumerate(record.get("observations", {}).get("issues", [])):
        about = issue.get("about")
        items = tuple(f.item_id for f in findings if about and any(_concerns(x, about) for x in f.facts))
        if items:
            verdict = "重大事故隐患"
        elif about is None or any(_concerns(m, about) for u in undetermined for m in u.missing):
            verdict = "无法判定"
        else:
            verdict = "一般隐患"
        out.append(IssueVerdict(index=index, description=issue["description"], about=about, verdict=verdict,
                                item_ids=items))
    return tuple(out)


def judge_record(record: dict) -> RecordVerdict:
    """Everything the engine says about a record: major hazards, items it cannot decide, 危大 levels, issues.

    Raises ``RecordFormatError`` for a malformed record.
    """
    validate_record(record)
    works = tuple(classify_work(w) for w in record.get("works", []))
    kind = record["project"]["type"]
    if kind not in IN_SCOPE_TYPES:
        note = (f"project.type = {kind}："
                "《房屋市政工程生产安全重大事故隐患判定标准（2024版）》适用于房屋建筑和市政基础设施工程"
                "（第一条、第三条），本记录不在其适用范围，未作判定；请依该行业的判定标准检查。")
        return RecordVerdict(record["record_id"], False, (), (), works, (), (note,))
    findings, undetermined = _merge(record)
    return RecordVerdict(record["record_id"], True, tuple(findings), tuple(undetermined), works,
                         _issues(record, findings, undetermined))


def find_hazards(record: dict) -> list[HazardFinding]:
    """The major hazards (判定标准2024) a record shows, in the standard's order.

    Each finding carries the verbatim item text, the ``path = value`` facts that triggered it and
    notes naming which measurement crossed which threshold; items 16 and 17 come back with
    ``needs_judgement=True``. Items the record cannot decide are in ``judge_record(record).undetermined``.
    Raises ``RecordFormatError`` for a malformed record.
    """
    return list(judge_record(record).findings)
