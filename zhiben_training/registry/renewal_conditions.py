"""What blocks a certificate's renewal, checked set-based for the whole due list at once.

安管 certificates (17号令 第十条第二款, verified): renewal is granted when during validity the holder
(a) was not given an administrative penalty for an accident or a breach of the 规定 — registry
sanctions of the kinds ``penalty_sanction_kinds``; (b) has no bad-conduct record in the credit file —
sanctions of the kinds ``bad_record_sanction_kinds``; (c) took part in the required safety training —
at least one attendance or continuing-education entry in the validity period, and the configurable
``renewal_training_hours`` when set above 0. A failed annual assessment blocks only as local policy
(``failed_annual_assessment``, off by default): 条例 第三十六条第二款 bars failed persons from working,
it does not name renewal.

Special-operation certificates (75号 第二十四条（三）（五）, unverified in the reference): a penalty of
the same kinds, and a calendar year with fewer than the annual hours of 75号 第十七条. Both are
switches and their messages say （未核实）.

What the registry has no data for is listed per certificate group in ``not_checked`` (rules file),
so an empty blocker list never reads as "everything was checked".
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, and_, case, func, select

from . import models as m
from .rules import certificate_rule, rules

__all__ = ["renewal_blockers", "not_checked"]

_AN_GUAN = "17号令 第十条第二款"


def _frame(conn: Connection, stmt) -> pd.DataFrame:
    result = conn.execute(stmt)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _blocker_rules(name: str) -> dict:
    return rules()["certificates"][name]["renewal_blockers"]


def not_checked(cert_type: str) -> str:
    """The conditions of ``cert_type``'s renewal the registry cannot check, as one Chinese line."""
    items = certificate_rule(cert_type)["renewal_blockers"].get("not_checked", [])
    return "未核查（无数据）：" + "；".join(items) if items else ""


def renewal_blockers(conn: Connection, due: pd.DataFrame, *, sub, today: dt.date) -> dict[str, list[str]]:
    """cert_no → Chinese reasons its renewal is blocked; ``sub`` selects the due certificates."""
    reasons: dict[str, list[str]] = {}
    an_guan = set(rules()["certificates"]["an_guan"]["types"])
    _sanctions(conn, sub, due, reasons, today=today, an_guan=an_guan)
    if _blocker_rules("an_guan")["failed_annual_assessment"]["value"]:
        _failed_assessments(conn, sub, reasons, an_guan=an_guan)
    _training(conn, sub, due, reasons, today=today)
    return reasons


def _sanctions(conn: Connection, sub, due: pd.DataFrame, reasons: dict, *, today: dt.date, an_guan: set) -> None:
    """Penalties (both kinds of certificate) and bad-conduct records (安管) dated within validity."""
    s = m.Sanction.__table__
    rows = _frame(conn, select(sub.c.cert_no, sub.c.cert_type, s.c.kind, s.c.date).join(
        s, and_(s.c.person_id == sub.c.person_id, s.c.date >= sub.c.issue_date, s.c.date <= today))
        .order_by(sub.c.cert_no, s.c.date, s.c.kind))
    if rows.empty:
        return
    ag = _blocker_rules("an_guan")
    penalty_kinds, record_kinds = set(ag["penalty_sanction_kinds"]["values"]), set(ag["bad_record_sanction_kinds"]["values"])
    special_on = bool(_blocker_rules("special")["sanction_during_validity"]["value"])
    for cert_no, group in rows.groupby("cert_no", sort=True):
        is_an_guan = group["cert_type"].iloc[0] in an_guan
        penalties = group[group["kind"].isin(penalty_kinds)]
        if len(penalties) and (is_an_guan or special_on):
            basis = _AN_GUAN if is_an_guan else "75号 第二十四条（三），未核实"
            reasons.setdefault(cert_no, []).append(f"证书有效期内受到行政处罚：{_listed(penalties)}（{basis}）")
        records = group[group["kind"].isin(record_kinds)]
        if len(records) and is_an_guan:
            reasons.setdefault(cert_no, []).append(
                f"信用档案中有不良行为记录：{_listed(records)}（{_AN_GUAN}）")


def _listed(rows: pd.DataFrame) -> str:
    return "、".join(f"{r.kind}（{r.date}）" for r in rows.itertuples(index=False))


def _failed_assessments(conn: Connection, sub, reasons: dict, *, an_guan: set) -> None:
    """Local policy, 安管 only: a round in the validity period whose attempts were all failed."""
    r, rnd = m.AssessmentResult.__table__, m.TrainingRound.__table__
    per_round = (
        select(sub.c.cert_no, sub.c.cert_type, r.c.round_id, func.max(case((r.c.passed, 1), else_=0)).label("ok"))
        .join(r, r.c.person_id == sub.c.person_id)
        .join(rnd, rnd.c.round_id == r.c.round_id)
        .where(r.c.taken_date >= sub.c.issue_date)
        .group_by(sub.c.cert_no, sub.c.cert_type, r.c.round_id)
    )
    frame = _frame(conn, per_round)
    failed = frame[(frame["ok"] == 0) & frame["cert_type"].isin(an_guan)]
    label = _blocker_rules("an_guan")["failed_annual_assessment"]["label"]
    for cert_no, group in failed.groupby("cert_no"):
        reasons.setdefault(cert_no, []).append(f"年度考核不合格（{'、'.join(sorted(group['round_id']))}）（{label}）")


def _training_rows(conn: Connection, sub, today: dt.date) -> pd.DataFrame:
    att, ce = m.Attendance.__table__, m.ContinuingEducation.__table__
    frames = [
        _frame(conn, select(sub.c.cert_no, att.c.session_date.label("day"), att.c.hours).join(
            att, and_(att.c.person_id == sub.c.person_id, att.c.session_date >= sub.c.issue_date,
                      att.c.session_date <= today))),
        _frame(conn, select(sub.c.cert_no, ce.c.date.label("day"), ce.c.hours).join(
            ce, and_(ce.c.person_id == sub.c.person_id, ce.c.date >= sub.c.issue_date, ce.c.date <= today))),
    ]
    rows = pd.concat([f for f in frames if len(f)]) if any(len(f) for f in frames) else frames[0]
    rows["year"] = pd.to_datetime(rows["day"]).dt.year if len(rows) else pd.Series(dtype=int)
    return rows


def _training(conn: Connection, sub, due: pd.DataFrame, reasons: dict, *, today: dt.date) -> None:
    """安管: some training in validity (and the configurable hours); special: the annual hours."""
    rows = _training_rows(conn, sub, today)
    per_year = rows.groupby(["cert_no", "year"])["hours"].sum() if len(rows) else pd.Series(dtype=float)
    totals = rows.groupby("cert_no")["hours"].sum() if len(rows) else pd.Series(dtype=float)
    special_min = float(rules()["audiences"]["special"]["min_annual_hours"])
    special_on = bool(_blocker_rules("special")["annual_hours_shortfall"]["value"])
    an_guan_hours = float(rules()["certificates"]["an_guan"]["renewal_training_hours"]["value"])
    for cert in due.itertuples(index=False):
        if "SPECIAL" in certificate_rule(cert.cert_type)["types"]:
            years = range(cert.issue_date.year + 1, today.year)  # full calendar years of validity so far
            short = [y for y in years if per_year.get((cert.cert_no, y), 0.0) < special_min]
            if short and special_on:
                reasons.setdefault(cert.cert_no, []).append(
                    f"{'、'.join(map(str, short))}年度培训不足{special_min:g}小时"
                    "（75号 第十七条，作为延期复核条件见第二十四条（五），未核实）")
            continue
        total = float(totals.get(cert.cert_no, 0.0))
        if cert.cert_no not in totals.index:
            reasons.setdefault(cert.cert_no, []).append(
                f"证书有效期内登记库中没有参加安全生产教育培训的记录（{_AN_GUAN}）")
        elif an_guan_hours > 0 and total < an_guan_hours:
            reasons.setdefault(cert.cert_no, []).append(
                f"有效期内培训{total:g}学时，少于{an_guan_hours:g}学时（可配置，非法规）")
