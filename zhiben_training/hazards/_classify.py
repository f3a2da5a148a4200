"""危大工程 classification of sub-works (建办质〔2018〕31号 附件1/附件2), driven by ``wd_scopes.json``.

Rules are read three-valued: a parameter the record omits is unknown, so a scope it could decide is
left open. A work is 一般 only when every scope of its type is known not to apply; with nothing
established and a scope open it is 无法判定（缺少 …）, unless the record states ``declared_level``.
"""

from __future__ import annotations

import numbers

from zhiben_training.hazards._models import LEVELS, UNDETERMINED, WorkClassification
from zhiben_training.law import evaluate_rule as evaluate
from zhiben_training.law import param_labels, status_note, thresholds_data, wd_duties, wd_scopes

_NOTES = {
    "slope": ("建办质〔2018〕31号附件未单列边坡工程，按一般工程分级；"
              "一级、二级高边坡仍须第三方监测（判定标准2024 第五条第（三）项）"),
}


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def deep_pit_state(work: dict) -> bool | None:
    """深基坑 (附件2 一, ≥ 5 m inclusive): True / False, or None when an excavation's depth is not given."""
    if work.get("work_type") != "excavation":
        return False
    depth = work.get("depth_m")
    return None if not _is_number(depth) else depth >= _deep_pit_depth_m()


def _deep_pit_depth_m():
    """附件2 一 (W2.1): its depth lives once, in the scope rule of ``wd_scopes.json`` (value and status)."""
    return next(s for s in wd_scopes() if s.id == "W2.1").when["value"]


def is_deep_pit(work: dict) -> bool:
    """深基坑: an excavation at least as deep as the 附件2 一 threshold (5 m, inclusive)."""
    return deep_pit_state(work) is True


def is_high_slope(work: dict) -> bool:
    """高边坡（一级、二级）as named in 判定标准2024 第五条第（三）项."""
    classes = thresholds_data()["high_slope_classes"]["value"]
    return work.get("work_type") == "slope" and work.get("slope_class") in classes


def with_derived(work: dict) -> dict:
    """The work's parameters plus those derived from measurements (高度 > 水平投影宽度)."""
    params = dict(work)
    if "height_exceeds_projection_width" not in params and _is_number(work.get("height_m")) \
            and _is_number(work.get("projection_width_m")):
        params["height_exceeds_projection_width"] = work["height_m"] > work["projection_width_m"]
    return params


def evaluate3(rule: dict | None, params: dict) -> tuple[bool | None, list[str], list[str]]:
    """Kleene reading of a scope rule: (True/False/None, reasons when True, missing params when None)."""
    if rule is None:
        return True, [], []
    if "all" in rule or "any" in rule:
        results = [evaluate3(sub, params) for sub in rule.get("all", rule.get("any"))]
        states = [r[0] for r in results]
        decisive = False if "all" in rule else True
        if decisive in states:
            hits = [r for r in results if r[0] is decisive]
            return decisive, ([x for r in hits for x in r[1]] if decisive else []), []
        if None in states:
            return None, [], [m for r in results if r[0] is None for m in r[2]]
        return not decisive, ([x for r in results for x in r[1]] if not decisive else []), []
    if "not" in rule:
        inner, _, missing = evaluate3(rule["not"], params)
        if inner is None:
            return None, [], missing
        return (False, [], []) if inner else (True, evaluate(rule, params)[1], [])
    if params.get(rule["param"]) is None:
        return None, [], [rule["param"]]
    ok, reasons = evaluate(rule, params)
    return ok, reasons, []


def _duties(level: str, work: dict) -> tuple[str, ...]:
    tags = set()
    if level in LEVELS[1:]:
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


def _labelled(names) -> str:
    labels = param_labels()
    return "、".join(f"{n}（{labels.get(n, (n, ''))[0]}）" for n in dict.fromkeys(names))


def classify_work(work: dict) -> WorkClassification:
    """Classify ONE sub-work dict (as in a record's ``works`` list) as 一般 / 危大 / 超规模 / 无法判定.

    Example: ``classify_work({"work_id": "W1", "work_type": "excavation", "depth_m": 5})``
    gives level ``超规模`` with scopes ``("W1.1.1", "W2.1")``; without ``depth_m`` it is 无法判定.
    """
    work_type = work.get("work_type", "other")
    params = with_derived(work)
    rank, scope_ids, reasons, open_scopes, matched = 0, [], [], [], []
    for scope in wd_scopes():
        if scope.work_type != work_type:
            continue
        state, why, missing = evaluate3(scope.when, params)
        if state is None:
            open_scopes.append((scope, missing))
            continue
        if not state:
            continue
        scope_ids.append(scope.id)
        matched.append(scope)
        rank = max(rank, LEVELS.index(scope.level))
        basis = "；".join(why) if why else f"工程类别 work_type = {work_type}"
        reasons.append(f"{basis} → {scope.level}（建办质〔2018〕31号 附件{scope.annex} {scope.id}）"
                       f"{status_note(scope.status)}")
    still_open = [(s, m) for s, m in open_scopes if LEVELS.index(s.level) > rank]
    declared = work.get("declared_level")
    if declared is not None:
        if LEVELS.index(declared) < rank:
            reasons.append(f"记录声明 declared_level = {declared}，"
                           f"但测量值已达到{LEVELS[rank]}，以测量值为准")
        else:
            reasons.append(f"按记录声明的分级 declared_level = {declared}（检查人依据专项施工方案等资料）")
            rank = LEVELS.index(declared)
        still_open = []  # the declaration (from the plan) settles what the dimensions leave open
    if work_type in _NOTES:
        reasons.append(_NOTES[work_type])
    if still_open:
        ids = "、".join(s.id for s, _ in still_open)
        reasons.append(f"缺少 {_labelled(m for _, ms in still_open for m in ms)}，无法判定是否属于 {ids}")
    level = LEVELS[rank]
    if declared is None and rank == 0 and still_open:
        level = UNDETERMINED
    elif not scope_ids and not still_open and declared is None and work_type not in _NOTES:
        reasons.append("未达到建办质〔2018〕31号附件1、附件2所列范围 → 一般")
    return WorkClassification(
        work_id=str(work.get("work_id", "")),
        work_type=work_type,
        level=level,
        scope_ids=tuple(scope_ids),
        reasons=tuple(reasons),
        duties=_duties(level, work),
        missing=tuple(dict.fromkeys(m for _, ms in still_open for m in ms)),
        open_scope_ids=tuple(s.id for s, _ in still_open),
        declared_level=declared,
        unverified_scope_ids=tuple(s.id for s in matched if s.status == _UNVERIFIED),
        level_unverified=_rests_on_unverified(matched, level),
    )


_UNVERIFIED = "unverified"


def _rests_on_unverified(matched, level: str) -> bool:
    """True when every matched scope of the work's level is one the reference gives from memory."""
    deciding = [s for s in matched if s.level == level]
    return bool(deciding) and all(s.status == _UNVERIFIED for s in deciding)


def classify_works(record: dict) -> list[WorkClassification]:
    """Classify every sub-work of a record (validated first), in record order."""
    from zhiben_training.hazards._record import validate_record

    validate_record(record)
    return [classify_work(work) for work in record.get("works", [])]
