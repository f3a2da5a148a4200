"""Rosters (花名册): validate a roster DataFrame against the column spec, then write XLSX + CSV + manifest.

Everything is checked before a single byte is written: every spec column's source field exists,
each cell has its type, ID numbers and 统一社会信用代码 carry correct check characters, and no
person appears twice. The first problems are named by spreadsheet row and Chinese column header.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from zhiben_training import identifiers
from zhiben_training.errors import ReportError, RosterValidationError
from zhiben_training.reports.columns import ColumnSpec, RosterSpec, default_spec
from zhiben_training.reports.csv import write_csv
from zhiben_training.reports.filing import NO_DATA, Filing
from zhiben_training.reports.manifest import update_manifest
from zhiben_training.reports.xlsx import Field, Sheet, write_xlsx
from zhiben_training.values import as_bool, as_date

__all__ = ["RosterExport", "RosterValidationError", "prepare_roster", "write_roster"]

_PHONE = re.compile(r"^1\d{10}$")




@dataclass(frozen=True)
class PreparedRoster:
    """Validated display values, column by column, ready for any writer."""

    spec: RosterSpec
    fields: tuple[Field, ...]
    columns: tuple[list, ...]

    @property
    def row_count(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def rows(self):
        return zip(*self.columns, strict=True)


@dataclass(frozen=True)
class RosterExport:
    xlsx: Path
    csv: Path
    manifest: Path
    rows: int


def _as_date(value: object) -> dt.date | None:
    try:
        return as_date(value)
    except ValueError:
        return None


def _as_number(value: object, *, integer: bool) -> float | int | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number != number or number in (float("inf"), float("-inf")) or number < 0:
        return None
    if integer:
        return int(number) if number.is_integer() else None
    return number


def _convert_cell(col: ColumnSpec, value: object) -> tuple[object, str | None]:
    """(display value, Chinese problem or None) for one non-empty cell."""
    kind = col.type
    if kind in ("text", "id_number", "uscc", "phone"):
        text = str(value).strip()
        if kind == "id_number":
            text = text.upper()
            return text, identifiers.id_problem(text)
        if kind == "uscc":
            text = text.upper()
            return text, identifiers.uscc_problem(text)
        if kind == "phone" and not _PHONE.match(text):
            return text, "手机号应为以1开头的11位数字"
        return text, None if text else "不能为空"
    if kind in ("number", "integer"):
        number = _as_number(value, integer=kind == "integer")
        wanted = "非负整数" if kind == "integer" else "非负数值"
        return number, None if number is not None else f"应为{wanted}，实为 {value!r}"
    if kind == "boolean":
        word = as_bool(value)
        if word is None:
            return None, f"应为 是/否，实为 {value!r}"
        return (col.true_label if word else col.false_label), None
    if kind == "date":
        date = _as_date(value)
        return date, None if date is not None else f"应为日期（YYYY-MM-DD），实为 {value!r}"
    raise ReportError(f"未知的列类型 {kind}")


def _shown(col: ColumnSpec, value: object) -> str:
    """How a bad value is quoted in an error message (ID numbers masked: messages get copied around)."""
    if col.type == "id_number" and isinstance(value, str):
        return identifiers.mask_id(value)
    return str(value)


def _validate_column(col: ColumnSpec, frame: pd.DataFrame, problems: list[dict]) -> list:
    if col.type == "sequence":
        return list(range(1, len(frame) + 1))
    missing = frame[col.source].isna().tolist()
    out = []
    for index, (value, is_missing) in enumerate(zip(frame[col.source].tolist(), missing, strict=True)):
        if is_missing or (isinstance(value, str) and not value.strip()):
            if col.required:
                problems.append({"row": index + 2, "column": col.header, "value": "", "reason": "不能为空"})
            out.append(None)
            continue
        shown, problem = _convert_cell(col, value)
        if problem:
            problems.append({"row": index + 2, "column": col.header, "value": _shown(col, value),
                             "reason": problem})
        out.append(shown)
    return out


def _check_unique(spec: RosterSpec, frame: pd.DataFrame, columns: dict[str, list],
                  problems: list[dict]) -> None:
    by_source = {c.source: c for c in spec.columns if c.source}
    for source in spec.unique:
        col = by_source[source]
        first_seen: dict[object, int] = {}
        for index, value in enumerate(columns[source]):
            if value is None:
                continue
            if value in first_seen:
                problems.append({
                    "row": index + 2, "column": col.header, "value": _shown(col, value),
                    "reason": f"与第 {first_seen[value] + 2} 行重复（{_shown(col, value)}），"
                              "同一人员只能出现一次",
                })
            else:
                first_seen[value] = index


def _mask(col: ColumnSpec, values: list) -> list:
    rule = {"id": identifiers.mask_id, "phone": identifiers.mask_phone,
            "name": lambda v: v[0] + "*" * (len(v) - 1)}.get(col.mask)
    if rule is None:
        return values
    return [None if v is None else rule(str(v)) for v in values]


def prepare_roster(frame: pd.DataFrame, *, spec: RosterSpec | None = None,
                   masked: bool = False) -> PreparedRoster:
    """Validate ``frame`` (one row per person, spec source fields as columns) and return display values.

    Raises ``RosterValidationError`` naming rows and columns when anything is wrong.
    """
    spec = spec or default_spec()
    absent = [f"「{c.header}」（来源字段 {c.source}）" for c in spec.columns
              if c.source and c.source not in frame.columns]
    if absent:
        raise ReportError(f"花名册数据缺少列：{'、'.join(absent)}；未写出任何文件",
                          hint="检查 --spec 中的 source 是否与登记库花名册的字段一致")
    frame = frame.reset_index(drop=True)
    problems: list[dict] = []
    values: dict[str, list] = {}
    converted = []
    for col in spec.columns:
        column = _validate_column(col, frame, problems)
        converted.append(column)
        if col.source:
            values[col.source] = column
    _check_unique(spec, frame, values, problems)
    if problems:
        problems.sort(key=lambda p: p["row"])
        raise RosterValidationError(problems)
    if masked:
        pairs = [(c, _mask(c, v)) for c, v in zip(spec.columns, converted, strict=True) if c.mask != "drop"]
        spec = spec.public()
        converted = [v for _, v in pairs]
    fields = tuple(_field(c) for c in spec.columns)
    return PreparedRoster(spec, fields, tuple(converted))


def _field(col: ColumnSpec) -> Field:
    kind = {"sequence": "integer", "number": "number", "integer": "integer",
            "date": "date"}.get(col.type, "text")
    return Field(col.header, kind, col.width, col.decimals)


def roster_basename(round_id: str, *, masked: bool) -> str:
    """``roster-2026-principal`` (``-public`` for the masked public-notice version)."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", round_id):
        raise ReportError(f"培训批次编号 {round_id!r} 不能用作文件名（只允许字母、数字、-、_、.）")
    return f"roster-{round_id}" + ("-public" if masked else "")


def write_roster(
    frame: pd.DataFrame,
    out_dir: Path | str,
    *,
    round_id: str,
    spec: RosterSpec | None = None,
    masked: bool = False,
    unit: str | None = None,
    generated: dt.date | None = None,
    round_title: str | None = None,
) -> RosterExport:
    """Validate, then write ``roster-<round>.xlsx`` and ``.csv`` into ``out_dir`` and update its manifest.

    The XLSX carries the filing elements (title, ``unit`` as 报送单位, the round by its name in words
    ``round_title`` — 2026年度主要负责人安全生产培训 — ``generated`` as 生成日期, page numbers, signature
    block); the id ``round_id`` names the files, and the CSV stays a bare table (header on line 1) for
    programs.
    """
    prepared = prepare_roster(frame, spec=spec, masked=masked)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    base = roster_basename(round_id, masked=masked)
    shown = round_title or round_id
    title = f"{prepared.spec.title}（{shown}{'，公示版' if masked else ''}）"
    filing = Filing(title=f"{prepared.spec.title}{'（公示版）' if masked else ''}", scope=("培训批次", shown),
                    unit=unit, generated=generated)
    count = prepared.row_count
    note = (f"{NO_DATA}：培训批次“{shown}”尚无参加培训或考核的人员。" if count == 0 else
            f"共 {count} 人。" + ("公示版：身份证号等按列规格打码。" if masked else ""))
    sheet = Sheet(prepared.spec.sheet_name, prepared.fields, prepared.rows(), note=note)
    xlsx = write_xlsx(out_dir / f"{base}.xlsx", [sheet], title=title, subject=shown, filing=filing)
    csv = write_csv(out_dir / f"{base}.csv", prepared.fields, prepared.rows())
    manifest = update_manifest(out_dir, [xlsx, csv])
    return RosterExport(xlsx=xlsx, csv=csv, manifest=manifest, rows=prepared.row_count)
