"""Empty import templates with the Chinese headers the importers expect (``zhiben template KIND``)."""

from __future__ import annotations

import csv
from pathlib import Path

from .validation import spec

__all__ = ["write_template", "template_headers"]


def template_headers(kind: str) -> list[str]:
    return [c["header"] for c in spec(kind)["columns"]]


def write_template(kind: str, out: Path) -> Path:
    """Write the header row to ``out`` (.xlsx with ID columns as text and a 说明 sheet, or .csv with BOM)."""
    out = Path(out)
    columns = spec(kind)["columns"]
    if out.suffix.lower() == ".csv":
        with out.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerow(template_headers(kind))
        return out
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    sheet.append(template_headers(kind))
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(12, 2 * len(column["header"]) + 4)
        if column["type"] in {"id", "uscc", "phone", "text", "date"}:
            for row in range(2, 1002):  # keep IDs and dates as typed text, so Excel does not round them
                sheet.cell(row=row, column=index).number_format = "@"
    notes = workbook.create_sheet("说明")
    notes.append(["列", "是否必填", "格式"])
    for column in columns:
        notes.append([column["header"], "必填" if column["required"] else "选填", _describe(column)])
    workbook.save(out)
    return out


def _describe(column: dict) -> str:
    from ..rules import rules

    kind = column["type"]
    if kind == "enum":
        values = column.get("values") or rules()[column["values_from"]]
        values = values["values"] if isinstance(values, dict) else values
        return "可选：" + "、".join(values)
    return {
        "id": "18位身份证号（校验位须正确）", "uscc": "18位统一社会信用代码（校验位须正确）",
        "phone": "11位手机号", "district": "天津市区名，如 滨海新区", "date": "日期，如 2026-03-01",
        "number": "大于0的数字", "text": "文本",
    }[kind]
