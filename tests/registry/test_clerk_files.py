"""Imports of files a clerk really makes: full-width ID numbers, CSV from Chinese Excel, Excel date
serials, a title above the header, wrong columns, a missing file, an old report, audited people."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import Workbook

from zhiben_training.cli import main
from zhiben_training.errors import ImportValidationError
from zhiben_training.identifiers import make_id

from .conftest import ENTERPRISES, P_HALF
from .filemaker import ATTENDANCE_HEADER, PEOPLE_HEADER, write_file

E1 = ENTERPRISES[0][0]
X_ID = make_id("120116", dt.date(1980, 5, 6), 14, female=False)  # 12011619800506029X
_FULL_WIDTH = str.maketrans("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                            "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ")


def _full_width(text: str) -> str:
    return text.translate(_FULL_WIDTH)


def _person_row(pid: str, *, uscc: str = E1, role: str = "项目负责人") -> list:
    return [pid, "全角测试", "男", "", "", "滨海新区", uscc, role, ""]


def _xlsx(path, rows: list[list], *, formats: dict[str, str] | None = None):
    """A workbook as Excel writes it: rows from A1, optional number formats per cell ("C4": "yyyy-mm-dd")."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cell, fmt in (formats or {}).items():
        sheet[cell].number_format = fmt
    workbook.save(path)
    return path


def _csv_bytes(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


# -- ID numbers and USCCs in full width ----------------------------------------------------------------

def test_a_full_width_id_with_spaces_is_stored_in_ascii_and_is_the_same_person_later(loaded, tmp_path):
    assert X_ID.endswith("X")
    typed = "\u3000" + _full_width(X_ID) + " "  # １２０１…２９Ｘ with an ideographic space in front
    first = loaded.import_file("people", _xlsx(tmp_path / "全角.xlsx", [PEOPLE_HEADER, _person_row(typed,
                                                                                                  uscc=_full_width(E1))]))
    assert first.inserted == 1
    assert X_ID in set(loaded.people()["person_id"])
    assert loaded.people().set_index("person_id").loc[X_ID, "enterprise_uscc"] == E1
    later = loaded.import_file("people",
                               write_file(tmp_path / "半角.csv", PEOPLE_HEADER, [_person_row(X_ID.lower())]))
    assert (later.inserted, later.updated, later.unchanged) == (0, 0, 1)
    assert len(loaded.people()) == 8 + 1


def test_attendance_for_a_full_width_id_finds_the_person(loaded, tmp_path):
    path = write_file(tmp_path / "签到.csv", ATTENDANCE_HEADER,
                      [[_full_width(P_HALF), "2026-principal", "2026-03-12", 8]])
    assert loaded.import_file("attendance", path).inserted == 1
    assert len(loaded.attendance().query("person_id == @P_HALF")) == 2


def test_digits_of_another_script_are_still_refused(loaded, tmp_path):
    arabic = "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in X_ID)  # ١٢٠١… is not NFKC-folded
    with pytest.raises(ImportValidationError) as info:
        loaded.import_file("people", write_file(tmp_path / "p.csv", PEOPLE_HEADER, [_person_row(arabic)]))
    assert "前17位应为数字" in info.value.problems[0]["reason"]
    assert len(loaded.people()) == 8


# -- CSV saved by Chinese Excel ------------------------------------------------------------------------

@pytest.mark.parametrize(("encoding", "bom"), [("gbk", b""), ("gb18030", "\ufeff".encode("gb18030")),
                                               ("utf-8", b"\xef\xbb\xbf")])
def test_csv_from_chinese_excel_is_read(loaded, tmp_path, encoding, bom):
    text = _csv_bytes(ATTENDANCE_HEADER, [[P_HALF, "2026-principal", "2026-03-12", 8]])
    path = tmp_path / "签到表.csv"
    path.write_bytes(bom + text.encode(encoding))
    result = loaded.import_file("attendance", path)
    assert result.inserted == 1
    assert result.encoding == ("UTF-8" if encoding == "utf-8" else "GB18030")


def test_a_gbk_people_file_keeps_its_chinese_names(loaded, tmp_path):
    path = tmp_path / "人员.csv"
    path.write_bytes(_csv_bytes(PEOPLE_HEADER, [_person_row(X_ID)]).encode("gbk"))
    loaded.import_file("people", path)
    assert loaded.people().set_index("person_id").loc[X_ID, "name"] == "全角测试"


def test_a_utf16_file_gets_a_hint_and_nothing_is_written(loaded, tmp_path):
    path = tmp_path / "unicode.csv"
    path.write_bytes(_csv_bytes(ATTENDANCE_HEADER,
                                [[P_HALF, "2026-principal", "2026-03-12", 8]]).encode("utf-16"))
    with pytest.raises(ImportValidationError) as info:
        loaded.import_file("attendance", path)
    assert "UTF-16" in info.value.problems[0]["reason"] and "CSV UTF-8" in info.value.problems[0]["reason"]
    assert len(loaded.attendance()) == 8


# -- Excel date serials --------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [46087, 46087.0, "46087"])
def test_an_excel_date_serial_is_refused_with_the_date_it_stands_for(loaded, tmp_path, value):
    path = _xlsx(tmp_path / "签到.xlsx", [ATTENDANCE_HEADER, [P_HALF, "2026-principal", value, 8]])
    with pytest.raises(ImportValidationError) as info:
        loaded.import_file("attendance", path)
    (problem,) = info.value.problems
    assert problem["column"] == "培训日期"
    assert "Excel 日期序列号 46087，对应 2026-03-06" in problem["reason"]
    assert len(loaded.attendance()) == 8


def test_a_serial_typed_as_text_in_a_csv_gets_the_same_hint(loaded, tmp_path):
    path = write_file(tmp_path / "签到.csv", ATTENDANCE_HEADER, [[P_HALF, "2026-principal", "46087", 8]])
    with pytest.raises(ImportValidationError, match="1 处问题"):
        loaded.import_file("attendance", path)


def test_a_number_excel_formats_as_a_date_is_a_date(loaded, tmp_path):
    path = _xlsx(tmp_path / "签到.xlsx", [ATTENDANCE_HEADER, [P_HALF, "2026-principal", 46087, 8]],
                 formats={"C2": "yyyy/m/d"})
    assert loaded.import_file("attendance", path).inserted == 1
    assert dt.date(2026, 3, 6) in set(loaded.attendance()["session_date"])


# -- the header row ------------------------------------------------------------------------------------

def test_title_rows_above_the_header_are_skipped_and_row_numbers_stay_true(loaded, tmp_path):
    rows = [["2026年度培训签到表"], ["填报单位：滨海建工（合成）", None, "日期：2026-03-12"], [],
            ATTENDANCE_HEADER, [P_HALF, "2026-principal", "2026-03-12", 8],
            [P_HALF, "2026-principal", "2026-03-13", 99]]
    path = _xlsx(tmp_path / "签到.xlsx", rows)
    with pytest.raises(ImportValidationError) as info:
        loaded.import_file("attendance", path)
    assert [(p["row"], p["column"]) for p in info.value.problems] == [(6, "学时")]
    rows[-1][3] = 8
    assert loaded.import_file("attendance", _xlsx(path, rows)).inserted == 2


def test_wrong_columns_are_named_with_what_the_file_has_and_a_close_match(registry, tmp_path):
    header = ["身份证号码", "姓名", "所在区", "单位统一社会信用代码", "职务"]
    with pytest.raises(ImportValidationError) as info:
        registry.import_file("people", write_file(tmp_path / "人员.csv", header, [["x", "y", "z", "w", "v"]]))
    problems = {p["column"]: p["reason"] for p in info.value.problems}
    assert set(problems) == {"身份证号", "岗位", "（表头）"}
    assert problems["身份证号"].startswith("缺少此列") and "是否为“身份证号码”" in problems["身份证号"]
    assert "身份证号码、姓名、所在区、单位统一社会信用代码、职务" in problems["（表头）"]
    assert "应有的列：身份证号、姓名、性别" in problems["（表头）"]


def test_a_file_without_a_header_does_not_leak_id_numbers_into_the_report(registry, tmp_path):
    path = write_file(tmp_path / "无表头.csv", _person_row(X_ID), [_person_row(X_ID)])
    with pytest.raises(ImportValidationError):
        registry.import_file("people", path)
    report = (tmp_path / "无表头.csv.导入报告.csv").read_text("utf-8-sig")
    assert X_ID not in report and "1201**********029X" in report


# -- the file and its report ---------------------------------------------------------------------------

def test_a_missing_file_is_a_clear_error_and_writes_no_report(registry, tmp_path):
    missing = tmp_path / "没有这个文件.xlsx"
    with pytest.raises(ImportValidationError) as info:
        registry.import_file("people", missing)
    assert "找不到文件" in str(info.value) and info.value.report_path is None
    assert not [p for p in tmp_path.iterdir() if "导入报告" in p.name]


def test_an_old_report_is_removed_by_a_later_successful_import(loaded, tmp_path):
    path = tmp_path / "签到.csv"
    write_file(path, ATTENDANCE_HEADER, [[P_HALF, "2026-principal", "2026-03-12", 99]])
    with pytest.raises(ImportValidationError):
        loaded.import_file("attendance", path)
    report = tmp_path / "签到.csv.导入报告.csv"
    assert report.exists()
    write_file(path, ATTENDANCE_HEADER, [[P_HALF, "2026-principal", "2026-03-12", 8]])
    result = loaded.import_file("attendance", path)
    assert not report.exists() and result.removed_report == str(report)


def test_the_command_says_how_it_read_the_file_and_that_the_old_report_went(tmp_path, tiny_city, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert main(["db", "load-synth", str(tiny_city), "--db", url]) == 0
    path = tmp_path / "签到.csv"
    path.write_bytes(_csv_bytes(ATTENDANCE_HEADER,
                                [[P_HALF, "2026-principal", "2026-03-12", 8]]).encode("gbk"))
    (tmp_path / "签到.csv.导入报告.csv").write_text("行,列,值,原因\n", encoding="utf-8-sig")
    capsys.readouterr()
    assert main(["import", "attendance", str(path), "--db", url]) == 0
    out = capsys.readouterr().out
    assert "GBK/GB18030" in out and "已删除上次的导入报告" in out and "新增 1" in out


# -- people imports are audited ------------------------------------------------------------------------

def test_people_imports_leave_audit_rows_for_new_and_changed_people_only(loaded, tmp_path):
    path = tmp_path / "人员.csv"
    write_file(path, PEOPLE_HEADER, [_person_row(X_ID)])
    loaded.import_file("people", path, actor="办事员甲")
    new = loaded.audit_log(entity="person", entity_key=X_ID)
    assert set(new["field"]) == \
        {"name", "sex", "birth_date", "district", "enterprise_uscc", "role", "operation_type"}
    assert set(new["actor"]) == {"办事员甲"} and "人员.csv" in new["reason"].iloc[0]
    write_file(path, PEOPLE_HEADER, [_person_row(X_ID, role="专职安全生产管理人员")])
    loaded.import_file("people", path, actor="办事员乙")
    changed = loaded.audit_log(entity="person", entity_key=X_ID).iloc[len(new):]
    assert changed[["field", "old_value", "new_value", "actor"]].values.tolist() == [
        ["role", "项目负责人", "专职安全生产管理人员", "办事员乙"]]
    before = len(loaded.audit_log())
    loaded.import_file("people", path)
    assert len(loaded.audit_log()) == before


def test_the_command_on_a_missing_file_exits_2_with_a_chinese_message_and_no_report(tmp_path, capsys):
    missing = tmp_path / "人员.xlsx"
    assert main(["import", "people", str(missing), "--db", f"sqlite:///{tmp_path / 'r.sqlite'}"]) == 2
    err = capsys.readouterr().err
    assert "找不到文件" in err and "Traceback" not in err
    assert not [p for p in tmp_path.iterdir() if "导入报告" in p.name]
