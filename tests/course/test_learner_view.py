"""A learner's lesson reads like a course: it opens ready with no code on screen and no nbgrader
Validate button (the paper's metadata, read by the ``zhiben-paper:open-ready`` lab plugin); the
trainer's version, with all code, is ``zhiben lessons build --trainer`` away."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.course.conftest import COURSE
from zhiben_training.cli import cli
from zhiben_training.errors import ConfigError
from zhiben_training.lessons.build import course_notebooks

NAMES = [lesson.filename for lesson in course_notebooks()]


@pytest.mark.parametrize("name", NAMES)
def test_every_course_notebook_opens_ready_with_no_code_and_no_validate_button(name):
    nb = json.loads((COURSE / name).read_text(encoding="utf-8"))
    assert nb["metadata"]["zhiben"] == {"open_ready": True, "validate": False}
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code
    for cell in code:
        meta = cell["metadata"]
        assert meta["jupyter"]["source_hidden"] is True and meta["zhiben"]["run_on_open"] is True
        assert (meta["editable"], meta["deletable"]) == (False, False)
    for cell in nb["cells"]:
        assert cell["metadata"]["editable"] is False  # a double click shows no Markdown source


def test_the_trainers_version_shows_all_code_and_runs_nothing_on_open(tmp_path):
    result = CliRunner().invoke(cli, ["lessons", "build", "--trainer", "--out", str(tmp_path / "讲师版")])
    assert result.exit_code == 0, result.output
    for name in NAMES:
        nb = json.loads((tmp_path / "讲师版" / name).read_text(encoding="utf-8"))
        assert "zhiben" not in nb["metadata"]
        assert all(cell["metadata"] == {} for cell in nb["cells"])
        learner = json.loads((COURSE / name).read_text(encoding="utf-8"))
        assert [c["source"] for c in nb["cells"]] == [c["source"] for c in learner["cells"]]


def test_the_trainers_version_is_never_written_over_the_learners_course(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["lessons", "build", "--trainer"])
    assert isinstance(result.exception, ConfigError) and "讲师版不能写入 course/" in str(result.exception)
    assert not (tmp_path / "course").exists()


def test_the_self_check_shows_its_score_once_on_the_button_with_no_box_glyph():
    from zhiben_training.lessons import selfcheck

    for name in NAMES:
        nb = json.loads((COURSE / name).read_text(encoding="utf-8"))
        code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
        assert "feedback_html(" not in code  # no second, stale 得分 under the button's fresh one
    items = selfcheck.questions("03")
    page = selfcheck.feedback_html(items, selfcheck.score(items, {}))
    assert "□" not in page and "未作答" in page and "参考答案" not in page.split("作答后显示")[0]
