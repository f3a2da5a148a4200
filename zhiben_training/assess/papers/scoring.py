"""Score one captured answer against one paper item: pure, defensive, never raises.

Runs outside any trainee kernel. ``answer`` is whatever JSON value was captured: any type,
possibly huge, nested or hostile. Everything is bounded before it is looked at, and anything that
cannot be understood scores 0 with a Chinese reason.

Rules (all partial credit is rounded to 2 decimals):

* ``single``: full points for the keyed letter, else 0. ``"b"``, ``" B "``, ``"Ｂ"``, ``["B"]`` all read as B.
* ``multiple``: full points only for the exact set of letters (``"ACD"``, ``"A,C,D"``,
  ``["A","C","D"]``), else 0.
* ``truefalse``: ``True``/``False`` or 正确/错误, 对/错, √/×, T/F, 是/否.
* ``hazard_ids``: each keyed 2024 item id found earns ``points / len(key)``; each id given that is not
  in the key costs the same; floor 0. Ids look like ``"5.4.2"`` (full-width digits and a ``2024/``
  prefix are tolerated). An empty key gives full points only for an empty answer.
* ``classify_works``: each work is worth ``points / len(key)``: 80 % for the right level
  (一般/危大/超规模) and 20 % for naming one fitting requirement (for 一般 the 20 % comes with the level).
* ``ledger``: 40 % for the number of overdue 重大 items, 60 % shared by the 销号 rates per channel
  (a rate is right within 0.1 percentage point; ``"85.3%"`` and ``85.3`` are both read).
* ``ledger_read`` (the ledger task answered by choosing): half the points for the number of overdue
  重大 items, half for a channel with the lowest 销号率 (rates rounded to 1 decimal; ties: any).
* ``written``: graded by hand in formgrader; scores 0 here.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from zhiben_training.values import as_bool

__all__ = [
    "PaperItem",
    "MAX_ANSWER_ITEMS",
    "MAX_TEXT_CHARS",
    "normalise_choice",
    "normalise_item_ids",
    "normalise_truefalse",
    "score_item",
]

MAX_TEXT_CHARS = 4_000
MAX_ANSWER_ITEMS = 200


@dataclass(frozen=True)
class PaperItem:
    """One slot of a paper; ``key`` is the examiner-only expected answer (JSON-serialisable)."""

    item_id: str
    kind: str
    prompt_md: str
    answer_var: str
    answer_template: str
    points: float
    key: object
    source_question_id: str | None
    citation: str
    choices: dict | None = None  # what a click task's widgets offer (t03 without code); never the key


_LEVELS = ("一般", "危大", "超规模")
_ID_RE = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,2}$")
_REQUIREMENT_WORDS = {
    "超规模": ("专家论证", "论证", "专项施工方案", "专项方案"),
    "危大": ("专项施工方案", "专项方案", "验收", "交底", "第三方监测", "监测", "审核"),
}


def _text(value: object) -> str | None:
    """A bounded, NFKC-normalised string, or None when the value is not a string."""
    if not isinstance(value, str):
        return None
    return unicodedata.normalize("NFKC", value[:MAX_TEXT_CHARS]).strip()


def normalise_choice(answer: object) -> str | None:
    """Letters chosen, sorted and joined ("ACD"); None when the answer is not readable as letters."""
    if isinstance(answer, list | tuple):
        if not 0 < len(answer) <= 5:
            return None
        parts = [_text(a) for a in answer]
        if any(p is None for p in parts):
            return None
        raw = "".join(parts)
    else:
        raw = _text(answer)
        if raw is None:
            return None
    letters = re.sub(r"[\s,，、;；/|()（）\[\].。'\"]", "", raw.upper())
    if not letters or not re.fullmatch(r"[A-E]+", letters) or len(set(letters)) != len(letters):
        return None
    return "".join(sorted(letters))


def normalise_truefalse(answer: object) -> bool | None:
    """True/False from the many ways trainees write it; None when unreadable."""
    if isinstance(answer, bool) or (isinstance(answer, int) and answer in (0, 1)):
        return bool(answer)
    text = _text(answer)
    return None if text is None else as_bool(text)  # the project's one list of yes/no words


def _one_id(value: object) -> str | None:
    text = _text(value)
    if text is None or len(text) > 20:
        return None
    text = text.replace("2024/", "").replace("．", ".").replace(" ", "")
    return text if _ID_RE.match(text) else None


def normalise_item_ids(answer: object) -> list[str] | None:
    """Distinct 2024 item ids in the order given; None if the answer is not a list/str of ids."""
    if isinstance(answer, str):
        answer = [p for p in re.split(r"[\s,，、;；]+", answer[:MAX_TEXT_CHARS]) if p]
    if not isinstance(answer, list | tuple) or len(answer) > MAX_ANSWER_ITEMS:
        return None
    ids: list[str] = []
    for value in answer:
        one = _one_id(value)
        if one is None:
            return None
        if one not in ids:
            ids.append(one)
    return ids


def _wrong(item, expected: str) -> str:
    cite = f"（{item.citation}）" if getattr(item, "citation", "") else ""
    return f"错误：应为 {expected}{cite}。"


def _score_choice(item, answer: object) -> tuple[float, str]:
    got = normalise_choice(answer)
    key = item.key if isinstance(item.key, str) else "".join(sorted(item.key))
    if got is None:
        return 0.0, "未作答或答案格式无效（请填写选项字母）。" + _wrong(item, key)
    if item.kind == "single" and len(got) != 1:
        return 0.0, "单选题只能选一个选项。" + _wrong(item, key)
    if got == key:
        return float(item.points), "正确。"
    return 0.0, _wrong(item, key)


def _score_truefalse(item, answer: object) -> tuple[float, str]:
    got = normalise_truefalse(answer)
    word = "正确" if item.key else "错误"
    if got is None:
        return 0.0, "未作答或答案格式无效（请填写 True 或 False）。" + _wrong(item, word)
    if got == bool(item.key):
        return float(item.points), "正确。"
    return 0.0, _wrong(item, word)


def _score_hazard_ids(item, answer: object) -> tuple[float, str]:
    key = list(item.key)
    got = normalise_item_ids(answer)
    if got is None:
        return 0.0, "答案格式无效：请填写条款编号列表，如 [\"5.3\", \"8.1\"]。应为 " + "、".join(key) + "。"
    if not key:
        return (float(item.points), "正确：该现场没有重大事故隐患。") if not got else (
            0.0, "该现场没有重大事故隐患，多填了：" + "、".join(got) + "。")
    hits = [i for i in got if i in key]
    extra = [i for i in got if i not in key]
    missed = [i for i in key if i not in got]
    share = item.points / len(key)
    points = round(max(0.0, share * (len(hits) - len(extra))), 2)
    parts = [f"找对 {len(hits)}/{len(key)} 项"]
    if missed:
        parts.append("漏判：" + "、".join(missed))
    if extra:
        parts.append(f"误判（每项扣 {share:.2f} 分）：" + "、".join(extra))
    return points, "；".join(parts) + f"。依据：{item.citation}。"


def _work_answer(value: object) -> tuple[str | None, str]:
    if isinstance(value, dict):
        if len(value) > 10:
            return None, ""
        level, req = _text(value.get("level")), _text(value.get("requirement")) or ""
    else:
        level, req = _text(value), ""
    if level in ("超过一定规模", "超危大", "超过一定规模的危大工程"):
        level = "超规模"
    return (level if level in _LEVELS else None), req


def _score_classify(item, answer: object) -> tuple[float, str]:
    key: dict = item.key
    if not isinstance(answer, dict) or len(answer) > MAX_ANSWER_ITEMS:
        return 0.0, "答案格式无效：请按模板填写 {分部分项工程编号: {\"level\": …, \"requirement\": …}}。"
    share = item.points / max(1, len(key))
    total, notes = 0.0, []
    for work_id, expected in key.items():
        level, req = _work_answer(answer.get(work_id))
        want = expected["level"]
        if level != want:
            notes.append(f"{work_id} 应为{want}")
            continue
        words = _REQUIREMENT_WORDS.get(want, ())
        if not words or any(w in req for w in words):
            total += share
        else:
            total += share * 0.8
            notes.append(f"{work_id} 级别正确，但未写出要求（如：{expected.get('hint', words[0])}）")
    comment = "全部正确。" if not notes else "；".join(notes) + "。"
    return round(total, 2), comment + f"依据：{item.citation}。"


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    text = _text(value)
    if text is None or len(text) > 30:
        return None
    try:
        number = float(text.rstrip("%％ "))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _score_ledger(item, answer: object) -> tuple[float, str]:
    key: dict = item.key
    if not isinstance(answer, dict) or len(answer) > 20:
        return 0.0, "答案格式无效：请按模板填写字典。"
    total, notes = 0.0, []
    overdue = _number(answer.get("overdue_major"))
    if overdue is not None and overdue == key["overdue_major"]:
        total += 0.4 * item.points
    else:
        notes.append(f"逾期未整改的重大事故隐患应为 {key['overdue_major']} 条")
    rates = answer.get("closure_rate_by_channel")
    rates = rates if isinstance(rates, dict) and len(rates) <= 20 else {}
    expected: dict = key["closure_rate_by_channel"]
    for channel, want in expected.items():
        got = _number(rates.get(channel))
        if got is not None and got <= 1.0 < want:
            got *= 100.0  # a fraction instead of a percentage is still the right rate
        if got is not None and abs(got - want) <= 0.1 + 1e-9:
            total += 0.6 * item.points / max(1, len(expected))
        else:
            notes.append(f"{channel} 销号率应为 {want:.1f}%")
    comment = "全部正确。" if not notes else "；".join(notes) + "。"
    return round(total, 2), comment


def _score_ledger_read(item, answer: object) -> tuple[float, str]:
    key: dict = item.key
    if not isinstance(answer, dict) or len(answer) > 20:
        return 0.0, "答案格式无效：请选择条数和发现渠道。"
    total, notes = 0.0, []
    overdue = _number(answer.get("overdue_major"))
    if overdue is not None and overdue == key["overdue_major"]:
        total += 0.5 * item.points
    else:
        notes.append(f"逾期未销号的重大事故隐患应为 {key['overdue_major']} 条")
    channel = _text(answer.get("lowest_channel"))
    if channel is not None and channel in key["lowest_channels"]:
        total += 0.5 * item.points
    else:
        notes.append("销号率最低的发现渠道应为" + "或".join(key["lowest_channels"]))
    comment = "全部正确。" if not notes else "；".join(notes) + "。"
    return round(total, 2), comment


_SCORERS = {
    "single": _score_choice,
    "multiple": _score_choice,
    "truefalse": _score_truefalse,
    "hazard_ids": _score_hazard_ids,
    "classify_works": _score_classify,
    "ledger": _score_ledger,
    "ledger_read": _score_ledger_read,
}


def score_item(item, answer: object) -> tuple[float, str]:
    """(points earned, Chinese comment) for ``answer`` on ``item``; never raises on any answer."""
    if item.kind == "written":
        return 0.0, "简答题由考核人员人工评分。"
    scorer = _SCORERS.get(item.kind)
    if scorer is None:
        return 0.0, f"未知题型 {item.kind}，无法自动评分。"
    try:
        points, comment = scorer(item, answer)
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError, OverflowError):
        return 0.0, "答案无法识别，记 0 分。"
    return min(float(item.points), max(0.0, points)), comment
