"""Self-check quizzes for the lessons: questions live in ``data/selfchecks.json``, answers in a dict.

The widgets only *record* answers into ``choices`` (``{"q1": "B", "q2": ["A", "C"]}``); scoring
is a pure function of that dict, so it gives the same feedback in a browser, in a headless CI
run (where nothing was clicked) and in unit tests.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from zhiben_training.errors import KnowledgeBaseError
from zhiben_training.lessons.room import record_result

__all__ = [
    "Question", "ItemFeedback", "CheckResult", "questions", "score", "quiz", "feedback_html", "check_panel",
]

LETTERS = "ABCDEFGH"


@dataclass(frozen=True)
class Question:
    """One self-check question; ``answer`` is a set of option letters (one letter for single choice)."""

    key: str
    prompt: str
    options: tuple[str, ...]
    answer: frozenset[str]
    explanation: str
    citation: str

    @property
    def multiple(self) -> bool:
        return len(self.answer) > 1


@dataclass(frozen=True)
class ItemFeedback:
    key: str
    answered: bool
    correct: bool
    message: str


@dataclass(frozen=True)
class CheckResult:
    points: int
    total: int
    items: tuple[ItemFeedback, ...]

    @property
    def all_answered(self) -> bool:
        return all(item.answered for item in self.items)


def _parse(lesson: str, raw: dict) -> Question:
    options = tuple(raw["options"])
    answer = raw["answer"]
    letters = frozenset([answer] if isinstance(answer, str) else answer)
    if not letters or not letters <= set(LETTERS[: len(options)]):
        raise KnowledgeBaseError(f"第 {lesson} 课自测题 {raw.get('key')} 的答案不在选项范围内")
    return Question(
        key=raw["key"],
        prompt=raw["prompt"],
        options=options,
        answer=letters,
        explanation=raw["explanation"],
        citation=raw.get("citation", ""),
    )


@cache
def _bank() -> dict[str, tuple[Question, ...]]:
    text = resources.files("zhiben_training.lessons").joinpath("data/selfchecks.json").read_text("utf-8")
    data = json.loads(text)
    bank = {lesson: tuple(_parse(lesson, q) for q in items) for lesson, items in data["lessons"].items()}
    for lesson, items in bank.items():
        keys = [q.key for q in items]
        if len(keys) != len(set(keys)):
            raise KnowledgeBaseError(f"第 {lesson} 课自测题编号重复")
    return bank


def questions(lesson: str) -> tuple[Question, ...]:
    """The self-check questions of one lesson ("01".."07")."""
    try:
        return _bank()[lesson]
    except KeyError:
        raise KnowledgeBaseError(f"没有第 {lesson} 课的自测题") from None


def _normalise(value: object) -> frozenset[str]:
    """Accept "B", "b", ["A", "C"], ("A",) or None; anything that is not an option letter is ignored."""
    if value is None:
        return frozenset()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple | set | frozenset):
        return frozenset()
    letters = (v.strip().upper() for v in value if isinstance(v, str))
    return frozenset(v for v in letters if len(v) == 1 and v in LETTERS)


def score(items: tuple[Question, ...], choices: dict) -> CheckResult:
    """Score the recorded ``choices``; one point per fully correct question, no partial credit."""
    feedback = []
    for q in items:
        given = _normalise(choices.get(q.key))
        right = "、".join(sorted(q.answer))
        if not given:
            feedback.append(ItemFeedback(q.key, False, False, "尚未作答。作答后显示参考答案和解析。"))
            continue
        ok = given == q.answer
        verdict = "正确" if ok else f"不正确（你选了 {'、'.join(sorted(given))}，参考答案 {right}）"
        feedback.append(ItemFeedback(q.key, True, ok, f"{verdict}。{q.explanation}"))
    points = sum(1 for f in feedback if f.correct)
    return CheckResult(points=points, total=len(items), items=tuple(feedback))


def feedback_html(items: tuple[Question, ...], result: CheckResult) -> str:
    """Render a result as an HTML block (the notebook displays it; tests read ``result``)."""
    rows = []
    for q, f in zip(items, result.items, strict=True):
        mark = "✓" if f.correct else ("未作答" if not f.answered else "×")
        cite = f"<br><small>依据：{html.escape(q.citation)}</small>" if q.citation else ""
        rows.append(f"<li>{mark} <b>{html.escape(q.prompt)}</b><br>{html.escape(f.message)}{cite}</li>")
    head = f"<p role='status'>得分：{result.points} / {result.total}</p>"
    return f"<div class='zhiben-selfcheck'>{head}<ol>{''.join(rows)}</ol></div>"


def quiz(items: tuple[Question, ...], choices: dict):
    """Build the quiz widgets; every change is written into ``choices`` under the question key."""
    import ipywidgets as w

    boxes = []
    for n, q in enumerate(items, start=1):
        labels = [f"{LETTERS[i]}. {text}" for i, text in enumerate(q.options)]
        prompt = w.HTML(f"<b>第 {n} 题{'（多选）' if q.multiple else ''}</b>：{html.escape(q.prompt)}")
        if q.multiple:
            picks = [w.Checkbox(value=False, description=label, indent=False) for label in labels]

            def _on_check(_change, q=q, picks=picks):
                choices[q.key] = [LETTERS[i] for i, box in enumerate(picks) if box.value]

            for box in picks:
                box.observe(_on_check, names="value")
            boxes.append(w.VBox([prompt, *picks]))
        else:
            radio = w.RadioButtons(options=labels, value=None, description=f"第{n}题",
                                   layout={"width": "auto"})

            def _on_radio(change, q=q):
                choices[q.key] = change["new"][:1] if change["new"] else None

            radio.observe(_on_radio, names="value")
            boxes.append(w.VBox([prompt, radio]))
    return w.VBox(boxes)


def check_panel(items: tuple[Question, ...], choices: dict):
    """A "提交自测" button that shows the feedback for whatever is recorded in ``choices``."""
    import ipywidgets as w

    button = w.Button(description="提交自测，查看反馈", tooltip="根据已选答案给出得分和解析",
                      button_style="primary")
    out = w.Output(layout={"border": "1px solid #ccc"})

    def _on_click(_button):
        out.clear_output()
        result = score(items, choices)
        lesson = next((name for name, bank in _bank().items() if bank == items), "")
        record_result(lesson, result.points, result.total, result.all_answered)  # only on a hub
        with out:
            from IPython.display import HTML, display

            display(HTML(feedback_html(items, result)))

    button.on_click(_on_click)
    return w.VBox([button, out])
