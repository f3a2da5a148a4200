"""The exam window is one library call: ``set_window`` also makes its closing time nbgrader's due date
(a library caller, not only ``zhiben hub window``, gets it)."""

from __future__ import annotations

import datetime as dt

from nbgrader.api import Gradebook

from zhiben_training.assess import nbgrader_adapter as nbg
from zhiben_training.assess.exchange import load_window, set_window

BEIJING = dt.timezone(dt.timedelta(hours=8))


def _due(course, assignment: str) -> dt.datetime | None:
    with Gradebook(nbg.db_url(course), "zhiben") as gb:
        return gb.find_assignment(assignment).duedate


def test_set_window_makes_the_closing_time_the_gradebooks_due_date(tmp_path):
    opens = dt.datetime(2026, 6, 1, 9, 0, tzinfo=BEIJING)
    set_window(tmp_path, "2026-A", opens_at=opens, closes_at=opens + dt.timedelta(hours=2), by="pytest")
    assert _due(tmp_path, "2026-A") == dt.datetime(2026, 6, 1, 3, 0)  # 11:00 北京时间, stored as naive UTC
    assert load_window(tmp_path, "2026-A").closes_at == "2026-06-01T03:00:00+00:00"


def test_moving_the_window_moves_the_due_date(tmp_path):
    opens = dt.datetime(2026, 6, 1, 9, 0, tzinfo=BEIJING)
    set_window(tmp_path, "2026-A", opens_at=opens, closes_at=opens + dt.timedelta(hours=2))
    set_window(tmp_path, "2026-A", opens_at=opens, closes_at=opens + dt.timedelta(hours=3), late="mark",
               late_until=opens + dt.timedelta(hours=4))
    assert _due(tmp_path, "2026-A") == dt.datetime(2026, 6, 1, 4, 0)
