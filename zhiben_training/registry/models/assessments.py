"""Assessments (one paper of one round) and each person's result, fed from the nbgrader gradebook."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Float, ForeignKey, ForeignKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Assessment(Base):
    __tablename__ = "assessments"

    round_id: Mapped[str] = mapped_column(ForeignKey("training_rounds.round_id"), primary_key=True)
    paper: Mapped[str] = mapped_column(String(8), primary_key=True)


class AssessmentResult(Base):
    __tablename__ = "assessment_results"
    __table_args__ = (
        ForeignKeyConstraint(
            ["round_id", "paper"], ["assessments.round_id", "assessments.paper"], name="fk_result_assessment"
        ),
    )

    person_id: Mapped[str] = mapped_column(ForeignKey("people.person_id"), primary_key=True)
    round_id: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)
    paper: Mapped[str] = mapped_column(String(8), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    taken_date: Mapped[dt.date | None] = mapped_column(Date)


class AssessmentItemScore(Base):
    """One item's score behind a result, as last recorded from the gradebook; written in the result's own
    transaction, so the next import names the items changed since (an examiner's mark, a regrade)."""

    __tablename__ = "assessment_item_scores"
    __table_args__ = (
        ForeignKeyConstraint(
            ["person_id", "round_id", "paper"],
            ["assessment_results.person_id", "assessment_results.round_id", "assessment_results.paper"],
            name="fk_item_score_result",
        ),
    )

    person_id: Mapped[str] = mapped_column(String(18), primary_key=True)
    round_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    paper: Mapped[str] = mapped_column(String(8), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
