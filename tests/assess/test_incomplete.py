"""The library, not each caller, decides that a run which left a paper 未评分 is an error (exit 4): the
CLI's ``assess autograde``, the demo and ``import_results`` raise the one GradingIncompleteError."""

from __future__ import annotations

import pytest

from zhiben_training.assess.grading import UNGRADED_LABEL, AutogradeSummary
from zhiben_training.errors import GradingIncompleteError


def test_a_summary_with_a_paper_left_ungraded_raises_exit_4_naming_it_and_its_cause():
    summary = AutogradeSummary("2026-A", graded=["T002"], ungraded={"T001": "内核启动超时"},
                               log_dir="assessments/.autograde/logs/")
    with pytest.raises(GradingIncompleteError) as refused:
        summary.require_complete()
    assert refused.value.exit_code == 4 and refused.value.ungraded == {"T001": "内核启动超时"}
    assert "T001（内核启动超时）" in str(refused.value) and UNGRADED_LABEL in str(refused.value)
    assert "assessments/.autograde/logs/" in refused.value.hint


def test_a_summary_with_every_paper_graded_raises_nothing():
    AutogradeSummary("2026-A", graded=["T001"], skipped=["T002"]).require_complete()


def test_a_long_list_names_ten_and_counts_the_rest():
    ungraded = {f"T{n:03d}": "评分进程崩溃" for n in range(12)}
    with pytest.raises(GradingIncompleteError) as refused:
        AutogradeSummary("2026-A", ungraded=ungraded).require_complete()
    message = str(refused.value)
    assert "T009" in message and "T010" not in message and "等 12 份" in message
    assert refused.value.ungraded == ungraded
