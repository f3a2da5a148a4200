"""The registry commands on a temporary database: output in Chinese, IDs and phones masked."""

from __future__ import annotations

import json
import re

import pytest

from zhiben_training.cli import main

from .conftest import ENTERPRISES, P_DONE, P_HALF
from .filemaker import ATTENDANCE_HEADER, write_file

MASKED_ID = re.compile(r"\d{4}\*{10}[\dX]{4}")


@pytest.fixture
def db(tmp_path, tiny_city, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert main(["db", "load-synth", str(tiny_city), "--db", url]) == 0
    capsys.readouterr()
    return url


def test_status_for_the_city_summarises_by_district(db, capsys):
    assert main(["status", "--round", "2026-principal", "--today", "2026-05-15", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "滨海新区" in out and "已完成" in out and "完成率" in out


def test_status_of_a_person_is_masked_everywhere(db, capsys):
    assert main(["status", "--person", P_DONE, "--today", "2026-05-15", "--db", db]) == 0
    out = capsys.readouterr().out
    assert P_DONE not in out and MASKED_ID.search(out) and "已完成" in out


def test_status_json_for_an_enterprise_masks_ids_and_phones(db, capsys):
    uscc = ENTERPRISES[0][0]
    assert main(["status", "--enterprise", uscc, "--round", "2026-principal", "--json", "--today",
                 "2026-05-15", "--db", db]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(MASKED_ID.fullmatch(r["person_id"]) for r in rows)
    assert rows[0]["status"] == "completed"


def test_status_of_an_unknown_person_is_a_chinese_error(db, capsys):
    assert main(["status", "--person", "110101199003070018", "--db", db]) == 2
    assert "没有身份证号为 1101**********0018 的人员" in capsys.readouterr().err


def test_due_lists_renewals_with_blockers(db, capsys):
    assert main(["due", "--renewal", "--days", "60", "--today", "2026-05-15", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "到期 3 本" in out and "1 本有待核实的处罚记录" in out and not re.search(r"\d{17}[\dX]", out)
    assert "通报批评（2025-01-15，原因：所在项目重大事故隐患未按期整改）" in out \
        and "配置规则，非法规原文" in out
    assert out.count("未核查（无数据）：") == 2  # 安管 and 特种作业: what the registry could not check


def test_import_prints_the_report_and_exits_2_on_bad_rows(db, tmp_path, capsys):
    path = write_file(tmp_path / "a.csv", ATTENDANCE_HEADER, [[P_HALF, "2026-principal", "2026-03-12", "99"]])
    assert main(["import", "attendance", str(path), "--db", db]) == 2
    err = capsys.readouterr().err
    assert "第 2 行 【学时】 99：应大于 0 且不超过 12" in err and "未写入任何数据" in err


def test_import_then_reimport_reports_nothing_changed(db, tmp_path, capsys):
    path = write_file(tmp_path / "a.csv", ATTENDANCE_HEADER, [[P_HALF, "2026-principal", "2026-03-12", "8"]])
    assert main(["import", "attendance", str(path), "--db", db]) == 0
    assert "新增 1" in capsys.readouterr().out
    assert main(["import", "attendance", str(path), "--db", db]) == 0
    assert "新增 0，更新 0，未变 1" in capsys.readouterr().out


def test_template_writes_an_xlsx_with_chinese_headers(tmp_path, capsys):
    from openpyxl import load_workbook

    out = tmp_path / "people.xlsx"
    assert main(["template", "people", "--out", str(out)]) == 0
    sheet = load_workbook(out).worksheets[0]
    assert [c.value for c in sheet[1]][:2] == ["身份证号", "姓名"]


def test_open_rounds_and_upgrade(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    assert main(["db", "upgrade", "--db", url]) == 0
    assert main(["db", "open-rounds", "--year", "2027", "--db", url]) == 0
    assert "2027-principal" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["import", "--help"], ["status", "--help"], ["due", "--help"],
                                  ["db", "--help"], ["template", "--help"]])
def test_every_registry_command_has_chinese_help(args, capsys):
    assert main(args) == 0
    assert re.search(r"[\u4e00-\u9fff]", capsys.readouterr().out)
