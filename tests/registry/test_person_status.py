"""``Registry.person_status``: one person's row and their status in every round that covers them (the
library call behind ``zhiben status --person``), and ``registry_url`` (behind ``zhiben db where``)."""

from __future__ import annotations

import datetime as dt

import pytest

from zhiben_training.errors import NotFoundError
from zhiben_training.registry import registry_url

from .conftest import P_DONE, SAFE_1

TODAY = dt.date(2026, 11, 30)


def test_a_person_is_shown_in_every_round_that_covers_them_in_round_order(loaded):
    person, frame = loaded.person_status(SAFE_1, today=TODAY)
    assert (person["name"], person["role"]) == ("钱五", "专职安全生产管理人员")
    assert frame["round_id"].tolist() == ["2025-safety", "2026-safety"]
    assert set(frame["person_id"]) == {SAFE_1}


def test_one_round_asked_for_is_the_only_round_shown(loaded):
    _person, frame = loaded.person_status(P_DONE, round_id="2026-principal", today=TODAY)
    assert frame[["round_id", "status"]].values.tolist() == [["2026-principal", "completed"]]


def test_a_round_that_does_not_cover_the_person_gives_an_empty_table(loaded):
    person, frame = loaded.person_status(SAFE_1, round_id="2026-principal", today=TODAY)
    assert person["person_id"] == SAFE_1 and frame.empty


def test_an_unknown_person_is_not_found_with_the_id_masked(loaded):
    with pytest.raises(NotFoundError, match=r"1101\*+0018"):
        loaded.person_status("110101199003070018", today=TODAY)


def test_registry_url_names_the_database_without_its_password(tmp_path):
    assert registry_url(f"sqlite:///{tmp_path / 'r.sqlite'}") == f"sqlite:///{tmp_path / 'r.sqlite'}"
    assert registry_url("postgresql+psycopg://clerk:secret@db.example/zhiben") == (
        "postgresql+psycopg://clerk:***@db.example/zhiben")
