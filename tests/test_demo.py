"""``zhiben demo`` runs a whole training round end to end and leaves real, checkable outputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from zhiben_training.assess import nbgrader_adapter as nbg
from zhiben_training.registry import open_registry
from zhiben_training.reports.manifest import verify_manifest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "out"
    zhiben = Path(sys.executable).parent / "zhiben"
    result = subprocess.run([str(zhiben), "demo", "--out", str(out), "--trainees", "8", "--workers", "2"],
                            capture_output=True, text=True, timeout=900, check=False)
    return out, result


def test_the_demo_exits_zero_and_reports_six_steps_in_chinese(demo):
    out, result = demo
    assert result.returncode == 0, result.stderr[-3000:]
    for number in range(1, 7):
        assert f"[{number}/6]" in result.stdout
    assert "演示完成" in result.stdout
    assert "花名册" in result.stdout and "季度报告" in result.stdout and "试题分析" in result.stdout


def test_every_submission_has_a_gradebook_row_even_the_hostile_ones(demo):
    out, _ = demo
    for aid in ("2026-A", "2026-C"):
        graded = {row["student_id"] for row in nbg.gradebook_scores(out / "assessments", aid)}
        handed = {p.stem.removeprefix(f"{aid}-") for p in (out / "handin" / aid).glob("*.ipynb")}
        assert handed and graded == handed


def test_results_reach_the_registry_with_an_audit_trail(demo):
    out, _ = demo
    with open_registry(f"sqlite:///{out / 'registry.sqlite'}") as registry:
        audit = registry.audit_log()
        results = registry.assessment_results(round_id="2026-principal")
    assert (audit["actor"] == "演示考官").any()
    trainees = {p.name for p in (out / "assessments" / "variants" / "2026-A").iterdir()}
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
