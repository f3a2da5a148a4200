"""Results of a round from nbgrader's gradebook, and their import into the registry.

The gradebook is the record of each item (auto score, any manual override by an examiner in
formgrader, comments). Totals are read from it; ``import_results`` writes them to the registry
through ``Registry.record_assessment_results``, which audits every new or changed grade with the
actor and reason (so hand changes made in formgrader reach the audit log on import).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from zhiben_training.assess import nbgrader_adapter as nbg
from zhiben_training.assess.autograde import require_fully_graded
from zhiben_training.errors import AssessmentError

__all__ = ["item_scores", "totals", "import_results"]


def item_scores(course_root: Path, assignment: str) -> pd.DataFrame:
    """One row per trainee and graded item (``item_id`` = grade id without the suffix)."""
    frame = pd.DataFrame(nbg.gradebook_scores(course_root, assignment))
    if frame.empty:
        return frame
    frame["item_id"] = frame["grade_id"].str.replace(r"-(test|answer)$", "", regex=True)
    return frame.sort_values(["student_id", "item_id"]).reset_index(drop=True)


def totals(course_root: Path, assignment: str, *, pass_mark: float | None = None) -> pd.DataFrame:
    """Per trainee: score (manual overrides win), max, items awaiting manual grading, UTC timestamp."""
    items = item_scores(course_root, assignment)
    if items.empty:
        raise AssessmentError(f"考核 {assignment} 还没有评分结果。", hint="先运行 zhiben assess autograde。")
    grouped = items.groupby("student_id", sort=True)
    out = pd.DataFrame({
        "student_id": grouped.size().index,
        "student_name": grouped["student_name"].first().values,
        "score": grouped["score"].sum().round(2).values,
        "max_score": grouped["max_score"].sum().round(2).values,
        "needs_manual_grade": grouped["needs_manual_grade"].sum().astype(int).values,
        "timestamp": grouped["timestamp"].first().values,
    })
    out["assignment_id"] = assignment
    out["paper"] = assignment.rsplit("-", 1)[-1]
    out["passed"] = None if pass_mark is None else out["score"] >= pass_mark
    return out


def import_results(course_root: Path, assignment: str, registry, *, round_id: str, actor: str,
                   reason: str, pass_mark: float) -> dict:
    """Write totals into the registry (audited). Trainees still awaiting manual grading are
    skipped and reported, so an unfinished written answer never becomes a final result. An
    assignment with any submission 未评分 or not graded as it stands is refused whole."""
    require_fully_graded(course_root, assignment)
    frame = totals(course_root, assignment, pass_mark=pass_mark)
    ready = frame[frame["needs_manual_grade"] == 0]
    rows = [{
        "person_id": r.student_id, "paper": r.paper, "score": float(r.score), "max_score": float(r.max_score),
        "passed": bool(r.passed), "taken_date": (pd.Timestamp(r.timestamp).date() if pd.notna(r.timestamp)
                                                 else dt.date.today()),
    } for r in ready.itertuples()]
    counts = registry.record_assessment_results(round_id=round_id, rows=rows, actor=actor, reason=reason) if rows else {}
    return {"imported": len(rows), "waiting_manual": sorted(frame.loc[frame["needs_manual_grade"] > 0, "student_id"]),
            "registry": counts}
