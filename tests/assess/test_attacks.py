"""A submission scores only what its own answers deserve: tricks in the kernel or in the file
cannot raise a score, because the key never enters the kernel and scoring happens outside it."""

from __future__ import annotations

import json

import pytest

from tests.assess import standin
from tests.assess.conftest import (
    AID,
    answered,
    hand_in,
    paper_of,
    run_autograde,
    scores,
    trainees_course,
    variant,
)
from zhiben_training.assess.exchange.handin import collect
from zhiben_training.assess.papers.notebooks import ANSWER_MIME

# slow: one batch of attack papers through real kernels in the sandbox (20–35 s)
pytestmark = pytest.mark.slow

WRONG = 'answer_k01 = "E"\n'  # never a key: the stand-in's single-choice keys are A-D

ATTACKS = {
    "EQ": "class Yes:\n    def __eq__(self, other):\n        return True\n    __hash__ = object.__hash__\n"
          "answer_k01 = Yes()\nanswer_k02 = Yes()\nanswer_t01 = [Yes(), Yes()]",
    "STR": "class S(str):\n    def __eq__(self, other):\n        return True\n    __hash__ = str.__hash__\n"
           "answer_k01 = S('E')\nanswer_k02 = S('ABCDE')",
    "REBIND": WRONG + "import builtins\nbuiltins.type = lambda *a: str\n"
              "builtins.isinstance = lambda *a: True\n"
              "from IPython.display import publish_display_data as p\n"
              "def _zb_record(item, name):\n"
              "    for v in 'ABCD':\n"
              f"        p({{'{ANSWER_MIME}': {{'item': item, 'answered': True, 'value': v}}}})",
    "PATCH": WRONG + "import json, IPython.display as d\n"
             "json.dumps = lambda *a, **k: '\"A\"'\nd.publish_display_data = lambda *a, **k: None",
}


def _edit_tests(nb):
    for cell in nb.cells:
        if cell.metadata["nbgrader"]["grade_id"].endswith("-test"):
            cell.source = "print(999)"
    return nb


def _delete_tests(nb):
    nb.cells = [c for c in nb.cells if not c.metadata["nbgrader"]["grade_id"].endswith("-test")
                and c.metadata["nbgrader"]["grade_id"] != "setup"]
    return nb


def _metadata(nb):
    for cell in nb.cells:
        meta = cell.metadata["nbgrader"]
        if meta["grade_id"] == "k01-test":
            meta["points"] = 100.0
        if meta["grade_id"] == "k02-test":
            meta["grade"], meta["locked"] = False, False
        if meta["grade_id"] == "k03-answer":
            meta.update(grade=True, points=50.0)
    return nb


def _forge(nb):
    for cell in nb.cells:
        if cell.metadata["nbgrader"]["grade_id"].endswith("-test"):
            score = cell.metadata["nbgrader"]["points"]
            cell.outputs = [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                             "data": {"text/plain": str(score),
                                      ANSWER_MIME: {"answered": True, "value": "A"}}}]
    return nb


FILE_ATTACKS = {"EDIT": _edit_tests, "DELETE": _delete_tests, "META": _metadata, "FORGE": _forge}


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    from tests.assess.conftest import _score as scorer

    tmp_path = tmp_path_factory.mktemp("attacks")
    ids = ["HONEST", *ATTACKS, *FILE_ATTACKS]
    root = trainees_course(tmp_path, ids)
    inbox = tmp_path / "inbox"
    hand_in(inbox, "HONEST", answered(root, "HONEST", standin.correct_answers(paper_of(root, "HONEST"))))
    for tid, code in ATTACKS.items():
        hand_in(inbox, tid, answered(root, tid, {"k01": code}))
    for tid, edit in FILE_ATTACKS.items():
        k01 = standin.correct_answers(paper_of(root, tid))["k01"] if tid == "DELETE" else WRONG
        hand_in(inbox, tid, edit(answered(root, tid, {"k01": k01})))
    collect(root, AID, source=inbox)
    run_autograde(root, scorer)
    return root


def test_an_honest_submission_in_the_same_batch_scores_full(attacked):
    assert sum(v or 0 for v in scores(attacked)["HONEST"].values()) == 12.0


@pytest.mark.parametrize("tid", list(ATTACKS))
def test_kernel_tricks_score_nothing(attacked, tid):
    """__eq__ overrides, str subclasses, rebound builtins/helpers, monkeypatched modules. Rebinding
    ``type`` and ``isinstance`` can break the kernel differently on the fresh re-run (a hang, then a
    crash): that paper is then 未评分 (a stop that does not repeat is never a score), which earns
    nothing either; otherwise it is graded 0."""
    from zhiben_training.assess.grading.batch import grading_status

    got = scores(attacked).get(tid)
    if got is None:
        assert grading_status(attacked, AID)[tid]["status"] == "ungraded", grading_status(attacked, AID)[tid]
    else:
        assert sum(v or 0 for v in got.values()) == 0.0


@pytest.mark.parametrize("tid", ["EDIT", "META", "FORGE"])
def test_edited_test_cells_changed_metadata_and_forged_outputs_score_nothing(attacked, tid):
    got = scores(attacked)[tid]
    assert sum(v or 0 for v in got.values()) == 0.0
    assert len(got) == 6  # the source's grade cells, not the submission's


def test_deleted_test_cells_are_restored_from_the_source_and_score_only_the_right_answer(attacked):
    got = scores(attacked)["DELETE"]
    assert got["k01-test"] == 2.0
    assert sum(v or 0 for k, v in got.items() if k != "k01-test") == 0.0


def test_gradebook_max_scores_come_from_the_source_not_the_submission(attacked):
    from nbgrader.api import Gradebook

    from zhiben_training.assess.nbgrader_adapter import db_url

    with Gradebook(db_url(attacked), "zhiben") as gb:
        grades = {g.name: g.max_score for g in gb.find_submission_notebook("paper", AID, "META").grades}
    assert grades["k01-test"] == 2.0 and "k03-answer" not in grades


def test_the_kernel_never_sees_a_key(attacked):
    """The autograded notebook holds every output the trainee's code produced: no key in it."""
    text = (attacked / "autograded" / "EQ" / AID / "paper.ipynb").read_text(encoding="utf-8")
    record = json.loads((attacked / "keys" / AID / "EQ.json").read_text(encoding="utf-8"))
    ledger = next(i for i in record["items"] if i["kind"] in ("ledger", "ledger_read"))["key"]
    assert json.dumps(ledger, ensure_ascii=False) not in text
    assert variant(attacked, "EQ").metadata["zhiben"]["trainee_id"] == "EQ"
