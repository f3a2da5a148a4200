"""Per-trainee feedback HTML, generated from the gradebook by us instead of nbgrader.

nbgrader's ``generate_feedback`` renders the autograded notebook, hidden tests included. Ours
shows, per item, only the prompt, the trainee's own answer, the score, correct / partly correct /
wrong / awaiting manual grading, and the examiner's or grader's comment: no key file, no capture
code, no hidden test.
"""

from __future__ import annotations

import html
from pathlib import Path

import nbformat

from zhiben_training.assess.notebooks import NOTEBOOK_NAME, paper_title
from zhiben_training.assess.release import load_keys
from zhiben_training.assess.results import item_scores
from zhiben_training.errors import AssessmentError

__all__ = ["write_feedback", "feedback_html"]

_STYLE = ("body{font-family:'Noto Sans CJK SC',sans-serif;max-width:860px;margin:2em auto;line-height:1.6}"
          ".item{border:1px solid #ccc;border-radius:6px;padding:.6em 1em;margin:1em 0}"
          "pre{background:#f6f6f6;padding:.5em;white-space:pre-wrap}.ok{color:#1a7f37}.bad{color:#b42318}")


def _verdict(score, max_score, needs_manual) -> tuple[str, str]:
    if needs_manual or score is None:
        return "待人工评分", ""
    if score >= max_score:
        return "正确", "ok"
    return ("部分正确", "bad") if score > 0 else ("错误", "bad")


def feedback_html(course_root: Path, assignment: str, trainee_id: str, rows) -> str:
    record = load_keys(course_root, assignment, trainee_id)
    graded = nbformat.read(Path(course_root) / "autograded" / trainee_id / assignment / f"{NOTEBOOK_NAME}.ipynb",
                           as_version=4)
    sources = {c.metadata["nbgrader"]["grade_id"]: c.source for c in graded.cells}
    title = paper_title(type("P", (), {"round_id": record["round_id"], "paper": record["paper"]}))
    total = sum(r["score"] or 0 for r in rows)
    top = sum(r["max_score"] for r in rows)
    parts = [f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{html.escape(title)} 成绩反馈</title>"
             f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
             f"<p>考生编号：{html.escape(trainee_id)}　总分：{total:g} / {top:g}</p>"]
    for row in rows:
        item_id = row["item_id"]
        verdict, css = _verdict(row["score"], row["max_score"], row["needs_manual_grade"])
        score = "—" if row["score"] is None else f"{row['score']:g}"
        parts.append(
            f"<div class='item'><h2>第 {html.escape(item_id)} 题　{score} / {row['max_score']:g} 分　"
            f"<span class='{css}'>{verdict}</span></h2>"
            f"<pre>{html.escape(sources.get(f'{item_id}-prompt', ''))}</pre>"
            f"<p>你的答案：</p><pre>{html.escape(sources.get(f'{item_id}-answer', ''))}</pre>"
            f"<p>评语：{html.escape(row['comment'] or '')}</p></div>")
    parts.append("</body></html>")
    return "".join(parts)


def write_feedback(course_root: Path, assignment: str, *, students: list[str] | None = None) -> list[Path]:
    """``feedback/<trainee>/<assignment>/paper.html`` for every graded trainee."""
    items = item_scores(course_root, assignment)
    if items.empty:
        raise AssessmentError(f"考核 {assignment} 还没有评分结果，无法生成反馈。")
    written = []
    for student, group in items.groupby("student_id", sort=True):
        if students is not None and student not in students:
            continue
        text = feedback_html(course_root, assignment, student, group.to_dict("records"))
        out = Path(course_root) / "feedback" / student / assignment / f"{NOTEBOOK_NAME}.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        written.append(out)
    return written
