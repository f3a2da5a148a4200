"""The writers on their own: constant-memory XLSX, atomic writes, the public API."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest

import zhiben_training.reports as reports
from zhiben_training.errors import ReportError
from zhiben_training.reports.csv import write_csv
from zhiben_training.reports.xlsx import FIXED_CREATED, Field, Sheet, write_xlsx


def test_the_public_api_is_pinned():
    assert reports.__all__ == [
        "ColumnSpec", "MANIFEST_NAME", "Period", "PeriodicExport", "PeriodicFiling", "PeriodicInputs",
        "PeriodicReport", "RosterExport", "RosterFiling", "RosterSpec", "RosterValidationError",
        "build_periodic_report", "default_spec", "export_periodic", "export_roster", "load_spec",
        "parse_period", "periodic_inputs", "prepare_roster", "roster_frame", "update_manifest",
        "verify_manifest", "write_periodic", "write_roster",
    ]


def test_the_xlsx_is_streamed_with_inline_strings_and_a_fixed_creation_time(tmp_path):
    fields = [Field("姓名"), Field("学时", "number"), Field("日期", "date")]
    rows = [["张伟", 16.0, dt.date(2026, 7, 1)], ["王芳", None, None]]
    path = write_xlsx(tmp_path / "t.xlsx", [Sheet("表", fields, rows)], title="t")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert "xl/sharedStrings.xml" not in names  # constant_memory mode writes inline strings
    assert 't="inlineStr"' in sheet and "<is><t>张伟</t></is>" in sheet
    assert FIXED_CREATED.strftime("%Y-%m-%dT%H:%M:%SZ") in core


def test_a_row_of_the_wrong_length_fails_and_leaves_no_file(tmp_path):
    rows = [["张伟", 16.0], ["王芳"]]
    with pytest.raises(ReportError, match="第 3 行有 1 个值，应为 2 个"):
        write_xlsx(tmp_path / "t.xlsx", [Sheet("表", [Field("姓名"), Field("学时", "number")], rows)],
                   title="t")
    assert list(tmp_path.iterdir()) == []


def test_the_csv_writer_formats_numbers_dates_and_blanks_like_the_xlsx(tmp_path):
    fields = [Field("姓名"), Field("学时", "number", decimals=1), Field("人数", "integer"),
              Field("日期", "date")]
    path = write_csv(tmp_path / "t.csv", fields,
                     [["张伟", 16, 3, dt.date(2026, 7, 1)], ["王,芳", None, 0, None]])
    assert path.read_bytes() == (
        "\ufeff姓名,学时,人数,日期\r\n张伟,16.0,3,2026-07-01\r\n\"王,芳\",,0,\r\n".encode()
    )
