"""GB 11643 ID numbers and GB 32100 credit codes: check characters, validation, masking."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiben_training import identifiers as ids


def test_a_published_example_id_number_is_valid():
    """11010519491231002X is the example of GB 11643-1999 Annex."""
    assert ids.is_valid_id("11010519491231002X")


def test_a_wrong_check_character_is_reported_with_the_expected_one():
    problem = ids.id_problem("110105194912310021")
    assert problem == "身份证号校验位错误：应为 X，实为 1"


def test_an_impossible_birth_date_is_rejected():
    first17 = "12010119990230001"
    assert "出生日期" in ids.id_problem(first17 + ids.id_check_char(first17))


@given(
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2008, 12, 31)),
    st.integers(0, 999),
    st.booleans(),
)
def test_made_ids_are_valid_and_carry_birth_date_and_sex(birth, seq, female):
    value = ids.make_id("120116", birth, seq, female=female)
    assert ids.is_valid_id(value)
    assert ids.id_birth_date(value) == birth
    assert ids.id_sex(value) == ("女" if female else "男")


def test_a_real_world_uscc_is_valid():
    """91350100M000100Y43 is the example used by GB 32100 explainers."""
    assert ids.is_valid_uscc("91350100M000100Y43")


def test_uscc_with_forbidden_letters_is_rejected():
    assert "不允许的字符" in ids.uscc_problem("91120116MA05XXXXI1")


@given(st.text(alphabet=ids.USCC_ALPHABET, min_size=8, max_size=8))
def test_made_usccs_are_valid_and_one_changed_character_is_caught(body):
    code = ids.make_uscc("120116", body)
    assert ids.is_valid_uscc(code)
    wrong = ids.USCC_ALPHABET[(ids.USCC_ALPHABET.index(code[-1]) + 1) % 31]
    assert not ids.is_valid_uscc(code[:-1] + wrong)


@pytest.mark.parametrize(
    ("value", "masked"),
    [("12010119800101123X", "1201**********123X"), ("13812341234", "138****1234")],
)
def test_masking_keeps_only_the_ends(value, masked):
    fn = ids.mask_id if len(value) == 18 else ids.mask_phone
    assert fn(value) == masked
