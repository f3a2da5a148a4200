"""Fixtures for the assessment pipeline: a generated course root with a few trainees (stand-in
papers), and helpers that write submissions the way trainees return them."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from tests.assess import standin
from zhiben_training.assess import release
from zhiben_training.assess.notebooks import NOTEBOOK_NAME

ROUND = "2026-principal"
AID = "2026-A"
TRAINEES = [{"id": "T001", "name": "张三"}, {"id": "T002", "name": "李四"}, {"id": "T003", "name": "王五"}]


def _score(item, answer):
    from zhiben_training.assess.scoring import score_item

    return score_item(item, answer)


@pytest.fixture
def scorer():
    return _score


@pytest.fixture
def course(tmp_path) -> Path:
    """A course root with 2026-A generated for three trainees."""
    root = tmp_path / "course"
    release.generate(root, round_id=ROUND, paper="A", trainees=TRAINEES, city_dir=tmp_path / "city",
                     base_seed=7, build=standin.build_paper)
    return root


def paper_of(root: Path, trainee: str):
    return release.rebuild_paper(root, AID, trainee, build=standin.build_paper)


def variant(root: Path, trainee: str) -> nbformat.NotebookNode:
    return nbformat.read(release.variant_dir(root, AID, trainee) / f"{NOTEBOOK_NAME}.ipynb", as_version=4)


def answered(root: Path, trainee: str, answers: dict[str, str]) -> nbformat.NotebookNode:
    """The trainee's released notebook with the given answer-cell sources (item id -> source)."""
    nb = variant(root, trainee)
    for cell in nb.cells:
        gid = cell.metadata["nbgrader"]["grade_id"]
        if gid.endswith("-answer") and gid[:-7] in answers:
            cell.source = answers[gid[:-7]]
    return nb


def hand_in(folder: Path, trainee: str, nb_or_bytes) -> Path:
    """Write a returned file as ``<folder>/2026-A-<trainee>.ipynb``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{AID}-{trainee}.ipynb"
    if isinstance(nb_or_bytes, bytes):
        path.write_bytes(nb_or_bytes)
    else:
        path.write_text(json.dumps(nb_or_bytes, ensure_ascii=False), encoding="utf-8")
    return path
