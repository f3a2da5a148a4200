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


def test_lesson_02_marks_what_rests_on_the_2022_text_from_memory():
    """regulations.md 1.3: 2022 第五条 and 第十四–十六条 are "[from memory, unverified]", the article count
    too."""
    from tests.reference import REGULATIONS
    from tests.reference import reference_text as regulations
    from zhiben_training.lessons.selfcheck import questions

    ref = regulations(REGULATIONS)
    assert "**第五条** 基坑工程有下列情形之一的，应判定为重大事故隐患： `[from memory, unverified]`" in ref
    assert re.search(r"\*\*第十四条\*\* \(id `2022/14`\) .+`\[from memory, unverified\]`", ref)
    assert "The 2024 version has 18 articles (2022: 16, count from memory)" in ref
    lesson = next(x for x in lessons() if x.number == "02")
    text = "\n".join(src for kind, src in lesson.cells if kind == "md")
    sentences = re.split(r"(?<=[。；;])", text)
    on_2022_numbers = [s for s in sentences if re.search(r"2022版第十[四五六]条|2022版.{0,6}条款数", s)]
    assert on_2022_numbers
    assert all("未核实" in s for s in on_2022_numbers), on_2022_numbers
    explained = [q.explanation for q in questions("02")
                 if "突涌" in q.explanation and "新增" in q.explanation]
    assert explained and all("未核实" in e for e in explained), explained
