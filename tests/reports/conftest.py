"""Fixtures for report tests: a small valid roster DataFrame built with the real identifier rules."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from tests.debian_tools import require
from zhiben_training import identifiers
from zhiben_training.reports.manifest import MANIFEST_NAME

DISTRICTS = [("120101", "和平区"), ("120116", "滨海新区"), ("120111", "西青区")]
TYPES = ["施工", "监理", "勘察", "设计"]
ROLES = ["法定代表人", "实际控制人", "项目负责人", "专职安全生产管理人员"]


def make_roster(n: int, *, seed: int = 7) -> pd.DataFrame:
    """``n`` distinct valid people spread over three districts and four enterprise types."""
    assert n <= 1000, "the order code makes IDs unique only up to 1000 people"
    rows = []
    for i in range(n):
        code, district = DISTRICTS[i % len(DISTRICTS)]
        uscc = identifiers.make_uscc(code, f"{(i // 5 + seed) % 10**8:08d}")
        passed = None if i % 7 == 3 else (i % 5 != 0)
        rows.append({
            "person_id": identifiers.make_id(code, dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28), i % 1000,
                                             female=bool(i % 2)),
            "name": ["张伟", "王芳", "李娜", "刘洋", "陈静", "欧阳明"][i % 6],
            "enterprise_name": f"天津市第{i // 5 + 1}建筑工程有限公司",
            "enterprise_uscc": uscc,
            "enterprise_type": TYPES[i % len(TYPES)],
            "district": district,
            "role": ROLES[i % len(ROLES)],
            "cert_no": f"津建安A（2026）{i:07d}",
            "hours": 24.0 + (i % 3) * 4,
            "score": None if passed is None else float(55 + (i * 7) % 45),
            "passed": passed,
            "completed_date": None if passed is None else dt.date(2026, 7, 1) + dt.timedelta(days=i % 90),
        })
    frame = pd.DataFrame(rows)
    frame["passed"] = frame["passed"].astype("boolean")
    return frame


@pytest.fixture
def roster_frame() -> pd.DataFrame:
    return make_roster(40)


@pytest.fixture
def soffice() -> str:
    return require("soffice")


def convert_with_libreoffice(soffice: str, xlsx: Path, out_dir: Path) -> dict[str, Path]:
    """All sheets of ``xlsx`` as UTF-8 CSV via LibreOffice headless; returns {sheet name: csv path}."""
    profile = out_dir / "lo-profile"
    out_dir.mkdir(parents=True, exist_ok=True)
    filt = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", filt,
         "--outdir", str(out_dir), str(xlsx)],
        capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    prefix = xlsx.stem + "-"
    return {p.stem[len(prefix):]: p for p in out_dir.glob(f"{xlsx.stem}-*.csv")}


def header_row(ws) -> int:
    """The 1-based row of the table header: the row above the frozen pane (title rows sit above it)."""
    return int(ws.freeze_panes.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) - 1


def table_values(ws) -> tuple[list, list[tuple]]:
    """(header, data rows) of a filed sheet read with openpyxl: the rows below the header up to the first
    empty row (the note and signature block follow after it)."""
    top = header_row(ws)
    header = [c.value for c in ws[top]]
    rows = []
    for row in ws.iter_rows(min_row=top + 1, values_only=True):
        if all(v is None for v in row):
            break
        rows.append(row)
    return header, rows


def lo_table(csv_path: Path, header_line: int) -> pd.DataFrame:
    """A sheet converted by LibreOffice to CSV, cut to its table: header on ``header_line`` (1-based), rows
    until the first empty line. Every value is text; blanks are ""."""
    import csv

    with csv_path.open(encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))
    header = lines[header_line - 1]
    body = []
    for line in lines[header_line:]:
        if not any(cell.strip() for cell in line):
            break
        body.append(line[:len(header)])
    return pd.DataFrame(body, columns=header, dtype=str)


def column_widths(ws) -> dict[int, float]:
    """{1-based column index: width} from openpyxl, expanding grouped <col min max> ranges."""
    widths = {}
    for dim in ws.column_dimensions.values():
        for index in range(dim.min, dim.max + 1):
            widths[index] = dim.width
    return widths


def make_periodic_inputs():
    """A small hand-made city whose counts for 2026Q3 are known by construction (see test_periodic)."""
    from zhiben_training.reports.periodic import PeriodicInputs

    d = dt.date
    training = pd.DataFrame([
        # person, round, district, type, role, completed, taken, passed
        ("p1", "2026-principal", "和平区", "施工", "法定代表人", d(2026, 7, 10), d(2026, 7, 20), True),
        ("p2", "2026-principal", "和平区", "监理", "实际控制人", d(2026, 8, 1), d(2026, 8, 5), False),
        ("p3", "2026-principal", "滨海新区", "施工", "实际负责人", d(2026, 9, 30), d(2026, 9, 30), True),
        ("p4", "2026-safety", "滨海新区", "施工", "项目负责人", d(2026, 6, 30), d(2026, 7, 1), True),
        ("p5", "2026-safety", "西青区", "施工", "专职安全生产管理人员", None, None, None),
        ("p6", "2026-safety", "西青区", "设计", "项目负责人", d(2026, 10, 1), d(2026, 10, 2), True),
    ], columns=["person_id", "round_id", "district", "enterprise_type", "role", "completed_date",
                "taken_date", "passed"])
    # the names in words reports/sources.py takes from Registry.rounds()["title"]
    training["round_name"] = training["round_id"].map({"2026-principal": "2026年度主要负责人安全生产培训",
                                                       "2026-safety": "2026年度安管人员安全生产培训"})
    people = pd.DataFrame([
        ("s1", "和平区", "特种作业人员"), ("s2", "和平区", "特种作业人员"), ("s3", "西青区", "特种作业人员"),
        ("p1", "和平区", "法定代表人"),
    ], columns=["person_id", "district", "role"])
    ce = pd.DataFrame([
        ("s1", "2026-03-01", 16.0), ("s1", "2026-08-01", 8.0),      # 24 h by Q3 end → met
        ("s2", "2026-05-01", 16.0), ("s2", "2026-11-01", 8.0),      # 16 h by Q3 end → not met
        ("s3", "2025-12-01", 30.0),                                  # other year → not met in 2026
        ("p1", "2026-04-01", 40.0),                                  # not a special worker → ignored
    ], columns=["person_id", "date", "hours"])
    certificates = pd.DataFrame([
        ("c1", "p1", "A", "2026-08-15", "和平区"),       # expires in Q3
        ("c2", "s1", "SPECIAL", "2026-09-01", "和平区"),  # expires in Q3, special
        ("c3", "p3", "B", "2026-12-31", "滨海新区"),      # within 3 months after 2026-09-30
        ("c4", "p4", "C2", "2027-01-01", "滨海新区"),     # just outside the window
    ], columns=["cert_no", "person_id", "cert_type", "expiry_date", "district"])
    findings = pd.DataFrame([
        ("f1", "和平区", "2026-07-02", "企业自查", "重大", "2026-07-20", "2026-07-18"),   # found + closed
        ("f2", "和平区", "2026-08-02", "督导检查", "重大", "2026-08-30", None),           # overdue at end
        ("f3", "西青区", "2026-09-20", "群众举报", "重大", "2026-10-20", None),           # open, not overdue
        ("f4", "西青区", "2026-05-01", "督导检查", "重大", "2026-06-01", "2026-07-05"),   # closed in Q3 only
        ("f5", "西青区", "2026-07-09", "企业自查", "一般", "2026-07-20", None),           # not major
    ], columns=["finding_id", "district", "found_date", "channel", "level", "deadline", "closed_date"])
    return PeriodicInputs(training=training, people=people, continuing_education=ce,
                          certificates=certificates, findings=findings, ce_min_hours=24.0,
                          ce_roles=("特种作业人员",),
                          ce_source="《建筑施工特种作业人员管理规定》（建质〔2008〕75号）第十七条第二款")


@pytest.fixture
def periodic_inputs():
    return make_periodic_inputs()


def check_manifest_like_sha256sum(folder: Path) -> None:
    """Check ``MANIFEST.sha256`` as ``sha256sum -c`` reads it, independently of the package's verify_manifest.

    The format (``<64 hex>  <name>``, two spaces or space-star) and every digest are checked with hashlib
    on every machine; where coreutils' ``sha256sum`` is installed (every Debian) it must accept the file too.
    """
    lines = (folder / MANIFEST_NAME).read_text(encoding="utf-8").splitlines()
    assert lines, "empty manifest"
    for line in lines:
        entry = re.fullmatch(r"([0-9a-f]{64}) [ *](\S.*)", line)
        assert entry, f"not a sha256sum line: {line!r}"
        assert hashlib.sha256((folder / entry[2]).read_bytes()).hexdigest() == entry[1], entry[2]
    tool = shutil.which("sha256sum")
    if tool:
        result = subprocess.run([tool, "--strict", "-c", MANIFEST_NAME], cwd=folder, capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stdout + result.stderr
