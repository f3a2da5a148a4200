"""Fixtures for the course tests: the reference texts, a built copy of the course, a lesson city."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import reference
from tests.reference import squash

REPO = Path(__file__).resolve().parents[2]
COURSE = REPO / "course"


@pytest.fixture(scope="session")
def reference_text() -> str:
    """regulations.md + the Tianjin plan, whitespace removed; fails when a text is missing."""
    return "".join(squash(reference.reference_text(name))
                   for name in (reference.REGULATIONS, reference.ACTION_PLAN))


@pytest.fixture(scope="session")
def plan_text() -> str:
    return squash(reference.reference_text(reference.ACTION_PLAN))


@pytest.fixture(scope="session")
def lesson_city_env(tmp_path_factory):
    """Point ZHIBEN_LESSON_CITY at a tiny city generated once per session (lessons 05 and 06 read it)."""
    import os

    try:
        from zhiben_training.lessons.city import ensure_city
    except ImportError:  # the synthetic city is not needed by the lessons built so far
        yield None
        return
    directory = ensure_city(tmp_path_factory.mktemp("lesson-city") / "city")
    old = os.environ.get("ZHIBEN_LESSON_CITY")
    os.environ["ZHIBEN_LESSON_CITY"] = str(directory)
    yield directory
    if old is None:
        os.environ.pop("ZHIBEN_LESSON_CITY", None)
    else:
        os.environ["ZHIBEN_LESSON_CITY"] = old


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Mark a test item as failed so fixtures (the browser page) can save a screenshot."""
    report = yield
    if report.when == "call" and report.failed:
        item.failed = True
    return report
