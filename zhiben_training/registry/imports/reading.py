"""Reading an import file into a header and raw rows: XLSX (openpyxl, read-only) or CSV (UTF-8, BOM or not)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

__all__ = ["read_rows", "FileProblem"]


class FileProblem(Exception):
    """The file as a whole is unreadable; the message (Chinese) goes into the import report."""


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, list]]]:
    """Header cells and (spreadsheet row number, cells) pairs; raises :class:`FileProblem`."""
    if not path.is_file():
        raise FileProblem(f"找不到文件：{path}")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        rows = _xlsx_rows(path)
    elif suffix in {".csv", ".txt"}:
        rows = _csv_rows(path.read_bytes())
    else:
        raise FileProblem(f"不支持的文件类型 {suffix or '（无扩展名）'}：请使用 .xlsx 或 .csv")
    if not rows:
        raise FileProblem("文件为空：没有表头行")
    header = ["" if c is None else str(c).strip().lstrip("\ufeff") for c in rows[0]]
    body = [(index + 2, list(cells)) for index, cells in enumerate(rows[1:])]
    return header, body


def _csv_rows(raw: bytes) -> list[list]:
    if b"\x00" in raw:
        raise FileProblem("CSV 文件含有二进制内容（NUL 字节），不是文本文件")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(f"CSV 文件不是 UTF-8 编码（第 {exc.start} 字节处无法解码），请另存为“CSV UTF-8”") from exc
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), strict=True)]
    except csv.Error as exc:
        raise FileProblem(f"CSV 格式错误：{exc}") from exc


def _xlsx_rows(path: Path) -> list[list]:
    from openpyxl import load_workbook

    # openpyxl fails on arbitrary bytes in many ways (zip, XML, KeyError, ValueError, ...): whatever it
    # raises here means "not a readable workbook", which the user must hear as a report, not a traceback.
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    except Exception as exc:  # noqa: BLE001 - see comment above
        raise FileProblem(f"无法读取 Excel 文件：{type(exc).__name__}（文件损坏或不是 .xlsx）") from exc
