"""Training rounds (year × audience), their sessions and who attended for how many hours."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Float, ForeignKey, ForeignKeyConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class TrainingRound(Base):
    __tablename__ = "training_rounds"

    round_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    audience: Mapped[str] = mapped_column(String(16))
    required_hours: Mapped[float] = mapped_column(Float)
    pass_mark: Mapped[float | None] = mapped_column(Float)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)


class TrainingSession(Base):
    """One training day of a round; attendance rows point at it."""

    __tablename__ = "training_sessions"

    round_id: Mapped[str] = mapped_column(ForeignKey("training_rounds.round_id"), primary_key=True)
    session_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (
        ForeignKeyConstraint(
            ["round_id", "session_date"],
            ["training_sessions.round_id", "training_sessions.session_date"],
            name="fk_attendance_session",
        ),
    )

    person_id: Mapped[str] = mapped_column(ForeignKey("people.person_id"), primary_key=True)
    round_id: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)
    session_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    hours: Mapped[float] = mapped_column(Float)
