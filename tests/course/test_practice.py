"""模拟练习: a practice set never holds a question of the course's exam variants, and the 错题本 in the
learner's folder carries over from one session (process) to the next."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from zhiben_training.assess.papers import load_bank
from zhiben_training.cli import main
from zhiben_training.lessons.practice import (
    MISTAKES_FILE,
    PRACTICE_FILE,
    load_practice_set,
    write_practice_set,
)

REPO = Path(__file__).resolve().parents[2]
TRAINEES = [{"id": "120101198001010011", "name": "甲"}, {"id": "120101198001010029", "name": "乙"}]


@pytest.fixture(scope="module")
def exam_course(tmp_path_factory) -> Path:
    """A course root with the real 2026-safety-C exam generated from the bank for two trainees."""
    from zhiben_training.assess.exchange import generate
    from zhiben_training.synth import generate_city

    root = tmp_path_factory.mktemp("exam")
    generate_city(scale="tiny", seed=2026, out_dir=root / "city")
    generate(root / "course", round_id="2026-safety", paper="C", trainees=TRAINEES, city_dir=root / "city")
    return root / "course"


def _exam_questions(course: Path) -> set[str]:
    ids = set()
    from zhiben_training.assess import CourseRoot, assignment_id

    keys = CourseRoot(course).keys_dir(assignment_id("2026-safety", "C"))
    for path in keys.glob("*.json"):
        if path.name != "manifest.json":
            ids |= {i["source_question_id"] for i in json.loads(path.read_text())["items"]
                    if i["source_question_id"]}
    return ids


def test_a_practice_set_never_holds_a_question_of_the_course_exam_variants(exam_course, tmp_path, capsys):
    out = tmp_path / PRACTICE_FILE
    assert main(["lessons", "practice-set", "--course", str(exam_course), "--out", str(out)]) == 0
    exam = _exam_questions(exam_course)
    practice = {q.id for q in load_practice_set(out)}
    assert len(exam) > 40 and practice and not practice & exam
    assert practice | exam == {q["id"] for q in load_bank()}  # everything else is practice
    assert f"已排除 2 份考核试卷中出现的 {len(exam)} 道题" in capsys.readouterr().out
    assert str(exam_course) in out.read_text(encoding="utf-8") and not any(i in out.read_text() for i in exam)


def test_a_practice_set_from_a_course_without_exam_variants_is_refused(tmp_path, capsys):
    (tmp_path / "course").mkdir()
    out = tmp_path / PRACTICE_FILE
    assert main(["lessons", "practice-set", "--course", str(tmp_path / "course"), "--out", str(out)]) == 2
    assert "还没有生成考核试卷" in capsys.readouterr().err and not out.exists()


# one learner session: a fresh Python process builds the panel in the folder and clicks answers
_SESSION = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from zhiben_training.lessons.practice import practice_panel

    folder, mode, plan = Path(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
    panel = practice_panel(folder, count=4, seed=11)
    panel.zhiben["mode"].value = mode
    shown = []
    for box in panel.zhiben["body"].children:
        q, chooser = box.zhiben["question"], box.zhiben["chooser"]
        right = sorted(q.answer)
        pick = right if plan.get(q.id, "right") == "right" else sorted({l for l, _ in q.options} - set(right))[:1]
        if q.type == "multiple":
            for child in chooser.children:
                child.value = child.description[0] in pick
        else:
            chooser.value = next(o for o in chooser.options if o[0] == pick[0])
        box.zhiben["submit"].click()
        shown.append({"id": q.id, "feedback": box.zhiben["feedback"].value})
    panel.zhiben["finish"].click()
    print(json.dumps({"shown": shown, "summary": panel.zhiben["summary"].value}, ensure_ascii=False))
""")  # noqa: E501 - a line of the script the learner's process runs: a string, not breakable


def _session(folder: Path, mode: str, plan: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "ZHIBEN_SELFCHECK_DIR"}
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run([sys.executable, "-c", _SESSION, str(folder), mode, json.dumps(plan)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_the_mistake_book_carries_wrong_answers_into_the_next_session_and_only_those_are_practised(tmp_path):
    folder = tmp_path / "安全培训"
    write_practice_set(load_bank(), set(), path=folder / PRACTICE_FILE, source="测试")
    first = _session(folder, "全部题目", {})
    ids = [q["id"] for q in first["shown"]]
    assert len(ids) == 4 and "依据：" in first["shown"][0]["feedback"]
    assert (not (folder / MISTAKES_FILE).exists()
            or json.loads((folder / MISTAKES_FILE).read_text())["wrong"] == {})
    # session 1 again, two answered wrongly on purpose
    wrong = {ids[0]: "wrong", ids[2]: "wrong"}
    second = _session(folder, "全部题目", wrong)
    assert [q["id"] for q in second["shown"]] == ids
    assert "不正确" in second["shown"][0]["feedback"] and "正确答案" in second["shown"][0]["feedback"]
    book = json.loads((folder / MISTAKES_FILE).read_text(encoding="utf-8"))
    assert sorted(book["wrong"]) == sorted(wrong)
    # a new process: only the wrong ones are drawn; answered right, they leave the book
    third = _session(folder, "只练错题", {})
    assert sorted(q["id"] for q in third["shown"]) == sorted(wrong)
    assert "答对 2 / 2" in third["summary"]
    assert json.loads((folder / MISTAKES_FILE).read_text(encoding="utf-8"))["wrong"] == {}


def test_the_practice_notebook_without_a_practice_set_says_where_one_comes_from(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(REPO / "course" / "08_模拟练习.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    shown = json.dumps(nb.metadata["widgets"], ensure_ascii=False)  # the widget's state, as the page shows it
    assert "还没有练习题文件" in shown and "zhiben lessons practice-set" in shown


def test_in_a_hub_lesson_session_without_a_practice_set_the_trainee_is_told_to_ask_the_trainer(tmp_path,
                                                                                              monkeypatch):
    """A trainee of a hub session cannot run commands: no command, no server path, who to ask."""
    from zhiben_training.lessons.practice import practice_panel
    from zhiben_training.lessons.room import DROP_ENV

    monkeypatch.setenv(DROP_ENV, str(tmp_path / "drop"))
    shown = practice_panel(tmp_path / "课程").value
    assert "请告知培训讲师" in shown and "zhiben lessons open" not in shown and str(tmp_path) not in shown
    monkeypatch.delenv(DROP_ENV)
    assert "zhiben lessons open" in practice_panel(tmp_path / "课程").value
