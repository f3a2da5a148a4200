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
from zhiben_training.reports.filing import Filing, text_width
from zhiben_training.reports.html import render_html
from zhiben_training.reports.manifest import update_manifest
from zhiben_training.reports.periodic import PeriodicReport, Section
from zhiben_training.reports.periods import content
from zhiben_training.reports.xlsx import Field, Sheet, write_xlsx

__all__ = ["PeriodicExport", "periodic_filing", "write_periodic", "section_sheet"]


@dataclass(frozen=True)
class PeriodicExport:
    xlsx: Path
    html: Path
    manifest: Path


def _width(name: str, series: pd.Series, *, floor: float = 10.0, cap: float = 48.0) -> float:
    """Column width from the header and every value, CJK characters counting 2 (so 区 names never clip)."""
    texts = [name, *("" if v is None else str(v) for v in series.tolist())]
    return max(floor, min(cap, max(text_width(t) for t in texts) + 3.0))


def _field(name: str, series: pd.Series, *, first: bool) -> Field:
    width = _width(name, series)
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
    return Sheet(section.sheet, fields, rows, heading=section.title, note=section.note)


def _about_sheet(report: PeriodicReport) -> Sheet:
    schedule = content()["schedule"]
    rows = [("报告", report.period.title), *report.summary, ("报送要求依据", schedule["source"]),
            ("报送要求原文", schedule["quote"])]
    if report.period.kind == "self-evaluation":
        rows.append(("自评要求原文", schedule["self_evaluation_quote"]))
    rows += [(s.title, s.note) for s in report.sections]
    labels = pd.Series([label for label, _ in rows])
    return Sheet("说明", [Field("项目", "text", _width("项目", labels, cap=40)),
                          Field("内容", "text", 100, wrap=True)], rows,
                 heading="说明")


def periodic_filing(report: PeriodicReport, *, unit: str | None = None,
                    generated: dt.date | None = None) -> Filing:
    """Title, 统计期间 line, unit and generation date of a periodic report (shared by its XLSX and HTML)."""
    period = report.period
    return Filing(title=period.title,
                  scope=("统计期间", f"{period.label}（{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}）"),
                  unit=unit, generated=generated, short_scope=period.label)


def _write_text(path: Path, text: str) -> Path:
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, path)
    return path


def write_periodic(report: PeriodicReport, out_dir: Path | str, *, unit: str | None = None,
                   generated: dt.date | None = None) -> PeriodicExport:
    """Write ``<kind>-<code>.xlsx`` and ``.html`` into ``out_dir`` and update its manifest.

    ``unit`` (报送单位) and ``generated`` (生成日期) go into the title block, page header/footer and signature
    block; left as lines to fill in by hand when not given. Nothing reads the clock.
    """
    filing = periodic_filing(report, unit=unit, generated=generated)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    period = report.period
    charts = {s.key: chart_png(s.table, s.chart) for s in report.sections if s.chart}
    stamp = dt.datetime.combine(period.end, dt.time(0, 0), tzinfo=dt.UTC)
    sheets = [_about_sheet(report), *(section_sheet(s) for s in report.sections)]
    xlsx = write_xlsx(out_dir / f"{period.file_stem}.xlsx", sheets,
                      title=f"{period.title}（{period.label}）", subject=period.code, created=stamp,
                      filing=filing)
    page = _write_text(out_dir / f"{period.file_stem}.html", render_html(report, charts, filing=filing))
    manifest = update_manifest(out_dir, [xlsx, page])
    return PeriodicExport(xlsx=xlsx, html=page, manifest=manifest)
