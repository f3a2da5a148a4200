"""Self-check scoring reads only the recorded choices dict."""

from __future__ import annotations

import pytest

from zhiben_training.lessons import selfcheck
from zhiben_training.lessons.build import lessons


def _key_answers(items):
    return {q.key: sorted(q.answer) if q.multiple else next(iter(q.answer)) for q in items}


@pytest.mark.parametrize("lesson", [lesson.number for lesson in lessons()])
def test_every_lesson_has_a_self_check_that_full_marks_the_key(lesson):
    items = selfcheck.questions(lesson)
    assert len(items) >= 4
    result = selfcheck.score(items, _key_answers(items))
    assert (result.points, result.total) == (len(items), len(items))
    assert all(f.correct and f.answered for f in result.items)


def test_nothing_recorded_scores_zero_and_shows_the_reference_answer():
    items = selfcheck.questions("01")
    result = selfcheck.score(items, {})
    assert result.points == 0 and not result.all_answered
    assert all(f.message == "尚未作答。作答后显示参考答案和解析。" for f in result.items)


def test_a_wrong_single_choice_says_what_was_chosen_and_the_answer():
    items = selfcheck.questions("04")
    q3 = next(q for q in items if q.key == "q3")  # 较大事故 → 60%
    result = selfcheck.score((q3,), {"q3": "D"})
    assert result.points == 0
    assert "你选了 D" in result.items[0].message and "参考答案 B" in result.items[0].message


def test_multiple_choice_needs_exactly_the_key_no_partial_credit():
    items = selfcheck.questions("01")
    q4 = next(q for q in items if q.key == "q4")
    assert q4.multiple
    assert selfcheck.score((q4,), {"q4": ["A", "B"]}).points == 0
    assert selfcheck.score((q4,), {"q4": ["C", "a", "B"]}).points == 1


@pytest.mark.parametrize("junk", [42, {"x": 1}, "", [], [None]])
def test_malformed_choices_count_as_unanswered_not_as_errors(junk):
    items = selfcheck.questions("07")
    result = selfcheck.score(items, {"q1": junk})
    assert not result.items[0].answered


def test_feedback_html_reports_the_score_and_citations():
    items = selfcheck.questions("03")
    result = selfcheck.score(items, {"q2": "B"})
    page = selfcheck.feedback_html(items, result)
    assert f"得分：1 / {len(items)}" in page
    assert "第37号 第十二条" in page


def test_quiz_widgets_write_every_choice_into_the_dict():
    items = selfcheck.questions("01")
    choices: dict = {}
    box = selfcheck.quiz(items, choices)
    radio = box.children[0].children[1]
    radio.value = radio.options[1]
    assert choices["q1"] == "B"
    multi = box.children[3].children  # q4: prompt + 4 checkboxes
    multi[1].value = True
    multi[3].value = True
    assert choices["q4"] == ["A", "C"]
    assert all(child.description for child in multi[1:])
    assert selfcheck.score(items, choices).points == 1
