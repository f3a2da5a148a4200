"""Excel-friendly CSV of a round's results: UTF-8 with BOM (Excel otherwise shows mojibake for
Chinese) and submission times in Asia/Shanghai (nbgrader stores naive UTC). 是否合格 compares the
total with the round's pass mark (a percentage of the maximum, as the registry does)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from zhiben_training.assess.grading import UNGRADED_LABEL, grading_status
from zhiben_training.assess.results.gradebook import SHANGHAI, item_scores, totals

__all__ = ["export_csv", "SHANGHAI"]


def _local(value) -> str:
    if value is None or pd.isna(value):
        return ""
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return stamp.tz_convert(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def _verdict(passed, waiting: int) -> str:
    """合格 / 不合格; a trainee below the mark with items still to mark manually is 待人工评分
    (manual marks only add points, so one already at the mark has passed)."""
    if passed is None:
        return ""
    if passed:
        return "合格"
    return "待人工评分" if waiting else "不合格"


def export_csv(course_root: Path, assignment: str, out: Path, *, pass_mark: float | None = None) -> Path:
    """One row per trainee with total and per-item scores; Chinese headers; returns the path.
    Each row says whether its score belongs to the file now collected and at which isolation
    level it was graded (a score graded without a sandbox is marked so).

    ``pass_mark`` is a percentage of the maximum (the round's); without it 是否合格 stays empty."""
    frame = totals(course_root, assignment, pass_mark=pass_mark)
    status = grading_status(course_root, assignment)
    labels = {"graded": "已评分", "ungraded": UNGRADED_LABEL, "pending": "答卷已更新，待重新评分"}
    items = item_scores(course_root, assignment)
    wide = items.pivot_table(index="student_id", columns="item_id", values="score", aggfunc="sum")
    table = pd.DataFrame({
        "考生编号": frame["student_id"], "姓名": frame["student_name"], "考核": frame["assignment_id"],
        "得分": frame["score"], "满分": frame["max_score"],
        "待人工评分题数": frame["needs_manual_grade"],
        "是否合格": [_verdict(p, n)
                 for p, n in zip(frame["passed"], frame["needs_manual_grade"], strict=True)],
        "提交时间（北京时间）": [_local(t) for t in frame["timestamp"]],
        "评分状态": [labels[status[s]["status"]] if s in status else "" for s in frame["student_id"]],
        "隔离级别": [status.get(s, {}).get("isolation", "") for s in frame["student_id"]],
    })
    for item in wide.columns:
        table[f"第{item}题"] = wide.loc[frame["student_id"], item].values
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return out
