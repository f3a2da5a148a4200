"""The quarterly report page as a regulator receives it (golden file; see tests/golden.py)."""

from __future__ import annotations

import datetime as dt

from tests.golden import check_golden
from tests.reports.conftest import make_periodic_inputs
from zhiben_training.reports.periodic import build_periodic_report
from zhiben_training.reports.periods import parse_period
from zhiben_training.reports.publish import write_periodic

TODAY = dt.date(2026, 11, 28)


def test_the_quarterly_page_reads_as_its_golden_file(tmp_path, request):
    report = build_periodic_report(make_periodic_inputs(), parse_period("quarterly", "2026Q3"), as_of=TODAY)
    export = write_periodic(report, tmp_path, unit="天津市和平区住房和城乡建设委员会", generated=TODAY)
    check_golden(request, "report-quarterly-2026Q3.html", export.html.read_text(encoding="utf-8"))
