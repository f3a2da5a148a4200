"""Hand marking and appeals (``answer_text``, ``set_manual_grade``, ``zhiben assess grade``) on a real
nbgrader gradebook, their way into the registry audit log, and the trainee list of ``assess generate``."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from tests.assess import standin
from tests.assess.conftest import AID, ROUND, answered, hand_in
from zhiben_training.assess import nbgrader_adapter as nbg
from zhiben_training.assess.exchange import variants
from zhiben_training.cli import main
from zhiben_training.errors import AssessmentError

WRITTEN = "主要负责人对本单位安全生产工作全面负责。"


@dataclass
class City:
    city_dir: Path
    people: list[str]  # valid resident ids of the round's audience, in roster order


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> City:
    from zhiben_training.registry import open_registry
    from zhiben_training.synth import generate_city

    base = tmp_path_factory.mktemp("manual")
    generate_city(scale="tiny", seed=3, out_dir=base / "city")
    registry = open_registry(f"sqlite:///{base / 'roster.sqlite'}")
    registry.load_synthetic(base / "city")
    return City(base / "city", registry.roster(round_id=ROUND)["person_id"].tolist())


@pytest.fixture(scope="module")
def _graded_template(city, tmp_path_factory) -> Path:
    """Stand-in papers for three trainees of the round: the first answers everything right, the
    second hands in the untouched paper, the third hands in nothing; collected and autograded."""
    from zhiben_training.assess.exchange.handin import collect
    from zhiben_training.assess.grading.batch import autograde

    root = tmp_path_factory.mktemp("manual-course") / "course"
    first, second, third = city.people[:3]
    variants.generate(root, round_id=ROUND, paper="A",
                     trainees=[{"id": t, "name": t} for t in (first, second, third)],
                     city_dir=city.city_dir, base_seed=11, build=standin.build_paper, answer_form="typed")
    inbox = root.parent / "inbox"
    paper = variants.rebuild_paper(root, AID, first, build=standin.build_paper)
    hand_in(inbox, first, answered(root, first, {**standin.correct_answers(paper), "w01": WRITTEN}))
    hand_in(inbox, second, answered(root, second, {}))
    collect(root, AID, source=inbox)
    autograde(root, AID, workers=2, progress=False)
    return root


@pytest.fixture
def course(_graded_template, tmp_path) -> Path:
    root = tmp_path / "course"
    shutil.copytree(_graded_template, root)
    return root


def _grade(course: Path, student: str, grade_id: str):
    with Gradebook(nbg.db_url(course), "zhiben") as gb:
        g = gb.find_grade(grade_id, "paper", AID, student)
        comment = gb.find_comment(grade_id.replace("-test", "-answer"), "paper", AID, student)
        return {"auto": g.auto_score, "manual": g.manual_score, "score": g.score,
                "needs_manual": g.needs_manual_grade, "comment": comment.manual_comment}


def _grade_cli(course: Path, trainee: str, item: str, score: str, *extra: str) -> int:
    return main(["assess", "grade", "--course", str(course), "-a", AID, "--trainee", trainee, "--item", item,
                 "--score", score, *extra])


# --- answer_text and set_manual_grade ---------------------------------------------------------


def test_answer_text_is_the_written_answer_the_trainee_handed_in(course, city):
    first, second, third = city.people[:3]
    assert nbg.answer_text(course, assignment_id=AID, student_id=first, grade_id="w01-answer") == WRITTEN
    assert nbg.answer_text(course, assignment_id=AID, student_id=second,
                           grade_id="w01-answer") == "请在此作答。"
    with pytest.raises(AssessmentError, match="尚未自动评分"):
        nbg.answer_text(course, assignment_id=AID, student_id=third, grade_id="w01-answer")
    with pytest.raises(AssessmentError, match="没有评分单元 w09-answer"):
        nbg.answer_text(course, assignment_id=AID, student_id=first, grade_id="w09-answer")


def test_a_written_answer_awaits_an_examiner_until_set_manual_grade(course, city):
    first = city.people[0]
    assert _grade(course, first, "w01-answer") == {"auto": None, "manual": None, "score": 0.0,
                                                    "needs_manual": True, "comment": None}
    change = nbg.set_manual_grade(course, assignment_id=AID, student_id=first, grade_id="w01-answer",
                                  score=4, comment="要点基本齐全")
    assert change == {"old": 0.0, "new": 4.0, "max_score": 5.0}
    assert _grade(course, first, "w01-answer") == {"auto": None, "manual": 4.0, "score": 4.0,
                                                    "needs_manual": False, "comment": "要点基本齐全"}


# --- zhiben assess grade ----------------------------------------------------------------------


def test_grade_command_marks_a_written_answer_in_the_gradebook(course, city, capsys):
    from zhiben_training.assess.results.gradebook import totals

    first = city.people[0]
    assert _grade_cli(course, first, "w01", "4", "--comment", "职责讲到了，缺少检查制度") == 0
    out = capsys.readouterr().out
    assert f"已评分：{first} 第 w01 题" in out and "→ 4" in out and "满分 5" in out
    assert _grade(course, first, "w01-answer") == {"auto": None, "manual": 4.0, "score": 4.0,
                                                    "needs_manual": False,
                                                    "comment": "职责讲到了，缺少检查制度"}
    row = totals(course, AID).set_index("student_id").loc[first]
    assert row["score"] == 16.0 and row["needs_manual_grade"] == 0


def test_a_manual_score_wins_over_the_automatic_score_on_appeal(course, city, capsys):
    first = city.people[0]
    before = _grade(course, first, "k01-test")
    assert before["auto"] == 2.0 and before["manual"] is None
    assert _grade_cli(course, first, "k01", "1.5") == 0
    assert "2 → 1.5" in capsys.readouterr().out
    after = _grade(course, first, "k01-test")
    assert after["auto"] == 2.0 and after["manual"] == 1.5 and after["score"] == 1.5
    assert not after["needs_manual"]


@pytest.mark.parametrize("score", ["5.5", "-1"])
def test_a_score_outside_the_item_range_is_refused_and_changes_nothing(course, city, capsys, score):
    first = city.people[0]
    before = nbg.gradebook_scores(course, AID)
    assert _grade_cli(course, first, "w01", score) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "超出本题范围 0–5" in err
    assert nbg.gradebook_scores(course, AID) == before
    assert _grade(course, first, "w01-answer")["needs_manual"]


@pytest.mark.parametrize(("who", "item"), [("first", "k99"), ("nobody", "w01"), ("third", "w01")])
def test_an_unknown_item_or_trainee_is_a_chinese_error(course, city, capsys, who, item):
    trainee = {"first": city.people[0], "third": city.people[2], "nobody": "NOBODY"}[who]
    before = nbg.gradebook_scores(course, AID)
    assert _grade_cli(course, trainee, item, "1") == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and f"没有考生 {trainee}" in err and f"第 {item} 题" in err
    assert nbg.gradebook_scores(course, AID) == before


def test_a_regrade_reaches_the_registry_audit_log_with_old_and_new_score(course, city, tmp_path, capsys):
    from zhiben_training.registry import open_registry

    first, second = city.people[:2]
    url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    open_registry(url).load_synthetic(city.city_dir)
    common = ["--course", str(course), "-a", AID, "--round", ROUND, "--pass-mark", "10", "--db", url]
    assert _grade_cli(course, first, "w01", "4") == 0
    assert _grade_cli(course, second, "w01", "0") == 0
    assert main(["assess", "import", *common, "--actor", "考核员甲"]) == 0
    out = capsys.readouterr().out
    # the synthetic city already holds their 2026 results (out of 100): both change, old → new shown
    assert "新增 0 人，变更 2 人，未变 0 人" in out and "w01 人工评分 4 分" in out
    assert "/100（合格） → 16/17（合格）" in out
    assert _grade_cli(course, first, "k01", "0", "--comment", "复核：选项书写不规范") == 0
    assert main(["assess", "import", *common, "--actor", "复核员乙", "--reason", "申诉复核改分"]) == 0
    out = capsys.readouterr().out
    assert "新增 0 人，变更 1 人，未变 1 人" in out
    assert f"变更 {first}" in out and "16/17（合格） → 14/17（合格）" in out \
        and "k01 人工改分 由 2 改为 0" in out
    audit = open_registry(url).audit_log(entity="assessment_result")
    appeal = audit[audit["actor"] == "复核员乙"]
    assert appeal["entity_key"].str.startswith(first).all()  # the untouched trainee is not re-audited
    score = appeal[appeal["field"] == "score"]
    assert score[["old_value", "new_value"]].values.tolist() == [["16", "14"]]
    assert set(appeal["reason"]) == {"申诉复核改分；k01 人工改分 由 2 改为 0"}  # what changed, not only why
    first_import = audit[(audit["actor"] == "考核员甲") & (audit["field"] == "score")]
    assert sorted(first_import["new_value"]) == ["0", "16"]


def test_a_recollected_hand_in_starts_without_the_earlier_manual_grade_and_the_audit_says_why(
        course, city, tmp_path, capsys):
    from zhiben_training.assess.exchange.handin import collect
    from zhiben_training.assess.results import totals, write_feedback
    from zhiben_training.registry import open_registry

    first = city.people[0]
    url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    open_registry(url).load_synthetic(city.city_dir)
    common = ["--course", str(course), "-a", AID, "--round", ROUND, "--pass-mark", "10", "--db", url]
    assert _grade_cli(course, first, "w01", "5", "--comment", "要点齐全") == 0
    assert main(["assess", "import", *common, "--actor", "考核员甲"]) == 0
    assert "17/17" in capsys.readouterr().out

    paper = variants.rebuild_paper(course, AID, first, build=standin.build_paper)
    hand_in(tmp_path / "again", first,
            answered(course, first, {**standin.correct_answers(paper), "w01": "另交的一份。"}))
    collect(course, AID, source=tmp_path / "again")
    assert main(["assess", "autograde", "--course", str(course), "-a", AID, "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert f"注意 {first}：w01 原人工评分 5 分（评语：要点齐全）已作废：考生重新交卷" in out
    assert _grade(course, first, "w01-answer") == {"auto": None, "manual": None, "score": 0.0,
                                                    "needs_manual": True, "comment": None}
    row = totals(course, AID).set_index("student_id").loc[first]
    assert (row["score"], row["needs_manual_grade"]) == (12.0, 1)
    write_feedback(course, AID, students=[first], pass_mark=10)
    page = (course / "feedback" / first / AID / "paper.html").read_text(encoding="utf-8")
    assert "要点齐全" not in page and "待人工评分" in page and "12 / 17" in page

    assert _grade_cli(course, first, "w01", "3") == 0
    assert main(["assess", "import", *common, "--actor", "考核员乙"]) == 0
    assert "17/17（合格） → 15/17（合格）" in capsys.readouterr().out
    audit = open_registry(url).audit_log(entity="assessment_result")
    reason = set(audit.loc[(audit["actor"] == "考核员乙") & (audit["field"] == "score"), "reason"])
    assert len(reason) == 1 and "w01 原人工评分 5 分（评语：要点齐全）已作废：考生重新交卷" in reason.pop()


# --- zhiben assess generate --trainees ------------------------------------------------------------


def _generate(tmp_path: Path, city: City, csv_text: str) -> tuple[int, Path]:
    roster = tmp_path / "名单.csv"
    roster.write_text(csv_text, encoding="utf-8-sig")
    course = tmp_path / "course"
    code = main(["assess", "generate", "--course", str(course), "--round", ROUND, "--paper", "A",
                 "--city", str(city.city_dir), "--trainees", str(roster)])
    return code, course


def _made(course: Path) -> dict[str, str]:
    import json

    manifest = json.loads((course / "keys" / AID / "manifest.json").read_text(encoding="utf-8"))
    return {tid: entry["name"] for tid, entry in manifest["trainees"].items()}


def test_generate_reads_a_trainee_list_with_chinese_headers(tmp_path, city):
    first, second = city.people[:2]
    code, course = _generate(tmp_path, city, f"序号,身份证号,姓名\n1,{first},张三\n2,{second},李四\n")
    assert code == 0
    assert _made(course) == {first: "张三", second: "李四"}
    assert sorted(p.name for p in (course / "variants" / AID).iterdir()) == sorted([first, second])


def test_generate_accepts_exam_numbers_under_kaosheng_bianhao_without_id_checks(tmp_path, city):
    code, course = _generate(tmp_path, city, "考生编号,name\nK-001,王五\nK-002,\n")
    assert code == 0
    assert _made(course) == {"K-001": "王五", "K-002": ""}


def test_a_bad_id_check_character_names_the_row_and_generates_nothing(tmp_path, city, capsys):
    from zhiben_training.identifiers import id_check_char

    good, other = city.people[:2]
    wrong = next(c for c in "0123456789X" if c != id_check_char(other[:17]))
    code, course = _generate(tmp_path, city, f"身份证号,姓名\n{good},张三\n{other[:17]}{wrong},李四\n")
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "第 3 行" in err and "校验位" in err and "第 2 行" not in err
    assert not course.exists()


def test_a_trainee_list_without_an_id_column_is_a_chinese_error(tmp_path, city, capsys):
    code, course = _generate(tmp_path, city, "编号,姓名\n1,张三\n")
    assert code == 2
    assert "身份证号" in capsys.readouterr().err and not course.exists()


def test_the_item_scores_an_import_remembers_and_its_results_are_written_together_or_not_at_all(
        course, city, tmp_path):
    """Issue #25: the import ledger (which item scores were imported) lived in ``imported/<aid>.json``,
    written after the registry's commit; now the registry keeps it in the results' own transaction. A
    write the database refuses leaves neither; the next import still names the items changed since."""
    import pandas as pd
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from zhiben_training.assess.results import import_results, item_scores
    from zhiben_training.registry import open_registry

    first, second = city.people[:2]
    registry = open_registry(f"sqlite:///{tmp_path / 'registry.sqlite'}")
    registry.load_synthetic(city.city_dir)
    assert _grade_cli(course, first, "w01", "4") == 0 and _grade_cli(course, second, "w01", "0") == 0
    with registry.engine.begin() as conn:  # the database refuses the item scores (a full disk, say)
        conn.execute(text("CREATE TRIGGER refuse_items BEFORE INSERT ON assessment_item_scores "
                          "BEGIN SELECT RAISE(ABORT, 'disk full'); END"))
    results, audit = registry.assessment_results(), registry.audit_log()
    with pytest.raises(DBAPIError, match="disk full"):
        import_results(course, AID, registry, round_id=ROUND, actor="考核员甲", pass_mark=10)
    pd.testing.assert_frame_equal(registry.assessment_results(), results)
    pd.testing.assert_frame_equal(registry.audit_log(), audit)
    assert registry.recorded_item_scores(round_id=ROUND) == {}

    with registry.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER refuse_items"))
    imported = import_results(course, AID, registry, round_id=ROUND, actor="考核员甲", pass_mark=10)
    assert {r.person_id for r in imported.changed} == {first, second}
    items = item_scores(course, AID)
    assert registry.recorded_item_scores(round_id=ROUND, paper="A") == {
        tid: dict(zip(group["item_id"], group["score"].astype(float), strict=True))
        for tid, group in items.groupby("student_id")}
    assert not (course / "imported").exists()  # the course folder is no longer a store of results

    assert _grade_cli(course, first, "k01", "0") == 0
    appeal = import_results(course, AID, registry, round_id=ROUND, actor="复核员乙", reason="申诉复核改分",
                            pass_mark=10)
    assert [(r.person_id, r.items) for r in appeal.changed] == [(first, ("k01 人工改分 由 2 改为 0",))]
    assert [r.person_id for r in appeal.unchanged] == [second]
