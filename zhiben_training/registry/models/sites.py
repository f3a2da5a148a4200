"""Construction sites and the hazard ledger (findings), read by the quarterly reports."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Site(Base):
    __tablename__ = "sites"

    site_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    contractor_uscc: Mapped[str | None] = mapped_column(ForeignKey("enterprises.uscc"), index=True)
    supervisor_uscc: Mapped[str | None] = mapped_column(ForeignKey("enterprises.uscc"))
    district: Mapped[str | None] = mapped_column(String(16), index=True)
    project_type: Mapped[str | None] = mapped_column(String(32))
    floor_area_m2: Mapped[float | None] = mapped_column(Float)
    contract_value_wan: Mapped[float | None] = mapped_column(Float)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    label_major_hazard_ids: Mapped[str | None] = mapped_column(String(500))


class Finding(Base):
    __tablename__ = "findings"

    finding_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.site_id"), index=True)
    district: Mapped[str | None] = mapped_column(String(16), index=True)
    found_date: Mapped[dt.date] = mapped_column(Date, index=True)
    channel: Mapped[str | None] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(8))
    item_id: Mapped[str | None] = mapped_column(String(16))
    description: Mapped[str | None] = mapped_column(String(1000))
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    rectified_date: Mapped[dt.date | None] = mapped_column(Date)
    closed_date: Mapped[dt.date | None] = mapped_column(Date)
