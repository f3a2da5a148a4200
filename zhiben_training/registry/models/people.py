"""People the campaign covers, keyed by their 18-character resident ID number."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Person(Base):
    __tablename__ = "people"

    person_id: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    sex: Mapped[str | None] = mapped_column(String(2))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20))
    district: Mapped[str | None] = mapped_column(String(16), index=True)
    enterprise_uscc: Mapped[str | None] = mapped_column(ForeignKey("enterprises.uscc"), index=True)
    role: Mapped[str] = mapped_column(String(16), index=True)
    operation_type: Mapped[str | None] = mapped_column(String(32))
