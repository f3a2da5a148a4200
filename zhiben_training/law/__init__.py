"""The knowledge base: 判定标准 2024 and 2022, 危大 scopes, duties, penalties, thresholds.

All legal text lives in ``zhiben_training/data/law/*.json`` quoted from regulations.md, each entry
with its source and verification status; this package loads it once, checks it and returns it.
"""

from __future__ import annotations

import difflib

from zhiben_training.errors import UnknownItemError
from zhiben_training.law._load import (
    VERSIONS,
    changes_data,
    criteria_data,
    measured_thresholds_data,
    provisions_data,
    record_schema,
    scopes_data,
    thresholds_data,
)
from zhiben_training.law._models import Criterion, Provision, Scope, status_cn, status_note
from zhiben_training.law._rules import evaluate as evaluate_rule
from zhiben_training.law._rules import param_labels, scope_thresholds

__all__ = [
    "Criterion",
    "Provision",
    "Scope",
    "UnknownItemError",
    "VERSIONS",
    "changes_2022_2024",
    "chapters",
    "criteria",
    "criterion",
    "duties",
    "evaluate_rule",
    "measured_thresholds_data",
    "param_labels",
    "penalties",
    "record_schema",
    "self_check",
    "status_cn",
    "status_note",
    "thresholds",
    "thresholds_data",
    "wd_duties",
    "wd_scopes",
]


def criteria(version: str = "2024") -> list[Criterion]:
    """All items of 判定标准 ``version`` in document order, sub-items (5.4.1 …) after their parent."""
    return list(criteria_data(version)[1])


def criterion(item_id: str, *, version: str = "2024") -> Criterion:
    """One item by id (``"5.4.2"``); a ``"2024/"`` or ``"2022/"`` prefix selects the version."""
    if "/" in item_id:
        version, item_id = item_id.split("/", 1)
    items = {c.id: c for c in criteria(version)}
    if item_id in items:
        return items[item_id]
    guess = difflib.get_close_matches(item_id, list(items), n=1)
    hint = f"是否想查 {guess[0]}？" if guess else "用 zhiben hazards list 查看全部编号。"
    raise UnknownItemError(f"{version} 版判定标准中没有条目 “{item_id}”", hint=hint)


def chapters(version: str = "2024") -> list[dict]:
    """Chapters (one per article with criteria): article, article_cn, chapter, item_ids."""
    return [
        {k: ch[k] for k in ("article", "article_cn", "chapter", "item_ids")}
        | {"lead_in": ch.get("lead_in", "")}
        for ch in criteria_data(version)[0]["chapters"]
    ]


def changes_2022_2024() -> list[dict]:
    """What changed per 2024 item (``id_2024`` None = a 2022 item that was removed)."""
    return [dict(row) for row in changes_data()]


def wd_scopes() -> list[Scope]:
    """建办质〔2018〕31号 附件1 (危大) and 附件2 (超规模) entries with their rules."""
    return list(scopes_data()[1])


def wd_duties() -> list[dict]:
    """What a 危大 / 超规模 work requires (plan and approvals, expert review, acceptance, monitoring)."""
    return [dict(d) for d in scopes_data()[0]["duties"]]


def duties() -> list[Provision]:
    """Duty, certificate and staffing articles (everything that is not a penalty)."""
    return [p for p in provisions_data() if p.kind != "penalty"]


def penalties() -> list[Provision]:
    """Penalty articles (安全生产法 第九十四条起、条例 第六十二、六十六条 …)."""
    return [p for p in provisions_data() if p.kind == "penalty"]


def thresholds() -> list[dict]:
    """Every numeric threshold with comparator, unit, source and status (危大 ones derived from the rules)."""
    return [dict(row) for row in thresholds_data().values()] + scope_thresholds(wd_scopes())


def self_check() -> dict:
    """Load and validate every data file; returns counts (used by tests and ``zhiben hazards list``)."""
    return {
        "criteria_2024": len([c for c in criteria("2024") if c.parent_id is None]),
        "sub_items_2024": len([c for c in criteria("2024") if c.parent_id]),
        "criteria_2022": len(criteria("2022")),
        "changes": len(changes_2022_2024()),
        "scopes": len(wd_scopes()),
        "provisions": len(provisions_data()),
        "thresholds": len(thresholds()),
    }
