"""Issue #25: each domain fact has one owner. The pass rule (score as a percentage of the maximum, at
least the round's mark) is written in ``registry/grades.py`` only; the gradebook, the registry's
results and status, the feedback page and the reports ask it."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine, literal, select

import zhiben_training
from zhiben_training.registry import passes, score_percent

PACKAGE = Path(zhiben_training.__file__).parent
# a score turned into a percentage (score * 100.0 / max, 100.0 * score / max) or compared with a pass mark
_RULE = re.compile(r"score\S*\s*\*\s*100|100(?:\.0)?\s*\*\s*\S*score|>=\s*\w*\[?[\"']?pass_mark")
# synthetic data is generated below the registry (scores out of 100); it cannot ask the registry
_BELOW_THE_REGISTRY = {"synth/_training.py"}


def test_the_pass_rule_is_written_in_one_module():
    owners = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                    if _RULE.search(path.read_text(encoding="utf-8")))
    assert [p for p in owners if p not in _BELOW_THE_REGISTRY] == ["registry/grades.py"]


def test_at_exactly_the_mark_a_result_passes_for_numbers_series_and_sql():
    assert passes(12, 16, 75) is True and passes(11.99, 16, 75) is False
    assert passes(pd.Series([12.0, 11.0]), pd.Series([16.0, 16.0]), 75).tolist() == [True, False]
    with create_engine("sqlite://").connect() as conn:
        assert conn.execute(select(score_percent(literal(12.0), literal(16.0)),
                                   passes(literal(12.0), literal(16.0), 75))).one() == (75.0, True)
