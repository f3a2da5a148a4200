"""安管 (A/B/C1/C2/C3) and special-operation (SPECIAL) certificates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Certificate(Base):
    __tablename__ = "certificates"

    cert_no: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.person_id"), index=True)
    cert_type: Mapped[str] = mapped_column(String(8), index=True)
    operation_type: Mapped[str | None] = mapped_column(String(32))
    issue_date: Mapped[dt.date] = mapped_column(Date)
    expiry_date: Mapped[dt.date] = mapped_column(Date, index=True)
