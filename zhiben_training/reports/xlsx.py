"""Constant-memory XLSX writing with byte-for-byte reproducible output.

xlsxwriter's ``constant_memory`` mode streams each row to a temporary file, so a 120,000-row
roster needs a few megabytes instead of a whole workbook in memory. Rows must therefore arrive in
order, which suits our pre-validated tables: with a ``Filing`` the title rows are written first and the
note and signature block after the last data row. The workbook's creation time is fixed (xlsxwriter
already stamps the zip entries 1980-01-31), so the same data always gives the same bytes.

Every cell is declared in 宋体 (SimSun) with the GB2312 character set (docs/reports.md "Fonts"), not
xlsxwriter's default Calibri, which has no Chinese glyphs.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from zhiben_training.errors import ReportError
from zhiben_training.reports.filing import Filing, text_width

__all__ = ["FIXED_CREATED", "XLSX_FONT", "Field", "Sheet", "write_xlsx", "page_header", "page_footer"]

# A font every Chinese Windows (since 95), Chinese Office, WPS and the domestic Linux desktops have, under
# this name; charset 134 (GB2312_CHARSET) tells a reader without it to substitute a Chinese font.
XLSX_FONT = "宋体"
_FONT = {"font_name": XLSX_FONT, "font_size": 11, "font_charset": 134, "font_family": 3,
         "font_scheme": "none"}
_HEADER_LIMIT = 255  # Excel's limit for one page header or footer string
_ONE_PAGE_ROWS = 40  # up to this many data rows a filed sheet is scaled to one page

# Campaign start (行动方案 三、时间进度安排: 2024年3月); a fixed stamp instead of "now" keeps bytes stable.
FIXED_CREATED = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
_AUTHOR = "zhiben-training"
_KINDS = ("text", "number", "integer", "date")


@dataclass(frozen=True)
class Field:
    """One column of an output sheet: Chinese header, cell kind, width in characters."""

    header: str
    kind: str = "text"
    width: float = 12
    decimals: int = 1
    wrap: bool = False  # long text (the 说明 sheet's quotes) wraps inside the column instead of running on

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")


@dataclass(frozen=True)
class Sheet:
    """A sheet: its name, its fields and the rows (display values: str, int/float, date or None)."""

    name: str
    fields: Sequence[Field]
    rows: Iterable[Sequence[object]]
    heading: str = ""
    note: str = ""


class _Formats:
    """Cell formats shared by all sheets of one workbook (created once: xlsxwriter dedups by identity)."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        base = {"valign": "vcenter"}
        self.header = workbook.add_format(
            {**base, "bold": True, "align": "center", "text_wrap": True, "border": 1, "bg_color": "#D9E1F2"}
        )
        self.text = workbook.add_format({**base, "num_format": "@"})
        self.date = workbook.add_format({**base, "num_format": "yyyy-mm-dd", "align": "center"})
        self.title = workbook.add_format({**base, "bold": True, "font_size": 16, "align": "center",
                                          "text_wrap": True})
        self.wrap = workbook.add_format({**base, "num_format": "@", "text_wrap": True})
        self.heading = workbook.add_format({**base, "bold": True, "font_size": 12})
        self.meta = workbook.add_format({**base, "text_wrap": True, "font_size": 10})
        self.note = workbook.add_format({**base, "text_wrap": True, "font_size": 9, "valign": "top"})
        self.sign = workbook.add_format({**base, "font_size": 11, "valign": "bottom"})
        self._numbers: dict[int, object] = {}
        self._workbook = workbook
        self._base = base

    def number(self, decimals: int):
        if decimals not in self._numbers:
            pattern = "0" if decimals == 0 else "0." + "0" * decimals
            self._numbers[decimals] = self._workbook.add_format({**self._base, "num_format": pattern})
        return self._numbers[decimals]


def _escape(text: str) -> str:
    return text.replace("&", "&&")


def page_header(filing: Filing) -> str:
    """Excel page-header codes (9 pt): the title on the left, the period or round on the right."""
    # every section starts with a non-digit: "&9" followed by "2026" would read as font size 92026
    return f"&L&9{_escape(filing.title)}&R&9{_escape(filing.scope[0])}：{_escape(filing.page_scope)}"


def page_footer(filing: Filing) -> str:
    """Unit and generation date on the left, 第 n 页，共 N 页 in the middle, the sheet name on the right."""
    left = "　".join(filter(None, [filing.unit, f"生成日期：{filing.generated_text}"]))
    return f"&L&9{_escape(left)}&C&9第 &P 页，共 &N 页&R&9&A"


def _line(ws, formats: _Formats, row: int, text: str, fmt, span: int, *, height: float | None = None) -> None:
    """One merged line across the table's columns (a single column cannot be merged)."""
    if span > 1:
        ws.merge_range(row, 0, row, span - 1, text, fmt)
    else:
        ws.write_string(row, 0, text, fmt)
    if height is not None:
        ws.set_row(row, height)


def _wrapped_height(text: str, total_width: float, points: float) -> float:
    """Row height for ``text`` wrapped over ``total_width`` characters at ``points`` (CJK counts 2)."""
    lines = max(1, math.ceil(text_width(text) * points / 11 / max(total_width - 1, 1)))
    return round(lines * points * 1.45 + 4, 1)


def _write_top(ws, formats: _Formats, sheet: Sheet, filing: Filing) -> int:
    """Title, the sheet's heading (if any) and the 报送单位 / 统计期间 / 生成日期 line; returns the
    header row."""
    span, total = len(sheet.fields), sum(f.width for f in sheet.fields)
    _line(ws, formats, 0, filing.title, formats.title, span,
          height=max(30, _wrapped_height(filing.title, total, 16)))
    row = 1
    if sheet.heading:
        _line(ws, formats, row, sheet.heading, formats.heading, span, height=22)
        row += 1
    _line(ws, formats, row, filing.meta_line, formats.meta, span,
          height=_wrapped_height(filing.meta_line, total, 10))
    return row + 1


def _write_bottom(ws, formats: _Formats, sheet: Sheet, filing: Filing, row: int) -> None:
    """The sheet's note, then the signature block with room to sign."""
    span, total = len(sheet.fields), sum(f.width for f in sheet.fields)
    if sheet.note:
        _line(ws, formats, row, sheet.note, formats.note, span, height=_wrapped_height(sheet.note, total, 9))
        row += 1
    for line in filing.signature_lines:
        _line(ws, formats, row + 1, line, formats.sign, span,
              height=max(30, _wrapped_height(line, total, 11)))
        row += 1


def _page_setup(ws, header_row: int, filing: Filing | None) -> None:
    ws.freeze_panes(header_row + 1, 0)
    ws.set_row(header_row, 30)
    ws.repeat_rows(header_row)  # print titles: the header row on every page
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # all columns on the page width, as many pages down as needed
    if filing is None:
        return
    ws.set_margins(left=0.5, right=0.5, top=0.8, bottom=0.8)
    ws.center_horizontally()
    header, footer = page_header(filing), page_footer(filing)
    if max(len(header), len(footer)) > _HEADER_LIMIT:
        raise ReportError(f"页眉过长（{len(header)} 个字符，Excel 最多 {_HEADER_LIMIT} 个）："
                          "请缩短报送单位名称")
    ws.set_header(header, {"margin": 0.3})
    ws.set_footer(footer, {"margin": 0.3})


def _write_sheet(workbook: xlsxwriter.Workbook, formats: _Formats, sheet: Sheet,
                 filing: Filing | None) -> None:
    ws = workbook.add_worksheet(sheet.name)
    for col, field in enumerate(sheet.fields):
        # text columns default to the "@" format, so values typed in later (IDs) stay text
        ws.set_column(col, col, field.width, formats.text if field.kind == "text" else None)
    top = 0 if filing is None else _write_top(ws, formats, sheet, filing)
    _page_setup(ws, top, filing)
    for col, field in enumerate(sheet.fields):
        ws.write_string(top, col, field.header, formats.header)
    plan = [_cell_plan(ws, formats, f) for f in sheet.fields]
    wrapped = [(c, f.width) for c, f in enumerate(sheet.fields) if f.wrap]
    width = len(plan)
    last_row = top
    for r, row in enumerate(sheet.rows, start=top + 1):
        if len(row) != width:
            raise ReportError(f"工作表「{sheet.name}」第 {r - top + 1} 行有 {len(row)} 个值，应为 {width} 个")
        if wrapped:  # readers do not all grow a row for wrapped text, so say how tall it is
            ws.set_row(r, max(_wrapped_height(str(row[c] or ""), w, 11) for c, w in wrapped))
        for c, value in enumerate(row):
            if value is None or value != value:  # None or NaN: leave the cell empty
                continue
            write, fmt, convert = plan[c]
            if convert is not None:
                value = convert(value)
            if fmt is None:
                write(r, c, value)
            else:
                write(r, c, value, fmt)
        last_row = r
    if last_row > top:
        ws.autofilter(top, 0, last_row, len(sheet.fields) - 1)
    if filing is not None:
        _write_bottom(ws, formats, sheet, filing, last_row + 2)
        if last_row - top <= _ONE_PAGE_ROWS:  # page setup is kept in memory, so it can follow the rows
            ws.fit_to_pages(1, 1)  # a short table and its signature block on one sheet of paper


def _as_text(value: object) -> str:
    return value if type(value) is str else str(value)


def _cell_plan(ws, formats: _Formats, field: Field):
    """(bound write method, format, converter) for one column; hot loop, so no per-cell dispatch.

    Text and integer cells carry no cell format (a string cell is text whatever its format, and
    General shows integers as they are): skipping the format lookup saves ~15% of the write time.
    """
    if field.kind == "text":
        return ws.write_string, formats.wrap if field.wrap else None, _as_text
    if field.kind == "integer":
        return ws.write_number, None, int
    if field.kind == "number":
        return ws.write_number, formats.number(field.decimals), float
    return ws.write_datetime, formats.date, None


def write_xlsx(
    path: Path | str,
    sheets: Sequence[Sheet],
    *,
    title: str,
    subject: str = "",
    created: dt.datetime = FIXED_CREATED,
    filing: Filing | None = None,
) -> Path:
    """Write ``sheets`` to ``path`` atomically (a temp file renamed on success) and return the path.

    Rows are streamed (constant memory). On any error the temp file is removed, so a failed export
    leaves nothing behind. With ``filing`` every sheet gets the title rows, page header and footer with
    page numbers, its note and the signature block; without it a sheet is the bare table (header on row 1).
    """
    path = Path(path)
    if len({s.name for s in sheets}) != len(sheets):
        raise ReportError(f"工作簿 {path.name} 中工作表名称重复")
    tmp = path.with_name(f".{path.name}.partial")
    workbook = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_numbers": False,
                                              "default_format_properties": dict(_FONT)})
    workbook.set_properties(
        {"title": title, "subject": subject, "author": _AUTHOR, "company": "", "created": created}
    )
    workbook.set_calc_mode("auto")
    try:
        formats = _Formats(workbook)
        for sheet in sheets:
            _write_sheet(workbook, formats, sheet, filing)
        workbook.close()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
