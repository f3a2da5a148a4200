"""Fixtures for the assessment pipeline: a generated course root with a few trainees (stand-in
papers), and helpers that write submissions the way trainees return them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from tests.assess import standin
from zhiben_training.assess.exchange import variants
from zhiben_training.assess.grading.sandbox import Limits
from zhiben_training.assess.layout import CourseRoot, answer_cell_id, item_of

ROUND = "2026-principal"
AID = variants.assignment_id(ROUND, "A")
TRAINEES = [{"id": "T001", "name": "张三"}, {"id": "T002", "name": "李四"}, {"id": "T003", "name": "王五"}]


def _score(item, answer):
    from zhiben_training.assess.papers.scoring import score_item

    return score_item(item, answer)


@pytest.fixture
def scorer():
    return _score


@pytest.fixture(scope="session")
def _course_template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("template") / "course"
    variants.generate(root, round_id=ROUND, paper="A", trainees=TRAINEES, city_dir=root.parent / "city",
                     base_seed=7, build=standin.build_paper, answer_form="typed")
    return root


@pytest.fixture
def course(_course_template, tmp_path) -> Path:
    """A course root with paper A of 2026-principal generated for three trainees (a copy of one generated
    per session: nbgrader's generate_assignment takes seconds)."""
    root = tmp_path / "course"
    shutil.copytree(_course_template, root)
    return root


def paper_of(root: Path, trainee: str):
    return variants.rebuild_paper(root, AID, trainee, build=standin.build_paper)


def variant(root: Path, trainee: str, *, assignment: str = AID) -> nbformat.NotebookNode:
    return nbformat.read(CourseRoot(root).variant_notebook(assignment, trainee), as_version=4)


def answered(root: Path, trainee: str, answers: dict[str, str], *,
             assignment: str = AID) -> nbformat.NotebookNode:
    """The trainee's released notebook with the given answer-cell sources (item id -> source)."""
    nb = variant(root, trainee, assignment=assignment)
    for cell in nb.cells:
        gid = cell.metadata["nbgrader"]["grade_id"]
        if gid == answer_cell_id(item_of(gid)) and item_of(gid) in answers:
            cell.source = answers[item_of(gid)]
    return nb


def hand_in(folder: Path, trainee: str, nb_or_bytes, *, assignment: str = AID) -> Path:
    """Write a returned file as ``<folder>/<assignment>-<trainee>.ipynb``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{assignment}-{trainee}.ipynb"
    if isinstance(nb_or_bytes, bytes):
        path.write_bytes(nb_or_bytes)
    else:
        path.write_text(json.dumps(nb_or_bytes, ensure_ascii=False), encoding="utf-8")
    return path


def run_autograde(root: Path, scorer, **options):
    from zhiben_training.assess.grading.batch import autograde

    limits = options.pop("limits", TEST_LIMITS)
    assignment = options.pop("assignment", AID)
    options.setdefault("workers", 2)
    return autograde(root, assignment, limits=limits, progress=False, scorer=scorer, **options)


# Generous enough that an honest cell never times out on a loaded 2-core machine (30 MB of output
# takes seconds there), short enough that the endless-loop and sleep attacks end quickly.
TEST_LIMITS = Limits(wall_seconds=30, cell_seconds=10, address_space=2 * 2**30)


def scores(root: Path) -> dict[str, dict[str, float]]:
    """student -> grade_id -> auto_score, read back from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    from zhiben_training.assess.nbgrader_adapter import db_url

    out: dict[str, dict[str, float]] = {}
    with Gradebook(db_url(root), "zhiben") as gb:
        for sub in gb.find_assignment(AID).submissions:
            for grade in sub.notebooks[0].grades:
                out.setdefault(sub.student.id, {})[grade.name] = grade.auto_score
    return out


def trainees_course(tmp_path: Path, ids: list[str], *, answer_form: str = "typed") -> Path:
    """A course root generated for the given trainee ids (typed answers: every item runs in the
    sandbox, the hardest case for the grader; ``"click"``: choice items read as data)."""
    root = tmp_path / "course"
    variants.generate(root, round_id=ROUND, paper="A", trainees=[{"id": i, "name": i} for i in ids],
                     city_dir=tmp_path / "city", base_seed=11, build=standin.build_paper,
                     answer_form=answer_form)
    return root
