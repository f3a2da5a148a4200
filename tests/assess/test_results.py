"""Export for Excel and import into the registry, hand changes audited."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from nbgrader.api import Gradebook

from tests.assess import standin
from tests.assess.conftest import AID, answered, hand_in, paper_of, run_autograde
from zhiben_training.assess.exchange.handin import collect
from zhiben_training.assess.nbgrader_adapter import db_url
from zhiben_training.assess.results.csv_export import export_csv
from zhiben_training.assess.results.gradebook import import_results, totals


def _graded(course, tmp_path, scorer):
    inbox = tmp_path / "inbox"
    hand_in(inbox, "T001", answered(course, "T001", standin.correct_answers(paper_of(course, "T001"))))
    hand_in(inbox, "T002", answered(course, "T002", {}))
    collect(course, AID, source=inbox, now=dt.datetime(2026, 3, 1, 18, 30, tzinfo=dt.UTC))
    run_autograde(course, scorer)


def test_the_csv_has_a_bom_chinese_headers_and_beijing_times(course, tmp_path, scorer):
    _graded(course, tmp_path, scorer)
    out = export_csv(course, AID, tmp_path / "成绩.csv", pass_mark=10)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert list(frame.columns[:4]) == ["考生编号", "姓名", "考核", "得分"]
    row = frame.set_index("考生编号").loc["T001"]
    assert row["提交时间（北京时间）"] == "2026-03-02 02:30:00"  # 18:30 UTC = 02:30 next day in Shanghai
    assert row["姓名"] == "张三" and float(row["得分"]) == 12.0 and row["是否合格"] == "合格"
    assert row["评分状态"] == "已评分" and row["隔离级别"].startswith("bubblewrap")


def test_a_manual_grade_in_the_gradebook_reaches_the_registry_audit_log(tmp_path, scorer):
    from tests.assess.conftest import trainees_course
    from zhiben_training.registry import open_registry
    from zhiben_training.synth import generate_city

    generate_city(scale="tiny", seed=3, out_dir=tmp_path / "city")
    registry = open_registry(f"sqlite:///{tmp_path / 'registry.sqlite'}")
    registry.load_synthetic(tmp_path / "city")
    first, second = registry.roster(round_id="2026-principal")["person_id"].tolist()[:2]
    course = trainees_course(tmp_path, [first, second])
    inbox = tmp_path / "inbox"
    hand_in(inbox, first, answered(course, first, standin.correct_answers(paper_of(course, first))))
    hand_in(inbox, second, answered(course, second, {}))
    collect(course, AID, source=inbox)
    run_autograde(course, scorer)
    with Gradebook(db_url(course), "zhiben") as gb:  # the examiner grades the written answers in formgrader
        for student, points in ((first, 4.0), (second, 0.0)):
            grade = gb.find_grade("w01-answer", "paper", AID, student)
            grade.manual_score, grade.needs_manual_grade = points, False  # as formgrader's API does
        gb.db.commit()
    assert totals(course, AID).set_index("student_id").loc[first, "score"] == 16.0
    registry_before = registry.assessment_results(round_id="2026-principal")
    result = import_results(course, AID, registry, round_id="2026-principal", actor="考核员甲",
                            reason="2026 年考核成绩", pass_mark=10)
    assert result.imported == 2 and result.waiting_manual == ()
    stored = registry.assessment_results(round_id="2026-principal").set_index("person_id")
    assert float(stored.loc[first, "score"]) == 16.0 and not bool(stored.loc[second, "passed"])
    audit = registry.audit_log(entity="assessment_result")
    mine = audit[audit["actor"] == "考核员甲"]
    assert {k.split("|")[0] for k in mine["entity_key"]} == {first, second}
    reasons = mine.assign(
        person=mine["entity_key"].str.split("|").str[0]).groupby("person")["reason"].agg(set)
    assert reasons[first] == {"2026 年考核成绩；w01 人工评分 4 分（满分 5）"}
    assert reasons[second] == {"2026 年考核成绩；w01 人工评分 0 分（满分 5）"}
    # the synthetic city already holds their 2026 results: the import says what they were
    before = registry_before.set_index("person_id")
    assert {row.person_id for row in result.new + result.changed} == {first, second}
    for row in result.changed:
        assert row.old_score == float(before.loc[row.person_id, "score"]) and row.score in (16.0, 0.0)
