"""Opening a year's training rounds, one per audience, from the configurable round defaults."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert, select

from . import models as m
from .rules import rules

__all__ = ["open_rounds"]


def open_rounds(conn: Connection, *, year: int, required_hours: float | None = None,
                pass_mark: float | None = None) -> list[str]:
    """Insert ``{year}-{audience}`` rounds that do not exist yet (whole calendar year); returns new ids.

    Hours and pass mark default to ``round_defaults`` (configurable, not law); the special-operation
    round never asks for less than 75号 第十七条's annual minimum.
    """
    data = rules()
    t = m.TrainingRound.__table__
    existing = set(conn.execute(select(t.c.round_id).where(t.c.year == year)).scalars())
    created = []
    for audience, spec in data["audiences"].items():
        round_id = f"{year}-{audience}"
        if round_id in existing:
            continue
        hours = (required_hours if required_hours is not None
                 else data["round_defaults"]["required_hours"]["value"])
        hours = max(float(hours), float(spec.get("min_annual_hours", 0)))
        mark = pass_mark if pass_mark is not None else data["round_defaults"]["pass_mark"]["value"]
        conn.execute(insert(t), [{"round_id": round_id, "year": year, "audience": audience,
                                  "required_hours": hours, "pass_mark": float(mark),
                                  "start_date": dt.date(year, 1, 1), "end_date": dt.date(year, 12, 31)}])
        created.append(round_id)
    return created
