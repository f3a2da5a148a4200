"""Renewing a certificate: window and blockers checked, new expiry audited (old → new, who, why).

17号令 第十条: 安管 certificates are extended by 3 years on renewal; 75号 第二十二条: special-operation
certificates by 2 years (``extension_years``). Both may be applied for within the 3 months before expiry.
The result names what the registry could not check (``not_checked``), for the examiner to confirm.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, select, update

from zhiben_training.errors import NotFoundError, RegistryError

from . import models as m
from .audit import append_audit, changes
from .renewals import renewals_due
from .rules import add_months, certificate_rule

__all__ = ["renew_certificate"]


def renew_certificate(conn: Connection, *, cert_no: str, actor: str, reason: str, today: dt.date | None = None,
                      override_blockers: bool = False) -> dict:
    """Extend ``cert_no``; returns ``{"cert_no", "old_expiry", "new_expiry", "not_checked"}``."""
    today = today or dt.date.today()
    c = m.Certificate.__table__
    cert = conn.execute(select(c).where(c.c.cert_no == cert_no)).mappings().first()
    if cert is None:
        raise NotFoundError(f"没有证书 {cert_no}")
    rule = certificate_rule(cert["cert_type"])
    opens = add_months(cert["expiry_date"], -int(rule["renewal_window_months"]))
    if not opens <= today <= cert["expiry_date"]:
        raise RegistryError(f"证书 {cert_no} 不在延续申请期内（{opens} 至 {cert['expiry_date']}，{rule['source']}）")
    due = renewals_due(conn, days=(cert["expiry_date"] - today).days, today=today)
    row = due.loc[due["cert_no"] == cert_no]
    blockers = row["blockers"]
    if len(blockers) and blockers.iloc[0] and not override_blockers:
        raise RegistryError(f"证书 {cert_no} 不能延续：{blockers.iloc[0]}")
    new_expiry = add_months(cert["expiry_date"], 12 * int(rule["extension_years"]))
    conn.execute(update(c).where(c.c.cert_no == cert_no).values(expiry_date=new_expiry))
    append_audit(conn, changes(entity="certificate", key=cert_no, old={"expiry_date": cert["expiry_date"]},
                               new={"expiry_date": new_expiry}, fields=["expiry_date"]), actor=actor, reason=reason)
    return {"cert_no": cert_no, "old_expiry": cert["expiry_date"], "new_expiry": new_expiry,
            "not_checked": row["not_checked"].iloc[0] if len(row) else ""}
