"""Real papers through the real pipeline: generated, answered, collected, autograded by nbgrader.

Right answers (in the form the answer templates ask for) earn every automatic point; one wrong
letter costs exactly that item. This guards the contract between build_paper/score_item and the
nbgrader pipeline that consumes them.
"""

from __future__ import annotations

import json

import nbformat
import pytest

from zhiben_training.assess.exchange import variants

ROUND = "2026-principal"
AID = variants.assignment_id(ROUND, "A")


def _right_answers(paper) -> dict[str, str]:
    out = {}
    for item in paper.items:
        if item.kind == "written":
            out[item.item_id] = "主要负责人每月至少带队开展一次自查自改，隐患清单逐条整改销号。"
        elif item.kind == "classify_works":
            answer = {k: {"level": v["level"], "requirement": "编制专项施工方案，超规模的组织专家论证"}
                      for k, v in item.key.items()}
            out[item.item_id] = f"{item.answer_var} = {answer!r}"
        elif item.kind == "ledger":
            answer = {k: v for k, v in item.key.items() if k != "as_of"}
            out[item.item_id] = f"{item.answer_var} = {answer!r}"
        else:
            out[item.item_id] = f"{item.answer_var} = {item.key!r}"
    return out


@pytest.mark.slow
def test_real_papers_grade_to_full_automatic_marks_through_nbgrader(tiny_city, tmp_path):
    from nbgrader.api import Gradebook

    from zhiben_training.assess.exchange import variants
    from zhiben_training.assess.exchange.handin import collect
    from zhiben_training.assess.grading.batch import autograde
    from zhiben_training.assess.grading.submission import click_specs
    from zhiben_training.assess.nbgrader_adapter import db_url
    from zhiben_training.assess.papers.notebooks import NOTEBOOK_NAME
    from zhiben_training.assess.simulate import _classify_click, click

    root, inbox = tmp_path / "course", tmp_path / "inbox"
    trainees = ["T001", "T002"]
    variants.generate(root, round_id=ROUND, paper="A", trainees=[{"id": t, "name": t} for t in trainees],
                     city_dir=tiny_city, base_seed=5)
    expected = {}
    for trainee in trainees:
        paper = variants.rebuild_paper(root, AID, trainee)
        answers = _right_answers(paper)
        automatic = sum(i.points for i in paper.items if i.kind != "written")
        if trainee == "T002":
            first_single = next(i for i in paper.items if i.kind == "single")
            answers[first_single.item_id] = f'{first_single.answer_var} = "Z"'
            automatic -= first_single.points
        expected[trainee] = automatic
        nb = nbformat.read(variants.variant_dir(root, AID, trainee) / f"{NOTEBOOK_NAME}.ipynb", as_version=4)
        specs = click_specs(nb)
        keys = {i.item_id: i for i in paper.items}
        for cell in nb.cells:
            gid = cell.metadata["nbgrader"]["grade_id"]
            item_id = gid[: -len("-answer")]
            if gid in specs:  # choice items are clicked (the T002 slip: its first single stays unanswered)
                if not answers[item_id].endswith('= "Z"'):
                    key, kind = keys[item_id].key, keys[item_id].kind
                    if kind == "ledger_read":  # the ledger read as a table: count and channel chosen
                        key = {"overdue_major": key["overdue_major"],
                               "lowest_channel": key["lowest_channels"][0]}
                    click(nb, specs[gid], _classify_click(key) if kind == "classify_works" else key)
            elif gid.endswith("-answer") and item_id in answers:
                cell.source = answers[item_id]
        inbox.mkdir(exist_ok=True)
        (inbox / f"{AID}-{trainee}.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    collect(root, AID, source=inbox)
    summary = autograde(root, AID, workers=2, progress=False)
    assert summary.kernels is False  # the A paper has no code item: graded without any kernel
    with Gradebook(db_url(root), "zhiben") as gb:
        got = {s.student.id: sum(g.auto_score or 0 for g in s.notebooks[0].grades)
               for s in gb.find_assignment(AID).submissions}
    assert got == pytest.approx(expected)
