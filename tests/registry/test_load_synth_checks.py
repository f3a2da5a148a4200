"""``zhiben db load-synth`` checks first, like every import: a city that would break a constraint, or a
registry that already holds data, gets a Chinese report, exit 2 and nothing written — never an
IntegrityError traceback (SQLite and PostgreSQL)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import create_engine, func, select

from zhiben_training.cli import main
from zhiben_training.registry import models as m

from .conftest import P_DONE


def _count_people(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(m.Person.__table__)).scalar_one()
    engine.dispose()
    return n


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        out = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
               for t in m.Base.metadata.sorted_tables if t.name != "alembic_version"}
    engine.dispose()
    return out


def test_two_people_with_one_id_number_are_reported_and_nothing_is_written(db_url, tiny_city, capsys):
    people = pd.read_csv(tiny_city / "people.csv", dtype=str, keep_default_na=False)
    people.loc[1, "person_id"] = people.loc[0, "person_id"]  # 王二 gets 张一's number
    people.to_csv(tiny_city / "people.csv", index=False)
    assert main(["db", "upgrade", "--db", db_url]) == 0
    capsys.readouterr()
    assert main(["db", "load-synth", str(tiny_city), "--db", db_url]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "IntegrityError" not in err
    assert "未写入任何数据" in err
    assert "people.person_id 第 3 行" in err and "与第 2 行重复" in err and "张一" in err and "王二" in err
    assert P_DONE not in err  # the ID number is masked in the report
    assert all(n == 0 for n in _counts(db_url).values())


def test_a_reference_to_nobody_is_reported(db_url, tiny_city, capsys):
    attendance = pd.read_csv(tiny_city / "attendance.csv", dtype=str, keep_default_na=False)
    attendance.loc[0, "round_id"] = "2031-principal"
    attendance.to_csv(tiny_city / "attendance.csv", index=False)
    assert main(["db", "load-synth", str(tiny_city), "--db", db_url]) == 2
    err = capsys.readouterr().err
    assert "引用的培训轮次不在合成城市中" in err and "2031-principal" in err
    assert _count_people(db_url) == 0


def test_load_synth_after_open_rounds_is_refused_in_chinese_and_replace_still_works(
        db_url, tiny_city, capsys):
    assert main(["db", "open-rounds", "--year", "2026", "--db", db_url]) == 0
    capsys.readouterr()
    assert main(["db", "load-synth", str(tiny_city), "--db", db_url]) == 2
    err = capsys.readouterr().err
    assert "登记库中已有数据（培训轮次 3 条）" in err and "--replace" in err and "Traceback" not in err
    assert _count_people(db_url) == 0
    assert main(["db", "load-synth", str(tiny_city), "--replace", "--db", db_url]) == 0
    assert _count_people(db_url) == 8


def test_a_clean_city_still_loads_and_a_second_load_is_refused(db_url, tiny_city, capsys):
    assert main(["db", "load-synth", str(tiny_city), "--db", db_url]) == 0
    assert main(["db", "load-synth", str(tiny_city), "--db", db_url]) == 2
    assert "人员 8 条" in capsys.readouterr().err
    assert _count_people(db_url) == 8
