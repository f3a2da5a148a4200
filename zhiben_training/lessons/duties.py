"""Shape the knowledge base's duty and penalty provisions for lesson 04's side-by-side tables.

The text always comes from ``zhiben_training.law`` (``duties()``/``penalties()``); this module
only splits articles into their numbered items and lines the two subjects up.
"""

from __future__ import annotations

import re

__all__ = ["split_items", "duties_side_by_side", "penalty_rows"]

SAFETY_LAW = "安全生产法"
ITEM = re.compile(r"（[一二三四五六七八九十]+）")


def split_items(text: str) -> list[str]:
    """"…职责：（一）甲；（二）乙。" → ["（一）甲；", "（二）乙。"]; text without items → [text].

    An item ends at the next item or at the end of its paragraph (a later paragraph is not part of it).
    """
    starts = [m.start() for m in ITEM.finditer(text)]
    if not starts:
        return [text.strip()]
    bounds = [*starts, len(text)]
    return [text[a:b].strip().split("\n")[0] for a, b in zip(bounds, bounds[1:], strict=False)]


def _article_items(provisions, article_cn: str) -> list[str]:
    texts = [p.text for p in provisions if SAFETY_LAW in p.law and p.article_cn == article_cn]
    items: list[str] = []
    for text in texts:
        items.extend(i for i in split_items(text) if ITEM.match(i))
    # one provision per item or one per article: either way keep order, drop repeats
    return list(dict.fromkeys(items))


def duties_side_by_side(provisions) -> list[dict]:
    """Rows pairing 第二十一条 (主要负责人) item n with 第二十五条 (安全生产管理人员) item n."""
    principal = _article_items(provisions, "第二十一条")
    manager = _article_items(provisions, "第二十五条")
    rows = []
    for n in range(max(len(principal), len(manager))):
        rows.append({
            "主要负责人（安全生产法第二十一条）": principal[n] if n < len(principal) else "",
            "安全生产管理机构及安全生产管理人员（安全生产法第二十五条）":
                manager[n] if n < len(manager) else "",
        })
    return rows


def penalty_rows(provisions) -> list[dict]:
    """One row per penalty provision: 法律, 条款, 对象, 原文, 核实状态 (in Chinese)."""
    from zhiben_training.law import status_cn

    return [{"法律": p.law, "条款": p.article_cn, "对象": p.subject, "原文": p.text,
             "核实状态": status_cn(p.status)}
            for p in provisions]
