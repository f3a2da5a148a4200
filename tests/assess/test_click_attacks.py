"""The hostile suite on click papers: the attacks of test_sandbox in the one code task (t02, the
ledger), broken files, and widget state forged to claim answers. Click answers are read from the
submitted file as data, so no attack in a kernel can change them; the code task alone pays."""

from __future__ import annotations

import json

import pytest

from tests.assess import standin
from tests.assess.conftest import AID, hand_in, paper_of, run_autograde, scores, trainees_course, variant
from tests.assess.test_sandbox import HOSTILE_CODE, HOSTILE_FILES, SURVIVES
from zhiben_training.assess.exchange.handin import collect
from zhiben_training.assess.grading.submission import click_specs
from zhiben_training.assess.papers.answer_state import STATE_MIME
from zhiben_training.assess.simulate import click

# slow: one batch of hostile click papers through real kernels in the sandbox (~30 s)
pytestmark = pytest.mark.slow

CLICKED = ("k01", "k02", "k03", "t01")  # the standin paper's click items; t02 is code, w01 written
FULL = {"k01": 2.0, "k02": 2.0, "k03": 1.0, "t01": 4.0, "t02": 3.0}


def _clicked(root, tid, *, t02: str | None = None):
    """The trainee's variant with every click item answered right and t02 given ``t02`` (or right)."""
    paper = paper_of(root, tid)
    keys = {i.item_id: i.key for i in paper.items}
    nb = variant(root, tid)
    specs = click_specs(nb)
    for item in CLICKED:
        click(nb, specs[f"{item}-answer"], list(keys[item]) if item in ("k02", "t01") else keys[item])
    right = standin.correct_answers(paper)
    for cell in nb.cells:
        if cell.metadata["nbgrader"]["grade_id"] == "t02-answer":
            cell.source = t02 if t02 is not None else right["t02"]
    return nb


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    from tests.assess.conftest import _score

    base = tmp_path_factory.mktemp("click-attacks")
    ids = ["GOOD", *HOSTILE_CODE, *HOSTILE_FILES, "FORGED", "EXTRA"]
    root = trainees_course(base, ids, answer_form="click")
    inbox = base / "inbox"
    for tid in ids:
        if tid in HOSTILE_FILES:
            hand_in(inbox, tid, HOSTILE_FILES[tid])
        elif tid in HOSTILE_CODE:
            hand_in(inbox, tid, _clicked(root, tid, t02=HOSTILE_CODE[tid]))
        elif tid == "FORGED":  # every model claims the key without being shown by an answer cell
            nb = json.loads(json.dumps(_clicked(root, tid)))
            for cell in nb["cells"]:
                if cell["metadata"].get("nbgrader", {}).get("grade_id", "").endswith("-answer"):
                    if cell["cell_type"] == "code" \
                            and cell["metadata"]["nbgrader"]["grade_id"] != "t02-answer":
                        cell["outputs"] = []
            hand_in(inbox, tid, nb)
        elif tid == "EXTRA":  # trainee code cells after a click item try to rewrite the saved state
            nb = _clicked(root, tid)
            at = next(i for i, c in enumerate(nb.cells) if c.metadata["nbgrader"]["grade_id"] == "k01-answer")
            extra = nb.cells[at].copy()
            extra.metadata = {}
            extra.source = ("import glob\nfor p in glob.glob('/tmp/**/*.ipynb', recursive=True) + "
                            "glob.glob('../../**/*.ipynb', recursive=True):\n"
                            "    try:\n        open(p, 'w').write('{}')\n    except OSError:\n        pass\n")
            extra.outputs = []
            nb.cells.insert(at + 1, extra)
            hand_in(inbox, tid, nb)
        else:
            hand_in(inbox, tid, _clicked(root, tid))
    collect(root, AID, source=inbox)
    summary = run_autograde(root, _score)
    return root, summary


def test_the_batch_grades_every_click_paper(attacked):
    root, summary = attacked
    assert summary.ungraded == {} and len(scores(root)) == len(summary.graded)
    assert {i: scores(root)["GOOD"][f"{i}-test"] for i in FULL} == FULL


@pytest.mark.parametrize("tid", sorted(HOSTILE_CODE))
def test_an_attack_in_the_code_task_costs_only_the_code_task(attacked, tid):
    root, summary = attacked
    got = scores(root)[tid]
    assert {i: got[f"{i}-test"] for i in CLICKED} == {i: FULL[i] for i in CLICKED}
    assert got["t02-test"] == 0.0
    if tid not in SURVIVES:
        assert "内核" in summary.problems[tid]


@pytest.mark.parametrize("tid", sorted(HOSTILE_FILES))
def test_broken_files_score_nothing_with_a_reason(attacked, tid):
    root, summary = attacked
    assert sum(v or 0 for v in scores(root)[tid].values()) == 0.0 and summary.problems[tid]


def test_widget_state_not_shown_by_its_answer_cell_is_unanswered(attacked):
    root, _ = attacked
    forged = scores(root)["FORGED"]
    assert all(forged[f"{i}-test"] == 0.0 for i in CLICKED) and forged["t02-test"] == 3.0


def test_trainee_code_cannot_rewrite_the_clicks_it_is_graded_on(attacked):
    root, _ = attacked
    got = scores(root)["EXTRA"]
    assert {i: got[f"{i}-test"] for i in FULL} == FULL
    saved = json.loads((root / "submitted" / "EXTRA" / AID / "paper.ipynb").read_text(encoding="utf-8"))
    assert STATE_MIME in saved["metadata"]["widgets"]
