"""安全生产法 第九十五条/第九十六条 calculator."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhiben_training.lessons import LessonInputError
from zhiben_training.lessons.fines import ACCIDENT_LEVELS, manager_fine_range, principal_fine


@pytest.mark.parametrize(("level", "percent", "amount"), [
    ("一般", 40, Decimal("200000.00")),
    ("较大", 60, Decimal("300000.00")),
    ("重大", 80, Decimal("400000.00")),
    ("特别重大", 100, Decimal("500000.00")),
])
def test_a_principal_with_500k_income_is_fined_the_article_95_share(level, percent, amount):
    fine = principal_fine(500000, level)
    assert (fine.percent, fine.amount) == (percent, amount)
    assert "第九十五条" in fine.citation and f"发生{level}事故的" in fine.text


def test_the_four_levels_are_in_order_of_severity():
    assert ACCIDENT_LEVELS == ("一般", "较大", "重大", "特别重大")
    amounts = [principal_fine(123456.78, level).amount for level in ACCIDENT_LEVELS]
    assert amounts == sorted(amounts)


def test_fines_are_exact_to_the_fen():
    assert principal_fine("123,456.78", "一般").amount == Decimal("49382.71")
    assert principal_fine(0.05, "较大").amount == Decimal("0.03")  # 0.03 元, half up


def test_a_safety_manager_fine_is_a_20_to_50_percent_range():
    rng = manager_fine_range(300000)
    assert (rng.min_amount, rng.max_amount) == (Decimal("60000.00"), Decimal("150000.00"))
    assert "第九十六条" in rng.citation


@pytest.mark.parametrize("bad", [-1, "abc", "nan", float("inf"), None])
def test_unusable_income_is_a_chinese_user_error(bad):
    with pytest.raises(LessonInputError, match="年收入"):
        principal_fine(bad, "一般")


def test_an_unknown_accident_level_names_the_valid_ones():
    with pytest.raises(LessonInputError) as err:
        principal_fine(1000, "轻微")
    assert "特别重大" in str(err.value)


def test_the_quoted_article_95_text_is_verbatim(reference_text):
    from tests.course.conftest import squash
    from zhiben_training.lessons.fines import fine_rules

    rules = fine_rules()
    for row in rules["principal"]["levels"]:
        assert squash(row["item_cn"] + row["text"]) in reference_text
    assert squash(rules["principal"]["lead"]) in reference_text
    assert squash(rules["safety_manager"]["text"]) in reference_text


@pytest.mark.parametrize("written", ["50万", "50 万元", "500000", "500,000元", "500000 元"])
def test_an_income_written_with_万_or_元_is_read_in_元(written):
    assert principal_fine(written, "一般").income == Decimal("500000")


def test_the_fine_calculator_reads_50万_as_500000_元_and_refuses_what_it_cannot_read_in_chinese():
    from zhiben_training.lessons.widgets import fine_calculator

    choices = {}
    panel = fine_calculator(choices, income=800000, level="一般")
    box, result = panel.children[0], panel.children[2]
    assert box.value == "80万"
    box.value = "50万"
    assert "500,000.00 元" in result.value and principal_fine(500000, "一般").amount.to_eng_string() in \
        result.value.replace(",", "")
    box.value = "五十万"
    assert "读不懂" in result.value and "50万" in result.value
