"""``zhiben import people|enterprises|attendance|hours FILE``: validate everything, then write everything.

An import is one transaction holding the registry's write lock. Any bad row means nothing is written:
the per-row report (row, column, value, reason — in Chinese, IDs masked) is saved next to the input as
``FILE.导入报告.csv`` and :class:`ImportValidationError` carries it. An older report next to the file
is removed before the import starts, so a report there always describes the latest import; a successful
import that took a value as a synonym's mapping (岗位 主要负责人 → 实际负责人) writes a report listing
those rows. A file that does not exist is an error with no report (there is no folder to put it in
that the user meant). Importing the same file again changes nothing. ``on_progress`` receives stage
names ("read", "validated", "chunk:N", "written"). Every change to people, enterprises, attendance
and hours is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zhiben_training.errors import ImportValidationError, UnreadableFileError

from .reading import read_table
from .row_report import mask_value, remove_report, save_report
from .templates import write_template
from .validation import check_references, parse_rows, spec

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["IMPORT_KINDS", "ImportResult", "import_file", "mask_value", "write_template"]

IMPORT_KINDS = ("people", "enterprises", "attendance", "hours")
_ANALYZE_AFTER = 5_000  # rows written; beyond this the planner's statistics are refreshed (PostgreSQL)
_KIND_CN = {"people": "人员", "enterprises": "单位", "attendance": "培训签到学时", "hours": "继续教育学时"}


@dataclass(frozen=True)
class ImportResult:
    kind: str
    path: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    encoding: str = ""  # how the file was read: "xlsx", "UTF-8" or "GB18030"
    removed_report: str | None = None  # the older 导入报告 next to the file that this import replaced
    # values taken as a synonym's mapping (row, column, value, reason), in the report
    notes: tuple[dict, ...] = ()
    report_path: str | None = None  # the 导入报告 listing ``notes`` (None when there are none)


def _notes(records: list[dict]) -> list[dict]:
    return [note for record in records for note in record.get("_notes", ())]


def _fail(path: Path, kind: str, problems: list[dict], notes: list[dict] = ()) -> ImportValidationError:
    report = save_report(path, [*problems, *notes])
    where = f"，问题清单已保存到 {report}" if report else ""
    return ImportValidationError(
        f"{path.name}（{_KIND_CN[kind]}）有 {len(problems)} 处问题，未写入任何数据{where}",
        problems=problems, report_path=str(report) if report else None,
    )


def import_file(engine: Engine, kind: str, path: Path, *, actor: str = "zhiben import",
                on_progress: Callable[[str], None] | None = None) -> ImportResult:
    """Validate ``path`` as a ``kind`` file and upsert it in one transaction (see module docstring)."""
    # the database side loads here, not with the package: `zhiben template` needs only IMPORT_KINDS
    from ..store import refresh_statistics, write_transaction
    from .writing import TABLES, known_references, write_records

    if kind not in IMPORT_KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    progress = on_progress or (lambda _stage: None)
    if not path.is_file():
        reason = f"找不到文件：{path}（请检查路径和文件名）" if not path.exists() else f"{path} 不是文件"
        raise ImportValidationError(f"{reason}，未写入任何数据", report_path=None,
                                    problems=[{"row": 0, "column": "（文件）", "value": path.name,
                                               "reason": reason}])
    removed = remove_report(path)
    try:
        table, encoding = read_table(path)
    except UnreadableFileError as exc:
        raise _fail(path, kind, [{"row": 0, "column": "（文件）", "value": path.name,
                                  "reason": str(exc)}]) from None
    progress("read")
    records, problems = parse_rows(kind, table)
    notes = _notes(records)
    if problems:
        raise _fail(path, kind, problems, notes)
    with write_transaction(engine) as conn:
        problems = check_references(kind, records, known_references(conn, kind, records))
        if problems:
            raise _fail(path, kind, problems, notes)
        progress("validated")
        counts = write_records(conn, kind, records, actor=actor,
                               reason=f"导入{_KIND_CN[kind]}文件 {path.name}", on_progress=progress)
        if counts["inserted"] + counts["updated"] >= _ANALYZE_AFTER:
            refresh_statistics(conn, [TABLES[spec(kind)["table"]].name])
        progress("written")
    report = save_report(path, notes) if notes else None
    return ImportResult(kind=kind, path=str(path), rows=len(records), **counts, encoding=encoding,
                        removed_report=str(removed) if removed else None, notes=tuple(notes),
                        report_path=str(report) if report else None)
