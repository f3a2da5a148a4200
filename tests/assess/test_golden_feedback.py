"""A trainee's feedback page (golden file; see tests/golden.py): click answers, a hazard task
answered "no hazard", an unanswered code task and a hand-marked written answer."""

from __future__ import annotations

import datetime as dt

import pytest

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


# slow: a batch of feedback pages rendered and read back
@pytest.mark.slow
def test_a_batch_of_pages_cuts_one_font_subset_and_reads_as_each_page_alone(tmp_path, monkeypatch):
    """Cutting the font subset is nearly all of a page's cost: write_feedback cuts one for the batch, and
    each page is the page feedback_html makes alone, but for the embedded font's bytes."""
    import re

    from tests.assess.conftest import _score
    from zhiben_training import fonts
    from zhiben_training.assess.results.feedback import feedback_html
    from zhiben_training.assess.results.gradebook import item_scores, totals

    ids = ["T001", "T002", "T003"]
    root = trainees_course(tmp_path, ids, answer_form="click")
    for tid in ids:
        hand_in(tmp_path / "inbox", tid, variant(root, tid))
    collect(root, AID, source=tmp_path / "inbox")
    assert run_autograde(root, _score).ungraded == {}
    cut, real = [], fonts.font_face_css
    monkeypatch.setattr(fonts, "font_face_css", lambda text: cut.append(text) or real(text))
    pages = write_feedback(root, AID, pass_mark=60.0, today=dt.date(2026, 11, 28))
    assert len(pages) == 3 and len(cut) == 1
    monkeypatch.setattr(fonts, "font_face_css", real)
    items, people = item_scores(root, AID), totals(root, AID).set_index("student_id")
    font_data = re.compile(r"base64,[A-Za-z0-9+/=]+")
    for tid, page in zip(ids, pages, strict=True):
        alone = feedback_html(root, AID, tid, items[items["student_id"] == tid].to_dict("records"),
                              person={**people.loc[tid].to_dict(), "student_id": tid}, pass_mark=60.0,
                              today=dt.date(2026, 11, 28))
        assert font_data.sub("", page.read_text(encoding="utf-8")) == font_data.sub("", alone)
