"""``export_roster`` / ``export_periodic``: from the registry to a regulator's files in one call each (what
``zhiben report`` and ``zhiben demo`` both call)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from tests.registry.conftest import write_tiny_city
from zhiben_training.registry import open_registry
from zhiben_training.reports import export_periodic, export_roster, verify_manifest

TODAY = dt.date(2026, 11, 30)


def _registry(tmp_path):
    registry = open_registry(f"sqlite:///{tmp_path / 'registry.sqlite'}")
    registry.load_synthetic(write_tiny_city(tmp_path / "city"))
    return registry


def test_a_roster_is_written_titled_with_the_rounds_name_in_words(tmp_path):
    with _registry(tmp_path) as registry:
        roster = export_roster(registry, tmp_path / "out", round_id="2026-principal", today=TODAY,
                               unit="和平区住建委")
        status = registry.status(round_id="2026-principal", today=TODAY)
    assert roster.title == "2026年度主要负责人安全生产培训"
    assert (roster.export.xlsx.name, roster.export.csv.name) == ("roster-2026-principal.xlsx",
                                                                 "roster-2026-principal.csv")
    table = pd.read_csv(roster.export.csv, encoding="utf-8-sig", dtype=str)
    taking_part = status[status["status"] != "not_enrolled"]  # a roster lists who took part, not the absent
    assert len(table) == roster.export.rows == len(taking_part) > 0
    assert verify_manifest(tmp_path / "out") == []


def test_a_quarterly_report_is_written_with_its_summary(tmp_path):
    with _registry(tmp_path) as registry:
        filed = export_periodic(registry, tmp_path / "out", kind="quarterly", period="2026Q1", as_of=TODAY)
    assert (filed.report.period.kind, filed.report.period.code) == ("quarterly", "2026Q1")
    assert filed.report.summary and all(label and text for label, text in filed.report.summary)
    written = [filed.export.xlsx.name, filed.export.html.name]
    assert written == ["quarterly-2026Q1.xlsx", "quarterly-2026Q1.html"]
    assert verify_manifest(tmp_path / "out") == []
