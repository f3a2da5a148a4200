"""Per-trainee variants: same structure, different content, nothing that computes an answer."""

from __future__ import annotations

import json

import nbformat

from tests.assess import standin
from tests.assess.conftest import AID, TRAINEES, paper_of, variant
from zhiben_training.assess.exchange import variants
from zhiben_training.assess.papers.notebooks import build_notebook, cell_ids


def _structure(nb):
    return [(gid, c.cell_type, c.metadata["nbgrader"].get("points"), c.metadata["nbgrader"]["locked"])
            for gid, c in zip(cell_ids(nb), nb.cells, strict=True)]


def test_every_trainee_gets_the_same_cells_grade_ids_and_points_with_different_content(course):
    notebooks = [variant(course, t["id"]) for t in TRAINEES]
    assert len({json.dumps(_structure(nb)) for nb in notebooks}) == 1
    prompts = {c.source for nb in notebooks for c in nb.cells
               if c.metadata["nbgrader"]["grade_id"] == "k01-prompt"}
    keys = {json.dumps([i.key for i in paper_of(course, t["id"]).items]) for t in TRAINEES}
    assert len(prompts) == 3 and len(keys) == 3


def test_a_released_notebook_holds_no_key_and_no_hidden_test(course):
    for trainee in TRAINEES:
        text = (variants.variant_dir(course, AID, trainee["id"]) / "paper.ipynb").read_text(encoding="utf-8")
        paper = paper_of(course, trainee["id"])
        for item in paper.items:
            if item.kind in ("hazard_ids", "ledger"):
                assert json.dumps(item.key, ensure_ascii=False) not in text
                assert repr(item.key) not in text
        assert "BEGIN HIDDEN TESTS" not in text and "assert" not in text and "score_item" not in text
        assert "keys" not in json.loads(text)["metadata"].get("zhiben", {})


def test_the_examiner_keys_record_the_seed_so_a_paper_rebuilds_identically(course):
    record = variants.load_keys(course, AID, "T002")
    rebuilt = variants.rebuild_paper(course, AID, "T002", build=standin.build_paper)
    assert rebuilt.seed == record["seed"]
    original = nbformat.read(variants.variant_dir(course, AID, "T002") / "paper.ipynb", as_version=4)
    assert nbformat.writes(build_notebook(rebuilt, answer_form="typed")) == nbformat.writes(original)
    assert (course / "keys").stat().st_mode & 0o077 == 0


def test_the_template_is_registered_in_nbgrader_with_the_grade_cells_and_trainees(course):
    from nbgrader.api import Gradebook

    from zhiben_training.assess.nbgrader_adapter import db_url

    with Gradebook(db_url(course), "zhiben") as gb:
        notebook = gb.find_notebook("paper", AID)
        assert sorted(c.name for c in notebook.grade_cells) == sorted(
            ["k01-test", "k02-test", "k03-test", "t01-test", "t02-test", "w01-answer"])
        assert notebook.max_score == 17.0
        assert sorted(s.id for s in gb.students) == ["T001", "T002", "T003"]


def test_release_writes_one_zip_per_trainee_with_notebook_and_data(course):
    import zipfile

    zips = variants.release(course, AID)
    assert [z.name for z in zips] == [f"{AID}-T001.zip", f"{AID}-T002.zip", f"{AID}-T003.zip"]
    with zipfile.ZipFile(zips[0]) as zf:
        assert sorted(zf.namelist()) == [f"{AID}-T001/{AID}-T001.ipynb", f"{AID}-T001/隐患台账.csv"]
    assert variants.release(course, AID)[0].read_bytes() == zips[0].read_bytes()


def test_nbgrader_records_the_answer_starter_text_trainees_receive(course):
    """ClearSolutions is off: the gradebook's checksum of every answer cell is that of the cell
    each trainee received, so an untouched answer reads as 'No response.' as in stock nbgrader."""
    from nbgrader.api import Gradebook

    from zhiben_training.assess.nbgrader_adapter import db_url

    with Gradebook(db_url(course), "zhiben") as gb:
        recorded = {c.name: c.checksum for c in gb.find_notebook("paper", AID).source_cells}
    for trainee in TRAINEES:
        for cell in variant(course, trainee["id"]).cells:
            meta = cell.metadata["nbgrader"]
            if meta["solution"]:
                assert recorded[meta["grade_id"]] == meta["checksum"]
