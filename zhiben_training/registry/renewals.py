"""Certificates due for renewal in the next N days, with what blocks each renewal.

Rules (registry_rules.json ``certificates``): 安管 certificates run 3 years and may be renewed from 3
months before expiry (17号令 第十条); special-operation certificates run 2 years with the same
3-month window (75号 第二十二条). Blockers, checked set-based for the whole due list at once:
a sanction during validity (17号令 第十条第二款 / 75号 第二十四条), a failed annual assessment with no
pass in the same round (条例 第三十六条第二款), a special worker's calendar year with fewer than the
annual hours (75号 第十七条), and the configurable 安管 renewal hours when set above 0.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, and_, case, func, select

from . import models as m
from .rules import add_months, certificate_rule, rules

__all__ = ["renewals_due"]


def _frame(conn: Connection, stmt) -> pd.DataFrame:
    result = conn.execute(stmt)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def renewals_due(
    conn: Connection, *, days: int, today: dt.date | None = None, district: str | None = None,
    enterprise_uscc: str | None = None,
) -> pd.DataFrame:
    """Certificates expiring within ``days`` of ``today`` (inclusive), soonest first."""
    today = today or dt.date.today()
    horizon = today + dt.timedelta(days=days)
    c, p, e = m.Certificate.__table__, m.Person.__table__, m.Enterprise.__table__
    stmt = (
        select(c.c.cert_no, c.c.person_id, p.c.name, p.c.phone, p.c.role, p.c.enterprise_uscc,
               e.c.name.label("enterprise_name"), e.c.district, c.c.cert_type, c.c.operation_type,
               c.c.issue_date, c.c.expiry_date)
        .join(p, p.c.person_id == c.c.person_id)
        .outerjoin(e, e.c.uscc == p.c.enterprise_uscc)
        .where(and_(c.c.expiry_date >= today, c.c.expiry_date <= horizon))
        .order_by(c.c.expiry_date, c.c.cert_no)
    )
    if district is not None:
        stmt = stmt.where(e.c.district == district)
    if enterprise_uscc is not None:
        stmt = stmt.where(p.c.enterprise_uscc == enterprise_uscc)
    due = _frame(conn, stmt)
    for column in ("issue_date", "expiry_date"):
        due[column] = pd.to_datetime(due[column]).dt.date
    if due.empty:
        return due.assign(window_opens=[], window_open=[], days_left=[], blocked=[], blockers=[])
    months = due["cert_type"].map(lambda t: certificate_rule(t)["renewal_window_months"])
    due["window_opens"] = [add_months(d, -int(n)) for d, n in zip(due["expiry_date"], months, strict=True)]
    due["window_open"] = [today >= d for d in due["window_opens"]]
    due["days_left"] = [(d - today).days for d in due["expiry_date"]]
    reasons = _blockers(conn, due, today=today, horizon=horizon)
    due["blockers"] = due["cert_no"].map(lambda n: "；".join(reasons.get(n, [])))
    due["blocked"] = due["blockers"] != ""
    return due


def _due_certificates(horizon: dt.date, today: dt.date):
    c = m.Certificate.__table__
    return select(c.c.cert_no, c.c.person_id, c.c.issue_date, c.c.cert_type).where(
        and_(c.c.expiry_date >= today, c.c.expiry_date <= horizon)).subquery("due")


def _blockers(conn: Connection, due: pd.DataFrame, *, today: dt.date, horizon: dt.date) -> dict[str, list[str]]:
    reasons: dict[str, list[str]] = {}
    sub = _due_certificates(horizon, today)
    s = m.Sanction.__table__
    sanctioned = _frame(conn, select(sub.c.cert_no, func.count().label("n")).join(
        s, and_(s.c.person_id == sub.c.person_id, s.c.date >= sub.c.issue_date, s.c.date <= today))
        .group_by(sub.c.cert_no))
    for cert_no in sanctioned["cert_no"]:
        reasons.setdefault(cert_no, []).append("证书有效期内受到行政处罚")
    _failed_assessments(conn, sub, due, reasons)
    _hour_shortfalls(conn, sub, due, reasons, today=today)
    return reasons


def _failed_assessments(conn: Connection, sub, due: pd.DataFrame, reasons: dict) -> None:
    """安管 only: a round in the validity period whose attempts were all failed (条例 第三十六条第二款)."""
    r, rnd = m.AssessmentResult.__table__, m.TrainingRound.__table__
    per_round = (
        select(sub.c.cert_no, sub.c.cert_type, r.c.round_id, func.max(case((r.c.passed, 1), else_=0)).label("ok"))
        .join(r, r.c.person_id == sub.c.person_id)
        .join(rnd, rnd.c.round_id == r.c.round_id)
        .where(r.c.taken_date >= sub.c.issue_date)
        .group_by(sub.c.cert_no, sub.c.cert_type, r.c.round_id)
    )
    frame = _frame(conn, per_round)
    an_guan = set(rules()["certificates"]["an_guan"]["types"])
    failed = frame[(frame["ok"] == 0) & frame["cert_type"].isin(an_guan)]
    for cert_no, group in failed.groupby("cert_no"):
        reasons.setdefault(cert_no, []).append(f"年度考核不合格（{'、'.join(sorted(group['round_id']))}）")


def _hour_shortfalls(conn: Connection, sub, due: pd.DataFrame, reasons: dict, *, today: dt.date) -> None:
    """Training hours per calendar year since issue: attendance plus continuing education."""
    att, ce = m.Attendance.__table__, m.ContinuingEducation.__table__
    rows = pd.concat([
        _frame(conn, select(sub.c.cert_no, att.c.session_date.label("day"), att.c.hours)
               .join(att, and_(att.c.person_id == sub.c.person_id, att.c.session_date >= sub.c.issue_date))),
        _frame(conn, select(sub.c.cert_no, ce.c.date.label("day"), ce.c.hours)
               .join(ce, and_(ce.c.person_id == sub.c.person_id, ce.c.date >= sub.c.issue_date))),
    ])
    rows["year"] = pd.to_datetime(rows["day"]).dt.year if len(rows) else pd.Series(dtype=int)
    per_year = rows.groupby(["cert_no", "year"])["hours"].sum() if len(rows) else pd.Series(dtype=float)
    totals = rows.groupby("cert_no")["hours"].sum() if len(rows) else pd.Series(dtype=float)
    special_min = float(rules()["audiences"]["special"]["min_annual_hours"])
    an_guan_hours = float(rules()["certificates"]["an_guan"]["renewal_training_hours"]["value"])
    for cert in due.itertuples(index=False):
        group = certificate_rule(cert.cert_type)
        if "SPECIAL" in group["types"]:
            years = range(cert.issue_date.year + 1, today.year)  # full calendar years of validity so far
            short = [y for y in years if per_year.get((cert.cert_no, y), 0.0) < special_min]
            if short:
                reasons.setdefault(cert.cert_no, []).append(
                    f"{'、'.join(map(str, short))}年度培训不足{special_min:g}小时（75号 第十七条）")
        elif an_guan_hours > 0:
            total = float(totals.get(cert.cert_no, 0.0))
            if total < an_guan_hours:
                reasons.setdefault(cert.cert_no, []).append(
                    f"有效期内培训{total:g}学时，少于{an_guan_hours:g}学时（可配置，非法规）")
