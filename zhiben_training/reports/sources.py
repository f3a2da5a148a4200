"""The thin layer between the registry and the report builders: fetch DataFrames, shape them.

Report builders are pure functions over DataFrames (``roster.py``, ``periodic.py``); only this module
knows the registry's method names and column names (docs/data-contracts.md "Registry entry points").
Pass, the date that decided a result and the day a person completed a round are the registry's
(``Registry.result_outcomes``, ``Registry.status(with_completion_dates=True)``), not recomputed here.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from zhiben_training.reports.periodic import PeriodicInputs
from zhiben_training.reports.periods import Period

if TYPE_CHECKING:
    from zhiben_training.registry import Registry

__all__ = ["roster_frame", "periodic_inputs", "ROSTER_STATUSES"]

# Who appears on a roster: everyone of the round's audience who took part (any session or attempt).
ROSTER_STATUSES = ("completed", "in_progress", "overdue")


def _latest_certificates(registry: Registry) -> pd.DataFrame:
    """Each person's most recently issued certificate (the one a roster shows)."""
    certs = registry.certificates()
    if certs.empty:
        return pd.DataFrame(columns=["person_id", "cert_no"])
    certs = certs.sort_values(["person_id", "issue_date", "cert_no"])
    return certs.drop_duplicates("person_id", keep="last")[["person_id", "cert_no"]]


def roster_frame(registry: Registry, *, round_id: str, today: dt.date | None = None) -> pd.DataFrame:
    """The roster of ``round_id`` with the default spec's source fields, by district, enterprise, ID."""
    status = registry.roster(round_id=round_id, today=today, with_completion_dates=True)
    status = status[status["status"].isin(ROSTER_STATUSES)].reset_index(drop=True)
    results = registry.result_outcomes(round_id=round_id)
    frame = status.merge(_latest_certificates(registry), on="person_id", how="left")
    frame = frame.merge(results[["person_id", "score_pct"]], on="person_id", how="left")
    frame["score"] = frame["score_pct"]
    frame["passed"] = frame["passed"].astype("boolean")
    frame = frame.sort_values(["district", "enterprise_uscc", "person_id"], kind="stable")
    frame = frame.reset_index(drop=True)
    return frame


def _ce_rule() -> tuple[str | None, float, tuple[str, ...], str]:
    """建质〔2008〕75号 第十七条: special-operation workers, at least 24 hours a year (registry rules)."""
    from zhiben_training.registry import registry_rules as rules

    for name, audience in rules()["audiences"].items():
        if audience.get("min_annual_hours"):
            return name, float(audience["min_annual_hours"]), tuple(audience["roles"]), audience["source"]
    return None, 0.0, (), "（登记库规则中没有继续教育学时要求）"


def _annual_hours(registry: Registry, audience: str | None) -> pd.DataFrame:
    """The hours the registry itself counts toward the annual minimum (round attendance + continuing
    education, 75号 第十七条 年度安全教育培训或者继续教育): one owner of that rule, not recomputed here."""
    if audience is None:
        return pd.DataFrame(columns=["person_id", "date", "hours"])
    return registry.annual_hour_entries(audience=audience)[["person_id", "date", "hours"]]


def _training(registry: Registry, period: Period, as_of: dt.date) -> pd.DataFrame:
    rounds = registry.rounds()
    rounds = rounds[rounds["year"].astype(int).isin(period.years)]
    titles = dict(zip(rounds["round_id"], rounds["title"], strict=True)) if "title" in rounds else {}
    frames = []
    for round_id in sorted(rounds["round_id"]):
        # completion counts every attempt (a pass in October completes in Q4, not Q3); "assessed in the
        # period" only the attempts up to the period end.
        status = registry.status(round_id=round_id, today=as_of, with_completion_dates=True)
        status = status[status["status"].isin(ROSTER_STATUSES)].reset_index(drop=True)
        results = registry.result_outcomes(round_id=round_id, until=as_of)
        status = status.drop(columns=["passed"]).merge(results[["person_id", "taken_date", "passed"]],
                                                       on="person_id", how="left")
        status["round_name"] = titles.get(round_id, round_id)
        frames.append(status)
    columns = ["person_id", "round_id", "round_name", "district", "enterprise_type", "role", "completed_date",
               "taken_date", "passed"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def periodic_inputs(registry: Registry, period: Period, *, as_of: dt.date | None = None) -> PeriodicInputs:
    """Everything a quarterly / annual / self-evaluation report reads, as of ``as_of`` (default: the
    period end)."""
    as_of = period.end if as_of is None else min(as_of, period.end)
    people = registry.people()
    enterprises = registry.enterprises()[["uscc", "district"]].rename(
        columns={"uscc": "enterprise_uscc", "district": "enterprise_district"})
    people = people.merge(enterprises, on="enterprise_uscc", how="left")
    people["district"] = people["enterprise_district"].fillna(people["district"])
    certificates = registry.certificates().merge(people[["person_id", "district"]], on="person_id",
                                                 how="left")
    ce_audience, ce_min_hours, ce_roles, ce_source = _ce_rule()
    return PeriodicInputs(
        training=_training(registry, period, as_of),
        people=people[["person_id", "district", "role"]],
        continuing_education=_annual_hours(registry, ce_audience),
        certificates=certificates[["cert_no", "person_id", "cert_type", "expiry_date", "district"]],
        findings=registry.findings(),
        ce_min_hours=ce_min_hours, ce_roles=ce_roles, ce_source=ce_source,
    )
