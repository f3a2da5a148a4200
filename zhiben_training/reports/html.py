"""A printable HTML summary of a periodic report: Chinese text, tables, charts as PNG data URIs.

One self-contained file (no external assets) that prints on A4 from any browser (``@media print``).
Charts are drawn with the bundled Noto Sans CJK font, and the page embeds a subset of the same font
(``fonts.font_face_css``), so it renders Chinese on a machine without CJK fonts. Printed pages carry the
title in the top margin and 第 n 页，共 N 页 in the bottom margin (CSS ``@page`` margin boxes); the page
ends with the signature block (``reports/filing.py``).
"""

from __future__ import annotations

import base64
import html
import math

import pandas as pd

from zhiben_training.fonts import CJK_FONT_NAME, font_face_css
from zhiben_training.reports.filing import Filing
from zhiben_training.reports.periodic import PeriodicReport
from zhiben_training.reports.periods import content

__all__ = ["render_html"]

_CSS = """
body { font-family: "FONT_NAME", "Source Han Sans SC", "Microsoft YaHei", "SimSun", sans-serif;
       margin: 2em auto; max-width: 60em; color: #111; line-height: 1.5; }
h1 { font-size: 1.5em; text-align: center; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; border-bottom: 2px solid #2F5597; padding-bottom: 0.2em; margin-top: 1.6em; }
.subtitle { text-align: center; color: #444; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #888; padding: 0.25em 0.5em; }
th { background: #D9E1F2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; background: #F2F2F2; }
table.summary th, table.filing th { width: 10em; text-align: left; }
.note, .basis { font-size: 0.85em; color: #444; }
.empty { font-weight: bold; color: #7F6000; }
blockquote { border-left: 4px solid #2F5597; margin: 0.5em 0; padding: 0.2em 0.8em; background: #F7F9FC; }
figure { margin: 0.8em 0; text-align: center; }
figure img { max-width: 100%; }
.signature { margin-top: 2.5em; display: grid; grid-template-columns: 1fr 1fr; gap: 1.6em 3em; }
.signature div { border-bottom: 1px solid #111; padding-bottom: 0.1em; }
.signature span { display: inline-block; min-width: 7em; }
@page { size: A4; margin: 16mm 14mm 18mm; font-family: "FONT_NAME", sans-serif;
        @top-center { content: "PAGE_TITLE"; font-size: 8pt; color: #555; }
        @bottom-left { content: "PAGE_LEFT"; font-size: 8pt; color: #555; }
        @bottom-right { content: "PAGE_RIGHT"; font-size: 8pt; color: #555; }
        @bottom-center { content: "第 " counter(page) " 页，共 " counter(pages) " 页"; font-size: 9pt; } }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; line-height: 1.35; }
  h2 { break-after: avoid; page-break-after: avoid; margin-top: 1em; }
  h2 + figure, h2 + table { break-before: avoid; }
  figure, tr, .signature, table.summary, table.filing, blockquote { \
break-inside: avoid; page-break-inside: avoid; }
  figure { margin: 0.3em 0; }
  figure img { max-height: 8.2cm; width: auto; }
  table { font-size: 9pt; margin: 0.3em 0; }
  th, td { padding: 0.1em 0.4em; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
""".replace("FONT_NAME", CJK_FONT_NAME)


def _cell(value: object) -> tuple[str, bool]:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—", True
    if isinstance(value, float):
        return f"{value:.1f}", True
    if isinstance(value, int):
        return str(value), True
    return html.escape(str(value)), False


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for value in record:
            text, numeric = _cell(value.item() if hasattr(value, "item") else value)
            cells.append(f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>")
        css = ' class="total"' if str(record[0]) == "合计" else ""
        rows.append(f"<tr{css}>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _filing_block(filing: Filing) -> str:
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in filing.items)
    return f'<table class="filing">{rows}</table>'


def _signature_block(filing: Filing) -> str:
    cells = "".join(f"<div><span>{html.escape(label)}：</span>{html.escape(value)}</div>"
                    for label, value in filing.signature)
    return f'<section class="signature" aria-label="签章">{cells}</section>'


def _section(section, charts: dict[str, bytes]) -> list[str]:
    parts = [f"<section><h2>{html.escape(section.title)}</h2>"]
    if section.empty:
        parts.append(f'<p class="note empty">{html.escape(section.note)}</p>')
    if section.key in charts:
        data = base64.b64encode(charts[section.key]).decode("ascii")
        parts.append(f'<figure><img alt="{html.escape(section.chart["title"])}" '
                     f'src="data:image/png;base64,{data}"></figure>')
    parts.append(_table(section.table))
    if not section.empty:
        parts.append(f'<p class="note">{html.escape(section.note)}</p>')
    parts.append("</section>")
    return parts


def render_html(report: PeriodicReport, charts: dict[str, bytes], *, filing: Filing) -> str:
    """The whole page as a string; ``charts`` maps section keys to PNG bytes; ``filing`` gives the title
    block, the printed page header/footer and the signature block."""
    period, schedule = report.period, content()["schedule"]
    shown = [(k, v) for k, v in report.summary if k != filing.scope[0]]  # the filing block names the period
    summary = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in shown)
    css = (_CSS.replace("PAGE_TITLE", _css_string(f"{filing.title}（{period.label}）"))
           .replace("PAGE_LEFT", _css_string(filing.unit or ""))
           .replace("PAGE_RIGHT", _css_string(f"生成日期：{filing.generated_text}")))
    parts = [
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">',
        f"<title>{html.escape(period.title)}（{html.escape(period.label)}）</title>",
        "<style>\n/*FONT-FACE*/\n" + css + "</style>\n</head>\n<body>",
        f"<h1>{html.escape(filing.title)}</h1>",
        f'<p class="subtitle">{html.escape(period.label)}</p>',
        _filing_block(filing),
        f'<section><h2>概况</h2><table class="summary">{summary}</table>',
        f"<p class=\"basis\">报送要求（{html.escape(schedule['source'])}）：</p>",
        f"<blockquote>{html.escape(schedule['quote'])}</blockquote>",
    ]
    if period.kind == "self-evaluation":
        parts.append(f"<blockquote>{html.escape(schedule['self_evaluation_quote'])}</blockquote>")
    parts.append("</section>")
    for section in report.sections:
        parts.extend(_section(section, charts))
    parts.append('<p class="note">本报告由 zhiben-training 根据培训登记库生成；数据为统计期末状态。</p>')
    parts.append(_signature_block(filing))
    parts.append("</body>\n</html>\n")
    page = "\n".join(parts)
    return page.replace("/*FONT-FACE*/", font_face_css(page), 1)
