"""Round status for a whole population in one pass.

One SQL statement joins the audience (people × enterprises) to per-person aggregates of attendance,
assessment results and continuing education (GROUP BY sub-queries); the four statuses are then
assigned with vectorised pandas/numpy. There is no per-person query anywhere.

Statuses (rules: ``statuses`` in registry_rules.json):
* completed / 已完成 — hours reached (special workers: attendance + continuing education in the round's
  year, at least the audience's ``min_annual_hours``) and, for assessed audiences, a passed result;
* overdue / 已逾期 — not completed and the round's end date has passed;
* in progress / 进行中 — not completed, round still open, at least one session or attempt;
* not enrolled / 未报名 — everything else.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import Connection, and_, case, func, literal, select

from zhiben_training.errors import NotFoundError
from zhiben_training.values import as_date

from . import models as m
from .grades import score_percent
from .rules import rules, status_labels

__all__ = ["round_status", "summarise", "load_round", "annual_hour_entries", "STATUS_CODES"]

STATUS_CODES = ("completed", "in_progress", "overdue", "not_enrolled")


def load_round(conn: Connection, round_id: str) -> dict:
    rounds = m.TrainingRound.__table__
    row = conn.execute(select(rounds).where(rounds.c.round_id == round_id)).mappings().first()
    if row is None:
        known = conn.execute(select(rounds.c.round_id).order_by(rounds.c.round_id)).scalars().all()
        raise NotFoundError(f"没有培训轮次 {round_id}", hint=f"已有轮次：{'、'.join(known) or '（无）'}")
    return dict(row)


def _population_query(rnd: dict, audience: dict, *, person_id, enterprise_uscc, district):
    p, e = m.Person.__table__, m.Enterprise.__table__
    att, res, ce = m.Attendance.__table__, m.AssessmentResult.__table__, m.ContinuingEducation.__table__
    hours = (
        select(att.c.person_id, func.sum(att.c.hours).label("hours"), func.count().label("sessions"))
        .where(att.c.round_id == rnd["round_id"]).group_by(att.c.person_id).subquery("h")
    )
    passed_int = case((res.c.passed, 1), else_=0)
    results = (
        select(
            res.c.person_id,
            func.max(passed_int).label("passed_any"),
            func.count().label("attempts"),
            func.max(score_percent(res.c.score, res.c.max_score)).label("best_score_pct"),
        )
        .where(res.c.round_id == rnd["round_id"]).group_by(res.c.person_id).subquery("r")
    )
    counts_ce = bool(audience.get("counts_continuing_education"))
    year_start, year_end = dt.date(rnd["year"], 1, 1), dt.date(rnd["year"], 12, 31)
    ce_hours = (
        select(ce.c.person_id, func.sum(ce.c.hours).label("ce_hours"))
        .where(and_(ce.c.date >= year_start, ce.c.date <= year_end)).group_by(ce.c.person_id).subquery("c")
    )
    stmt = (
        select(
            p.c.person_id, p.c.name, p.c.phone, p.c.role, p.c.operation_type,
            e.c.district, p.c.enterprise_uscc, e.c.name.label("enterprise_name"), e.c.enterprise_type,
            literal(rnd["round_id"]).label("round_id"),
            func.coalesce(hours.c.hours, 0.0).label("hours"),
            func.coalesce(hours.c.sessions, 0).label("sessions"),
            (func.coalesce(ce_hours.c.ce_hours, 0.0) if counts_ce else literal(0.0)).label("ce_hours"),
            func.coalesce(results.c.attempts, 0).label("attempts"),
            results.c.passed_any, results.c.best_score_pct,
        )
        .join(e, e.c.uscc == p.c.enterprise_uscc)
        .outerjoin(hours, hours.c.person_id == p.c.person_id)
        .outerjoin(results, results.c.person_id == p.c.person_id)
        .where(p.c.role.in_(audience["roles"]), e.c.enterprise_type.in_(audience["enterprise_types"]))
    )
    if counts_ce:  # only special-operation workers count continuing education (75号 第十七条)
        stmt = stmt.outerjoin(ce_hours, ce_hours.c.person_id == p.c.person_id)
    if person_id is not None:
        stmt = stmt.where(p.c.person_id == person_id)
    if enterprise_uscc is not None:
        stmt = stmt.where(p.c.enterprise_uscc == enterprise_uscc)
    if district is not None:
        stmt = stmt.where(e.c.district == district)
    return stmt


def round_status(
    conn: Connection,
    *,
    round_id: str,
    person_id: str | None = None,
    enterprise_uscc: str | None = None,
    district: str | None = None,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """One row per person of the round's audience (after filters) with hours, result and status."""
    rnd = load_round(conn, round_id)
    audience = rules()["audiences"][rnd["audience"]]
    stmt = _population_query(rnd, audience, person_id=person_id, enterprise_uscc=enterprise_uscc,
                             district=district)
    result = conn.execute(stmt)
    columns = list(result.keys())
    frame = pd.DataFrame.from_records([tuple(row) for row in result], columns=columns)
    frame = frame.sort_values(["enterprise_uscc", "person_id"], ignore_index=True)
    return _classify(frame, rnd, audience, today or dt.date.today())


def _classify(frame: pd.DataFrame, rnd: dict, audience: dict, today: dt.date) -> pd.DataFrame:
    frame["hours"] = frame["hours"].astype(float)
    frame["ce_hours"] = frame["ce_hours"].astype(float)
    counted = frame["hours"] + (frame["ce_hours"] if audience.get("counts_continuing_education") else 0.0)
    required = max(float(rnd["required_hours"]), float(audience.get("min_annual_hours", 0)))
    passed = frame["passed_any"].fillna(0).astype(int).to_numpy() == 1
    hours_ok = counted.to_numpy() >= required
    completed = hours_ok & (passed if audience.get("assessed") else True)
    enrolled = (frame["sessions"].to_numpy() > 0) | (frame["attempts"].to_numpy() > 0)
    if audience.get("counts_continuing_education"):
        enrolled |= frame["ce_hours"].to_numpy() > 0
    end = as_date(rnd["end_date"])
    overdue = ~completed & (end is not None and today > end)
    codes = np.select([completed, overdue, enrolled], ["completed", "overdue", "in_progress"], "not_enrolled")
    frame["counted_hours"] = counted
    frame["required_hours"] = required
    frame["passed"] = np.where(frame["attempts"].to_numpy() > 0, passed, None)
    frame["status"] = codes
    frame["status_cn"] = frame["status"].map(status_labels())
    return frame.drop(columns=["passed_any"])


def summarise(frame: pd.DataFrame, *, by: str) -> pd.DataFrame:
    """Counts per status for each value of ``by`` (``district`` or ``enterprise_uscc``), with a completion
    rate."""
    counts = frame.groupby([by, "status"]).size().unstack("status", fill_value=0)
    counts = counts.reindex(columns=list(STATUS_CODES), fill_value=0)
    counts["total"] = counts.sum(axis=1)
    counts["completion_rate"] = (counts["completed"] / counts["total"]).round(4)
    if by == "enterprise_uscc":
        names = frame.drop_duplicates(by).set_index(by)["enterprise_name"]
        counts.insert(0, "enterprise_name", names.reindex(counts.index))
    return counts.reset_index()


def annual_hour_entries(conn: Connection, *, audience: str) -> pd.DataFrame:
    """Dated hours that count toward ``audience``'s hours of a year, by the rule round status applies.

    For people of the audience's roles: attendance at its rounds and, where it ``counts_continuing_education``
    (special workers: 75号 第十七条, 参加年度安全教育培训或者继续教育，每年不得少于24小时),
    continuing-education entries. Columns ``person_id``, ``date``, ``hours``, ``source``
    (培训轮次 / 继续教育); a report sums them per calendar year up to its own cut-off day.
    """
    rule = rules()["audiences"][audience]
    p, att, rnd = m.Person.__table__, m.Attendance.__table__, m.TrainingRound.__table__
    ce = m.ContinuingEducation.__table__
    members = p.c.role.in_(rule["roles"])
    parts = [select(att.c.person_id, att.c.session_date.label("date"), att.c.hours,
                    literal("培训轮次").label("source"))
             .join(rnd, rnd.c.round_id == att.c.round_id).join(p, p.c.person_id == att.c.person_id)
             .where(rnd.c.audience == audience, members)]
    if rule.get("counts_continuing_education"):
        parts.append(select(ce.c.person_id, ce.c.date, ce.c.hours, literal("继续教育").label("source"))
                     .join(p, p.c.person_id == ce.c.person_id).where(members))
    frames = []
    for stmt in parts:
        result = conn.execute(stmt)
        frames.append(pd.DataFrame(result.fetchall(), columns=list(result.keys())))
    frame = pd.concat(frames, ignore_index=True) if any(len(f) for f in frames) else frames[0]
    return frame.sort_values(["person_id", "date", "source"], ignore_index=True)
