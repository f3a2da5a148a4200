"""Tampering is reported per submission against the trainee's own variant; feedback leaks nothing."""

from __future__ import annotations

import json

from nbgrader.api import Gradebook
from nbgrader.utils import compute_checksum

from tests.assess import standin
from tests.assess.conftest import AID, TRAINEES, answered, hand_in, paper_of, run_autograde
from zhiben_training.assess.exchange.handin import collect
from zhiben_training.assess.grading.integrity import find_leaks, tamper_reports
from zhiben_training.assess.nbgrader_adapter import db_url
from zhiben_training.assess.papers.notebooks import SETUP_SOURCE
from zhiben_training.assess.results.feedback import write_feedback


def _submit_all(course, tmp_path, *, tamper_t002=False):
    inbox = tmp_path / "inbox"
    for trainee in TRAINEES:
        tid = trainee["id"]
        nb = answered(course, tid, standin.correct_answers(paper_of(course, tid)))
        if tamper_t002 and tid == "T002":
            for cell in nb.cells:
                if cell.metadata["nbgrader"]["grade_id"] == "k02-test":
                    cell.source = "print('ok')"
                if cell.metadata["nbgrader"]["grade_id"] == "t01-test":
                    cell.metadata["nbgrader"]["points"] = 40.0
        hand_in(inbox, tid, nb)
    collect(course, AID, source=inbox)


def test_honest_submissions_raise_no_tamper_finding_though_nbgrader_checksums_flag_everyone(course, tmp_path):
    _submit_all(course, tmp_path)
    assert [r.tampered for r in tamper_reports(course, AID)] == [False, False, False]
    # nbgrader compares every read-only cell with the ONE source notebook (jupyter/nbgrader#1961):
    with Gradebook(db_url(course), "zhiben") as gb:
        source = {c.name: c.checksum for c in gb.find_notebook("paper", AID).source_cells}
    flagged = set()
    for trainee in TRAINEES:
        nb = json.loads(
            (course / "submitted" / trainee["id"] / AID / "paper.ipynb").read_text(encoding="utf-8"))
        from nbformat import from_dict

        for cell in from_dict(nb).cells:
            meta = cell.metadata["nbgrader"]
            if meta["locked"] and compute_checksum(cell) != source[meta["grade_id"]]:
                flagged.add(trainee["id"])
    assert flagged == {"T001", "T002", "T003"}


def test_a_changed_test_cell_and_edited_points_are_reported_for_that_trainee_only(course, tmp_path):
    _submit_all(course, tmp_path, tamper_t002=True)
    reports = {r.trainee_id: r for r in tamper_reports(course, AID)}
    assert not reports["T001"].tampered and not reports["T003"].tampered
    found = {(f.grade_id, f.problem) for f in reports["T002"].findings}
    assert found == {("k02-test", "modified"), ("t01-test", "metadata")}


def test_autograde_finds_the_same_tampering_while_grading_from_its_one_read_of_each_file(
        course, tmp_path, scorer):
    _submit_all(course, tmp_path, tamper_t002=True)
    summary = run_autograde(course, scorer)
    assert sorted(summary.graded) == ["T001", "T002", "T003"]
    assert summary.tampering == {r.trainee_id: r.findings for r in tamper_reports(course, AID) if r.tampered}
    assert {(f.grade_id, f.problem) for f in summary.tampering["T002"]} == {("k02-test", "modified"),
                                                                            ("t01-test", "metadata")}


def test_feedback_shows_score_verdict_and_comment_but_no_key_file_or_hidden_test(course, tmp_path, scorer):
    inbox = tmp_path / "inbox"
    paper = paper_of(course, "T001")
    hand_in(inbox, "T001", answered(course, "T001", {"k01": 'answer_k01 = "E"'}))
    collect(course, AID, source=inbox)
    run_autograde(course, scorer)
    [path] = write_feedback(course, AID)
    text = path.read_text(encoding="utf-8")
    assert "错误" in text and "第 1 题" in text and "0 / 2 分" in text
    record = json.loads((course / "keys" / AID / "T001.json").read_text(encoding="utf-8"))
    secrets = [json.dumps(record, ensure_ascii=False)[:200], "_zb_record", SETUP_SOURCE[:60],
               "隐患台账.csv,",
               json.dumps(next(i.key for i in paper.items if i.kind == "ledger"), ensure_ascii=False)]
    assert find_leaks(text, secrets) == []
