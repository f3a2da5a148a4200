"""End to end: a registry filled from the tiny synthetic city, exported by the real ``zhiben report``
commands."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.reports.conftest import (
    check_manifest_like_sha256sum,
    convert_with_libreoffice,
    header_row,
    lo_table,
    table_values,
)
from zhiben_training import identifiers
from zhiben_training.cli import main
from zhiben_training.reports.manifest import MANIFEST_NAME, verify_manifest

ZHIBEN = Path(sys.executable).with_name("zhiben")
TODAY = "2026-11-28"  # the synthetic city's reference date: reports never depend on the machine's clock


@pytest.fixture(scope="module")
def city_db(tmp_path_factory) -> str:
    """A SQLite registry loaded with ``generate_city(scale="tiny")`` (seed 2026, reference 2026-11-28)."""
    from zhiben_training.registry import open_registry
    from zhiben_training.synth import generate_city

    base = tmp_path_factory.mktemp("city")
    generate_city(scale="tiny", out_dir=base / "city")
    url = f"sqlite:///{base / 'registry.sqlite'}"
    with open_registry(url) as registry:
        registry.load_synthetic(base / "city")
    return url


@pytest.fixture
def registry(city_db):
    from zhiben_training.registry import open_registry

    with open_registry(city_db) as reg:
        yield reg


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_roster_command_exports_every_participant_of_the_round(city_db, registry, tmp_path):
    assert main(["report", "roster", "--round", "2026-principal", "--out", str(tmp_path), "--db",
                 city_db]) == 0
    back = pd.read_csv(tmp_path / "roster-2026-principal.csv", encoding="utf-8-sig", dtype=str,
                       keep_default_na=False)
    status = registry.status(round_id="2026-principal")
    took_part = status[status["status"] != "not_enrolled"]
    assert len(back) == len(took_part) > 0
    assert set(back["身份证号"]) == set(took_part["person_id"])
    assert all(identifiers.is_valid_id(v) for v in back["身份证号"])
    assert all(identifiers.is_valid_uscc(v) for v in back["统一社会信用代码"])
    completed = set(took_part.loc[took_part["status"] == "completed", "person_id"])
    with_date = set(back.loc[back["完成日期"] != "", "身份证号"])
    assert with_date == completed
    passed = set(back.loc[back["是否合格"] == "是", "身份证号"])
    assert passed == set(took_part.loc[took_part["passed"] == True, "person_id"])  # noqa: E712
    assert verify_manifest(tmp_path) == []


def test_exporting_the_same_registry_twice_gives_identical_files(city_db, tmp_path):
    for folder in ("a", "b"):
        assert main(["report", "roster", "--round", "2026-safety", "--out", str(tmp_path / folder),
                     "--db", city_db]) == 0
    assert (tmp_path / "a" / MANIFEST_NAME).read_bytes() == (tmp_path / "b" / MANIFEST_NAME).read_bytes()
    assert _sha(tmp_path / "a" / "roster-2026-safety.xlsx") == \
        _sha(tmp_path / "b" / "roster-2026-safety.xlsx")


def test_the_masked_roster_contains_no_full_id_number(city_db, registry, tmp_path):
    assert main(["report", "roster", "--round", "2026-principal", "--masked", "--out", str(tmp_path),
                 "--db", city_db]) == 0
    data = (tmp_path / "roster-2026-principal-public.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    people = registry.people()["person_id"]
    assert not any(p.encode() in data for p in people)
    back = pd.read_csv(tmp_path / "roster-2026-principal-public.csv", encoding="utf-8-sig", dtype=str)
    assert back["身份证号"].str.fullmatch(r"\d{4}\*{10}[\dX]{4}").all()


def test_an_unknown_round_is_a_chinese_error_with_exit_code_2(city_db, tmp_path, capsys):
    assert main(["report", "roster", "--round", "2031-nobody", "--out", str(tmp_path), "--db", city_db]) == 2
    assert "没有培训轮次 2031-nobody" in capsys.readouterr().err
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_the_quarterly_report_counts_major_hazards_as_the_registry_holds_them(city_db, registry, tmp_path):
    assert main(["report", "quarterly", "2026Q3", "--out", str(tmp_path), "--db", city_db, "--today",
                 TODAY]) == 0
    findings = registry.findings()
    major = findings[findings["level"] == "重大"]
    found = pd.to_datetime(major["found_date"])
    in_q3 = major[(found >= "2026-07-01") & (found <= "2026-09-30")]
    book = openpyxl.load_workbook(tmp_path / "quarterly-2026Q3.xlsx")
    rows = {r[0]: r for r in table_values(book["重大隐患-按渠道"])[1]}
    assert rows["合计"][1] == len(in_q3)
    for channel in ("企业自查", "督导检查", "群众举报"):
        assert rows[channel][1] == int((in_q3["channel"] == channel).sum())
    page = (tmp_path / "quarterly-2026Q3.html").read_text(encoding="utf-8")
    assert "2026年第三季度" in page and "data:image/png;base64," in page
    assert verify_manifest(tmp_path) == []


def test_the_quarterly_assessment_totals_match_the_registry_results(city_db, registry, tmp_path):
    """Assessed in 2026Q3 = the deciding attempt up to 09-30 (first pass, else last attempt) falls in Q3."""
    assert main(["report", "quarterly", "2026Q3", "--out", str(tmp_path), "--db", city_db, "--today",
                 TODAY]) == 0
    book = openpyxl.load_workbook(tmp_path / "quarterly-2026Q3.xlsx")
    total = [r for r in table_values(book["培训-按区"])[1] if r[0] == "合计"][0]
    results = registry.assessment_results()
    results = results.assign(taken=pd.to_datetime(results["taken_date"]))
    results = results[results["round_id"].str.startswith("2026") & (results["taken"] <= "2026-09-30")]
    assessed = passed = 0
    for _, attempts in results.groupby(["person_id", "round_id"]):
        passes = attempts[attempts["passed"].astype(bool)]
        decided = passes["taken"].min() if len(passes) else attempts["taken"].max()
        if decided >= pd.Timestamp("2026-07-01"):
            assessed += 1
            passed += bool(len(passes))
    assert (total[2], total[3]) == (assessed, passed)
    assert total[1] > 0  # the 2026 safety and special rounds complete people in Q3


# slow: the installed console script in child processes
@pytest.mark.slow
def test_annual_and_self_evaluation_run_through_the_installed_console_script(city_db, tmp_path):
    assert ZHIBEN.exists(), \
        f"console script {ZHIBEN} is not installed: make test installs it (pip install -e .)"
    for args in (["annual", "2025"], ["self-evaluation"]):
        result = subprocess.run([str(ZHIBEN), "report", *args, "--out", str(tmp_path), "--db", city_db,
                                 "--today", TODAY],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        assert "已写出" in result.stdout and "报送时限" in result.stdout
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [MANIFEST_NAME, "annual-2025.html", "annual-2025.xlsx", "self-evaluation-2024-2026.html",
                     "self-evaluation-2024-2026.xlsx"]
    check_manifest_like_sha256sum(tmp_path)


@pytest.mark.libreoffice
def test_libreoffice_reads_the_registry_roster_back(city_db, tmp_path, soffice):
    assert main(["report", "roster", "--round", "2026-safety", "--out", str(tmp_path / "out"), "--db",
                 city_db]) == 0
    sheets = convert_with_libreoffice(soffice, tmp_path / "out" / "roster-2026-safety.xlsx", tmp_path / "lo")
    book = openpyxl.load_workbook(tmp_path / "out" / "roster-2026-safety.xlsx")
    via_lo = lo_table(sheets["花名册"], header_row(book["花名册"]))
    via_csv = pd.read_csv(tmp_path / "out" / "roster-2026-safety.csv", encoding="utf-8-sig", dtype=str,
                          keep_default_na=False)
    assert list(via_lo.columns) == list(via_csv.columns)
    for column in ["姓名", "身份证号", "企业名称", "统一社会信用代码", "所在区", "人员类别", "证书编号",
                   "是否合格", "完成日期"]:
        assert via_lo[column].tolist() == via_csv[column].tolist(), column
    for column in ["培训学时", "考核成绩"]:
        lo = pd.to_numeric(via_lo[column].replace("", None)).astype(float)
        csv = pd.to_numeric(via_csv[column].replace("", None)).astype(float)
        pd.testing.assert_series_equal(lo, csv, check_names=False)
    assert all(dt.date.fromisoformat(d) for d in via_lo["完成日期"] if d)


def test_a_custom_spec_adds_masked_phone_numbers_from_the_registry(city_db, tmp_path):
    import json

    from zhiben_training.reports.columns import _DATA_DIR

    raw = json.loads((_DATA_DIR / "report_columns.json").read_text(encoding="utf-8"))
    raw["columns"].insert(3, {"header": "联系电话", "source": "phone", "type": "phone", "width": 14,
                              "mask": "phone"})
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert main(["report", "roster", "--round", "2026-safety", "--masked", "--spec", str(spec),
                 "--out", str(tmp_path / "out"), "--db", city_db]) == 0
    back = pd.read_csv(tmp_path / "out" / "roster-2026-safety-public.csv", encoding="utf-8-sig", dtype=str)
    assert list(back.columns[:4]) == ["序号", "姓名", "身份证号", "联系电话"]
    assert back["联系电话"].str.fullmatch(r"1\d{2}\*{4}\d{4}").all()


def test_a_broken_spec_file_stops_the_command_before_the_registry_is_read(city_db, tmp_path, capsys):
    spec = tmp_path / "spec.json"
    spec.write_text("{not json", encoding="utf-8")
    code = main(["report", "roster", "--round", "2026-safety", "--spec", str(spec), "--out",
                 str(tmp_path / "out"), "--db", city_db])
    assert code == 2
    assert "不是有效的 JSON" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
