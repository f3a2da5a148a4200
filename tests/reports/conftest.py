"""Fixtures for report tests: a small valid roster DataFrame built with the real identifier rules."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from zhiben_training import identifiers

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
    path = shutil.which("soffice")
    if path is None:
        pytest.skip("未安装 LibreOffice（soffice），跳过真实客户端读回测试；CI 中由 .ci/run 安装")
    return path


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


def column_widths(ws) -> dict[int, float]:
    """{1-based column index: width} from openpyxl, expanding grouped <col min max> ranges."""
    widths = {}
    for dim in ws.column_dimensions.values():
        for index in range(dim.min, dim.max + 1):
            widths[index] = dim.width
    return widths
