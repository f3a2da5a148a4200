"""What an examiner sees in nbgrader's formgrader: the course's exchange is configured and exists,
names read "surname, given name" (formgrader's "last, first"), and papers carry no identity so
marking stays blind; `assess analyze` refuses a round the assignments do not belong to."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.assess.conftest import AID, TRAINEES, variant
from zhiben_training.assess import nbgrader_adapter as nbg
from zhiben_training.cli import main


def test_the_course_config_points_nbgrader_at_an_existing_exchange(course):
    """nbgrader itself, started in the course root as formgrader is, reads nbgrader_config.py."""
    script = ("from nbgrader.apps.api import NbGraderAPI\n"
              "from nbgrader.coursedir import CourseDirectory\n"
              "from traitlets.config.loader import PyFileConfigLoader\n"
              "config = PyFileConfigLoader('nbgrader_config.py', path='.').load_config()\n"
              "print(config.Exchange.root)\n"
              "print(CourseDirectory(config=config).root)\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=course, capture_output=True, text=True,
                            check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    exchange, root = result.stdout.split()
    assert Path(root) == course.resolve() and Path(exchange) == course.resolve() / "exchange"
    assert Path(exchange).is_dir() and (Path(exchange).stat().st_mode & 0o1777) == 0o1777


def test_nbgrader_list_finds_the_exchange_without_a_warning(course):
    result = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "list", "--inbound"], cwd=course,
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "does not exist" not in result.stdout + result.stderr


@pytest.mark.parametrize(("name", "split"), [("乔志阳", ("乔", "志阳")), ("欧阳娜娜", ("欧阳", "娜娜")),
                                             ("王五", ("王", "五")), ("Li Ming", ("Li Ming", "")),
                                             ("", ("", ""))])
def test_chinese_names_split_into_surname_and_given_name(name, split):
    assert nbg.split_name(name) == split
    assert nbg.student_name(*split) == name


def test_formgrader_gets_both_name_fields_so_it_shows_the_name_not_a_leading_comma(course):
    students = {s["id"]: s for s in nbg.nbgrader_api(course).get_students()}
    for trainee in TRAINEES:
        row = students[trainee["id"]]
        assert row["last_name"] and row["first_name"]  # formgrader's "last, first" needs both
        assert f"{row['last_name']}, {row['first_name']}" == f"{trainee['name'][0]}, {trainee['name'][1:]}"


def test_the_paper_shows_no_trainee_identity_so_formgrader_marking_stays_blind(course):
    for trainee in TRAINEES:
        nb = variant(course, trainee["id"])
        text = "\n".join(str(cell.source) for cell in nb.cells)
        assert trainee["id"] not in text and trainee["name"] not in text and "考生编号" not in text
        assert nb.metadata["zhiben"]["trainee_id"] == trainee["id"]  # collect still knows whose it is
    source = nbformat.read(course / "source" / AID / "paper.ipynb", as_version=4)
    assert "考生编号" not in source.cells[0].source


def test_analyze_refuses_a_round_the_assignment_was_not_made_for_and_writes_nothing(course, tmp_path, capsys):
    out = tmp_path / "analysis"
    code = main(["assess", "analyze", "2099-x", "--course", str(course), "-a", AID, "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "2099-x" in err and "2026-principal-A 属于轮次 2026-principal" in err
    assert not out.exists()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert main(["assess", "analyze", "2099-x", "--course", str(course), "-a", AID]) == 2
    finally:
        os.chdir(cwd)
    assert not (tmp_path / "item-analysis-2099-x").exists()


def test_a_course_root_from_before_the_stage_split_gets_a_config_whose_validate_still_loads(tmp_path):
    """Its nbgrader_config.py imported ``assess.validate``: that ImportError was caught, so the trainee's
    Validate would have turned back into nbgrader's English test verdict without a word."""
    root = tmp_path / "course"
    root.mkdir()
    old = nbg.CONFIG_TEXT.replace("assess.papers.validate", "assess.validate")
    (root / "nbgrader_config.py").write_text(old + "c.Execute.timeout = 90  # the examiner's own edit\n",
                                             encoding="utf-8")
    nbg.ensure_course(root)
    text = (root / "nbgrader_config.py").read_text(encoding="utf-8")
    assert "assess.validate " not in text and "c.Execute.timeout = 90  # the examiner's own edit" in text
    script = ("from traitlets.config.loader import PyFileConfigLoader\n"
              "PyFileConfigLoader('nbgrader_config.py', path='.').load_config()\n"
              "from nbgrader.apps import validateapp\n"
              "print(validateapp.Validator.__module__)\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True,
                            check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert result.stdout.strip() == "zhiben_training.assess.papers.validate"
