"""Certificates due for renewal in the next N days, with what blocks each renewal.

Rules (registry_rules.json ``certificates``): 安管 certificates may be renewed from 3 months before
expiry and are extended by 3 years (17号令 第十条); special-operation certificates the same window and
2 years (75号 第二十二条). Each row carries its current validity period's first day (``period_start``:
the issue date, or the day after the previous expiry once the registry granted a renewal); the blockers,
the findings an examiner must judge (``to_review``) and what the registry cannot check (``not_checked``)
are in :mod:`.renewal_conditions`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, and_, func, select

from . import models as m
from .renewal_conditions import not_checked, renewal_findings
from .rules import add_months, certificate_rule

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
    last = _last_renewals()
    stmt = (
        select(c.c.cert_no, c.c.person_id, p.c.name, p.c.phone, p.c.role, p.c.enterprise_uscc,
               e.c.name.label("enterprise_name"), e.c.district, c.c.cert_type, c.c.operation_type,
               c.c.issue_date, c.c.expiry_date, last.c.renewed_from)
        .join(p, p.c.person_id == c.c.person_id)
        .outerjoin(e, e.c.uscc == p.c.enterprise_uscc)
        .outerjoin(last, last.c.cert_no == c.c.cert_no)
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
    due["period_start"] = [i if pd.isna(r) else pd.Timestamp(r).date() + dt.timedelta(days=1)
                           for i, r in zip(due["issue_date"], due["renewed_from"], strict=True)]
    due = due.drop(columns=["renewed_from"])
    if due.empty:
        return due.assign(window_opens=[], window_open=[], days_left=[], blocked=[], blockers=[],
                          to_review=[], needs_review=[], not_checked=[])
    months = due["cert_type"].map(lambda t: certificate_rule(t)["renewal_window_months"])
    due["window_opens"] = [add_months(d, -int(n)) for d, n in zip(due["expiry_date"], months, strict=True)]
    due["window_open"] = [today >= d for d in due["window_opens"]]
    due["days_left"] = [(d - today).days for d in due["expiry_date"]]
    blockers, to_review = renewal_findings(conn, due, sub=_due_certificates(horizon, today), today=today)
    due["blockers"] = due["cert_no"].map(lambda n: "；".join(blockers.get(n, [])))
    due["blocked"] = due["blockers"] != ""
    due["to_review"] = due["cert_no"].map(lambda n: "；".join(to_review.get(n, [])))
    due["needs_review"] = due["to_review"] != ""
    due["not_checked"] = due["cert_type"].map(not_checked)
    return due


def _last_renewals():
    """cert_no → ``renewed_from``: the previous expiry of the latest renewal granted in the registry."""
    r = m.CertificateRenewal.__table__
    return select(r.c.cert_no, func.max(r.c.previous_expiry).label("renewed_from")).group_by(
        r.c.cert_no).subquery("last_renewal")


def _due_certificates(horizon: dt.date, today: dt.date):
    c = m.Certificate.__table__
    last = _last_renewals()
    return (select(c.c.cert_no, c.c.person_id, c.c.issue_date, c.c.cert_type, last.c.renewed_from)
            .outerjoin(last, last.c.cert_no == c.c.cert_no)
            .where(and_(c.c.expiry_date >= today, c.c.expiry_date <= horizon)).subquery("due"))
