"""CSV exports in UTF-8 with a byte-order mark, so Excel on a Chinese Windows desktop opens them
without mojibake, and pandas reads them with ``encoding="utf-8-sig"``."""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from zhiben_training.reports.xlsx import Field

__all__ = ["write_csv"]


def _text(value: object, field: Field) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if field.kind == "number":
        return f"{float(value):.{field.decimals}f}"
    if field.kind == "integer":
        return str(int(value))
    if field.kind == "date" and isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(path: Path | str, fields: Sequence[Field], rows: Iterable[Sequence[object]]) -> Path:
    """Write a header row and ``rows`` (same display values as the XLSX) atomically; CRLF line ends
    (RFC 4180)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.partial")
    try:
        with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow([f.header for f in fields])
            for row in rows:
                writer.writerow([_text(v, f) for v, f in zip(row, fields, strict=True)])
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
