"""安管 (A/B/C1/C2/C3) and special-operation (SPECIAL) certificates, and the renewals the registry granted."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Certificate(Base):
    """``issue_date`` is when the certificate (or its current period, for one renewed before it was loaded)
    was issued; renewals granted in the registry are rows of :class:`CertificateRenewal`."""

    __tablename__ = "certificates"

    cert_no: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.person_id"), index=True)
    cert_type: Mapped[str] = mapped_column(String(8), index=True)
    operation_type: Mapped[str | None] = mapped_column(String(32))
    issue_date: Mapped[dt.date] = mapped_column(Date)
    expiry_date: Mapped[dt.date] = mapped_column(Date, index=True)


class CertificateRenewal(Base):
    """One granted renewal (17号令 第十条 / 75号 第二十二条): applied on ``applied_date`` (the window of
    第十条第一款 is checked against it), decided on ``decided_date``; the new validity period runs from the
    day after ``previous_expiry`` to ``new_expiry``."""

    __tablename__ = "certificate_renewals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cert_no: Mapped[str] = mapped_column(ForeignKey("certificates.cert_no"), index=True)
    applied_date: Mapped[dt.date] = mapped_column(Date)
    decided_date: Mapped[dt.date] = mapped_column(Date)
    previous_expiry: Mapped[dt.date] = mapped_column(Date)
    new_expiry: Mapped[dt.date] = mapped_column(Date)
