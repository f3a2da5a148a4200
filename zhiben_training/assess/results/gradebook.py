"""Results of a round from nbgrader's gradebook, and their import into the registry.

The gradebook is the record of each item (auto score, any manual override by an examiner in
formgrader or ``zhiben assess grade``, comments). Totals are read from it; ``import_results``
writes them to the registry through ``Registry.record_assessment_results``, which audits every new
or changed result with the actor and a reason that says what changed (which items an examiner
marked or changed, from what to what), so hand changes made in formgrader reach the audit log.

The pass mark is the round's (``rounds.pass_mark`` in the registry: a percentage of the paper's
maximum, configurable, not law — see docs/configuration.md), applied by the registry's one pass rule
(``registry.passes``). The registry also owns the diff: it says which results are new, changed or
unchanged, and keeps the item scores last imported with the results, in the same transaction, so a
later import names the items changed since.
The round an assignment belongs to and its paper are the ones its manifest records
(``exchange.assignment_info``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pandas as pd

from zhiben_training.assess import nbgrader_adapter as nbg
from zhiben_training.assess.exchange import assignment_info
from zhiben_training.assess.grading import dropped_manual_grades, require_fully_graded
from zhiben_training.assess.layout import answer_cell_id, item_of, test_cell_id
from zhiben_training.errors import AssessmentError, NotFoundError
from zhiben_training.registry import passes

if TYPE_CHECKING:
    from zhiben_training.registry import Registry

__all__ = ["item_scores", "totals", "import_results", "assignment_round", "round_pass_mark", "grade_item",
           "ImportedResults", "ImportedTrainee"]

SHANGHAI = ZoneInfo("Asia/Shanghai")


def item_scores(course_root: Path, assignment: str) -> pd.DataFrame:
    """One row per trainee and graded item (``item_id`` = grade id without the suffix)."""
    frame = pd.DataFrame(nbg.gradebook_scores(course_root, assignment))
    if frame.empty:
        return frame
    frame["item_id"] = frame["grade_id"].map(item_of)
    return frame.sort_values(["student_id", "item_id"]).reset_index(drop=True)


def grade_item(course_root: Path, assignment: str, trainee: str, item: str, *, score: float,
               comment: str | None = None) -> dict:
    """An examiner's score for one item of one trainee (a written answer, or a review on appeal).

    ``item`` is the item id (w01, k03): a written answer's grade sits on its answer cell, an
    auto-graded item's on its test cell; a full grade id is taken as given. Returns the change
    (old, new, max_score) for the examiner and the audit trail."""
    graded = {row["grade_id"] for row in nbg.gradebook_scores(course_root, assignment)
              if row["student_id"] == trainee}
    grade_id = next((g for g in (answer_cell_id(item), test_cell_id(item), item) if g in graded), None)
    if grade_id is None:
        raise AssessmentError(f"成绩册中没有考生 {trainee} 在 {assignment} 的第 {item} 题。",
                              hint="先运行 zhiben assess autograde；题号形如 w01、k03、t01。")
    return nbg.set_manual_grade(course_root, assignment_id=assignment, student_id=trainee, grade_id=grade_id,
                                score=score, comment=comment)


def totals(course_root: Path, assignment: str, *, pass_mark: float | None = None) -> pd.DataFrame:
    """Per trainee: score (manual overrides win), max, items awaiting manual grading, UTC timestamp;
    ``passed`` against ``pass_mark`` (percent of the maximum), None when no pass mark is given."""
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
    out["paper"] = assignment_info(course_root, assignment).paper
    out["passed"] = None if pass_mark is None else passes(out["score"], out["max_score"], pass_mark)
    return out


def assignment_round(course_root: Path, assignment: str) -> str:
    """The training round an assignment was generated for, as its manifest records it."""
    return assignment_info(course_root, assignment).round_id


def round_pass_mark(registry: Registry, round_id: str) -> float:
    """The round's pass mark (percent) as stored in the registry."""
    rounds = registry.rounds()
    match = rounds[rounds["round_id"] == round_id]
    if match.empty:
        known = "、".join(rounds["round_id"]) or "（无）"
        raise NotFoundError(f"登记库中没有培训轮次 {round_id}。",
                            hint=f"已有轮次：{known}；检查 ZHIBEN_DB_URL 或 --db。")
    mark = match.iloc[0]["pass_mark"]
    if mark is None or pd.isna(mark):
        raise NotFoundError(f"培训轮次 {round_id} 没有设置合格分数线。",
                            hint="用 --pass-mark 指定（百分制）。")
    return float(mark)


def _beijing_date(stamp) -> dt.date | None:
    """nbgrader stores naive UTC; the exam day is the day in Beijing."""
    if stamp is None or pd.isna(stamp):
        return None
    stamp = pd.Timestamp(stamp)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return stamp.tz_convert(SHANGHAI).date()


def _item_changes(items: pd.DataFrame, before: dict[str, float]) -> list[str]:
    """What an examiner did to one trainee's items, in Chinese, e.g. "k03 由 2 改为 0"."""
    out = []
    for row in items.itertuples():
        score, auto, manual = float(row.score or 0.0), row.auto_score, row.manual_score
        old = before.get(row.item_id)
        if old is not None:
            if abs(old - score) > 1e-9:
                kind = "人工改分" if manual is not None and not pd.isna(manual) else "重新自动评分"
                out.append(f"{row.item_id} {kind} 由 {old:g} 改为 {score:g}")
        elif manual is not None and not pd.isna(manual):
            if auto is not None and not pd.isna(auto) and abs(float(auto) - score) > 1e-9:
                out.append(f"{row.item_id} 人工改分 由 {float(auto):g}（自动评分）改为 {score:g}")
            else:
                out.append(f"{row.item_id} 人工评分 {score:g} 分（满分 {float(row.max_score):g}）")
    return out


@dataclass(frozen=True)
class ImportedTrainee:
    """One trainee's result as imported: score, maximum and pass, what the registry held before
    (``old_*``, None for a new result) and what an examiner did to the items, in Chinese."""

    person_id: str
    name: str
    score: float
    max_score: float
    passed: bool
    items: tuple[str, ...] = ()
    old_score: float | None = None
    old_max_score: float | None = None
    old_passed: bool | None = None


@dataclass(frozen=True)
class ImportedResults:
    """What ``import_results`` did: ``new``, ``changed`` and ``unchanged`` results as the registry said,
    trainees ``waiting_manual`` (not imported), the ``pass_mark`` used and the registry's row ``counts``."""

    pass_mark: float
    new: tuple[ImportedTrainee, ...]
    changed: tuple[ImportedTrainee, ...]
    unchanged: tuple[ImportedTrainee, ...]
    waiting_manual: tuple[str, ...]
    counts: dict[str, int]

    @property
    def imported(self) -> int:
        """Results handed to the registry (new, changed and unchanged)."""
        return len(self.new) + len(self.changed) + len(self.unchanged)


def import_results(course_root: Path, assignment: str, registry: Registry, *, round_id: str, actor: str,
                   reason: str = "考核成绩导入", pass_mark: float | None = None) -> ImportedResults:
    """Write totals and item scores into the registry (audited, one transaction) and say what changed.

    ``pass_mark`` is a percentage of the paper's maximum; None takes the round's from the registry.
    Trainees still awaiting manual grading are skipped and reported, so an unfinished written answer
    never becomes a final result. An assignment with any submission 未评分（评分系统故障） or not
    graded as it now stands is refused whole, before anything is written. The registry says which
    results are new, changed (with the old score and pass) or unchanged."""
    made_for = assignment_round(course_root, assignment)
    if made_for != round_id:
        raise AssessmentError(f"考核 {assignment} 是为轮次 {made_for} 生成的，不能导入轮次 {round_id}。")
    if pass_mark is None:
        pass_mark = round_pass_mark(registry, round_id)
    require_fully_graded(course_root, assignment)
    frame = totals(course_root, assignment, pass_mark=pass_mark)
    ready = frame[frame["needs_manual_grade"] == 0]
    items = item_scores(course_root, assignment)
    paper = assignment.rsplit("-", 1)[-1]
    before = registry.recorded_item_scores(round_id=round_id, paper=paper)
    voided = dropped_manual_grades(course_root, assignment)  # a new file voided an examiner's marks
    rows, details, names = [], {}, {}
    for r in ready.itertuples():
        mine = items[items["student_id"] == r.student_id]
        detail = ([voided[r.student_id]] if r.student_id in voided else []) + _item_changes(
            mine, before.get(r.student_id, {}))
        key = str(r.student_id).strip().upper()  # the registry's spelling of an ID number
        details[key], names[key] = tuple(detail), str(r.student_name)
        rows.append({"person_id": r.student_id, "paper": r.paper, "score": float(r.score),
                     "max_score": float(r.max_score), "passed": bool(r.passed),
                     "taken_date": _beijing_date(r.timestamp) or dt.date.today(),
                     "items": {g.item_id: float(g.score or 0.0) for g in mine.itertuples()},
                     "reason": f"{reason}；{'；'.join(detail)}" if detail else reason})
    recorded = registry.record_assessment_results(round_id=round_id, rows=rows, actor=actor, reason=reason) \
        if rows else None

    def trainees(outcomes) -> tuple[ImportedTrainee, ...]:
        return tuple(ImportedTrainee(person_id=o.person_id, name=names.get(o.person_id, ""), score=o.score,
                                     max_score=o.max_score, passed=o.passed,
                                     items=details.get(o.person_id, ()), old_score=o.old_score,
                                     old_max_score=o.old_max_score, old_passed=o.old_passed)
                     for o in outcomes)

    return ImportedResults(
        pass_mark=float(pass_mark),
        new=trainees(recorded.new if recorded else ()),
        changed=trainees(recorded.changed if recorded else ()),
        unchanged=trainees(recorded.unchanged if recorded else ()),
        waiting_manual=tuple(sorted(frame.loc[frame["needs_manual_grade"] > 0, "student_id"])),
        counts=dict(recorded.counts) if recorded else {},
    )
