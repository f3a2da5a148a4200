"""Per-item responses of a graded assignment, the input of item analysis.

Everything comes from the examiner's side of a course root: the answer each capture cell recorded
in the autograded notebook, the trainee's own key and bank question ids in ``keys/`` and the score
in nbgrader's gradebook (manual overrides win). Choice answers are also mapped back to the bank's
own option letters (``answer_original``, ``key_original``), because options are shuffled per
trainee; true/false items are never shuffled, so their original answer is the answer itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd

from zhiben_training.assess.exchange import load_keys
from zhiben_training.assess.grading import captured_answer
from zhiben_training.assess.layout import CourseRoot, item_of, test_cell_id
from zhiben_training.assess.papers import PaperItem, bank_letters
from zhiben_training.assess.results import gradebook

__all__ = ["responses_frame"]

_COLUMNS = ["trainee_id", "paper", "item_id", "source_question_id", "kind", "answer", "answer_original",
            "key", "key_original", "points", "max_points"]


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(sorted(value))
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _original(item: PaperItem, value: object) -> str:
    """An answer or key in the bank's own terms, for distractor counts ("" when not a choice item)."""
    if item.kind == "truefalse":
        return _as_text(value)
    return bank_letters(item, value) or ""


def _captured(course_root: Path, assignment: str, trainee: str) -> dict[str, object]:
    """item id -> captured answer value (None when unanswered or not graded)."""
    path = CourseRoot(course_root).autograded_notebook(assignment, trainee)
    if not path.exists():
        return {}
    nb = nbformat.read(path, as_version=4)
    out: dict[str, object] = {}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if gid == test_cell_id(item_of(gid)) and cell.cell_type == "code":  # a capture cell
            answered, value, _ = captured_answer(cell.get("outputs", []))
            out[item_of(gid)] = value if answered else None
    return out


def responses_frame(course_root: Path, assignment: str) -> pd.DataFrame:
    """One row per trainee and item with answer, key and score, for ``analysis.item_analysis``."""
    course_root = Path(course_root)
    scores = gradebook.item_scores(course_root, assignment)
    if scores.empty:
        return pd.DataFrame(columns=_COLUMNS)
    earned = {(r.student_id, r.item_id): r.score for r in scores.itertuples()}
    rows = []
    for trainee in sorted(scores["student_id"].unique()):
        record = load_keys(course_root, assignment, trainee)
        answers = _captured(course_root, assignment, trainee)
        for data in record["items"]:
            item = PaperItem(**{k: data[k] for k in PaperItem.__dataclass_fields__})
            if item.kind == "written":
                continue
            answer = answers.get(item.item_id)
            score = earned.get((trainee, item.item_id))
            rows.append({
                "trainee_id": trainee, "paper": record["paper"], "item_id": item.item_id,
                "source_question_id": item.source_question_id or "", "kind": item.kind,
                "answer": _as_text(answer), "answer_original": _original(item, answer),
                "key": _as_text(item.key), "key_original": _original(item, item.key),
                "points": float(score or 0.0), "max_points": float(item.points),
            })
    return pd.DataFrame(rows, columns=_COLUMNS)
