"""Rosters: validation before writing, reproducible bytes, masking, manifest, and real-client readback."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import openpyxl
import pandas as pd
import pytest

from tests.reports.conftest import (
    check_manifest_like_sha256sum,
    column_widths,
    convert_with_libreoffice,
    header_row,
    lo_table,
    table_values,
)
from zhiben_training import identifiers
from zhiben_training.errors import ReportError
from zhiben_training.reports import (
    MANIFEST_NAME,
    RosterValidationError,
    default_spec,
    load_spec,
    verify_manifest,
    write_roster,
)

HEADERS = ["序号", "姓名", "身份证号", "企业名称", "统一社会信用代码", "企业类型", "所在区", "人员类别",
           "证书编号", "培训学时", "考核成绩", "是否合格", "完成日期"]


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_default_spec_has_the_thirteen_columns_in_order():
    assert [c.header for c in default_spec().columns] == HEADERS


def test_the_same_data_written_twice_gives_the_same_bytes(tmp_path, roster_frame):
    first = write_roster(roster_frame, tmp_path / "a", round_id="2026-principal")
    second = write_roster(roster_frame.copy(), tmp_path / "b", round_id="2026-principal")
    assert _sha(first.xlsx) == _sha(second.xlsx)
    assert _sha(first.csv) == _sha(second.csv)
    assert first.manifest.read_bytes() == second.manifest.read_bytes()


def test_changing_one_score_changes_the_xlsx_bytes(tmp_path, roster_frame):
    first = write_roster(roster_frame, tmp_path / "a", round_id="2026-principal")
    changed = roster_frame.copy()
    changed.loc[0, "score"] = 99.0
    second = write_roster(changed, tmp_path / "b", round_id="2026-principal")
    assert _sha(first.xlsx) != _sha(second.xlsx)


def test_the_csv_starts_with_a_bom_and_pandas_reads_back_the_data(tmp_path, roster_frame):
    export = write_roster(roster_frame, tmp_path, round_id="2026-principal")
    assert export.csv.read_bytes()[:3] == b"\xef\xbb\xbf"
    back = pd.read_csv(export.csv, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == HEADERS
    assert back["身份证号"].tolist() == roster_frame["person_id"].tolist()
    assert back["统一社会信用代码"].tolist() == roster_frame["enterprise_uscc"].tolist()
    scores = [f"{s:.1f}" if pd.notna(s) else "" for s in roster_frame["score"]]
    assert back["考核成绩"].tolist() == scores
    passed = ["" if pd.isna(p) else ("是" if p else "否") for p in roster_frame["passed"]]
    assert back["是否合格"].tolist() == passed
    assert back["序号"].tolist() == [str(i) for i in range(1, len(roster_frame) + 1)]


def test_the_xlsx_header_row_is_frozen_with_spec_widths(tmp_path, roster_frame):
    export = write_roster(roster_frame, tmp_path, round_id="2026-principal")
    ws = openpyxl.load_workbook(export.xlsx)["花名册"]
    assert ws.freeze_panes == "A4"  # title, 报送单位/培训批次/生成日期 line, then the header on row 3
    header, rows = table_values(ws)
    assert header == HEADERS
    widths = column_widths(ws)
    for index, column in enumerate(default_spec().columns, start=1):
        assert widths[index] == pytest.approx(column.width, abs=0.75)
    assert ws.cell(row=header_row(ws) + 1, column=3).data_type == "s"  # ID numbers stay text, never 1.2E+17
    assert len(rows) == len(roster_frame)


def test_the_manifest_is_accepted_by_sha256sum(tmp_path, roster_frame):
    write_roster(roster_frame, tmp_path, round_id="2026-principal")
    write_roster(roster_frame, tmp_path, round_id="2026-principal", masked=True)
    lines = (tmp_path / MANIFEST_NAME).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4
    assert verify_manifest(tmp_path) == []
    check_manifest_like_sha256sum(tmp_path)


def test_a_tampered_file_fails_the_manifest(tmp_path, roster_frame):
    export = write_roster(roster_frame, tmp_path, round_id="2026-principal")
    export.csv.write_bytes(export.csv.read_bytes() + b"x")
    assert verify_manifest(tmp_path) == [export.csv.name]


def test_the_masked_version_hides_id_numbers_like_1201_stars_and_last_four(tmp_path, roster_frame):
    export = write_roster(roster_frame, tmp_path, round_id="2026-principal", masked=True)
    assert export.xlsx.name == "roster-2026-principal-public.xlsx"
    back = pd.read_csv(export.csv, encoding="utf-8-sig", dtype=str)
    first = roster_frame.loc[0, "person_id"]
    assert back.loc[0, "身份证号"] == first[:4] + "*" * 10 + first[-4:]
    _, rows = table_values(openpyxl.load_workbook(export.xlsx)["花名册"])
    assert len(rows) == len(roster_frame) and all("*" in row[2] for row in rows)
    for person in roster_frame["person_id"]:
        assert person.encode() not in export.csv.read_bytes()


def test_a_custom_spec_can_add_a_masked_phone_and_drop_a_column(tmp_path, roster_frame):
    raw = json.loads((default_spec_path()).read_text(encoding="utf-8"))
    raw["columns"].insert(2, {"header": "联系电话", "source": "phone", "type": "phone", "width": 14,
                              "mask": "phone"})
    raw["columns"] = [c for c in raw["columns"] if c["header"] != "证书编号"] + [
        {"header": "备注", "source": "cert_no", "type": "text", "width": 20, "mask": "drop",
         "required": False}
    ]
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    frame = roster_frame.assign(phone=[f"138{i:08d}" for i in range(len(roster_frame))])
    export = write_roster(frame, tmp_path / "out", round_id="r1", spec=load_spec(spec_file), masked=True)
    back = pd.read_csv(export.csv, encoding="utf-8-sig", dtype=str)
    assert back.loc[1, "联系电话"] == "138****0001"
    assert "备注" not in back.columns and "证书编号" not in back.columns


def default_spec_path():
    from zhiben_training.reports import columns

    return columns._DATA_DIR / "report_columns.json"


def test_a_wrong_id_check_character_names_row_and_column_and_writes_nothing(tmp_path, roster_frame):
    bad = roster_frame.copy()
    first17 = bad.loc[4, "person_id"][:17]
    wrong = "0" if identifiers.id_check_char(first17) != "0" else "1"
    bad.loc[4, "person_id"] = first17 + wrong
    with pytest.raises(RosterValidationError) as caught:
        write_roster(bad, tmp_path / "out", round_id="2026-principal")
    message = str(caught.value)
    assert "第 6 行「身份证号」" in message and "校验位错误" in message
    assert caught.value.problems[0]["row"] == 6
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_bad_uscc_check_character_is_reported(tmp_path, roster_frame):
    bad = roster_frame.copy()
    code = bad.loc[2, "enterprise_uscc"]
    replacement = "0" if code[-1] != "0" else "1"
    bad.loc[2, "enterprise_uscc"] = code[:-1] + replacement
    with pytest.raises(RosterValidationError,
                       match="第 4 行「统一社会信用代码」：统一社会信用代码校验位错误"):
        write_roster(bad, tmp_path, round_id="x")
    assert list(tmp_path.iterdir()) == []


def test_the_same_person_twice_is_rejected_naming_both_rows(tmp_path, roster_frame):
    bad = pd.concat([roster_frame, roster_frame.iloc[[3]]], ignore_index=True)
    with pytest.raises(RosterValidationError, match=f"第 {len(bad) + 1} 行「身份证号」：与第 5 行重复"):
        write_roster(bad, tmp_path, round_id="x")


def test_a_missing_source_column_is_a_report_error(tmp_path, roster_frame):
    with pytest.raises(ReportError, match="缺少列：「考核成绩」（来源字段 score）"):
        write_roster(roster_frame.drop(columns=["score"]), tmp_path, round_id="x")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [("hours", "二十四", "应为非负数值"), ("hours", -3.0, "应为非负数值"),
     ("completed_date", "2026-13-45", "应为日期"), ("passed", "也许", "应为 是/否"),
     ("name", "  ", "不能为空")],
)
def test_badly_typed_cells_are_rejected(tmp_path, roster_frame, column, value, reason):
    bad = roster_frame.astype({column: object})
    bad.at[1, column] = value
    with pytest.raises(RosterValidationError, match=reason):
        write_roster(bad, tmp_path, round_id="x")


def test_blank_optional_cells_stay_blank_but_a_blank_required_cell_fails(tmp_path, roster_frame):
    write_roster(roster_frame, tmp_path, round_id="ok")  # rows with no score are fine: 考核成绩 is optional
    bad = roster_frame.copy()
    bad.loc[0, "district"] = None
    with pytest.raises(RosterValidationError, match="第 2 行「所在区」：不能为空"):
        write_roster(bad, tmp_path, round_id="x")


def test_a_broken_user_spec_is_explained_in_chinese(tmp_path):
    spec_file = tmp_path / "spec.json"
    spec_file.write_text('{"spec_version": 1, "title": "t", "sheet_name": "s", "columns": [{"header": "a"}]}',
                         encoding="utf-8")
    with pytest.raises(ReportError, match="列规格 .* 不合格"):
        load_spec(spec_file)
    with pytest.raises(ReportError, match="找不到列规格文件"):
        load_spec(tmp_path / "nope.json")


@pytest.mark.libreoffice
def test_libreoffice_reads_the_roster_xlsx_back_as_the_same_data(tmp_path, roster_frame, soffice):
    export = write_roster(roster_frame, tmp_path / "out", round_id="2026-principal")
    sheets = convert_with_libreoffice(soffice, export.xlsx, tmp_path / "lo")
    assert set(sheets) == {"花名册"}
    via_lo = lo_table(sheets["花名册"], header_row(openpyxl.load_workbook(export.xlsx)["花名册"]))
    assert list(via_lo.columns) == HEADERS
    text_columns = {"姓名": "name", "身份证号": "person_id", "企业名称": "enterprise_name",
                    "统一社会信用代码": "enterprise_uscc", "企业类型": "enterprise_type",
                    "所在区": "district", "人员类别": "role", "证书编号": "cert_no"}
    for header, source in text_columns.items():
        assert via_lo[header].tolist() == roster_frame[source].tolist(), header
    for header, source in {"培训学时": "hours", "考核成绩": "score"}.items():
        numbers = pd.to_numeric(via_lo[header].replace("", None)).astype(float)
        pd.testing.assert_series_equal(numbers, roster_frame[source].astype(float), check_names=False)
    passed = ["" if pd.isna(p) else ("是" if p else "否") for p in roster_frame["passed"]]
    assert via_lo["是否合格"].tolist() == passed
    dates = [d.isoformat() if isinstance(d, dt.date) else "" for d in roster_frame["completed_date"]]
    assert via_lo["完成日期"].tolist() == dates
    assert via_lo["序号"].tolist() == [str(i) for i in range(1, len(roster_frame) + 1)]
