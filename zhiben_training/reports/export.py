"""Write a ``PeriodicReport``: an XLSX workbook (说明 + one sheet per section), a printable HTML page,
and the folder's ``MANIFEST.sha256``. Same report → same bytes (fixed workbook time, PNG without
timestamps)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from zhiben_training.reports.charts import chart_png
from zhiben_training.reports.html import render_html
from zhiben_training.reports.manifest import update_manifest
from zhiben_training.reports.periodic import PeriodicReport, Section
from zhiben_training.reports.periods import content
from zhiben_training.reports.xlsx import Field, Sheet, write_xlsx

__all__ = ["PeriodicExport", "write_periodic", "section_sheet"]


@dataclass(frozen=True)
class PeriodicExport:
    xlsx: Path
    html: Path
    manifest: Path


def _field(name: str, series: pd.Series, *, first: bool) -> Field:
    width = max(10.0, min(40.0, 2.2 * len(name) + 2))
    if first or not pd.api.types.is_numeric_dtype(series):
        return Field(name, "text", max(width, 14.0))
    if pd.api.types.is_integer_dtype(series):
        return Field(name, "integer", width)
    return Field(name, "number", width, decimals=1)


def _plain(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def section_sheet(section: Section) -> Sheet:
    """One section table as a sheet (first column text, integer and one-decimal numeric columns)."""
    table = section.table
    fields = [_field(str(c), table[c], first=i == 0) for i, c in enumerate(table.columns)]
    rows = ([_plain(v) for v in record] for record in table.itertuples(index=False))
    return Sheet(section.sheet, fields, rows)


def _about_sheet(report: PeriodicReport) -> Sheet:
    schedule = content()["schedule"]
    rows = [("报告", report.period.title), *report.summary, ("报送要求依据", schedule["source"]),
            ("报送要求原文", schedule["quote"])]
    if report.period.kind == "self-evaluation":
        rows.append(("自评要求原文", schedule["self_evaluation_quote"]))
    rows += [(s.title, s.note) for s in report.sections]
    return Sheet("说明", [Field("项目", "text", 22), Field("内容", "text", 100)], rows)


def _write_text(path: Path, text: str) -> Path:
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, path)
    return path


def write_periodic(report: PeriodicReport, out_dir: Path | str) -> PeriodicExport:
    """Write ``<kind>-<code>.xlsx`` and ``.html`` into ``out_dir`` and update its manifest."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    period = report.period
    charts = {s.key: chart_png(s.table, s.chart) for s in report.sections if s.chart}
    stamp = dt.datetime.combine(period.end, dt.time(0, 0), tzinfo=dt.UTC)
    sheets = [_about_sheet(report), *(section_sheet(s) for s in report.sections)]
    xlsx = write_xlsx(out_dir / f"{period.file_stem}.xlsx", sheets,
                      title=f"{period.title}（{period.label}）", subject=period.code, created=stamp)
    page = _write_text(out_dir / f"{period.file_stem}.html", render_html(report, charts))
    manifest = update_manifest(out_dir, [xlsx, page])
    return PeriodicExport(xlsx=xlsx, html=page, manifest=manifest)
