"""危大工程 classification of sub-works (建办质〔2018〕31号 附件1/附件2), driven by ``wd_scopes.json``."""

from __future__ import annotations

import numbers

from zhiben_training.hazards._models import LEVELS, WorkClassification
from zhiben_training.law import status_note, wd_duties, wd_scopes
from zhiben_training.law._load import thresholds_data
from zhiben_training.law._rules import evaluate

_NOTES = {
    "slope": "建办质〔2018〕31号附件未单列边坡工程，按一般工程分级；一级、二级高边坡仍须第三方监测（判定标准2024 第五条第（三）项）",
}


def is_deep_pit(work: dict) -> bool:
    """深基坑: an excavation at least as deep as the 附件2 一 threshold (5 m, inclusive)."""
    limit = thresholds_data()["deep_pit_depth_m"]["value"]
    depth = work.get("depth_m")
    return work.get("work_type") == "excavation" and _is_number(depth) and depth >= limit


def is_high_slope(work: dict) -> bool:
    """高边坡（一级、二级）as named in 判定标准2024 第五条第（三）项."""
    classes = thresholds_data()["high_slope_classes"]["value"]
    return work.get("work_type") == "slope" and work.get("slope_class") in classes


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _duties(level: str, work: dict) -> tuple[str, ...]:
    tags = set()
    if level != "一般":
        tags.add(level)
    if is_deep_pit(work):
        tags.add("deep_pit")
    if is_high_slope(work):
        tags.add("high_slope")
    return tuple(
        f"{d['text']}（{d['source']}）{status_note(d['status'])}"
        for d in wd_duties()
        if tags.intersection(d["applies_to"])
    )


def classify_work(work: dict) -> WorkClassification:
    """Classify ONE sub-work dict (as in a record's ``works`` list) as 一般 / 危大 / 超规模.

    Example: ``classify_work({"work_id": "W1", "work_type": "excavation", "depth_m": 5})``
    gives level ``超规模`` with scopes ``("W1.1.1", "W2.1")``.
    """
    work_type = work.get("work_type", "other")
    level_rank, scope_ids, reasons = 0, [], []
    for scope in wd_scopes():
        if scope.work_type != work_type:
            continue
        matched, why = evaluate(scope.when, work)
        if not matched:
            continue
        scope_ids.append(scope.id)
        level_rank = max(level_rank, LEVELS.index(scope.level))
        basis = "；".join(why) if why else f"工程类别 work_type = {work_type}"
        reasons.append(f"{basis} → {scope.level}（建办质〔2018〕31号 附件{scope.annex} {scope.id}）{status_note(scope.status)}")
    if work_type in _NOTES:
        reasons.append(_NOTES[work_type])
    if not scope_ids and work_type not in _NOTES:
        reasons.append("未达到建办质〔2018〕31号附件1、附件2所列范围 → 一般")
    level = LEVELS[level_rank]
    return WorkClassification(
        work_id=str(work.get("work_id", "")),
        work_type=work_type,
        level=level,
        scope_ids=tuple(scope_ids),
        reasons=tuple(reasons),
        duties=_duties(level, work),
    )


def classify_works(record: dict) -> list[WorkClassification]:
    """Classify every sub-work of a record (validated first), in record order."""
    from zhiben_training.hazards._record import validate_record

    validate_record(record)
    return [classify_work(work) for work in record.get("works", [])]
