"""What a regulator sees: every report and roster XLSX printed to PDF by LibreOffice, and the HTML by
Chromium, on a machine whose only CJK font is the bundled Noto Sans CJK (a private fontconfig lists just
that folder).

A PNG of each first page goes to test-artifacts/ for a human to look at.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.reports.conftest import make_periodic_inputs
from zhiben_training.fonts import CJK_FONT_NAME, cjk_font_path
from zhiben_training.reports import write_roster
from zhiben_training.reports.periodic import build_periodic_report
from zhiben_training.reports.periods import parse_period
from zhiben_training.reports.publish import write_periodic
from zhiben_training.reports.xlsx import XLSX_FONT

UNIT = "天津市和平区住房和城乡建设委员会"
TODAY = dt.date(2026, 11, 28)
POPPLER = ("pdftoppm", "pdffonts", "pdftotext")


def private_fontconfig(folder: Path) -> Path:
    """A fonts.conf whose only font folder is the noto-cjk package: no system font at all.

    The alias only picks the Simplified Chinese face of the collection for 宋体 (fontconfig would otherwise
    take the collection's first face, Japanese glyph forms); without it the same font still renders.
    """
    cache = folder / "fc-cache"
    cache.mkdir(parents=True, exist_ok=True)
    conf = folder / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>{cjk_font_path().parent}</dir>
  <cachedir>{cache}</cachedir>
  <alias binding="same"><family>{XLSX_FONT}</family><prefer><family>{CJK_FONT_NAME}</family></prefer></alias>
</fontconfig>
""", encoding="utf-8")
    return conf


@pytest.fixture
def poppler():
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"未安装 poppler-utils（{'、'.join(missing)}），跳过渲染检查；CI 中由 .ci/run 安装")


def _run(args: list[str], **kwargs) -> str:
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _fonts(pdf: Path) -> list[str]:
    lines = _run(["pdffonts", str(pdf)]).splitlines()[2:]
    return [line.split()[0] for line in lines if line.strip()]


def _exports(out: Path, roster_frame) -> dict[str, str]:
    """Every XLSX a regulator receives, with the title its first page must show."""
    titles = {}
    for kind, value in (("quarterly", "2026Q3"), ("annual", "2026"), ("self-evaluation", None)):
        report = build_periodic_report(make_periodic_inputs(), parse_period(kind, value), as_of=TODAY)
        export = write_periodic(report, out, unit=UNIT, generated=TODAY)
        titles[export.xlsx.stem] = report.period.title
    for masked in (False, True):
        export = write_roster(roster_frame, out, round_id="2026-principal", masked=masked, unit=UNIT,
                              generated=TODAY)
        titles[export.xlsx.stem] = "培训考核人员花名册" + ("（公示版）" if masked else "")
    return titles


@pytest.mark.libreoffice
def test_libreoffice_prints_every_xlsx_in_the_bundled_cjk_font_with_the_filing_elements(
        tmp_path, soffice, poppler, roster_frame, artifacts_dir):
    out = tmp_path / "out"
    titles = _exports(out, roster_frame)
    env = {"FONTCONFIG_FILE": str(private_fontconfig(tmp_path / "fonts")), "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path)}
    _run([soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless", "--convert-to",
          "pdf", "--outdir", str(tmp_path / "pdf"), *(str(out / f"{stem}.xlsx") for stem in titles)], env=env)
    for stem, title in titles.items():
        pdf = tmp_path / "pdf" / f"{stem}.pdf"
        fonts = _fonts(pdf)
        # every glyph on every page drawn with the bundled Noto Sans CJK: no box glyphs from a font
        # without CJK
        assert fonts and all("NotoSansCJK" in name for name in fonts), (stem, fonts)
        first = _run(["pdftotext", "-l", "1", "-layout", str(pdf), "-"])
        assert title in re.sub(r"\s+", "", first) or title in first, stem
        assert UNIT in first and "生成日期：2026-11-28" in first, stem
        assert re.search(r"第 1 页，共 \d+ 页", first), stem
        text = _run(["pdftotext", "-layout", str(pdf), "-"])
        for label in ("填报单位（盖章）", "填报人", "审核人", "日期"):
            assert label in text, (stem, label)
        _run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
              str(artifacts_dir / f"render_lo_{stem}")])
        assert (artifacts_dir / f"render_lo_{stem}.png").stat().st_size > 20_000


@pytest.mark.browser
def test_chromium_prints_the_html_report_with_page_numbers_in_the_bundled_font(
        tmp_path, poppler, artifacts_dir):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("未安装 Debian chromium，跳过打印测试（apt-get install chromium）")
    report = build_periodic_report(make_periodic_inputs(), parse_period("quarterly", "2026Q3"))
    export = write_periodic(report, tmp_path / "out", unit=UNIT, generated=TODAY)
    pdf = tmp_path / "report.pdf"
    env = {"FONTCONFIG_FILE": str(private_fontconfig(tmp_path / "fonts")), "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path)}
    _run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
          "--no-pdf-header-footer", f"--print-to-pdf={pdf}", export.html.as_uri()], env=env)
    pages = int(re.search(r"Pages:\s+(\d+)", _run(["pdfinfo", str(pdf)]))[1])
    assert 2 <= pages <= 5  # was 7 before the print layout was tightened
    text = _run(["pdftotext", "-layout", str(pdf), "-"])
    for number in range(1, pages + 1):
        assert f"第 {number} 页，共 {pages} 页" in text  # @page margin boxes
    assert UNIT in text and "生成日期：2026-11-28" in text and "审核人" in text
    _run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
          str(artifacts_dir / "render_chromium_quarterly")])
