"""``zhiben assess answer-sheet``: one trainee's 作答明细 (chosen option text, score, key) for the
examiner, as text or an HTML page (added to the group by ``cli/assess.py``)."""

from __future__ import annotations

import html
from pathlib import Path

import click

_COURSE = click.option("--course", "course", type=click.Path(path_type=Path), default=Path("assessments"),
                       show_default=True, help="nbgrader 课程根目录。")


def _score(item) -> str:
    return f"{'—' if item.score is None else f'{item.score:g}'} / {item.max_score:g} 分"


def _indent(text: str) -> str:
    return text.replace("\n", "\n        ")


def render_text(sheet) -> str:
    lines = [f"作答明细（仅限考核人员）：{sheet.assignment_id}  {sheet.paper} 卷  "
             f"考生 {sheet.trainee_id} {sheet.name}",
             f"总分 {sheet.score:g} / {sheet.max_score:g}", ""]
    for item in sheet.items:
        lines.append(f"第 {item.item_id} 题（{item.kind}）  {_score(item)}  {item.verdict}"
                     + ("  [人工评分]" if item.manual else ""))
        lines.append(f"  作答：{_indent(item.answer)}")
        if item.key:
            lines.append(f"  答案：{_indent(item.key)}")
        if item.comment:
            lines.append(f"  评语：{_indent(item.comment)}")
    return "\n".join(lines)


def render_html(sheet) -> str:
    from zhiben_training.fonts import CJK_FONT_NAME, font_face_css

    def cell(text: str) -> str:
        return f"<td><pre>{html.escape(text)}</pre></td>"

    rows = "".join(
        f"<tr><td>{html.escape(i.item_id)}</td><td>{html.escape(i.kind)}</td>{cell(i.answer)}"
        f"<td>{html.escape(_score(i))}<br>{html.escape(i.verdict)}{'（人工评分）' if i.manual else ''}</td>"
        f"{cell(i.key)}{cell(i.comment)}</tr>" for i in sheet.items)
    title = f"作答明细 {sheet.assignment_id} {sheet.trainee_id} {sheet.name}"
    body = (f"<h1>{html.escape(title)}</h1><p>仅限考核人员（含正确答案）。{html.escape(sheet.paper)} 卷，"
            f"总分 {sheet.score:g} / {sheet.max_score:g}</p><table><tr><th>题号</th><th>题型</th>"
            "<th>考生作答（所选选项）</th>"
            f"<th>得分</th><th>正确答案</th><th>评语</th></tr>{rows}</table>")
    style = (f"body{{font-family:'{CJK_FONT_NAME}',sans-serif;margin:2em}}table{{border-collapse:collapse}}"
             "td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}"
             "pre{margin:0;white-space:pre-wrap;font-family:inherit}")
    return (f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title>"
            f"<style>{font_face_css(body)}{style}</style></head><body>{body}</body></html>")


@click.command("answer-sheet")
@_COURSE
@click.option("--assignment", "-a", required=True, help="考核编号，如 2026-principal-A。")
@click.option("--trainee", required=True, help="考生编号（身份证号）。")
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="另写出 HTML 页面（便于打印或附入申诉材料）。")
def answer_sheet_cmd(course, assignment, trainee, html_out) -> None:
    """考生作答明细（仅限考核人员）：逐题列出考生所选选项的文字、得分、正确答案和评语，供复核申诉。"""
    from zhiben_training.assess.results import answer_sheet

    sheet = answer_sheet(course, assignment, trainee)
    click.echo(render_text(sheet))
    if html_out is not None:
        html_out.parent.mkdir(parents=True, exist_ok=True)
        html_out.write_text(render_html(sheet), encoding="utf-8")
        click.echo(f"已写出 {html_out}")
