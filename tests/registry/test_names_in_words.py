"""Documents a regulator or trainee reads name rounds and certificate types in words, never by internal
id (培训批次：2026-principal, 证书类型 SPECIAL); the ids stay in JSON and CSV columns for programs."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from zhiben_training.cli import main

from .conftest import WORKER_2


@pytest.fixture
def db(tmp_path, tiny_city, capsys) -> str:
    url = f"sqlite:///{tmp_path / 'names.sqlite'}"
    assert main(["db", "load-synth", str(tiny_city), "--db", url]) == 0
    capsys.readouterr()
    return url


def _cells(path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row
            if c]


def test_the_roster_names_its_round_in_words_and_keeps_the_id_in_the_file_name(db, tmp_path, capsys):
    out = tmp_path / "报送"
    assert main(["report", "roster", "--round", "2026-principal", "--out", str(out), "--today", "2026-05-15",
                 "--db", db]) == 0
    assert "2026年度主要负责人安全生产培训" in capsys.readouterr().out
    cells = _cells(out / "roster-2026-principal.xlsx")
    assert any("培训批次：2026年度主要负责人安全生产培训" in c for c in cells)
    assert not any("2026-principal" in c for c in cells)
    assert not pd.read_csv(out / "roster-2026-principal.csv", encoding="utf-8-sig").empty


def test_the_quarterly_report_lists_rounds_by_name(db, tmp_path):
    out = tmp_path / "报送"
    assert main(["report", "quarterly", "2026Q1", "--out", str(out), "--today", "2026-05-15", "--db",
                 db]) == 0
    html = next(out.glob("*.html")).read_text(encoding="utf-8")
    assert "<td>2026年度主要负责人安全生产培训</td>" in html
    assert "2026-principal" not in html and "2026-safety" not in html
    cells = [c for x in out.glob("*.xlsx") for c in _cells(x)]
    assert "2026年度主要负责人安全生产培训" in cells and not any("2026-principal" in c for c in cells)


def test_due_names_the_special_operation_certificate_in_words_and_json_keeps_the_code(db, capsys):
    assert main(["due", "--renewal", "--days", "60", "--today", "2026-05-15", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "建筑施工特种作业操作资格证书（建筑架子工）" in out \
        and "C2证（专职安全生产管理人员（土建类））" in out
    assert "SPECIAL" not in out
    assert main(["due", "--renewal", "--days", "60", "--today", "2026-05-15", "--json", "--db", db]) == 0
    rows = json.loads(capsys.readouterr().out)
    special = [r for r in rows if r["cert_type"] == "SPECIAL"]
    assert special and special[0]["cert_type_name"] == "建筑施工特种作业操作资格证书（建筑架子工）"
    assert WORKER_2 not in json.dumps(rows)  # still masked
