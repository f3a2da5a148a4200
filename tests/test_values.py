"""One reading of loose values everywhere (issue #25): the registry, the reports and the paper scorer
agree on every yes/no word and every way of writing a date, because they all ask ``values``."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from zhiben_training.assess.papers.scoring import normalise_truefalse
from zhiben_training.registry.bulk import _to_bool, _to_date
from zhiben_training.registry.scores import _taken_date
from zhiben_training.reports.columns import ColumnSpec
from zhiben_training.reports.roster import _as_date, _convert_cell
from zhiben_training.values import FALSE_WORDS, TRUE_WORDS, as_bool, as_date

_BOOLEAN = ColumnSpec(header="是否合格", source="passed", type="boolean", width=8,
                      true_label="Y", false_label="N")
_WORDS = TRUE_WORDS | FALSE_WORDS


def _roster_reads(value: object) -> bool | None:
    shown, problem = _convert_cell(_BOOLEAN, value)
    return None if problem else shown == "Y"


@pytest.mark.parametrize("word", sorted(_WORDS | {w.lower() for w in _WORDS}))
def test_every_yes_no_word_means_the_same_to_the_registry_the_roster_and_the_paper_scorer(word):
    meaning = word.upper() in TRUE_WORDS
    assert as_bool(word) is meaning
    assert _to_bool(word) is meaning
    assert normalise_truefalse(word) is meaning
    assert _roster_reads(word) is meaning


@pytest.mark.parametrize("value", [True, False, 1, 0])
def test_a_bool_or_0_1_is_read_as_itself_everywhere(value):
    assert as_bool(value) is _to_bool(value) is normalise_truefalse(value) is bool(value)
    assert _roster_reads(value) is bool(value)


def test_a_word_that_is_neither_is_unreadable_not_false():
    assert as_bool("也许") is None and normalise_truefalse("也许") is None and _roster_reads("也许") is None
    assert as_bool(None) is as_bool(float("nan")) is as_bool(pd.NA) is as_bool(" ") is None


@pytest.mark.parametrize("value", ["2026-04-01", " 2026-04-01 ", "2026-04-01 08:30:00",
                                   "2026-04-01T23:59:59+08:00", "2026/4/1", dt.date(2026, 4, 1),
                                   dt.datetime(2026, 4, 1, 8, 30),
                                   pd.Timestamp("2026-04-01 08:30")])
def test_every_way_of_writing_a_day_is_the_same_day_to_the_registry_and_the_reports(value):
    day = dt.date(2026, 4, 1)
    assert as_date(value) == _to_date(value) == _taken_date(value) == _as_date(value) == day


@pytest.mark.parametrize("value", [None, "", "  ", float("nan"), pd.NaT, "NaT", "nan"])
def test_a_missing_day_is_none_everywhere(value):
    assert as_date(value) is _to_date(value) is _as_date(value) is None


def test_an_unreadable_day_is_an_error_each_caller_words_itself():
    from zhiben_training.errors import RegistryError

    with pytest.raises(ValueError):
        as_date("2026-13-45")
    with pytest.raises(RegistryError, match="不是有效日期"):
        _taken_date("2026-13-45")
    assert _as_date("2026-13-45") is None  # the roster reports it as a problem of that cell
