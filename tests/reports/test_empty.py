"""An empty registry, or a period with nothing in it, gives a valid and clearly empty report in every
format."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest

from tests.reports.conftest import make_periodic_inputs
from zhiben_training.cli import main
from zhiben_training.registry import open_registry
from zhiben_training.reports.manifest import verify_manifest
from zhiben_training.reports.periodic import NO_DATA, TOTAL, build_periodic_report
from zhiben_training.reports.periods import parse_period
from zhiben_training.reports.publish import write_periodic

COMMANDS = {
    "quarterly-2026Q3": ["quarterly", "2026Q3"],
    "annual-2026": ["annual", "2026"],
    "self-evaluation-2024-2026": ["self-evaluation"],
}


@pytest.fixture
def empty_db(tmp_path) -> str:
    """A fresh registry: schema created, not one person, round or finding."""
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    with open_registry(url) as registry:
        assert registry.people().empty and registry.rounds().empty
    return url


def _cells(book) -> list[object]:
    return [v for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
            if v is not None]


@pytest.mark.parametrize("stem", list(COMMANDS))
def test_a_periodic_report_of_an_empty_registry_is_a_valid_empty_report(stem, empty_db, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["report", *COMMANDS[stem], "--out", str(out), "--db", empty_db, "--today",
                 "2026-11-28"]) == 0
    printed = capsys.readouterr().out
    assert f"数据情况：{NO_DATA}" in printed and "完成培训人数：0 人" in printed
    book = openpyxl.load_workbook(out / f"{stem}.xlsx")
    cells = _cells(book)
    assert not any(isinstance(v, str) and "nan" in v.lower() for v in cells)
    assert not any(isinstance(v, float) and v != v for v in cells)
    for ws in book.worksheets[1:]:
        texts = [v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
        assert any(t.startswith(NO_DATA) for t in texts), ws.title
        total = next(row for row in ws.iter_rows(values_only=True) if row[0] == TOTAL)
        assert all(v in (0, None) for v in total[1:]), ws.title  # zero counts; rates blank, never nan
    page = (out / f"{stem}.html").read_text(encoding="utf-8")
    text = re.sub(r"base64,[A-Za-z0-9+/=]+", "", page.split("</style>")[1])
    assert text.count(NO_DATA) >= 7 and not re.search(r"\bnan\b", text, re.IGNORECASE)
    assert verify_manifest(out) == []


def test_a_roster_of_a_round_nobody_has_joined_yet_is_header_and_a_note(empty_db, tmp_path, capsys):
    assert main(["db", "open-rounds", "--year", "2026", "--db", empty_db]) == 0
    out = tmp_path / "out"
    assert main(["report", "roster", "--round", "2026-principal", "--out", str(out), "--db", empty_db]) == 0
    assert "共 0 人" in capsys.readouterr().out
    back = pd.read_csv(out / "roster-2026-principal.csv", encoding="utf-8-sig", dtype=str)
    assert back.empty and back.columns[0] == "序号"
    texts = [v for v in _cells(openpyxl.load_workbook(out / "roster-2026-principal.xlsx"))
             if isinstance(v, str)]
    assert any(t.startswith(NO_DATA) for t in texts)


def test_a_quarter_before_anything_happened_reports_zeros_not_nan():
    """2024Q1 of the hand-made city: every event is from 2025–2026; only its 3 special workers are counted
    (they owe continuing education in 2024 too, and none has any hours then)."""
    report = build_periodic_report(make_periodic_inputs(), parse_period("quarterly", "2024Q1"))
    empty = {s.key for s in report.sections if s.empty}
    assert empty == {s.key for s in report.sections} - {"continuing_education"}
    assert all(s.note.startswith(NO_DATA) for s in report.sections if s.key in empty)
    ce = next(s.table for s in report.sections if s.key == "continuing_education").iloc[-1]
    assert (ce["应参加人数"], ce["2024年达标人数"], ce["2024年达标率（%）"]) == (3, 0, 0.0)
    assert "数据情况" not in dict(report.summary)  # not empty: people are due continuing education
    q3 = build_periodic_report(make_periodic_inputs(), parse_period("quarterly", "2026Q3"))
    assert not any(s.empty for s in q3.sections) and "数据情况" not in dict(q3.summary)


def test_an_empty_period_still_draws_its_charts_with_a_no_data_label(tmp_path):
    report = build_periodic_report(make_periodic_inputs(), parse_period("quarterly", "2024Q1"))
    export = write_periodic(report, tmp_path)
    page = export.html.read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == sum(1 for s in report.sections if s.chart)
