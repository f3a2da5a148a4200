"""``zhiben demo`` runs a whole training round end to end and leaves real, checkable outputs."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from zhiben_training.assess import CourseRoot, assignment_id
from zhiben_training.assess import nbgrader_adapter as nbg
from zhiben_training.registry import open_registry
from zhiben_training.reports.manifest import verify_manifest

PRINCIPAL_A, SAFETY_C = assignment_id("2026-principal", "A"), assignment_id("2026-safety", "C")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(demo_run):
    return demo_run


def test_the_demo_exits_zero_and_reports_six_steps_in_chinese(demo):
    out, result = demo
    assert result.returncode == 0, result.stderr[-3000:]
    for number in range(1, 7):
        assert f"[{number}/6]" in result.stdout
    assert "演示完成" in result.stdout
    assert "花名册" in result.stdout and "季度报告" in result.stdout and "试题分析" in result.stdout


def test_every_submission_has_a_gradebook_row_even_the_hostile_ones(demo):
    out, _ = demo
    for aid in (PRINCIPAL_A, SAFETY_C):
        graded = {row["student_id"] for row in nbg.gradebook_scores(out / "assessments", aid)}
        handed = {p.stem.removeprefix(f"{aid}-") for p in (out / "handin" / aid).glob("*.ipynb")}
        assert handed and graded == handed


def test_results_reach_the_registry_with_an_audit_trail(demo):
    out, _ = demo
    with open_registry(f"sqlite:///{out / 'registry.sqlite'}") as registry:
        audit = registry.audit_log()
        results = registry.assessment_results(round_id="2026-principal")
    assert (audit["actor"] == "演示考官").any()
    trainees = {p.name for p in CourseRoot(out / "assessments").variants_dir(PRINCIPAL_A).iterdir()}
    assert trainees <= set(results["person_id"])


def test_report_files_exist_and_their_manifests_verify(demo):
    out, _ = demo
    roster_dir = out / "reports" / "roster"
    assert verify_manifest(roster_dir) == []
    roster = pd.read_csv(next(roster_dir.glob("*.csv")), encoding="utf-8-sig", dtype=str)
    assert "身份证号" in roster.columns and len(roster) > 0
    assert list((out / "reports" / "quarterly").glob("*.html"))
    analysis = pd.read_csv(out / "reports" / "item-analysis" / "item_analysis.csv", encoding="utf-8-sig")
    assert len(analysis) > 0


def test_the_round_has_completers_and_all_four_enterprise_types_appear(demo):
    out, result = demo
    line = re.search(r"2026-principal：本次考核 20 人，合格 (\d+) 人.*?本轮次已完成）(\d+) 人", result.stdout)
    assert line, result.stdout[-3000:]
    passed, done = int(line.group(1)), int(line.group(2))
    assert done > 0 and done == passed  # the make-up training gave those who passed their hours
    with open_registry(f"sqlite:///{out / 'registry.sqlite'}") as registry:
        status = registry.status(round_id="2026-principal", today=dt.date(2026, 11, 28))
    examined = status[status["person_id"].isin(
        [p.name for p in CourseRoot(out / "assessments").variants_dir(PRINCIPAL_A).iterdir()])]
    assert set(examined["enterprise_type"]) == {"勘察", "设计", "施工", "监理"}
    assert (set(status.loc[status["status"] == "completed", "enterprise_type"])
            == {"勘察", "设计", "施工", "监理"})
    assert "勘察 0、设计 0、施工 0、监理 0" not in result.stdout


def test_the_exams_fall_in_the_quarter_the_demo_reports(demo):
    out, result = demo
    with open_registry(f"sqlite:///{out / 'registry.sqlite'}") as registry:
        taken = registry.assessment_results(round_id="2026-principal")
    mine = taken[taken["person_id"].isin(
        [p.name for p in CourseRoot(out / "assessments").variants_dir(PRINCIPAL_A).iterdir()])]
    days = set(pd.to_datetime(mine["taken_date"]).dt.date)
    assert days == {dt.date(2026, 6, 26)}  # a fixed date in Beijing time, never the wall clock
    assert (out / "reports" / "quarterly" / "quarterly-2026Q2.xlsx").exists()
    assert "季度报告 2026Q2" in result.stdout


def test_the_demo_leaves_the_hand_in_zips_it_collected_and_says_how_to_reach_its_registry(demo):
    import zipfile

    out, result = demo
    for aid in (PRINCIPAL_A, SAFETY_C):
        names = zipfile.ZipFile(out / f"交回的答卷-{aid}.zip").namelist()
        assert (sorted(names) == sorted(p.name for p in (out / "handin" / aid).glob("*.ipynb"))
                and len(names) == 20)
    assert f"export ZHIBEN_DB_URL=sqlite:///{(out / 'registry.sqlite').resolve()}" in result.stdout
