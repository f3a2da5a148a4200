"""When a result was decided and when a person completed a round: one owner for both dates.

* A person's result in a round is decided by the first passing attempt, or by the last attempt when
  none passed (``result_outcomes``); ``until`` keeps only the attempts up to a day (a report's cut-off).
* A person who completed a round (status ``completed``) completed it on the later of their last
  session in the round and the attempt that decided their result (``completion_dates``).

Reports ask these through ``Registry.result_outcomes`` and ``Registry.status(with_completion_dates=True)``
instead of recomputing them.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, case, func, select

from zhiben_training.values import as_date

from . import models as m
from .grades import score_percent

__all__ = ["OUTCOME_COLUMNS", "completion_dates", "result_outcomes"]

OUTCOME_COLUMNS = ["person_id", "round_id", "taken_date", "passed", "score_pct"]


def result_outcomes(conn: Connection, *, round_id: str | None = None,
                    until: dt.date | None = None) -> pd.DataFrame:
    """Per person and round: ``passed`` (any attempt up to ``until``), ``taken_date`` the day that decided
    it and ``score_pct`` the best score in percent of the maximum (one decimal)."""
    res = m.AssessmentResult.__table__
    passed = case((res.c.passed, 1), else_=0)
    stmt = (
        select(
            res.c.person_id, res.c.round_id,
            func.max(passed).label("passed"),
            func.min(case((res.c.passed, res.c.taken_date))).label("first_pass"),
            func.max(res.c.taken_date).label("last_attempt"),
            func.max(score_percent(res.c.score, res.c.max_score)).label("score_pct"),
        )
        .group_by(res.c.person_id, res.c.round_id)
        .order_by(res.c.person_id, res.c.round_id)
    )
    if round_id is not None:
        stmt = stmt.where(res.c.round_id == round_id)
    if until is not None:
        stmt = stmt.where(res.c.taken_date.is_not(None), res.c.taken_date <= until)
    rows = conn.execute(stmt).all()
    if not rows:
        return pd.DataFrame(columns=OUTCOME_COLUMNS)
    columns = ["person_id", "round_id", "passed", "first_pass", "last_attempt", "score_pct"]
    frame = pd.DataFrame([tuple(r) for r in rows], columns=columns)
    frame["passed"] = frame["passed"].astype(int) == 1
    frame["taken_date"] = [as_date(first if ok else last) for ok, first, last in
                           zip(frame["passed"], frame["first_pass"], frame["last_attempt"], strict=True)]
    frame["score_pct"] = frame["score_pct"].astype(float).round(1)
    return frame[OUTCOME_COLUMNS]


def completion_dates(conn: Connection, status: pd.DataFrame, *, round_id: str) -> pd.Series:
    """For each row of ``status`` (one round's): the day a completed person completed, else None."""
    att = m.Attendance.__table__
    last_session = dict(conn.execute(
        select(att.c.person_id, func.max(att.c.session_date)).where(att.c.round_id == round_id)
        .group_by(att.c.person_id)).all())
    outcomes = result_outcomes(conn, round_id=round_id)
    decided = dict(zip(outcomes["person_id"], outcomes["taken_date"], strict=True))
    out = []
    for person, state in zip(status["person_id"], status["status"], strict=True):
        days = [d for d in (as_date(last_session.get(person)), decided.get(person)) if d is not None]
        out.append(max(days) if state == "completed" and days else None)
    return pd.Series(out, index=status.index, dtype=object)
