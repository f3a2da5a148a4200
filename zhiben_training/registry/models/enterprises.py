"""Enterprises (勘察/设计/施工/监理), keyed by 统一社会信用代码."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Enterprise(Base):
    __tablename__ = "enterprises"

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    enterprise_type: Mapped[str] = mapped_column(String(8), index=True)
    construction_kind: Mapped[str | None] = mapped_column(String(16))
    qualification_grade: Mapped[str | None] = mapped_column(String(32))
    district: Mapped[str] = mapped_column(String(16), index=True)
    district_code: Mapped[str | None] = mapped_column(String(6))
    address: Mapped[str | None] = mapped_column(String(200))
    legal_rep_id: Mapped[str | None] = mapped_column(String(18))
    licence_no: Mapped[str | None] = mapped_column(String(64))
    licence_expiry: Mapped[dt.date | None] = mapped_column(Date)
