"""A trainee's feedback page (golden file; see tests/golden.py): click answers, a hazard task
answered "no hazard", an unanswered code task and a hand-marked written answer."""

from __future__ import annotations

import datetime as dt

from tests.assess.conftest import AID, hand_in, paper_of, run_autograde, trainees_course, variant
from tests.golden import check_golden
from zhiben_training.assess.exchange.handin import collect
from zhiben_training.assess.grading.submission import click_specs
from zhiben_training.assess.results.feedback import write_feedback
from zhiben_training.assess.results.gradebook import grade_item
from zhiben_training.assess.simulate import click


def test_the_feedback_page_reads_as_its_golden_file(tmp_path, request):
    from tests.assess.conftest import _score

    root = trainees_course(tmp_path, ["T001"], answer_form="click")
    keys = {i.item_id: i.key for i in paper_of(root, "T001").items}
    nb = variant(root, "T001")
    specs = click_specs(nb)
    wrong = next(c for c in "ABCD" if c != keys["k01"])
    for item, value in {"k01": wrong, "k02": list(keys["k02"]), "k03": keys["k03"], "t01": []}.items():
        click(nb, specs[f"{item}-answer"], value)
    for cell in nb.cells:
        if cell.metadata["nbgrader"]["grade_id"] == "w01-answer":
            cell.source = "主要负责人对本单位安全生产工作全面负责，组织制定安全生产责任制。"
    hand_in(tmp_path / "inbox", "T001", nb)
    collect(root, AID, source=tmp_path / "inbox")
    (root / "submitted" / "T001" / AID / "timestamp.txt").write_text("2026-11-20 02:30:00.000000 UTC")
    assert run_autograde(root, _score).ungraded == {}
    grade_item(root, AID, "T001", "w01", score=3, comment="答到责任制，未写隐患排查治理。")
    [page] = write_feedback(root, AID, pass_mark=60.0, today=dt.date(2026, 11, 28))
    check_golden(request, "feedback-T001.html", page.read_text(encoding="utf-8"))
