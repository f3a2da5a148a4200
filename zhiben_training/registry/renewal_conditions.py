"""What blocks a certificate's renewal, checked set-based for the whole due list at once.

Every condition looks at 证书有效期内 — the *current* validity period (17号令 第十条第二款): from
``issue_date``, or, once the registry has granted a renewal, from the day after the previous expiry
(``certificate_renewals``). What happened in an earlier period neither helps nor blocks.

Two kinds of finding per certificate:

* ``blockers`` (不能延续的原因) — what the data shows against a condition as written: no training
  record in the period (安管, 第十条第二款), a bad-conduct record of the ``bad_record_sanction_kinds``
  (第十条第二款), the configurable hour checks and the local policy on failed assessments (each message
  says 可配置/本地规定), and a special worker's year under 24 h (75号 第十七条; as a 延期复核 ground
  第二十四条（五）, 未核实).
* ``to_review`` (待核实) — a penalty of the configured ``penalty_sanction_kinds`` in the period. The law
  names only penalties 因生产安全事故或者违反本规定 (安管) or 对生产安全事故负有责任的 (special, 75号
  第二十四条（三）, 未核实); which kinds count is configuration (配置规则，非法规原文) and the cause is only
  the free-text ``reason``, so the message shows the reason (or that none was recorded) and leaves the
  judgement to the examiner. For special certificates this check is off by default.

What the registry has no data for is listed per certificate group in ``not_checked`` (rules file),
so an empty blocker list never reads as "everything was checked".
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, and_, case, func, or_, select

from . import models as m
from .rules import certificate_rule, rules

__all__ = ["renewal_findings", "not_checked", "in_current_period"]

_AN_GUAN = "17号令 第十条第二款"
_CONFIGURED = "处罚种类按配置规则列入（配置规则，非法规原文）"


def _frame(conn: Connection, stmt) -> pd.DataFrame:
    result = conn.execute(stmt)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _blocker_rules(name: str) -> dict:
    return rules()["certificates"][name]["renewal_blockers"]


def not_checked(cert_type: str) -> str:
    """The conditions of ``cert_type``'s renewal the registry cannot check, as one Chinese line."""
    items = certificate_rule(cert_type)["renewal_blockers"].get("not_checked", [])
    return "未核查（无数据）：" + "；".join(items) if items else ""


def in_current_period(sub, day, today: dt.date):
    """SQL condition: ``day`` lies in the certificate's current validity period, up to ``today``.

    ``sub`` has ``issue_date`` and ``renewed_from`` (the previous expiry of the latest renewal, or NULL).
    """
    return and_(day >= sub.c.issue_date, or_(sub.c.renewed_from.is_(None), day > sub.c.renewed_from),
                day <= today)


def renewal_findings(conn: Connection, due: pd.DataFrame, *, sub, today: dt.date
                     ) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """``(blockers, to_review)``: cert_no → Chinese messages; ``sub`` selects the due certificates."""
    blockers: dict[str, list[str]] = {}
    to_review: dict[str, list[str]] = {}
    an_guan = set(rules()["certificates"]["an_guan"]["types"])
    _sanctions(conn, sub, blockers, to_review, today=today, an_guan=an_guan)
    if _blocker_rules("an_guan")["failed_annual_assessment"]["value"]:
        _failed_assessments(conn, sub, blockers, an_guan=an_guan, today=today)
    _training(conn, sub, due, blockers, today=today)
    return blockers, to_review


def _sanctions(conn: Connection, sub, blockers: dict, to_review: dict, *, today: dt.date,
               an_guan: set) -> None:
    """Penalties (for review) and bad-conduct records (安管, blockers) dated within the current period."""
    s = m.Sanction.__table__
    rows = _frame(conn, select(sub.c.cert_no, sub.c.cert_type, s.c.kind, s.c.date, s.c.reason).join(
        s, and_(s.c.person_id == sub.c.person_id, in_current_period(sub, s.c.date, today)))
        .order_by(sub.c.cert_no, s.c.date, s.c.kind))
    if rows.empty:
        return
    ag = _blocker_rules("an_guan")
    special = _blocker_rules("special")["sanction_during_validity"]
    penalty_kinds, record_kinds = (set(ag["penalty_sanction_kinds"]["values"]),
                                   set(ag["bad_record_sanction_kinds"]["values"]))
    for cert_no, group in rows.groupby("cert_no", sort=True):
        is_an_guan = group["cert_type"].iloc[0] in an_guan
        penalties = group[group["kind"].isin(penalty_kinds)]
        if len(penalties) and (is_an_guan or special["value"]):
            law = ((_AN_GUAN, f"{_AN_GUAN}“因生产安全事故或者违反本规定受到行政处罚”") if is_an_guan else
                   (f"{special['source_short']}（未核实）",
                    f"{special['source_short']}“{special['quote']}”（未核实）"))
            to_review.setdefault(cert_no, []).append(_penalty_message(penalties, *law))
        records = group[group["kind"].isin(record_kinds)]
        if len(records) and is_an_guan:
            blockers.setdefault(cert_no, []).append(
                f"信用档案中有不良行为记录：{_listed(records)}（{_AN_GUAN}）")


def _penalty_message(penalties: pd.DataFrame, article: str, law: str) -> str:
    """The penalties with their recorded reasons; what is configuration and what is unknown, never as law."""
    def reason(text) -> str:
        return f"原因：{text.strip()}" if isinstance(text, str) and text.strip() else "原因未记录"

    listed = "、".join(f"{r.kind}（{r.date}，{reason(r.reason)}）" for r in penalties.itertuples(index=False))
    unknown = penalties["reason"].map(lambda t: not (isinstance(t, str) and t.strip())).all()
    verdict = f"原因未记录，无法判断是否属于{article}情形" if unknown else f"是否属于{law}，须按原因核实"
    return f"有效期内有处罚记录：{listed}——{_CONFIGURED}，{verdict}"


def _listed(rows: pd.DataFrame) -> str:
    return "、".join(f"{r.kind}（{r.date}）" for r in rows.itertuples(index=False))


def _failed_assessments(conn: Connection, sub, reasons: dict, *, an_guan: set, today: dt.date) -> None:
    """Local policy, 安管 only: a round in the current period whose attempts were all failed."""
    r, rnd = m.AssessmentResult.__table__, m.TrainingRound.__table__
    per_round = (
        select(sub.c.cert_no, sub.c.cert_type, r.c.round_id,
               func.max(case((r.c.passed, 1), else_=0)).label("ok"))
        .join(r, r.c.person_id == sub.c.person_id)
        .join(rnd, rnd.c.round_id == r.c.round_id)
        .where(in_current_period(sub, r.c.taken_date, today))
        .group_by(sub.c.cert_no, sub.c.cert_type, r.c.round_id)
    )
    frame = _frame(conn, per_round)
    failed = frame[(frame["ok"] == 0) & frame["cert_type"].isin(an_guan)]
    label = _blocker_rules("an_guan")["failed_annual_assessment"]["label"]
    for cert_no, group in failed.groupby("cert_no"):
        reasons.setdefault(cert_no, []).append(
            f"年度考核不合格（{'、'.join(sorted(group['round_id']))}）（{label}）")


def _training_rows(conn: Connection, sub, today: dt.date) -> pd.DataFrame:
    att, ce = m.Attendance.__table__, m.ContinuingEducation.__table__
    frames = [
        _frame(conn, select(sub.c.cert_no, att.c.session_date.label("day"), att.c.hours).join(
            att, and_(att.c.person_id == sub.c.person_id,
                      in_current_period(sub, att.c.session_date, today)))),
        _frame(conn, select(sub.c.cert_no, ce.c.date.label("day"), ce.c.hours).join(
            ce, and_(ce.c.person_id == sub.c.person_id, in_current_period(sub, ce.c.date, today)))),
    ]
    rows = pd.concat([f for f in frames if len(f)]) if any(len(f) for f in frames) else frames[0]
    rows["year"] = pd.to_datetime(rows["day"]).dt.year if len(rows) else pd.Series(dtype=int)
    return rows


def _training(conn: Connection, sub, due: pd.DataFrame, reasons: dict, *, today: dt.date) -> None:
    """安管: some training in the current period (and the configurable hours); special: the annual hours."""
    rows = _training_rows(conn, sub, today)
    per_year = rows.groupby(["cert_no", "year"])["hours"].sum() if len(rows) else pd.Series(dtype=float)
    totals = rows.groupby("cert_no")["hours"].sum() if len(rows) else pd.Series(dtype=float)
    special_min = float(rules()["audiences"]["special"]["min_annual_hours"])
    special_on = bool(_blocker_rules("special")["annual_hours_shortfall"]["value"])
    an_guan_hours = float(rules()["certificates"]["an_guan"]["renewal_training_hours"]["value"])
    for cert in due.itertuples(index=False):
        if "SPECIAL" in certificate_rule(cert.cert_type)["types"]:
            years = range(cert.period_start.year + 1, today.year)  # full calendar years of the period so far
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
