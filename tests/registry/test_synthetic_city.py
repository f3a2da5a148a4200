"""The registry filled from the synth helper's real generator (scale "tiny"), checked against a
straightforward per-person computation over the raw tables."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from zhiben_training.registry.rules import rules


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory):
    from zhiben_training.synth import generate_city

    out = tmp_path_factory.mktemp("synth")
    generate_city(scale="tiny", seed=2026, out_dir=out)
    return out


def _expected_status(tables: dict[str, pd.DataFrame], round_row, today: dt.date) -> dict[str, str]:
    """The status rules applied one person at a time (the slow, obvious way)."""
    audience = rules()["audiences"][round_row.audience]
    people = tables["people"].merge(tables["enterprises"][["uscc", "enterprise_type"]],
                                    left_on="enterprise_uscc", right_on="uscc")
    people = people[people["role"].isin(audience["roles"])
                    & people["enterprise_type"].isin(audience["enterprise_types"])]
    att = tables["attendance"][tables["attendance"]["round_id"] == round_row.round_id]
    res = tables["assessment_results"][tables["assessment_results"]["round_id"] == round_row.round_id]
    ce = tables["continuing_education"]
    ce_year = ce[pd.to_datetime(ce["date"]).dt.year == round_row.year]
    required = max(round_row.required_hours, audience.get("min_annual_hours", 0))
    out = {}
    for pid in people["person_id"]:
        hours = att.loc[att["person_id"] == pid, "hours"].sum()
        ce_hours = ce_year.loc[ce_year["person_id"] == pid, "hours"].sum()
        counted = hours + (ce_hours if audience.get("counts_continuing_education") else 0)
        mine = res[res["person_id"] == pid]
        done = counted >= required and (bool(mine["passed"].any()) or not audience.get("assessed"))
        enrolled = (att["person_id"] == pid).any() or len(mine) > 0 or (
            audience.get("counts_continuing_education") and ce_hours > 0)
        if done:
            out[pid] = "completed"
        elif today > pd.Timestamp(round_row.end_date).date():
            out[pid] = "overdue"
        else:
            out[pid] = "in_progress" if enrolled else "not_enrolled"
    return out


@pytest.mark.parametrize("today", [dt.date(2026, 5, 1), dt.date(2026, 12, 31)])
def test_set_based_status_matches_the_per_person_rules_for_every_round(registry, synth_dir, today):
    from zhiben_training.synth import load_city

    counts = registry.load_synthetic(synth_dir)
    tables = load_city(synth_dir)
    assert counts["people"] == len(tables["people"]) and counts["findings"] == len(tables["findings"])
    for round_row in tables["rounds"].itertuples(index=False):
        frame = registry.status(round_id=round_row.round_id, today=today)
        assert dict(zip(frame["person_id"], frame["status"], strict=True)) == _expected_status(
            tables, round_row, today), round_row.round_id


def test_every_status_appears_somewhere_in_a_generated_city(registry, synth_dir):
    registry.load_synthetic(synth_dir)
    seen = set()
    for round_id in registry.rounds()["round_id"]:
        for today in (dt.date(2026, 5, 1), dt.date(2026, 12, 31)):
            seen |= set(registry.status(round_id=round_id, today=today)["status"])
    assert seen == {"completed", "in_progress", "overdue", "not_enrolled"}
