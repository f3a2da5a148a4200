"""Fixtures for the course tests: the reference texts, a built copy of the course, a lesson city."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
COURSE = REPO / "course"
REFERENCE = Path("/work/shared/reference")


def squash(text: str) -> str:
    """Remove all whitespace: the plan's text file breaks lines (and adds spaces) mid-sentence."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="session")
def reference_text() -> str:
    """regulations.md + the Tianjin plan, whitespace removed; skips when the references are absent."""
    files = [REFERENCE / "regulations.md", REFERENCE / "tianjin_action_plan_2024-2026.txt"]
    if not all(f.exists() for f in files):
        pytest.skip(f"reference texts not found under {REFERENCE}")
    return "".join(squash(f.read_text(encoding="utf-8")) for f in files)


@pytest.fixture(scope="session")
def plan_text() -> str:
    path = REFERENCE / "tianjin_action_plan_2024-2026.txt"
    if not path.exists():
        pytest.skip(f"{path} not found")
    return squash(path.read_text(encoding="utf-8"))


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
