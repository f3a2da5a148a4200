"""Lessons count the 2024 standard's judgement situations as 项 (items), never as 条 (articles)."""

from __future__ import annotations

import re

import nbformat

from tests.course.conftest import COURSE
from zhiben_training import law
from zhiben_training.lessons.build import lessons

_COUNT_AS_ARTICLES = re.compile(r"(\d+)\s*条(?:判定|重大事故隐患|隐患|情形|条款)")


def _lesson_text() -> str:
    cells = []
    for lesson in lessons():
        nb = nbformat.read(COURSE / lesson.filename, as_version=4)
        cells.extend(cell.source for cell in nb.cells)
    return "\n".join(cells)


def test_no_lesson_counts_items_as_articles():
    assert _COUNT_AS_ARTICLES.findall(_lesson_text()) == []


def test_lesson_02_gives_the_53_items_of_14_articles():
    top = len([c for c in law.criteria("2024") if c.parent_id is None])
    nb = nbformat.read(COURSE / lessons()[1].filename, as_version=4)
    text = "\n".join(cell.source for cell in nb.cells)
    assert f"共14章、{top}项判定情形" in text and top == 53
