"""Imports: every row validated, any bad row means nothing written and a Chinese per-row report,
the same file twice changes nothing."""

from __future__ import annotations

import csv

import pytest

from zhiben_training.errors import ImportValidationError
from zhiben_training.identifiers import make_uscc
from zhiben_training.registry import write_template

from .conftest import ENTERPRISES, P_HALF, WORKER
from .filemaker import (
    ATTENDANCE_HEADER,
    ENTERPRISE_HEADER,
    HOURS_HEADER,
    PEOPLE_HEADER,
    people_rows,
    write_file,
)

E1 = ENTERPRISES[0][0]


@pytest.mark.parametrize("suffix,bom", [(".csv", True), (".csv", False), (".xlsx", False)])
def test_people_import_from_csv_with_or_without_bom_and_from_xlsx(loaded, tmp_path, suffix, bom):
    path = write_file(tmp_path / f"people{suffix}", PEOPLE_HEADER, people_rows(25, uscc=E1), bom=bom)
    result = loaded.import_file("people", path)
    assert (result.rows, result.inserted, result.updated, result.unchanged) == (25, 25, 0, 0)
    assert len(loaded.people()) == 8 + 25


def test_importing_the_same_file_again_changes_nothing(loaded, tmp_path):
    path = write_file(tmp_path / "att.csv", ATTENDANCE_HEADER, [[P_HALF, "2026-principal", "2026-03-12", 8]])
    first = loaded.import_file("attendance", path)
    audit_before, att_before = loaded.audit_log(), loaded.attendance()
    second = loaded.import_file("attendance", path)
    assert first.inserted == 1 and (second.inserted, second.updated, second.unchanged) == (0, 0, 1)
    assert len(loaded.audit_log()) == len(audit_before)
    assert loaded.attendance().equals(att_before)


def test_changed_hours_are_updated_and_audited_old_to_new(loaded, tmp_path):
    path = tmp_path / "att.csv"
    write_file(path, ATTENDANCE_HEADER, [[P_HALF, "2026-principal", "2026-03-10", 6]])
    result = loaded.import_file("attendance", path, actor="管理员甲")
    assert result.updated == 1
    audit = loaded.audit_log(entity="attendance")
    assert audit[["old_value", "new_value", "actor"]].values.tolist() == [["8", "6", "管理员甲"]]
    assert "att.csv" in audit["reason"].iloc[0]


def test_attendance_import_moves_a_person_to_completed(loaded, tmp_path):
    from .conftest import TODAY

    path = write_file(tmp_path / "att.xlsx", ATTENDANCE_HEADER,
                      [[P_HALF, "2026-principal", "2026/3/12", 8.0]])
    loaded.import_file("attendance", path)
    row = loaded.status(round_id="2026-principal", person_id=P_HALF, today=TODAY).iloc[0]
    assert row["hours"] == 16.0 and row["status"] == "in_progress"  # hours reached; the exam is still missing


def test_continuing_education_import_counts_for_special_workers(loaded, tmp_path):
    path = write_file(tmp_path / "ce.csv", HOURS_HEADER,
                      [[WORKER, "2026-05-01", 4, "有限空间作业安全", "企业内部培训"]])
    assert loaded.import_file("hours", path).inserted == 1
    assert loaded.status(round_id="2026-special", person_id=WORKER)["counted_hours"].iloc[0] == 28.0
    assert loaded.audit_log(entity="continuing_education")["new_value"].tolist()[:1] == ["4"]


def test_enterprise_import_derives_the_district_code(registry, tmp_path):
    uscc = make_uscc("120110", "B0000001")
    path = write_file(tmp_path / "ent.csv", ENTERPRISE_HEADER,
                      [[uscc, "东丽建设（合成）", "施工", "专业承包", "二级", "东丽区", "", "", "",
                        "2027-01-01"]])
    registry.import_file("enterprises", path)
    row = registry.enterprises().iloc[0]
    assert row["district_code"] == "120110" and str(row["licence_expiry"]) == "2027-01-01"


def _bad_people_file(tmp_path, *, suffix=".csv"):
    good = people_rows(3, uscc=E1)
    wrong_check = good[1].copy()
    wrong_check[0] = wrong_check[0][:17] + ("0" if wrong_check[0][17] != "0" else "1")
    rows = [good[0], wrong_check, good[2], good[0],
            ["", "无名", "", "", "123", "火星区", "91120116A0000001XX", "厨师", ""]]
    return write_file(tmp_path / f"bad{suffix}", PEOPLE_HEADER, rows)


def test_one_bad_row_means_nothing_is_written_and_every_problem_is_reported(loaded, tmp_path):
    path = _bad_people_file(tmp_path)
    with pytest.raises(ImportValidationError) as info:
        loaded.import_file("people", path)
    assert len(loaded.people()) == 8
    problems = {(p["row"], p["column"]): p["reason"] for p in info.value.problems}
    assert "校验位错误" in problems[(3, "身份证号")]
    assert problems[(5, "身份证号")] == "与第 2 行重复"
    assert problems[(6, "身份证号")] == "必填项为空"
    assert "手机号" in problems[(6, "手机号")] and "天津" in problems[(6, "所在区")]
    assert "可选值" in problems[(6, "岗位")] and "统一社会信用代码" in problems[(6, "单位统一社会信用代码")]


def test_the_report_is_saved_next_to_the_input_with_masked_ids(loaded, tmp_path):
    path = _bad_people_file(tmp_path, suffix=".xlsx")
    with pytest.raises(ImportValidationError) as info:
        loaded.import_file("people", path)
    report = tmp_path / "bad.xlsx.导入报告.csv"
    assert info.value.report_path == str(report)
    with report.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["行", "列", "值", "原因"]
    id_rows = [r for r in rows if r["列"] == "身份证号" and r["值"]]
    assert id_rows and all("*" in r["值"] for r in id_rows)


def test_unknown_references_are_reported_and_nothing_written(loaded, tmp_path):
    import datetime as dt

    from zhiben_training.identifiers import make_id

    stranger = make_id("120101", dt.date(1980, 1, 1), 7, female=False)
    rows = [[P_HALF, "2026-principal", "2026-03-13", 8], [stranger, "2026-principal", "2026-03-13", 8],
            [P_HALF, "2030-principal", "2030-03-13", 8], [P_HALF, "2026-principal", "2026-09-01", 8]]
    with pytest.raises(ImportValidationError) as info:
        loaded.import_file("attendance", write_file(tmp_path / "a.csv", ATTENDANCE_HEADER, rows))
    reasons = {p["row"]: p["reason"] for p in info.value.problems}
    assert "没有此人员" in reasons[3] and "没有此培训轮次" in reasons[4] \
        and "不在该轮次的培训期内" in reasons[5]
    assert 2 not in reasons
    assert len(loaded.attendance()) == 8


@pytest.mark.parametrize("hours,reason",
                         [("0", "大于 0"), ("13", "不超过 12"), ("八", "数字"), ("nan", "大于 0")])
def test_hours_outside_the_plausible_range_are_refused(loaded, tmp_path, hours, reason):
    path = write_file(tmp_path / "a.csv", ATTENDANCE_HEADER,
                      [[P_HALF, "2026-principal", "2026-03-13", hours]])
    with pytest.raises(ImportValidationError) as info:
        loaded.import_file("attendance", path)
    assert reason in info.value.problems[0]["reason"]


@pytest.mark.parametrize("day", ["2026-02-30", "2026-13-01", "昨天", "1800-01-01"])
def test_impossible_dates_are_refused(loaded, tmp_path, day):
    path = write_file(tmp_path / "a.csv", ATTENDANCE_HEADER, [[P_HALF, "2026-principal", day, 8]])
    with pytest.raises(ImportValidationError) as info:
        loaded.import_file("attendance", path)
    assert info.value.problems[0]["column"] == "培训日期"


def test_a_special_worker_needs_an_operation_type_and_others_must_not_have_one(loaded, tmp_path):
    rows = people_rows(2, uscc=E1)
    rows[0][7] = "特种作业人员"
    rows[1][8] = "建筑电工"
    with pytest.raises(ImportValidationError) as info:
        loaded.import_file("people", write_file(tmp_path / "p.csv", PEOPLE_HEADER, rows))
    assert [p["column"] for p in info.value.problems] == ["特种作业类别", "特种作业类别"]


def test_sex_must_agree_with_the_id_number(loaded, tmp_path):
    rows = people_rows(1, uscc=E1)
    rows[0][2] = "女" if rows[0][2] == "男" else "男"
    with pytest.raises(ImportValidationError, match="1 处问题"):
        loaded.import_file("people", write_file(tmp_path / "p.csv", PEOPLE_HEADER, rows))


@pytest.mark.parametrize("content,reason", [
    (b"", "文件为空"),
    (b"\xff\xfea,b\n", "UTF-8"),
    (b"a\x00b", "二进制"),
    ("姓名,岗位\n张三,项目负责人\n".encode(), "缺少此列"),
    ("\ufeff身份证号,姓名,所在区,单位统一社会信用代码,岗位\n".encode(), "没有数据行"),
])
def test_empty_undecodable_or_wrong_header_files_are_reported(registry, tmp_path, content, reason):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(ImportValidationError) as info:
        registry.import_file("people", path)
    assert any(reason in p["reason"] for p in info.value.problems)


def test_a_corrupt_xlsx_is_a_validation_error_not_a_crash(registry, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 definitely not a workbook")
    with pytest.raises(ImportValidationError, match="问题"):
        registry.import_file("people", path)


@pytest.mark.parametrize("kind", ["people", "enterprises", "attendance", "hours"])
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_templates_have_the_headers_the_importer_expects(registry, tmp_path, kind, suffix):
    path = write_template(kind, tmp_path / f"t{suffix}")
    with pytest.raises(ImportValidationError) as info:  # headers are right, there are just no rows
        registry.import_file(kind, path)
    assert [p["reason"] for p in info.value.problems] == ["文件只有表头，没有数据行"]


@pytest.mark.parametrize("kind", ["people", "enterprises", "hours"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_every_kind_reimports_as_unchanged(loaded, tmp_path, kind, suffix):
    rows = {
        "people": (PEOPLE_HEADER, people_rows(5, uscc=E1)),
        "enterprises": (ENTERPRISE_HEADER, [[make_uscc("120110", "C0000001"), "东丽设计（合成）", "设计", "",
                                             "乙级", "东丽区", "东丽区某路", "", "", ""]]),
        "hours": (HOURS_HEADER, [[WORKER, "2026-05-02", "4.5", "汛期施工安全", ""]]),
    }[kind]
    path = write_file(tmp_path / f"f{suffix}", *rows)
    first = loaded.import_file(kind, path)
    audit = len(loaded.audit_log())
    second = loaded.import_file(kind, path)
    assert first.inserted == len(rows[1]) and second.unchanged == len(rows[1])
    assert (second.inserted, second.updated) == (0, 0) and len(loaded.audit_log()) == audit


def test_an_id_number_excel_stored_as_a_number_gets_a_precise_hint(loaded, tmp_path):
    rows = people_rows(1, uscc=E1)
    rows[0][0] = float(rows[0][0][:17])  # what Excel does to an 18-digit number typed into a General cell
    with pytest.raises(ImportValidationError) as info:
        loaded.import_file("people", write_file(tmp_path / "p.xlsx", PEOPLE_HEADER, rows))
    assert "设为“文本”格式" in info.value.problems[0]["reason"]


def test_attendance_for_someone_outside_the_rounds_audience_is_refused(loaded, tmp_path):
    path = write_file(tmp_path / "a.csv", ATTENDANCE_HEADER, [[WORKER, "2026-principal", "2026-03-12", 8]])
    with pytest.raises(ImportValidationError) as info:
        loaded.import_file("attendance", path)
    assert "不属于本轮培训对象" in info.value.problems[0]["reason"]
