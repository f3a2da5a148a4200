"""The per-row import report: saved next to the input as ``FILE.导入报告.csv`` and rendered for the CLI.

ID numbers and phone numbers in the report are masked; the row number finds the cell in the file.
"""

from __future__ import annotations

import csv
from pathlib import Path

from zhiben_training.errors import ImportValidationError
from zhiben_training.identifiers import mask_id, mask_phone

__all__ = ["report_path", "save_report", "remove_report", "mask_value"]

_ID_COLUMNS = {"身份证号", "法定代表人身份证号"}
_PHONE_COLUMNS = {"手机号"}


def report_path(source: Path) -> Path:
    return source.with_name(source.name + ".导入报告.csv")


def mask_value(column: str, value: str) -> str:
    if column in _ID_COLUMNS and value:
        return mask_id(value)
    if column in _PHONE_COLUMNS and value:
        return _mask_phone_as_written(value)
    return value


def _mask_phone_as_written(value: str) -> str:
    """138****5678 for a number; a refused cell keeps every character that is not a digit visible, so the
    clerk sees what to fix: '138/2234/5678' → '138/****/5678', '1382234567８a' → '138****567８a'."""
    if value.isdigit() and value.isascii():
        return mask_phone(value)
    digits = [i for i, ch in enumerate(value) if ch.isdigit()]
    hidden = set(digits[3:-4]) if len(digits) > 7 else set(digits)
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))


def save_report(source: Path, problems: list[dict]) -> Path | None:
    """Write the report (UTF-8 with BOM so Excel opens it); None when the folder is not writable."""
    target = report_path(source)
    try:
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["行", "列", "值", "原因"])
            for p in problems:
                writer.writerow([p["row"], p["column"], mask_value(p["column"], p["value"]), p["reason"]])
    except OSError:
        return None
    return target


def remove_report(source: Path) -> Path | None:
    """Delete the report of an earlier import of ``source`` before a new one starts; the path if removed.

    A report that cannot be deleted stops the import before anything is written: left in place it
    would describe an older attempt as if it were this one.
    """
    target = report_path(source)
    if not target.exists():
        return None
    try:
        target.unlink()
    except OSError as err:
        raise ImportValidationError(
            f"无法删除上次的导入报告 {target}（{err.strerror}），未写入任何数据", report_path=None,
            problems=[{"row": 0, "column": "（文件）", "value": target.name,
                       "reason": "旧的导入报告无法删除"}],
        ) from err
    return target
