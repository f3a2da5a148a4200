"""Calculator for the accident fines of 安全生产法 第九十五条 (principals) and 第九十六条 (managers).

The percentages and the quoted text live in ``data/fines.json`` with their citation; this module
only does the arithmetic, in ``Decimal`` so that 40 % of 123 456.78 元 is exact to the fen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from importlib import resources

from zhiben_training.lessons import LessonInputError

__all__ = ["ACCIDENT_LEVELS", "PrincipalFine", "ManagerFineRange", "principal_fine", "manager_fine_range",
           "parse_yuan", "fine_rules"]

CENT = Decimal("0.01")


@cache
def fine_rules() -> dict:
    """The cited rules (law, article, verbatim text, percentages) from ``data/fines.json``."""
    text = resources.files("zhiben_training.lessons").joinpath("data/fines.json").read_text("utf-8")
    return json.loads(text)


ACCIDENT_LEVELS: tuple[str, ...] = tuple(row["level"] for row in fine_rules()["principal"]["levels"])


@dataclass(frozen=True)
class PrincipalFine:
    """第九十五条: the fine for one accident level, with the item it comes from."""

    level: str
    income: Decimal
    percent: int
    amount: Decimal
    citation: str
    text: str


@dataclass(frozen=True)
class ManagerFineRange:
    """第九十六条: a range (20 %–50 %), not a fixed amount; the authority decides within it."""

    income: Decimal
    min_percent: int
    max_percent: int
    min_amount: Decimal
    max_amount: Decimal
    citation: str


_UNITS = (("亿元", Decimal(100_000_000)), ("亿", Decimal(100_000_000)), ("万元", Decimal(10_000)),
          ("万", Decimal(10_000)), ("元", Decimal(1)))


def parse_yuan(value: object) -> Decimal:
    """An amount in 元 as a person writes it: ``500000``, ``500,000 元``, ``50万``, ``50 万元``, ``1.2亿``."""
    text = str(value).replace(",", "").replace("，", "").replace(" ", "").replace("\u3000", "").strip()
    factor = Decimal(1)
    for unit, times in _UNITS:
        if text.endswith(unit):
            text, factor = text[: -len(unit)], times
            break
    try:
        amount = Decimal(text) * factor
    except InvalidOperation:
        raise LessonInputError(f"上一年年收入“{value}”读不懂",
                               hint="请输入金额，例如 500000、50万 或 50万元") from None
    return amount


def _income(value: object) -> Decimal:
    income = parse_yuan(value)
    if not income.is_finite() or income < 0:
        raise LessonInputError(f"上一年年收入不能为负数或非有限数（输入为 {value}）",
                               hint="请输入 0 或正数，例如 50万")
    return income


def principal_fine(income: object, level: str) -> PrincipalFine:
    """Fine for a principal whose failure of duty led to an accident of ``level`` (一般…特别重大)."""
    rules = fine_rules()
    rows = {row["level"]: row for row in rules["principal"]["levels"]}
    if level not in rows:
        raise LessonInputError(f"事故等级“{level}”无效", hint=f"可选：{'、'.join(ACCIDENT_LEVELS)}")
    row = rows[level]
    base = _income(income)
    amount = (base * row["percent"] / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    citation = f"{rules['law']}{rules['principal']['article_cn']}第{row['item_cn']}项"
    return PrincipalFine(level, base, row["percent"], amount, citation, row["text"])


def manager_fine_range(income: object) -> ManagerFineRange:
    """Range of the fine for a safety manager whose failure of duty led to an accident (第九十六条)."""
    rules = fine_rules()
    rule = rules["safety_manager"]
    base = _income(income)
    low = (base * rule["min_percent"] / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    high = (base * rule["max_percent"] / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return ManagerFineRange(base, rule["min_percent"], rule["max_percent"], low, high,
                            f"{rules['law']}{rule['article_cn']}")
