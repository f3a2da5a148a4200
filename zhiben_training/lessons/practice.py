"""模拟练习 for safety managers studying alone: bank questions answered by clicking, immediate feedback
with the legal citation, and a 错题本 kept in the learner's folder across sessions.

Where the questions come from (the rule): a practice set is exported from a course whose exam variants
are already generated (``zhiben lessons practice-set --course …``): every bank question that is in any
of the course's variants is left out (``practice_pool``), and the file keeps only the count of what was
left out, never which. The learner's folder then holds ``练习题.json`` (the set) and ``错题本.json`` (the
questions answered wrongly and not yet answered right since). Everything here is data in, data out;
``practice_panel`` is the widget face the 模拟练习 notebook shows.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from zhiben_training.errors import LessonInputError

__all__ = ["PRACTICE_FILE", "MISTAKES_FILE", "PRACTICE_RECORD", "PracticeQuestion", "Verdict", "MistakeBook",
           "practice_pool", "write_practice_set", "load_practice_set", "draw", "judge", "practice_panel"]

PRACTICE_FILE = "练习题.json"
MISTAKES_FILE = "错题本.json"
PRACTICE_RECORD = "练习"  # the "lesson" of a practice result in the hub's self-check folder
_TYPE_CN = {"single": "单选题", "multiple": "多选题", "truefalse": "判断题"}


@dataclass(frozen=True)
class PracticeQuestion:
    id: str
    type: str  # single | multiple | truefalse
    stem: str
    options: tuple[tuple[str, str], ...]  # (letter, text)
    answer: frozenset[str]
    explanation: str
    citation: str  # with （未核实，仅供参考） when the bank marks the question unverified


@dataclass(frozen=True)
class Verdict:
    correct: bool
    given: frozenset[str]
    message: str  # Chinese: 正确 / 不正确（你选了…，正确答案…）。解析
    citation: str


def practice_pool(bank: Iterable[dict], exam_question_ids: Iterable[str]) -> list[dict]:
    """The bank questions that are in no exam variant's question set, by id."""
    excluded = set(exam_question_ids)
    return sorted((q for q in bank if q["id"] not in excluded), key=lambda q: q["id"])


def _citation(citation: dict) -> str:
    return f"{citation['document']}{citation['article']}{citation.get('item', '')}"


def _letters(question: dict) -> list[str]:
    answer = question["answer"]
    if question["type"] == "truefalse":
        return ["A" if answer else "B"]
    return [answer] if isinstance(answer, str) else list(answer)


def write_practice_set(bank: Iterable[dict], exam_question_ids: Iterable[str], *, path: Path,
                       source: str) -> tuple[Path, int, int]:
    """Write the practice pool to ``path``; returns (path, questions written, questions left out)."""
    bank = list(bank)
    pool = practice_pool(bank, exam_question_ids)
    doc = {"about": "模拟练习题（自题库导出，已排除考核试卷中的全部题目）", "source": source,
           "left_out": len(bank) - len(pool),
           "questions": [{"id": q["id"], "type": q["type"], "stem": q["stem"], "options": q["options"],
                          "answer": _letters(q), "explanation": q["explanation"],
                          "citation": _citation(q["citation"]) + ("" if q["status"] == "verified"
                                                                  else "（未核实，仅供参考）")}
                         for q in pool]}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path, len(pool), len(bank) - len(pool)


def load_practice_set(path: Path) -> tuple[PracticeQuestion, ...]:
    path = Path(path)
    if not path.exists():
        raise LessonInputError(f"没有找到练习题文件 {path}。",
                               hint="练习题由培训机构用 zhiben lessons practice-set 导出，放在课程文件夹中。")
    doc = json.loads(path.read_text(encoding="utf-8"))
    return tuple(PracticeQuestion(q["id"], q["type"], q["stem"], tuple(q["options"].items()),
                                  frozenset(q["answer"]), q["explanation"], q["citation"])
                 for q in doc["questions"])


def draw(questions: Iterable[PracticeQuestion], *, count: int, seed: int | None = None,
         only: Iterable[str] | None = None) -> tuple[PracticeQuestion, ...]:
    """``count`` questions in random order; with ``only``, just those ids (e.g. the 错题本's)."""
    pool = list(questions)
    if only is not None:
        wanted = set(only)
        pool = [q for q in pool if q.id in wanted]
    rng = random.Random(seed)
    return tuple(rng.sample(pool, min(count, len(pool))))


def judge(question: PracticeQuestion, choice: object) -> Verdict:
    """The verdict on a choice ("B", ["A", "C"] …) with the right answer, explanation and citation."""
    if isinstance(choice, str):
        choice = [choice]
    given = frozenset(c for c in (choice or []) if isinstance(c, str))
    right = "、".join(sorted(question.answer))
    if not given:
        return Verdict(False, given, "尚未作答。", question.citation)
    if given == question.answer:
        return Verdict(True, given, f"正确。{question.explanation}", question.citation)
    return Verdict(False, given,
                   f"不正确（你选了 {'、'.join(sorted(given))}，正确答案 {right}）。{question.explanation}",
                   question.citation)


@dataclass
class MistakeBook:
    """The 错题本 in the learner's folder: wrong answers stay until answered right."""

    path: Path
    wrong: dict[str, dict] = field(default_factory=dict)  # id → {"times": n, "last": date}
    answered: int = 0

    @classmethod
    def load(cls, folder: Path) -> MistakeBook:
        path = Path(folder) / MISTAKES_FILE
        if not path.exists():
            return cls(path)
        doc = json.loads(path.read_text(encoding="utf-8"))
        return cls(path, dict(doc.get("wrong", {})), int(doc.get("answered", 0)))

    def record(self, question_id: str, correct: bool, *, today: dt.date | None = None) -> None:
        self.answered += 1
        if correct:
            self.wrong.pop(question_id, None)
        else:
            entry = self.wrong.setdefault(question_id, {"times": 0})
            entry["times"] += 1
            entry["last"] = (today or dt.date.today()).isoformat()
        self.save()

    def save(self) -> None:
        doc = {"about": "错题本：答错且尚未答对的题目（模拟练习）", "answered": self.answered,
               "wrong": dict(sorted(self.wrong.items()))}
        self.path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def _feedback_html(verdict: Verdict) -> str:
    mark = "✓" if verdict.correct else "✗"
    return (f"<div role='status'><b>{mark}</b> {html.escape(verdict.message)}"
            f"<br><small>依据：{html.escape(verdict.citation)}</small></div>")


def practice_panel(folder: Path, *, count: int = 10, seed: int | None = None):
    """The 模拟练习 widget: 全部题目 / 只练错题, one 提交 per question with immediate feedback,
    the 错题本 updated on every answer, and the session's score recordable like a self-check.
    Without a practice set in ``folder`` it says where one comes from."""
    import ipywidgets as w

    from zhiben_training.lessons.room import DROP_ENV, record_result

    folder = Path(folder)
    if not (folder / PRACTICE_FILE).exists() and os.environ.get(DROP_ENV):  # a hub lesson session
        return w.HTML(f"<p role='status'>本次培训课的课程文件夹中没有练习题文件 {PRACTICE_FILE}，"
                      "暂时不能练习。请告知培训讲师：练习题由培训机构用 zhiben lessons practice-set 导出，"
                      "开课前放进培训课的课程文件夹，学员打开本笔记本即可练习。</p>")
    if not (folder / PRACTICE_FILE).exists():
        return w.HTML(f"<p role='status'>这个文件夹（{html.escape(str(folder))}）"
                      f"中还没有练习题文件 {PRACTICE_FILE}。"
                      "练习题由培训机构用 zhiben lessons practice-set 导出；拿到后运行 "
                      f"zhiben lessons open 本文件夹 --practice-set {PRACTICE_FILE}，"
                      "或直接把文件放进本文件夹，再关闭并重新打开本笔记本。</p>")
    questions = load_practice_set(folder / PRACTICE_FILE)
    book = MistakeBook.load(folder)
    mode = w.ToggleButtons(options=["全部题目", "只练错题"], value="全部题目", description="练习范围")
    again = w.Button(description="换一组题", icon="refresh")
    status = w.HTML()
    body = w.VBox()
    finish = w.Button(description="记录本次练习", button_style="primary")
    summary = w.HTML()
    state: dict = {"results": {}}

    def _question_box(n: int, q: PracticeQuestion):
        labels = [f"{letter}. {text}" for letter, text in q.options]
        prompt = w.HTML(f"<b>第 {n} 题（{_TYPE_CN[q.type]}）</b>：{html.escape(q.stem)}")
        if q.type == "multiple":
            picks = [w.Checkbox(value=False, description=label, indent=False) for label in labels]
            chooser, read = w.VBox(picks), lambda: [lab[0] for lab, box in zip(labels, picks, strict=True)
                                                    if box.value]
        else:
            radio = w.RadioButtons(options=labels, value=None, layout={"width": "auto"})
            chooser, read = radio, lambda: radio.value[0] if radio.value else None
        submit = w.Button(description="提交本题")
        out = w.HTML()

        def _on_submit(_button):
            verdict = judge(q, read())
            if not verdict.given:
                out.value = "<div role='status'>请先选择答案。</div>"
                return
            book.record(q.id, verdict.correct)
            state["results"][q.id] = verdict.correct
            submit.disabled = True
            out.value = _feedback_html(verdict)
            status.value = f"错题本中有 {len(book.wrong)} 题（保存在 {html.escape(str(book.path))}）。"

        submit.on_click(_on_submit)
        box = w.VBox([prompt, chooser, submit, out])
        box.zhiben = {"question": q, "chooser": chooser, "submit": submit, "feedback": out}
        return box

    def _deal(_change=None):
        only = list(book.wrong) if mode.value == "只练错题" else None
        drawn = draw(questions, count=count, seed=seed, only=only)
        state["results"] = {}
        body.children = [_question_box(n, q) for n, q in enumerate(drawn, start=1)]
        empty = "错题本是空的，先做全部题目吧。" if only is not None and not drawn else ""
        status.value = empty or f"本组 {len(drawn)} 题；错题本中有 {len(book.wrong)} 题。"
        summary.value = ""

    def _on_finish(_button):
        done = state["results"]
        points = sum(done.values())
        record_result(PRACTICE_RECORD, points, len(body.children),
                      len(done) == len(body.children))  # only on a hub
        summary.value = (f"<p role='status'>本次练习：答对 {points} / {len(body.children)} 题"
                         f"（已作答 {len(done)} 题）。</p>")

    mode.observe(_deal, names="value")
    again.on_click(_deal)
    finish.on_click(_on_finish)
    _deal()
    panel = w.VBox([w.HBox([mode, again]), status, body, finish, summary])
    panel.zhiben = {"mode": mode, "again": again, "body": body, "finish": finish, "summary": summary,
                    "book": book}
    return panel
