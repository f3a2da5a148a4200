"""The thin layer between the registry and the report builders: fetch DataFrames, shape them.

Report builders are pure functions over DataFrames (``roster.py``, ``periodic.py``); only this module
knows the registry's method names and column names (docs/data-contracts.md "Registry entry points").
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from zhiben_training.reports.periodic import PeriodicInputs
from zhiben_training.reports.periods import Period

__all__ = ["roster_frame", "periodic_inputs", "ROSTER_STATUSES"]

# Who appears on a roster: everyone of the round's audience who took part (any session or attempt).
ROSTER_STATUSES = ("completed", "in_progress", "overdue")


def _dates(series: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(series, errors="coerce")
    return pd.Series([None if pd.isna(v) else v.date() for v in parsed], index=series.index, dtype=object)


def _latest_certificates(registry) -> pd.DataFrame:
    """Each person's most recently issued certificate (the one a roster shows)."""
    certs = registry.certificates()
    if certs.empty:
        return pd.DataFrame(columns=["person_id", "cert_no"])
    certs = certs.sort_values(["person_id", "issue_date", "cert_no"])
    return certs.drop_duplicates("person_id", keep="last")[["person_id", "cert_no"]]


def _result_dates(results: pd.DataFrame, *, until: dt.date | None) -> pd.DataFrame:
    """Per person and round: passed (any attempt up to ``until``) and the date that decided it.

    The date is the first passing attempt, or the last attempt when none passed.
    """
    columns = ["person_id", "round_id", "taken_date", "passed_result", "score_pct"]
    if results.empty:
        return pd.DataFrame(columns=columns)
    taken = pd.to_datetime(results["taken_date"], errors="coerce")
    results = results.assign(taken=taken, passed=results["passed"].astype(bool),
                             score_pct=100.0 * results["score"].astype(float) / results["max_score"].astype(float))
    if until is not None:
        results = results[results["taken"].notna() & (results["taken"] <= pd.Timestamp(until))]
    keys = ["person_id", "round_id"]
    grouped = results.groupby(keys)
    out = pd.DataFrame({
        "last_attempt": grouped["taken"].max(),
        "first_pass": results[results["passed"]].groupby(keys)["taken"].min(),
        "passed_result": grouped["passed"].any(),
        "score_pct": grouped["score_pct"].max().round(1),
    }).reset_index()
    out["taken_date"] = _dates(out["first_pass"].where(out["passed_result"], out["last_attempt"]))
    return out[columns]


def _completion_dates(registry, status: pd.DataFrame, round_id: str, results: pd.DataFrame) -> pd.Series:
    """When a completed person completed: the later of the last session and the deciding assessment."""
    attendance = registry.attendance(round_id=round_id)
    last_session = (attendance.assign(session_date=_dates(attendance["session_date"]))
                    .groupby("person_id")["session_date"].max()) if not attendance.empty else pd.Series(dtype=object)
    decided = results.set_index("person_id")["taken_date"] if not results.empty else pd.Series(dtype=object)
    out = []
    for person, state in zip(status["person_id"], status["status"], strict=True):
        candidates = [d for d in (last_session.get(person), decided.get(person)) if d is not None and not pd.isna(d)]
        out.append(max(candidates) if state == "completed" and candidates else None)
    return pd.Series(out, index=status.index, dtype=object)


def roster_frame(registry, *, round_id: str, today: dt.date | None = None) -> pd.DataFrame:
    """The roster of ``round_id`` with the default spec's source fields, sorted by district, enterprise, ID."""
    status = registry.roster(round_id=round_id, today=today)
    status = status[status["status"].isin(ROSTER_STATUSES)].reset_index(drop=True)
    results = _result_dates(registry.assessment_results(round_id=round_id), until=None)
    frame = status.merge(_latest_certificates(registry), on="person_id", how="left")
    frame = frame.merge(results[["person_id", "score_pct"]], on="person_id", how="left")
    frame["score"] = frame["score_pct"]
    frame["completed_date"] = _completion_dates(registry, frame, round_id, results[results["round_id"] == round_id])
    frame["passed"] = frame["passed"].astype("boolean")
    frame = frame.sort_values(["district", "enterprise_uscc", "person_id"], kind="stable").reset_index(drop=True)
    return frame


def _ce_rule() -> tuple[str | None, float, tuple[str, ...], str]:
    """建质〔2008〕75号 第十七条: special-operation workers, at least 24 hours a year (from the registry rules)."""
    from zhiben_training.registry import registry_rules as rules

    for name, audience in rules()["audiences"].items():
        if audience.get("min_annual_hours"):
            return name, float(audience["min_annual_hours"]), tuple(audience["roles"]), audience["source"]
    return None, 0.0, (), "（登记库规则中没有继续教育学时要求）"


def _annual_hours(registry, audience: str | None) -> pd.DataFrame:
    """The hours the registry itself counts toward the annual minimum (round attendance + continuing
    education, 75号 第十七条 年度安全教育培训或者继续教育): one owner of that rule, not recomputed here."""
    if audience is None:
        return pd.DataFrame(columns=["person_id", "date", "hours"])
    return registry.annual_hour_entries(audience=audience)[["person_id", "date", "hours"]]


def _training(registry, period: Period, as_of: dt.date) -> pd.DataFrame:
    rounds = registry.rounds()
    rounds = rounds[rounds["year"].astype(int).isin(period.years)]
    titles = dict(zip(rounds["round_id"], rounds["title"], strict=True)) if "title" in rounds else {}
    frames = []
    for round_id in sorted(rounds["round_id"]):
        status = registry.status(round_id=round_id, today=as_of)
        status = status[status["status"].isin(ROSTER_STATUSES)].reset_index(drop=True)
        attempts = registry.assessment_results(round_id=round_id)
        # completion needs every attempt (a pass in October completes in Q4, not Q3); "assessed in the
        # period" only the attempts up to the period end.
        status["completed_date"] = _completion_dates(registry, status, round_id,
                                                     _result_dates(attempts, until=None))
        results = _result_dates(attempts, until=as_of)
        status = status.drop(columns=["passed"]).merge(results[["person_id", "taken_date", "passed_result"]],
                                                       on="person_id", how="left")
        status["round_name"] = titles.get(round_id, round_id)
        frames.append(status.rename(columns={"passed_result": "passed"}))
    columns = ["person_id", "round_id", "round_name", "district", "enterprise_type", "role", "completed_date",
               "taken_date", "passed"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def periodic_inputs(registry, period: Period, *, as_of: dt.date | None = None) -> PeriodicInputs:
    """Everything a quarterly / annual / self-evaluation report reads, as of ``as_of`` (default the period end)."""
    as_of = period.end if as_of is None else min(as_of, period.end)
    people = registry.people()
    enterprises = registry.enterprises()[["uscc", "district"]].rename(
        columns={"uscc": "enterprise_uscc", "district": "enterprise_district"})
    people = people.merge(enterprises, on="enterprise_uscc", how="left")
    people["district"] = people["enterprise_district"].fillna(people["district"])
    certificates = registry.certificates().merge(people[["person_id", "district"]], on="person_id", how="left")
    ce_audience, ce_min_hours, ce_roles, ce_source = _ce_rule()
    return PeriodicInputs(
        training=_training(registry, period, as_of),
        people=people[["person_id", "district", "role"]],
        continuing_education=_annual_hours(registry, ce_audience),
        certificates=certificates[["cert_no", "person_id", "cert_type", "expiry_date", "district"]],
        findings=registry.findings(),
        ce_min_hours=ce_min_hours, ce_roles=ce_roles, ce_source=ce_source,
    )
