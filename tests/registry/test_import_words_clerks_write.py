"""Imports take what clerks write: 岗位 synonyms (主要负责人, 法人代表 …) with the mapping shown row by row,
phone numbers with spaces or dashes; a phone that is still wrong is refused naming the characters, and
the report masks only its digits so the clerk can see them."""

from __future__ import annotations

import csv

import pytest

from zhiben_training.cli import main
from zhiben_training.registry import open_registry

from .conftest import ENTERPRISES
from .filemaker import PEOPLE_HEADER, people_rows, write_file


@pytest.fixture
def db(tmp_path, tiny_city, capsys) -> str:
    url = f"sqlite:///{tmp_path / 'clerk.sqlite'}"
    assert main(["db", "load-synth", str(tiny_city), "--db", url]) == 0
    capsys.readouterr()
    return url


def _rows(changes: dict | None = None) -> list[list]:
    """Two valid people of the first enterprise; ``changes`` maps (row, header) → cell."""
    rows = people_rows(2, uscc=ENTERPRISES[0][0], start=100)
    for (row, header), value in (changes or {}).items():
        rows[row][PEOPLE_HEADER.index(header)] = value
    return rows


def _report(path) -> list[list[str]]:
    with path.with_name(path.name + ".导入报告.csv").open(encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))[1:]


def test_zhu_yao_fu_ze_ren_is_taken_as_shi_ji_fu_ze_ren_and_the_mapping_is_shown(db, tmp_path, capsys):
    rows = _rows({(0, "岗位"): "主要负责人", (1, "岗位"): "法人代表"})
    path = write_file(tmp_path / "人员.csv", PEOPLE_HEADER, rows)
    assert main(["import", "people", str(path), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "第 2 行 【岗位】 主要负责人：按同义词登记为“实际负责人”" in out
    assert "第 3 行 【岗位】 法人代表：按同义词登记为“法定代表人”" in out
    report = _report(path)
    assert [r[:3] for r in report] == [["2", "岗位", "主要负责人"], ["3", "岗位", "法人代表"]]
    assert "17号令 第三条" in report[0][3]
    with open_registry(db) as registry:
        people = registry.people().set_index("person_id")
    assert people.loc[rows[0][0], "role"] == "实际负责人" and people.loc[rows[1][0], "role"] == "法定代表人"


@pytest.mark.parametrize("written",
                         ["138-2234-5678", "138 2234 5678", "１３８－２２３４－５６７８", "138—2234—5678"])
def test_a_phone_with_spaces_or_dashes_is_stored_as_eleven_digits(db, tmp_path, written):
    rows = _rows({(0, "手机号"): written})
    path = write_file(tmp_path / "人员.csv", PEOPLE_HEADER, rows)
    assert main(["import", "people", str(path), "--db", db]) == 0
    with open_registry(db) as registry:
        people = registry.people().set_index("person_id")
    assert people.loc[rows[0][0], "phone"] == "13822345678"


def test_a_phone_with_other_characters_is_refused_naming_them_and_the_report_shows_them(db, tmp_path, capsys):
    path = write_file(tmp_path / "人员.csv", PEOPLE_HEADER, _rows({(1, "手机号"): "138/2234/5678"}))
    assert main(["import", "people", str(path), "--db", db]) == 2
    err = capsys.readouterr().err
    assert ("第 3 行 【手机号】 138/****/5678：手机号只能含数字（空格、短横线会自动去掉），"
            "本格含有：「/」") in err
    assert _report(path) == [["3", "手机号", "138/****/5678",
                              "手机号只能含数字（空格、短横线会自动去掉），本格含有：「/」"]]


def test_a_phone_one_digit_short_says_how_many_digits_it_has(db, tmp_path, capsys):
    path = write_file(tmp_path / "人员.csv", PEOPLE_HEADER, _rows({(0, "手机号"): "1382234567"}))
    assert main(["import", "people", str(path), "--db", db]) == 2
    assert "本格是 10 位数字" in capsys.readouterr().err
