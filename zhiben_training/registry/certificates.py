"""Renewing a certificate: application window and blockers checked, the renewal recorded, new expiry audited.

17号令 第十条: the 安管人员 applies 有效期届满前3个月内 and the 考核机关 decides
在受理延续申请之日起20个工作日内, so the window is checked against the *application* date; the
decision may fall after the old expiry.
On renewal the validity is extended by 3 years (安管) or 2 years (special, 75号 第二十二条, same window),
counted from the old expiry; the new period starts the day after it (``certificate_renewals``).
The result names what the registry could not check (``not_checked``), for the examiner to confirm.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert, select, update

from zhiben_training.errors import NotFoundError, RegistryError

from . import models as m
from .audit import append_audit, changes
from .renewals import renewals_due
from .rules import add_months, certificate_rule

__all__ = ["renew_certificate"]


def renew_certificate(conn: Connection, *, cert_no: str, actor: str, reason: str, applied_on: dt.date,
                      today: dt.date | None = None, reviewed: bool = False,
                      override_blockers: bool = False) -> dict:
    """Extend ``cert_no`` applied for on ``applied_on`` and decided ``today``.

    Refused when the application lies outside the window, when a finding to review (``to_review``)
    stands and the examiner has not confirmed it (``reviewed``), or when a blocker stands and is not
    overridden (``override_blockers``, which also confirms the review). Returns
    ``{"cert_no", "old_expiry", "new_expiry", "applied_on", "decided_on", "not_checked"}``.
    """
    today = today or dt.date.today()
    c = m.Certificate.__table__
    cert = conn.execute(select(c).where(c.c.cert_no == cert_no)).mappings().first()
    if cert is None:
        raise NotFoundError(f"没有证书 {cert_no}")
    if applied_on > today:
        raise RegistryError(f"证书 {cert_no} 的延续申请日期 {applied_on} 晚于决定日期 {today}。",
                            hint="请填写本人通过受聘企业提出延续申请的日期。")
    rule = certificate_rule(cert["cert_type"])
    expiry = cert["expiry_date"]
    opens = add_months(expiry, -int(rule["renewal_window_months"]))
    if not opens <= applied_on <= expiry:
        raise RegistryError(f"证书 {cert_no} 的延续申请日期 {applied_on} 不在延续申请期内"
                            f"（{opens} 至 {expiry}，{rule['source']}）")
    as_of = min(today, expiry)  # 证书有效期内: a decision after expiry still looks at the period that ended
    due = renewals_due(conn, days=(expiry - as_of).days, today=as_of)
    row = due.loc[due["cert_no"] == cert_no]
    if len(row):
        blockers, to_review = row["blockers"].iloc[0], row["to_review"].iloc[0]
        if blockers and not override_blockers:
            raise RegistryError(f"证书 {cert_no} 不能延续：{blockers}")
        if to_review and not (reviewed or override_blockers):
            raise RegistryError(f"证书 {cert_no} 暂不能延续，待核实：{to_review}",
                                hint="审核人员按处罚原因核对、确认不属于法定情形后，"
                                     "再以“已核实”办理（zhiben renew --reviewed）。")
    new_expiry = add_months(expiry, 12 * int(rule["extension_years"]))
    conn.execute(update(c).where(c.c.cert_no == cert_no).values(expiry_date=new_expiry))
    conn.execute(insert(m.CertificateRenewal.__table__).values(
        cert_no=cert_no, applied_date=applied_on, decided_date=today, previous_expiry=expiry,
        new_expiry=new_expiry))
    append_audit(conn, changes(entity="certificate", key=cert_no, old={"expiry_date": expiry},
                               new={"expiry_date": new_expiry}, fields=["expiry_date"]),
                 actor=actor, reason=f"{reason}（延续申请日期 {applied_on}，决定日期 {today}）")
    return {"cert_no": cert_no, "old_expiry": expiry, "new_expiry": new_expiry, "applied_on": applied_on,
            "decided_on": today, "not_checked": row["not_checked"].iloc[0] if len(row) else ""}
