"""A trainee's answer sheet (作答明细) for the examiner: per item what the trainee chose, in words,
the score and the key — what an appeal is checked against.

formgrader shows a click item as its answer cell (``_zb_answer("k01")``) and a score, never the
option the trainee clicked. The sheet reads the same records as the feedback page (the capture
cells of the autograded notebook, the trainee's own key in ``keys/``, the gradebook with manual
overrides), and, unlike the trainee's feedback, always shows the key: it is for examiners only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from zhiben_training.assess.exchange import load_keys
from zhiben_training.assess.grading import captured_answer
from zhiben_training.assess.layout import CourseRoot, answer_cell_id, test_cell_id
from zhiben_training.assess.results.feedback import _answer_text, _key_text, _verdict
from zhiben_training.assess.results.gradebook import item_scores
from zhiben_training.errors import AssessmentError

__all__ = ["AnswerSheet", "SheetItem", "answer_sheet", "KIND_LABELS"]

KIND_LABELS = {"single": "单选题", "multiple": "多选题", "truefalse": "判断题", "hazard_ids": "隐患条款题",
               "classify_works": "危大工程分级题", "ledger": "台账分析题", "written": "简答题"}


@dataclass(frozen=True)
class SheetItem:
    item_id: str
    kind: str  # Chinese, e.g. 单选题
    prompt_md: str
    answer: str  # what the trainee chose, in words (the option's text), or their own text
    key: str  # the correct answer in words ("" for a written answer: graded by hand)
    score: float | None
    max_score: float
    verdict: str  # 正确 / 部分正确 / 错误 / 待人工评分
    comment: str  # the grader's comment (automatic or manual), shown in full
    manual: bool  # the score was set or changed by an examiner


@dataclass
class AnswerSheet:
    assignment_id: str
    trainee_id: str
    name: str
    paper: str
    score: float
    max_score: float
    items: list[SheetItem] = field(default_factory=list)


def _comment_text(comment) -> str:
    text = str(comment or "")
    # nbgrader's own comment on an untouched cell
    return "未作答。" if text.strip() == "No response." else text


def answer_sheet(course_root: Path, assignment: str, trainee_id: str) -> AnswerSheet:
    """The answer sheet of one graded trainee, items in paper order."""
    rows = item_scores(course_root, assignment)
    mine = rows[rows["student_id"] == trainee_id] if not rows.empty else rows
    if mine.empty:
        raise AssessmentError(f"考生 {trainee_id} 在 {assignment} 没有评分结果。",
                              hint="检查考生编号；先运行 zhiben assess collect 和 autograde。")
    record = load_keys(course_root, assignment, trainee_id)
    graded = nbformat.read(CourseRoot(course_root).autograded_notebook(assignment, trainee_id), as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in graded.cells}
    by_item = {r["item_id"]: r for r in mine.to_dict("records")}
    sheet = AnswerSheet(assignment, trainee_id, str(mine.iloc[0]["student_name"] or ""), record["paper"],
                        float(mine["score"].fillna(0).sum()), float(mine["max_score"].sum()))
    for item in record["items"]:
        row = by_item.get(item["item_id"])
        if row is None:
            continue
        test = cells.get(test_cell_id(item["item_id"]))
        answered, value, _ = (captured_answer(test.get("outputs", [])) if test is not None
                              else (False, None, ""))
        answer_cell = cells.get(answer_cell_id(item["item_id"]))
        source = str(answer_cell.source) if answer_cell is not None else ""
        manual = row["manual_score"] is not None and row["manual_score"] == row["manual_score"]  # not NaN
        score = None if row["score"] is None or row["score"] != row["score"] else float(row["score"])
        sheet.items.append(SheetItem(
            item["item_id"], KIND_LABELS.get(item["kind"], item["kind"]), item["prompt_md"],
            _answer_text(item, answered, value, source), _key_text(item) if item["kind"] != "written" else "",
            score, float(row["max_score"]),
            _verdict(score, row["max_score"], bool(row["needs_manual_grade"]))[0],
            _comment_text(row.get("comment")), manual))
    return sheet
