"""Reading an import file into numbered rows: XLSX (openpyxl, read-only) or CSV.

CSV encodings, in this order (the first that decodes the whole file wins):

1. UTF-8, strict, with or without BOM ("CSV UTF-8" from Excel, LibreOffice, most tools);
2. GB18030, strict — a superset of GBK and GB2312, i.e. what Chinese Excel writes for plain "CSV".

UTF-8 goes first because a GB18030 file almost never decodes as strict UTF-8 while many UTF-8 files
would decode (wrongly) as GB18030. A UTF-16 file (Excel's "Unicode 文本") and anything that fits
neither encoding is refused with a hint; nothing is guessed beyond these two.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from zhiben_training.errors import UnreadableFileError

__all__ = ["read_table", "Table"]

Table = list[tuple[int, list]]  # (spreadsheet row number, 1-based; cells)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_table(path: Path) -> tuple[Table, str]:
    """Every row with its spreadsheet row number, and how the file was decoded (e.g. ``"GB18030"``)."""
    if not path.is_file():
        raise UnreadableFileError(f"找不到文件：{path}")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        rows, encoding = _xlsx_rows(path), "xlsx"
    elif suffix in {".csv", ".txt"}:
        rows, encoding = _csv_rows(path.read_bytes())
    else:
        raise UnreadableFileError(f"不支持的文件类型 {suffix or '（无扩展名）'}：请使用 .xlsx 或 .csv")
    if not rows:
        raise UnreadableFileError("文件为空：没有表头行")
    return [(index + 1, list(cells)) for index, cells in enumerate(rows)], encoding


def decode_csv(raw: bytes) -> tuple[str, str]:
    """(text, encoding name) following the order in the module docstring; raises
    :class:`UnreadableFileError`."""
    if raw.startswith(_UTF16_BOMS):
        raise UnreadableFileError("文件是 UTF-16 编码（Excel 的“Unicode 文本”）："
                                  "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx")
    if b"\x00" in raw:
        raise UnreadableFileError("CSV 文件含有二进制内容（NUL 字节），不是文本文件")
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return raw.decode("gb18030"), "GB18030"
        except UnicodeDecodeError:
            raise UnreadableFileError(
                f"CSV 文件既不是 UTF-8 也不是 GBK/GB18030 编码（第 {utf8_error.start} 字节处无法解码）："
                "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx") from None


def _csv_rows(raw: bytes) -> tuple[list[list], str]:
    text, encoding = decode_csv(raw)
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), strict=True)], encoding
    except csv.Error as exc:
        raise UnreadableFileError(f"CSV 格式错误：{exc}") from exc


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
        raise UnreadableFileError(f"无法读取 Excel 文件：{type(exc).__name__}"
                                  "（文件损坏或不是 .xlsx）") from exc
