"""The per-row import report: saved next to the input as ``FILE.导入报告.csv`` and rendered for the CLI.

ID numbers and phone numbers in the report are masked; the row number finds the cell in the file.
"""

from __future__ import annotations

import csv
from pathlib import Path

from zhiben_training.identifiers import mask_id, mask_phone

__all__ = ["report_path", "save_report", "mask_value"]

_ID_COLUMNS = {"身份证号", "法定代表人身份证号"}
_PHONE_COLUMNS = {"手机号"}


def report_path(source: Path) -> Path:
    return source.with_name(source.name + ".导入报告.csv")


def mask_value(column: str, value: str) -> str:
    if column in _ID_COLUMNS and value:
        return mask_id(value)
    if column in _PHONE_COLUMNS and value:
        return mask_phone(value)
    return value


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
