"""Quarterly / annual / self-evaluation reports: periods, counts, workbook, printable HTML, readback."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.debian_tools import require
from tests.reference import ACTION_PLAN, reference_text, squash
from tests.reports.conftest import (
    column_widths,
    convert_with_libreoffice,
    header_row,
    lo_table,
    make_periodic_inputs,
    table_values,
)
from zhiben_training.errors import ReportError
from zhiben_training.reports.manifest import verify_manifest
from zhiben_training.reports.periodic import TOTAL, build_periodic_report
from zhiben_training.reports.periods import content, parse_period
from zhiben_training.reports.publish import write_periodic


def _section(report, key):
    return next(s for s in report.sections if s.key == key).table


def _row(table, label):
    return table[table.iloc[:, 0] == label].iloc[0]


def test_2026q3_runs_from_july_1_to_september_30_and_is_due_in_the_first_week_of_october():
    period = parse_period("quarterly", "2026Q3")
    assert (period.start, period.end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert period.due.startswith("2026-10-01 至 2026-10-07")
    assert period.label == "2026年第三季度"


def test_a_fourth_quarter_ends_on_december_31_and_is_due_in_january():
    period = parse_period("quarterly", "2025q4")
    assert period.end == dt.date(2025, 12, 31)
    assert period.due.startswith("2026-01-01 至 2026-01-07")


def test_the_annual_report_is_due_in_january_of_the_next_year():
    period = parse_period("annual", "2026")
    assert (period.start, period.end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert period.due.startswith("2027年1月")


def test_the_self_evaluation_covers_the_whole_campaign_march_2024_to_december_2026():
    period = parse_period("self-evaluation")
    assert (period.start, period.end) == (dt.date(2024, 3, 1), dt.date(2026, 12, 31))
    assert period.years == [2024, 2025, 2026]


@pytest.mark.parametrize(("kind", "value"),
                         [("quarterly", "2027Q1"), ("quarterly", "2026-3"), ("annual", "2023")])
def test_periods_outside_the_campaign_or_badly_written_are_refused(kind, value):
    with pytest.raises(ReportError):
        parse_period(kind, value)


def test_the_schedule_quote_is_the_action_plan_text():
    plan = squash(reference_text(ACTION_PLAN))
    schedule = content()["schedule"]
    for key in ("quote", "self_evaluation_quote", "campaign_quote"):
        assert squash(schedule[key]) in plan, key


def test_training_counts_use_completion_and_assessment_dates_inside_the_quarter(periodic_inputs):
    report = build_periodic_report(periodic_inputs, parse_period("quarterly", "2026Q3"))
    by_district = _section(report, "trained_by_district")
    assert list(by_district["所在区"][:2]) == ["和平区", "河东区"] and by_district["所在区"].iloc[-1] == TOTAL
    total = _row(by_district, TOTAL)
    # p1, p2, p3 completed in Q3; p4 completed 06-30 (Q2) and p6 10-01 (Q4); p5 never
    assert total["完成培训人数"] == 3
    # assessed in Q3: p1, p2, p3, p4 (taken 07-01); passed p1, p3, p4
    assert (total["参加考核人数"], total["考核合格人数"], total["合格率（%）"]) == (4, 3, 75.0)
    assert _row(by_district, "和平区")["合格率（%）"] == 50.0
    assert pd.isna(_row(by_district, "河东区")["合格率（%）"])
    by_type = _section(report, "trained_by_type")
    assert list(by_type["企业类型"]) == ["勘察", "设计", "施工", "监理", TOTAL]
    assert _row(by_type, "监理")["合格率（%）"] == 0.0


def test_continuing_education_counts_hours_of_the_year_up_to_the_period_end(periodic_inputs):
    report = build_periodic_report(periodic_inputs, parse_period("quarterly", "2026Q3"))
    ce = _section(report, "continuing_education")
    heping = _row(ce, "和平区")
    assert (heping["应参加人数"], heping["2026年达标人数"], heping["2026年达标率（%）"]) == (2, 1, 50.0)
    assert _row(ce, "西青区")["2026年达标人数"] == 0  # 30 h were in 2025
    annual = build_periodic_report(periodic_inputs, parse_period("annual", "2026"))
    # s2 reaches 24 h in November
    assert _row(_section(annual, "continuing_education"), "和平区")["2026年达标人数"] == 2


def test_the_self_evaluation_reports_continuing_education_per_campaign_year(periodic_inputs):
    report = build_periodic_report(periodic_inputs, parse_period("self-evaluation"))
    ce = _section(report, "continuing_education")
    assert {"2024年达标人数", "2025年达标人数", "2026年达标人数"} <= set(ce.columns)
    assert _row(ce, "西青区")["2025年达标人数"] == 1


def test_renewals_count_expiries_in_the_quarter_and_in_the_three_month_window_after(periodic_inputs):
    report = build_periodic_report(periodic_inputs, parse_period("quarterly", "2026Q3"))
    total = _row(_section(report, "renewals"), TOTAL)
    assert total["期内到期证书数"] == 2 and total["其中特种作业证书"] == 1
    assert total["期末起3个月内到期（应申请延续）"] == 1  # 2026-12-31 is in, 2027-01-01 is out


def test_major_hazards_found_closed_and_overdue_are_counted_by_channel(periodic_inputs):
    report = build_periodic_report(periodic_inputs, parse_period("quarterly", "2026Q3"))
    table = _section(report, "hazards_by_channel")
    assert list(table["发现渠道"]) == ["企业自查", "督导检查", "群众举报", TOTAL]
    supervision = _row(table, "督导检查")
    assert (supervision["期内发现"], supervision["期内销号"], supervision["期末逾期未销号"]) == (1, 1, 1)
    total = _row(table, TOTAL)
    assert (total["期内发现"], total["期内销号"], total["期末逾期未销号"],
            total["期末整改中（未逾期）"]) == (3, 2, 1, 1)
    by_district = _section(report, "hazards_by_district")
    assert _row(by_district, TOTAL)["期内发现"] == 3  # the 一般 finding f5 is not counted


def test_a_report_written_before_its_period_ends_counts_overdue_as_of_that_day(periodic_inputs):
    report = build_periodic_report(periodic_inputs, parse_period("quarterly", "2026Q3"),
                                   as_of=dt.date(2026, 7, 15))
    total = _row(_section(report, "hazards_by_channel"), TOTAL)
    # on 07-15 f1 (deadline 07-20, closed 07-18) is still being rectified, f2 and f3 are not found yet
    assert (total["期末逾期未销号"], total["期末整改中（未逾期）"]) == (0, 1)
    assert ("数据截至", "2026-07-15（统计期间尚未结束；“期末”各项按此日计）") in report.summary
    heping = _row(_section(report, "continuing_education"), "和平区")
    assert heping["2026年达标人数"] == 0  # s1 reaches 24 h only on 08-01


def test_an_unknown_channel_is_reported_with_its_row(periodic_inputs):
    findings = periodic_inputs.findings.copy()
    findings.loc[2, "channel"] = "媒体曝光"
    inputs = periodic_inputs.__class__(**{**periodic_inputs.__dict__, "findings": findings})
    with pytest.raises(ReportError, match="findings 第 4 行「channel」"):
        build_periodic_report(inputs, parse_period("quarterly", "2026Q3"))


def test_a_bad_date_is_reported_with_its_row(periodic_inputs):
    findings = periodic_inputs.findings.copy()
    findings.loc[1, "deadline"] = "下周"
    inputs = periodic_inputs.__class__(**{**periodic_inputs.__dict__, "findings": findings})
    with pytest.raises(ReportError, match="findings 第 3 行「deadline」不是日期"):
        build_periodic_report(inputs, parse_period("quarterly", "2026Q3"))


def _write(tmp_path, kind="quarterly", value="2026Q3"):
    report = build_periodic_report(make_periodic_inputs(), parse_period(kind, value))
    return report, write_periodic(report, tmp_path)


def test_the_workbook_has_an_about_sheet_and_one_sheet_per_section_with_frozen_headers(tmp_path):
    report, export = _write(tmp_path)
    book = openpyxl.load_workbook(export.xlsx)
    assert book.sheetnames == ["说明", *(s.sheet for s in report.sections)]
    header, about = table_values(book["说明"])
    assert header == ["项目", "内容"]
    assert ("报送时限", report.period.due) in about
    assert any(value == content()["schedule"]["quote"] for _, value in about)
    for section in report.sections:
        ws = book[section.sheet]
        assert ws.freeze_panes == "A5"  # title, section heading, 报送单位/统计期间/生成日期, header on row 4
        header, rows = table_values(ws)
        assert header == list(section.table.columns) and len(rows) == len(section.table)
        assert all(w >= 10 for w in column_widths(ws).values())
    assert book.properties.created == dt.datetime(2026, 9, 30)


def test_the_same_report_written_twice_gives_the_same_bytes(tmp_path):
    _, first = _write(tmp_path / "a")
    _, second = _write(tmp_path / "b")
    for a, b in [(first.xlsx, second.xlsx), (first.html, second.html), (first.manifest, second.manifest)]:
        assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest(), a.name
    assert verify_manifest(tmp_path / "a") == []


def test_the_html_is_printable_chinese_with_embedded_png_charts_and_font(tmp_path):
    report, export = _write(tmp_path)
    page = export.html.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and "@media print" in page and "@page { size: A4" in page
    assert "2026年第三季度" in page and content()["schedule"]["quote"] in page
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == sum(1 for s in report.sections if s.chart)
    assert all(base64.b64decode(i).startswith(b"\x89PNG\r\n\x1a\n") for i in images)
    assert re.search(r'@font-face \{ font-family: "Noto Sans CJK SC".*data:font/woff;base64,', page)
    assert "<script" not in page and "http" not in page.split("</style>")[1]


def test_the_self_evaluation_quotes_the_october_2026_self_evaluation_requirement(tmp_path):
    _, export = _write(tmp_path, "self-evaluation", None)
    assert export.xlsx.name == "self-evaluation-2024-2026.xlsx"
    assert content()["schedule"]["self_evaluation_quote"] in export.html.read_text(encoding="utf-8")


@pytest.mark.libreoffice
def test_libreoffice_reads_every_report_sheet_back_as_the_report_tables(tmp_path, soffice):
    report, export = _write(tmp_path / "out", "annual", "2026")
    sheets = convert_with_libreoffice(soffice, export.xlsx, tmp_path / "lo")
    assert set(sheets) == {"说明", *(s.sheet for s in report.sections)}
    book = openpyxl.load_workbook(export.xlsx)
    for section in report.sections:
        back = lo_table(sheets[section.sheet], header_row(book[section.sheet]))
        expected = section.table
        assert list(back.columns) == list(expected.columns)
        assert back.iloc[:, 0].tolist() == expected.iloc[:, 0].astype(str).tolist()
        for column in expected.columns[1:]:
            numbers = pd.to_numeric(back[column].replace("", None)).astype(float)
            pd.testing.assert_series_equal(numbers, expected[column].astype(float), check_names=False)


@pytest.fixture(scope="module")
def printed_pdf(tmp_path_factory) -> Path:
    """The 2026Q3 HTML report printed to PDF by Debian's chromium (once for this module)."""
    browser = require("chromium")
    tmp_path = tmp_path_factory.mktemp("print")
    _, export = _write(tmp_path / "out")
    pdf = tmp_path / "report.pdf"
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
         "--no-pdf-header-footer", f"--print-to-pdf={pdf}", export.html.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert pdf.exists(), result.stderr
    return pdf


@pytest.mark.browser
def test_chromium_prints_the_html_report_to_a_multi_page_a4_pdf(printed_pdf):
    data = printed_pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= 2
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", data)
    assert boxes and all(abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1 for w, h in boxes)  # A4


@pytest.mark.browser
def test_the_printed_pdf_renders_with_ink_and_its_chinese_title_can_be_extracted(printed_pdf, tmp_path):
    """poppler reads what chromium printed: page 1 is not blank, and the title is text (fonts embedded)."""
    pdftoppm = require("pdftoppm")
    subprocess.run([pdftoppm, "-f", "1", "-l", "1", "-r", "40", "-gray", printed_pdf, tmp_path / "page"],
                   check=True, capture_output=True, timeout=120)
    page = next(tmp_path.glob("page*.pgm")).read_bytes()
    pixels = page.split(b"\n", 3)[3]  # binary PGM: P5, size, maxval, then one byte per pixel
    assert sum(1 for value in pixels if value < 128) > 0.005 * len(pixels)  # a printed page: about 2 % ink
    text = subprocess.run([Path(pdftoppm).with_name("pdftotext"), "-f", "1", "-l", "1", printed_pdf, "-"],
                          check=True, capture_output=True, text=True, timeout=120).stdout
    assert "2026年第三季度" in squash(text)
