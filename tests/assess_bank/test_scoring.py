"""score_item: the documented partial-credit rules, and no answer — however hostile — makes it raise."""

from __future__ import annotations

import pytest

from zhiben_training.assess.papers.paper import PaperItem, score_item


def item(kind: str, key, points: float = 2.0) -> PaperItem:
    return PaperItem(item_id="x01", kind=kind, prompt_md="", answer_var="answer_x01", answer_template="",
                     points=points, key=key, source_question_id=None,
                     citation="《中华人民共和国安全生产法》第九十四条")


SINGLE = item("single", "B", 1.0)
MULTIPLE = item("multiple", ["A", "C", "D"])
TRUEFALSE = item("truefalse", False, 1.0)
HAZARDS = item("hazard_ids", ["5.3", "8.1", "10.2"], 15.0)
CLASSIFY = item("classify_works", {"W1": {"level": "超规模", "hint": "专家论证"},
                                   "W2": {"level": "一般", "hint": "专项施工方案"}}, 10.0)
LEDGER = item("ledger", {"as_of": "2026-06-30", "overdue_major": 3,
                         "closure_rate_by_channel": {"企业自查": 85.3, "督导检查": 100.0}}, 10.0)


@pytest.mark.parametrize("answer", ["B", " b ", "Ｂ", ["B"], "(B)", "B."])
def test_single_choice_accepts_the_keyed_letter_in_any_reasonable_spelling(answer):
    assert score_item(SINGLE, answer) == (1.0, "正确。")


def test_a_wrong_single_choice_gets_zero_and_names_the_answer_and_its_article():
    points, comment = score_item(SINGLE, "C")
    assert points == 0 and "应为 B" in comment and "第九十四条" in comment


def test_two_letters_on_a_single_choice_score_zero():
    assert score_item(SINGLE, "AB")[0] == 0


@pytest.mark.parametrize("answer", ["ACD", "dca", "A,C,D", ["D", "A", "C"], "A C D", "A、C、D"])
def test_multiple_choice_full_marks_for_the_exact_set(answer):
    assert score_item(MULTIPLE, answer)[0] == 2.0


@pytest.mark.parametrize("answer", ["AC", "ABCD", ["A", "C", "D", "E"], "AACD"])
def test_multiple_choice_anything_but_the_exact_set_scores_zero(answer):
    assert score_item(MULTIPLE, answer)[0] == 0


@pytest.mark.parametrize(("answer", "points"), [(False, 1), ("错误", 1), ("错", 1), ("F", 1), ("×", 1),
                                                (True, 0), ("正确", 0), ("对", 0), ("maybe", 0), (None, 0)])
def test_true_false_reads_the_usual_ways_of_writing_it(answer, points):
    assert score_item(TRUEFALSE, answer)[0] == points


def test_hazard_ids_earn_per_id_and_lose_per_wrong_id_with_floor_zero():
    assert score_item(HAZARDS, ["5.3", "8.1", "10.2"])[0] == 15
    assert score_item(HAZARDS, ["5.3", "8.1"])[0] == 10
    assert score_item(HAZARDS, ["5.3", "8.1", "4.4"])[0] == 5
    assert score_item(HAZARDS, ["4.4", "6.1", "7.2", "5.3"])[0] == 0
    assert score_item(HAZARDS, "5.3, 8.1；10.2")[0] == 15
    assert score_item(HAZARDS, ["５.３", "2024/8.1", "10.2", "8.1"])[0] == 15


def test_hazard_ids_comment_lists_misses_and_wrong_ids():
    _, comment = score_item(HAZARDS, ["5.3", "4.4"])
    assert "漏判：8.1、10.2" in comment and "误判" in comment and "4.4" in comment


def test_an_empty_hazard_key_rewards_only_an_empty_answer():
    clean = item("hazard_ids", [], 15.0)
    assert score_item(clean, [])[0] == 15 and score_item(clean, ["5.3"])[0] == 0


def test_classify_gives_each_work_its_share_and_the_requirement_the_last_fifth():
    full = {"W1": {"level": "超规模", "requirement": "组织不少于5名专家论证"}, "W2": {"level": "一般"}}
    assert score_item(CLASSIFY, full)[0] == 10
    no_requirement = {"W1": {"level": "超规模", "requirement": ""}, "W2": "一般"}
    assert score_item(CLASSIFY, no_requirement)[0] == 9
    assert score_item(CLASSIFY, {"W1": "危大", "W2": "一般"})[0] == 5
    assert score_item(CLASSIFY, {"W1": {"level": "超过一定规模", "requirement": "专项施工方案"}})[0] == 5


def test_ledger_splits_points_between_the_count_and_each_channel_rate():
    assert score_item(LEDGER, {"overdue_major": 3,
                               "closure_rate_by_channel": {"企业自查": 85.3, "督导检查": 100}})[0] == 10
    assert score_item(LEDGER, {"overdue_major": "3",
                               "closure_rate_by_channel": {"企业自查": "85.3%"}})[0] == 7
    assert score_item(LEDGER, {"overdue_major": 2,
                               "closure_rate_by_channel": {"企业自查": 0.853, "督导检查": 1.0}})[0] == 6
    assert score_item(LEDGER, {"overdue_major": 3.5, "closure_rate_by_channel": {"企业自查": 86}})[0] == 0


def test_written_items_are_left_for_the_examiner():
    assert score_item(item("written", None, 10.0), "很长的回答")[0] == 0


def nested(depth: int):
    value: object = "A"
    for _ in range(depth):
        value = {"level": value, "x": [value]} if depth < 50 else [value]
    return value


HOSTILE = [None, 0, 1, -1, 10**100, 1e308, float("nan"), float("inf"), True, "", "A" * 10_000_000,
           "\x00\ud800", ["A"] * 1_000_000, list(range(1_000_000)), {"overdue_major": [1] * 10**6},
           {str(i): i for i in range(100_000)}, nested(40), nested(5_000), [[[[[]]]]], {"": None},
           {"W1": {"level": ["超规模"] * 10**6}}, {"closure_rate_by_channel": {"企业自查": "1e999"}}]


@pytest.mark.parametrize("target", [SINGLE, MULTIPLE, TRUEFALSE, HAZARDS, CLASSIFY, LEDGER])
def test_hostile_answers_never_raise_and_score_within_bounds(target):
    for answer in HOSTILE:
        points, comment = score_item(target, answer)
        assert 0 <= points <= target.points and isinstance(comment, str) and comment


def test_hostile_answers_earn_nothing_on_choice_items():
    for answer in HOSTILE:
        assert score_item(SINGLE, answer)[0] == 0
