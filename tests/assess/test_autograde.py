"""Autograde: answers scored outside the kernel, rows in nbgrader's gradebook, resumable."""

from __future__ import annotations

from nbgrader.api import Gradebook

from tests.assess import standin
from tests.assess.conftest import AID, answered, hand_in, paper_of, run_autograde, scores
from zhiben_training.assess.exchange.handin import collect
from zhiben_training.assess.nbgrader_adapter import db_url


def _wrong(paper) -> dict[str, str]:
    item = {i.item_id: i for i in paper.items}
    other = "A" if item["k01"].key != "A" else "B"
    return {"k01": f'answer_k01 = "{other}"', "k03": f"answer_k03 = {not item['k03'].key}",
            "t01": f"answer_t01 = {[item['t01'].key[0]]!r}"}


def test_right_answers_score_full_and_wrong_ones_score_what_they_deserve(course, tmp_path, scorer):
    inbox = tmp_path / "inbox"
    good, half = paper_of(course, "T001"), paper_of(course, "T002")
    hand_in(inbox, "T001", answered(course, "T001", standin.correct_answers(good)))
    hand_in(inbox, "T002", answered(course, "T002", _wrong(half)))
    collect(course, AID, source=inbox)
    summary = run_autograde(course, scorer)
    assert summary.graded == ["T001", "T002"]
    got = scores(course)
    assert got["T001"] == {"k01-test": 2.0, "k02-test": 2.0, "k03-test": 1.0, "t01-test": 4.0,
                           "t02-test": 3.0, "w01-answer": None}
    assert got["T002"]["k01-test"] == 0.0 and got["T002"]["k03-test"] == 0.0
    assert got["T002"]["t01-test"] == 2.0  # one of two hazards found
    assert got["T002"]["k02-test"] == 0.0  # left at the template's empty answer
    with Gradebook(db_url(course), "zhiben") as gb:
        sub = gb.find_submission(AID, "T001")
        assert sub.timestamp is not None
        nb = sub.notebooks[0]
        assert {c.name: c.auto_comment for c in nb.comments}["k01-answer"] == "正确。"
        assert [g.name for g in nb.grades if g.needs_manual_grade] == ["w01-answer"]
    assert (course / "autograded" / "T001" / AID / "paper.ipynb").exists()


def test_a_rerun_skips_finished_submissions_and_regrades_a_changed_one(course, tmp_path, scorer):
    inbox = tmp_path / "inbox"
    paper = paper_of(course, "T001")
    hand_in(inbox, "T001", answered(course, "T001", {"k01": 'answer_k01 = "Z"'}))
    hand_in(inbox, "T002", answered(course, "T002", {}))
    collect(course, AID, source=inbox)
    first = run_autograde(course, scorer)
    assert first.graded == ["T001", "T002"]
    second = run_autograde(course, scorer)
    assert second.graded == [] and second.skipped == ["T001", "T002"]
    hand_in(inbox, "T001", answered(course, "T001", standin.correct_answers(paper)))
    collect(course, AID, source=inbox)
    third = run_autograde(course, scorer)
    assert third.graded == ["T001"] and third.skipped == ["T002"]
    assert scores(course)["T001"]["k01-test"] == 2.0
