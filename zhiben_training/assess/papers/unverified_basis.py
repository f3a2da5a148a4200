"""Keep the scored site tasks off figures the reference gives only from memory (issue #24).

A scored answer must not hinge on an unverified figure, whichever way the figure would decide:

* t01 (``hazard_ids``): measurements the rules engine compares with a technical-standard value that
  the reference does not verify (tower-crane clearances → 8.8, overhead-line distances → 10.2, wind
  force / speed → 15.2, lighting voltage → 10.1, formwork strength without the plan's required
  strength → 6.3) are left out of the record the trainee's report and the key are built from; so are
  the expert-review facts (4.4) of works whose 超规模 level an unverified 附件2 entry would decide.
  Any finding that still rests on an unverified text loses the facts behind it, until none does.
* t02 (``classify_works``): a work whose level an unverified 附件2 entry could decide (W2.3.2 起重机械,
  W2.5.x 拆除, W2.6 暗挖) is not listed.
"""

from __future__ import annotations

import copy

__all__ = ["level_rests_on_unverified", "without_unverified_basis", "UNVERIFIED_NOTE"]

UNVERIFIED_NOTE = "未核实"
_MEASURED_STANDARDS = {  # unverified standard row → where the record's compared measurement lives
    "tower_crane_clearance_m": "equipment",
    "overhead_line_min_distance_m": "observations.overhead_lines",
    "wind_stop_force_beaufort": "weather",
    "wind_stop_speed_m_s": "weather",
    "lighting_voltage_max_v": "observations.lighting_zones",
    "formwork_removal_strength_pct": "works",
}
_FIELDS = {
    "overhead_line_min_distance_m": ("distance_m",),
    "wind_stop_force_beaufort": ("wind_force_beaufort",),
    "wind_stop_speed_m_s": ("wind_speed_m_s",),
    "lighting_voltage_max_v": ("lighting_voltage_v",),
    "formwork_removal_strength_pct": ("concrete_strength_pct",),
}
_EXPERT_FACTS = ("expert_review_held", "expert_count")


def level_rests_on_unverified(work: dict, verdict) -> bool:
    """True when an unverified scope of the work's type sits above the level its verified scopes give.

    A 400 kN crane is 超规模 only through W2.3.2 (from memory); a 90 kN one is 危大 only because
    W2.3.2's 300 kN is not reached: either way the answer would rest on the unverified figure.
    """
    from zhiben_training.hazards import LEVELS
    from zhiben_training.law import wd_scopes

    scopes = [s for s in wd_scopes() if s.work_type == work.get("work_type")]
    verified_rank = max((LEVELS.index(s.level) for s in scopes
                         if s.id in verdict.scope_ids and s.status != "unverified"), default=0)
    return any(s.status == "unverified" and LEVELS.index(s.level) > verified_rank for s in scopes)


def _fields(row_id: str) -> tuple[str, ...]:
    if row_id == "tower_crane_clearance_m":
        from zhiben_training.law import measured_thresholds_data

        return tuple(measured_thresholds_data()["standards"][row_id]["value"])
    return _FIELDS[row_id]


def _entries(record: dict, where: str) -> list[dict]:
    head, _, tail = where.partition(".")
    node = record.get(head)
    if tail:
        node = (node or {}).get(tail)
    return [node] if isinstance(node, dict) else [e for e in node or [] if isinstance(e, dict)]


def _unverified_rows() -> list[str]:
    from zhiben_training.law import measured_thresholds_data

    return [row_id for row_id, row in measured_thresholds_data()["standards"].items()
            if row["status"] != "verified"]


def _drop_path(record: dict, path: str) -> bool:
    """Remove ``works[0].expert_review_held``-style paths; False when there is nothing to remove."""
    node, parts = record, path.replace("]", "").replace("[", ".").split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) and part.isdigit() else (node or {}).get(part)
        if node is None:
            return False
    return isinstance(node, dict) and node.pop(parts[-1], None) is not None


def without_unverified_basis(record: dict) -> tuple[dict, list[str]]:
    """(a copy of ``record`` no t01 finding or non-finding can rest on an unverified figure in,
    removed paths)."""
    from zhiben_training.hazards import classify_work, find_hazards

    out, removed = copy.deepcopy(record), []
    for row_id in _unverified_rows():
        where = _MEASURED_STANDARDS.get(row_id)
        if where is None:
            raise AssertionError(f"unverified standard {row_id} has no place in the record named here")
        for index, entry in enumerate(_entries(out, where)):
            if row_id == "formwork_removal_strength_pct" and "required_strength_pct" in entry:
                continue  # compared with the plan's own figure (a record limit), not the standard
            here = where if where == "weather" else f"{where}[{index}]"
            removed += [f"{here}.{key}" for key in _fields(row_id) if entry.pop(key, None) is not None]
    for index, work in enumerate(out.get("works", [])):
        if level_rests_on_unverified(work, classify_work(work)):
            removed += [f"works[{index}].{k}" for k in _EXPERT_FACTS if work.pop(k, None) is not None]
    for _ in range(10):
        resting = [f for f in find_hazards(out) if any(UNVERIFIED_NOTE in n for n in f.notes)]
        paths = [fact.split(" = ", 1)[0] for f in resting for fact in f.facts]
        dropped = [p for p in paths if _drop_path(out, p)]
        if not resting:
            return out, removed
        if not dropped:
            raise AssertionError(f"findings {[f.item_id for f in resting]} rest on unverified text "
                                 "and name no fact")
        removed += dropped
    raise AssertionError("unverified findings did not settle")
