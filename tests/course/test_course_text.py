"""The course notebooks: generated, output-free, stable ids, and every quote verbatim from a reference."""

from __future__ import annotations

import re

import nbformat
import pytest

from tests.course.conftest import COURSE, squash
from zhiben_training.cli import main
from zhiben_training.lessons import campaign
from zhiben_training.lessons.build import build_course, check_course, course_notebooks, lessons

QUOTE_LINE = re.compile(r"^> (?!——)(.+)$", re.MULTILINE)


def test_the_committed_course_matches_a_fresh_build():
    assert check_course(COURSE) == [], "run: zhiben lessons build"


def test_the_build_command_writes_seven_lessons_and_the_practice_and_check_passes(tmp_path, capsys):
    assert main(["lessons", "build", "--out", str(tmp_path)]) == 0
    assert len(list(tmp_path.glob("*.ipynb"))) == len(lessons()) + 1 == len(course_notebooks())
    assert (tmp_path / "08_模拟练习.ipynb").exists()
    assert main(["lessons", "build", "--out", str(tmp_path), "--check"]) == 0
    (tmp_path / lessons()[0].filename).write_text("{}", encoding="utf-8")
    assert main(["lessons", "build", "--out", str(tmp_path), "--check"]) == 1
    assert "需要重新生成" in capsys.readouterr().err


def test_a_rebuild_is_byte_identical(tmp_path):
    first = [p.read_bytes() for p in build_course(tmp_path / "a")]
    second = [p.read_bytes() for p in build_course(tmp_path / "b")]
    assert first == second


@pytest.mark.parametrize("lesson", course_notebooks(), ids=lambda lesson: lesson.number)
def test_a_committed_notebook_has_no_outputs_and_stable_ids(lesson):
    nb = nbformat.read(COURSE / lesson.filename, as_version=4)
    nbformat.validate(nb)
    assert [c.id for c in nb.cells] == [f"l{lesson.number}-{i:02d}" for i in range(len(nb.cells))]
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert "input(" not in cell.source


@pytest.mark.parametrize("lesson", lessons(), ids=lambda lesson: lesson.number)
def test_every_quoted_line_in_a_lesson_is_verbatim_from_the_law_or_the_plan(lesson, reference_text):
    quotes = [q for kind, src in lesson.cells if kind == "md" for q in QUOTE_LINE.findall(src)]
    assert quotes, "every lesson quotes its sources"
    missing = [q for q in quotes if squash(q) not in reference_text]
    assert missing == []


def test_the_campaign_data_quotes_the_plan_exactly(plan_text):
    data = campaign.campaign()
    assert squash(data["goal"]["text"]) in plan_text
    assert len(data["actions"]) == 10
    for action in data["actions"]:
        assert squash(action["no"] + action["title"]) in plan_text
    for stage in data["stages"]:
        assert squash(f"{stage['no']}{stage['name']}（{stage['period']}）。{stage['text']}") in plan_text
    for ask in data["asks"]:
        assert squash(ask["text"]) in plan_text


@pytest.mark.parametrize(("year", "month", "stage"), [
    (2024, 3, "动员部署"), (2024, 4, "夯实基础"), (2024, 12, "夯实基础"), (2025, 1, "集中攻坚"),
    (2026, 12, "固本提升"), (2024, 2, "方案时间范围外"), (2027, 1, "方案时间范围外"),
])
def test_a_month_falls_in_its_plan_stage(year, month, stage):
    assert campaign.stage_of(year, month) == stage


def test_lesson_one_quotes_what_the_plan_asks_of_principals():
    asks = campaign.asks_for("主要负责人")
    assert any("每月开展1次" in a["text"] for a in asks)
    assert all("主要负责人" in a["audience"] for a in asks)
