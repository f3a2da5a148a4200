"""Per-trainee feedback HTML a trainee can read, generated from the gradebook by us, not by nbgrader.

nbgrader's ``generate_feedback`` renders the autograded notebook, hidden tests included. Ours shows
a header (paper, name, masked ID number, date of the paper, total, 合格 / 不合格 against the round's
pass mark) and per item the prompt rendered from Markdown, the trainee's own answer (the chosen
option's text for click items), the score, 正确 / 部分正确 / 错误 / 待人工评分 and, for a correct
answer, the legal basis (on a wrong one the citation could name the answer, e.g. "列于哪一条").
The correct answer and the grader's explanation of it (``应为 …``) appear only when the examiner
asks for them (``show_answers``); a human grader's comment on a written answer is always shown.
No key file, capture code or hidden test. The bundled CJK font is embedded (subset, as in the
quarterly report), so the page looks the same on any computer. Cutting that subset is nearly all of a
page's cost (about 2 s for the ~800 characters of a page), so ``write_feedback`` cuts one subset for the
characters of all the pages it writes and embeds it in each: the pages read the same, a page's font
holds the batch's characters (about 1.5× the bytes of a page's own subset for 20 trainees).
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import mistune
import nbformat

from zhiben_training.assess.exchange import load_keys
from zhiben_training.assess.grading import captured_answer
from zhiben_training.assess.layout import CourseRoot, answer_cell_id, test_cell_id
from zhiben_training.assess.papers import paper_title
from zhiben_training.assess.results.gradebook import _beijing_date, totals
from zhiben_training.errors import AssessmentError
from zhiben_training.identifiers import is_valid_id, mask_id
from zhiben_training.registry import passes

__all__ = ["write_feedback", "feedback_html"]

_STYLE = ("body{{font-family:'{font}',sans-serif;max-width:880px;margin:2em auto;"
          "padding:0 1em;line-height:1.7;"
          "color:#1f2328}}h1{{font-size:1.5em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;"
          "padding:.2em .6em}}.head td{{border:none;padding:.1em 1em .1em 0}}"
          ".item{{border:1px solid #d0d7de;border-radius:6px;padding:.4em 1.2em;margin:1.2em 0}}"
          ".item h2{{font-size:1.1em;margin:.4em 0}}.prompt h3{{display:none}}"
          "pre{{background:#f6f8fa;padding:.5em;white-space:pre-wrap;font-family:inherit}}"
          ".ok{{color:#1a7f37}}.bad{{color:#b42318}}.wait{{color:#9a6700}}.total{{font-size:1.2em}}"
          ".answer{{background:#f6f8fa;padding:.3em .8em;border-left:3px solid #8c959f}}")
_MARKDOWN = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
_REVEALS = ("应为", "正确答案", "漏选", "漏判", "多选", "多填")


def _verdict(score, max_score, needs_manual) -> tuple[str, str]:
    if needs_manual or score is None:
        return "待人工评分", "wait"
    if score >= max_score:
        return "正确", "ok"
    return ("部分正确", "bad") if score > 0 else ("错误", "bad")


def _answer_text(item: dict, answered: bool, value, source: str) -> str:
    """What the trainee answered, in words: the chosen option's text, or their own text / code."""
    import re

    if item["kind"] == "written":
        return "（未作答）" if source.strip() in ("", "请在此作答。") else source.strip()
    if not answered:
        return "（未作答）"
    if item["kind"] in ("single", "multiple"):
        options = dict(re.findall(r"^- ([A-E])\. (.*)$", item["prompt_md"], flags=re.M))
        letters = list(value or []) if item["kind"] == "multiple" else [value]  # a key may be "BCD" or a list
        return "\n".join(f"{c}. {options.get(c, '')}" for c in letters)
    if item["kind"] == "truefalse":
        return "正确" if value else "错误"
    if item["kind"] == "hazard_ids" and isinstance(value, list):
        from zhiben_training.assess.papers import NO_HAZARD, hazard_choices

        choices = hazard_choices()
        labels = dict(zip(choices["values"], choices["labels"], strict=True))
        return "\n".join(labels.get(str(v), str(v)) for v in value) or NO_HAZARD
    if item["kind"] == "classify_works" and isinstance(value, dict):
        return "\n".join(f"{w}：{v.get('level', '')}；{v.get('requirement', '')}" for w, v in value.items())
    if item["kind"] == "ledger_read" and isinstance(value, dict):
        count = value.get("overdue_major")
        return (f"逾期未销号的重大事故隐患：{'（未选择）' if count is None else f'{count} 条'}；"
                f"销号率最低的发现渠道：{value.get('lowest_channel') or '（未选择）'}")
    return source.strip()


def _key_text(item: dict) -> str:
    key = item["key"]
    if item["kind"] in ("single", "multiple"):
        return _answer_text(item, True, key, "")
    if item["kind"] == "truefalse":
        return "正确" if key else "错误"
    if item["kind"] == "classify_works":
        return "\n".join(f"{w}：{v['level']}" for w, v in key.items())
    if item["kind"] == "hazard_ids":
        return "、".join(key) or "（无重大事故隐患）"
    if item["kind"] == "ledger":
        rates = "；".join(f"{c} {r:g}%" for c, r in key["closure_rate_by_channel"].items())
        return f"逾期未整改的重大事故隐患 {key['overdue_major']} 条；销号率：{rates}"
    if item["kind"] == "ledger_read":
        return (f"逾期未销号的重大事故隐患 {key['overdue_major']} 条；销号率最低的发现渠道："
                + "或".join(key["lowest_channels"]))
    return ""


def _comment(row, item: dict, show_answers: bool) -> str:
    comment = str(row.get("comment") or "")
    if comment.strip() == "No response.":  # nbgrader's own comment on an untouched answer cell
        return "未作答。"
    if item["kind"] == "written" or show_answers:
        return comment
    if comment.startswith(("未作答", "本题记 0 分")):
        return comment
    return "" if any(word in comment for word in _REVEALS) else comment


def _item_html(row, item: dict, answer: tuple, source: str, show_answers: bool, number: int) -> str:
    verdict, css = _verdict(row["score"], row["max_score"], row["needs_manual_grade"])
    score = "—" if row["score"] is None else f"{row['score']:g}"
    prompt = _MARKDOWN(item["prompt_md"])
    parts = [f"<div class='item'><h2>第 {number} 题　{score} / {row['max_score']:g} 分　"
             f"<span class='{css}'>{verdict}</span></h2><div class='prompt'>{prompt}</div>",
             f"<p><b>你的答案</b></p><pre class='answer'>"
             f"{html.escape(_answer_text(item, *answer[:2], source))}</pre>"]
    if show_answers and item["kind"] != "written":
        parts.append(f"<p><b>正确答案</b></p><pre class='answer'>{html.escape(_key_text(item))}</pre>")
    comment = _comment(row, item, show_answers)
    if comment:
        parts.append(f"<p><b>评语</b>：{html.escape(comment)}</p>")
    if item.get("citation") and (show_answers or css == "ok"):  # a citation can name the answer itself
        parts.append(f"<p><b>依据</b>：{html.escape(item['citation'])}</p>")
    parts.append("</div>")
    return "".join(parts)


def _header(record: dict, trainee_id: str, person: dict, pass_mark: float | None, today: dt.date) -> str:
    title = paper_title(type("P", (), {"round_id": record["round_id"], "paper": record["paper"]}))
    who = (f"身份证号：{mask_id(trainee_id)}" if is_valid_id(trainee_id) else f"考生编号：{trainee_id}")
    score, top = float(person["score"]), float(person["max_score"])
    if person["needs_manual_grade"]:
        result, css = f"尚有 {int(person['needs_manual_grade'])} 题待人工评分，结论待定", "wait"
    elif pass_mark is None:
        result, css = "未设置合格分数线", "wait"
    else:
        result, css = ("合格", "ok") if passes(score, top, pass_mark) else ("不合格", "bad")
    mark = "" if pass_mark is None else f"（合格分数线：{pass_mark:g} 分，百分制）"
    taken = _beijing_date(person.get("timestamp"))
    rows = [("试卷", f"{record['paper']} 卷（{record['assignment_id']}）"),
            ("姓名", person.get("student_name") or "—"),
            *[tuple(who.split("：", 1))], ("考核日期", str(taken) if taken else "—"),
            ("生成日期", str(today))]
    cells = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in rows)
    return (f"<h1>{html.escape(title)} 成绩反馈</h1><table class='head'>{cells}</table>"
            f"<p class='total'>总分：<b>{score:g} / {top:g}</b>　"
            f"<span class='{css}'><b>{html.escape(result)}</b></span>"
            f"{html.escape(mark)}</p>")


def feedback_html(course_root: Path, assignment: str, trainee_id: str, rows, *, person: dict,
                  pass_mark: float | None = None, show_answers: bool = False,
                  today: dt.date | None = None) -> str:
    """One trainee's page, with a font subset of its own characters. ``today`` is the generation date
    shown (the clock when omitted), so the same results give the same page."""
    from zhiben_training.fonts import font_face_css

    title, text = _page_text(course_root, assignment, trainee_id, rows, person=person, pass_mark=pass_mark,
                             show_answers=show_answers, today=today)
    return _page(title, text, font_face_css(text + title))


def _page_text(course_root: Path, assignment: str, trainee_id: str, rows, *, person: dict,
               pass_mark: float | None, show_answers: bool, today: dt.date | None) -> tuple[str, str]:
    """(title, body HTML) of one trainee's page."""
    record = load_keys(course_root, assignment, trainee_id)
    graded = nbformat.read(CourseRoot(course_root).autograded_notebook(assignment, trainee_id), as_version=4)
    cells = {c.metadata["nbgrader"]["grade_id"]: c for c in graded.cells}
    items = {i["item_id"]: i for i in record["items"]}
    numbers = {item_id: n for n, item_id in enumerate(items, start=1)}  # as numbered on the paper
    body = [_header(record, trainee_id, person, pass_mark, today or dt.date.today())]
    for row in rows:
        item = items[row["item_id"]]
        test = cells.get(test_cell_id(item["item_id"]))
        answer = captured_answer(test.get("outputs", [])) if test is not None else (False, None, "")
        answer_cell = cells.get(answer_cell_id(item["item_id"]))
        source = str(answer_cell.source) if answer_cell is not None else ""
        body.append(_item_html(row, item, answer, source, show_answers, numbers[item["item_id"]]))
    note = ("本反馈列出正确答案。" if show_answers
            else "本反馈不列出正确答案；如有疑问，请向考核人员申请复核。")
    body.append(f"<p class='wait'>{note}</p>")
    title = (f"{paper_title(type('P', (), {'round_id': record['round_id'], 'paper': record['paper']}))}"
             " 成绩反馈")
    return title, "".join(body)


def _page(title: str, text: str, font_css: str) -> str:
    from zhiben_training.fonts import CJK_FONT_NAME

    return (f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title>"
            f"<style>{font_css}{_STYLE.format(font=CJK_FONT_NAME)}</style></head>"
            f"<body>{text}</body></html>")


def write_feedback(course_root: Path, assignment: str, *, students: list[str] | None = None,
                   pass_mark: float | None = None, show_answers: bool = False,
                   today: dt.date | None = None) -> list[Path]:
    """``CourseRoot.feedback_page`` for every graded trainee (or ``students``), all
    with one font subset: the characters of every page written (see the module docstring)."""
    from zhiben_training.assess.results.gradebook import item_scores
    from zhiben_training.fonts import font_face_css

    items = item_scores(course_root, assignment)
    if items.empty:
        raise AssessmentError(f"考核 {assignment} 还没有评分结果，无法生成反馈。")
    people = totals(course_root, assignment).set_index("student_id")
    pages = {}
    for student, group in items.groupby("student_id", sort=True):
        if students is not None and student not in students:
            continue
        person = {**people.loc[student].to_dict(), "student_id": student}
        pages[student] = _page_text(course_root, assignment, student, group.to_dict("records"), person=person,
                                    pass_mark=pass_mark, show_answers=show_answers, today=today)
    font_css = font_face_css("".join(text + title for title, text in pages.values())) if pages else ""
    written = []
    for student, (title, text) in pages.items():
        out = CourseRoot(course_root).feedback_page(assignment, student)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(_page(title, text, font_css), encoding="utf-8")
        written.append(out)
    return written
