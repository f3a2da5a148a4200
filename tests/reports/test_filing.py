"""Filing elements read back from the files: title, 报送单位, period, 生成日期, page header/footer,
signature block, the declared CJK font, and column widths that fit their text."""

from __future__ import annotations

import datetime as dt
import hashlib

import openpyxl
import pytest

from tests.reports.conftest import column_widths, header_row, make_periodic_inputs
from zhiben_training.cli import main
from zhiben_training.errors import ReportError
from zhiben_training.reports import write_roster
from zhiben_training.reports.filing import BLANK, text_width
from zhiben_training.reports.periodic import build_periodic_report
from zhiben_training.reports.periods import parse_period
from zhiben_training.reports.publish import write_periodic
from zhiben_training.reports.xlsx import XLSX_FONT

UNIT = "天津市和平区住房和城乡建设委员会"
DAY = dt.date(2026, 11, 28)


def _quarterly(out, **filing):
    report = build_periodic_report(make_periodic_inputs(), parse_period("quarterly", "2026Q3"))
    return report, write_periodic(report, out, **filing)


def _texts(ws) -> list[str]:
    return [v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]


def test_every_report_sheet_has_title_unit_period_date_and_a_signature_block(tmp_path):
    report, export = _quarterly(tmp_path, unit=UNIT, generated=DAY)
    book = openpyxl.load_workbook(export.xlsx)
    for ws in book.worksheets:
        assert ws["A1"].value == report.period.title and ws["A1"].font.b and ws["A1"].font.sz == 16
        meta = ws.cell(row=header_row(ws) - 1, column=1).value
        assert meta == (f"报送单位：{UNIT}　　"
                        "统计期间：2026年第三季度（2026-07-01 至 2026-09-30）　　生成日期：2026-11-28")
        texts = _texts(ws)
        assert f"填报单位（盖章）：{UNIT}　　　　填报人：{BLANK}" in texts
        assert "审核人：＿＿＿＿＿＿＿＿　　　　日期：＿＿＿＿年＿＿月＿＿日" in texts
        # header row repeated on every page
        assert ws.print_title_rows == f"${header_row(ws)}:${header_row(ws)}"
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage \
            and ws.page_setup.fitToWidth in (None, 1)  # 1 = default
        assert ws.oddHeader.center.text is None
        assert ws.oddHeader.left.text == report.period.title
        assert ws.oddHeader.right.text == "统计期间：2026年第三季度"
        assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
        assert ws.oddFooter.left.text == f"{UNIT}　生成日期：2026-11-28" and ws.oddFooter.right.text == "&A"
    for section in report.sections:
        ws = book[section.sheet]
        assert ws["A2"].value == section.title and section.note in _texts(ws)


def test_cells_are_declared_in_simsun_with_the_gb2312_charset_not_calibri(tmp_path, roster_frame):
    _, periodic = _quarterly(tmp_path / "q", unit=UNIT, generated=DAY)
    roster = write_roster(roster_frame, tmp_path / "r", round_id="2026-principal", unit=UNIT, generated=DAY)
    for path in (periodic.xlsx, roster.xlsx):
        book = openpyxl.load_workbook(path)
        fonts = {(f.name, f.charset) for f in book._fonts}
        assert fonts == {(XLSX_FONT, 134)}, path.name
        ws = book.worksheets[-1]
        data = ws.cell(row=header_row(ws) + 1, column=2)
        assert data.font.name == "宋体" and data.font.scheme is None  # no theme font (Calibri) overriding it


def test_the_roster_xlsx_is_filed_but_its_csv_stays_a_bare_table(tmp_path, roster_frame):
    export = write_roster(roster_frame, tmp_path, round_id="2026-principal", masked=True, unit=UNIT,
                          generated=DAY, round_title="2026年度主要负责人安全生产培训")
    ws = openpyxl.load_workbook(export.xlsx)["花名册"]
    assert ws["A1"].value == "培训考核人员花名册（公示版）"
    assert ws["A2"].value == \
        f"报送单位：{UNIT}　　培训批次：2026年度主要负责人安全生产培训　　生成日期：2026-11-28"
    assert "共 40 人。公示版：身份证号等按列规格打码。" in _texts(ws)
    assert ws.oddHeader.right.text == "培训批次：2026年度主要负责人安全生产培训"
    assert export.xlsx.name == "roster-2026-principal-public.xlsx"  # the id names the files
    first = export.csv.read_text(encoding="utf-8-sig").splitlines()[0]
    assert first.startswith("序号,姓名,身份证号")  # programs read the CSV; the title block would break them


def test_without_a_unit_or_date_the_lines_are_left_blank_to_fill_in_by_hand(tmp_path):
    _, export = _quarterly(tmp_path)
    ws = openpyxl.load_workbook(export.xlsx)["说明"]
    assert ws.cell(row=header_row(ws) - 1, column=1).value.startswith(f"报送单位：{BLANK}")
    assert f"填报单位（盖章）：{BLANK}　　　　填报人：{BLANK}" in _texts(ws)
    assert ws.oddFooter.left.text == f"生成日期：{BLANK}"


def test_the_generation_date_is_an_input_same_date_same_bytes_other_date_other_bytes(tmp_path):
    digests = {}
    for name, day in (("a", DAY), ("b", DAY), ("c", DAY + dt.timedelta(days=1))):
        _, export = _quarterly(tmp_path / name, unit=UNIT, generated=day)
        digests[name] = (hashlib.sha256(export.xlsx.read_bytes()).digest(),
                         hashlib.sha256(export.html.read_bytes()).digest())
    assert digests["a"] == digests["b"]
    assert digests["a"][0] != digests["c"][0] and digests["a"][1] != digests["c"][1]


def test_the_html_has_page_numbers_in_the_print_css_and_a_signature_block(tmp_path):
    _, export = _quarterly(tmp_path, unit=UNIT, generated=DAY)
    page = export.html.read_text(encoding="utf-8")
    assert '@bottom-center { content: "第 " counter(page) " 页，共 " counter(pages) " 页"' in page
    # margin boxes too
    assert '@page { size: A4; margin: 16mm 14mm 18mm; font-family: "Noto Sans CJK SC"' in page
    assert "thead { display: table-header-group; }" in page and "h2 { break-after: avoid;" in page
    assert '<section class="signature"' in page
    for label in ("填报单位（盖章）：", "填报人：", "审核人：", "日期："):
        assert f"<span>{label}</span>" in page
    assert f"<tr><th>报送单位</th><td>{UNIT}</td></tr>" in page and "<td>2026-11-28</td>" in page


def test_an_overlong_unit_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(ReportError, match="报送单位名称过长"):
        _quarterly(tmp_path / "out", unit="很" * 61)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_first_column_is_wide_enough_for_its_longest_label(tmp_path):
    """The 说明 sheet lists the section names (e.g. 六、重大事故隐患排查整治（按发现渠道）): CJK counts 2."""
    report, export = _quarterly(tmp_path)
    book = openpyxl.load_workbook(export.xlsx)
    longest = max(text_width(s.title) for s in report.sections)
    assert column_widths(book["说明"])[1] >= longest
    for section in report.sections:
        widest = max(text_width(str(v)) for v in section.table.iloc[:, 0])
        assert column_widths(book[section.sheet])[1] >= widest, section.sheet


def test_the_cli_takes_the_unit_from_an_option_or_the_environment(tmp_path, monkeypatch):
    from zhiben_training.registry import open_registry

    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    open_registry(url).close()
    args = ["report", "quarterly", "2026Q3", "--db", url, "--today", "2026-11-28"]
    assert main([*args, "--out", str(tmp_path / "a"), "--unit", UNIT]) == 0
    monkeypatch.setenv("ZHIBEN_REPORT_UNIT", "天津市西青区住房和城乡建设委员会")
    assert main([*args, "--out", str(tmp_path / "b")]) == 0
    for folder, unit in (("a", UNIT), ("b", "天津市西青区住房和城乡建设委员会")):
        ws = openpyxl.load_workbook(tmp_path / folder / "quarterly-2026Q3.xlsx")["说明"]
        assert ws.cell(row=header_row(ws) - 1, column=1).value.startswith(f"报送单位：{unit}　")
        assert "生成日期：2026-11-28" in ws.cell(row=header_row(ws) - 1, column=1).value
