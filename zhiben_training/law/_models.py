"""Immutable records of the knowledge base (what the JSON files under ``data/law`` hold)."""

from __future__ import annotations

from dataclasses import dataclass, field

STATUSES = ("verified", "partially_verified", "unverified")


def status_cn(status: str) -> str:
    """A verification status as learners read it: 已核实 / 部分核实 / 未核实，仅供参考 (never the raw key)."""
    return {"verified": "已核实", "partially_verified": "部分核实"}.get(status, "未核实，仅供参考")


def status_note(status: str) -> str:
    """Suffix for user-facing text, so nothing unverified is presented as law."""
    return {"verified": "", "partially_verified": "（部分核实）"}.get(status, "（未核实，仅供参考）")




@dataclass(frozen=True)
class Criterion:
    """One item of 判定标准, e.g. ``5.4.2`` = 第五条第（四）项第2目 (2024 version)."""

    id: str
    version: str
    article: int
    article_cn: str
    item_cn: str
    chapter: str
    text: str
    parent_id: str | None
    status: str
    source: str
    decidable: bool


@dataclass(frozen=True)
class Scope:
    """One entry of 建办质〔2018〕31号 附件1 (危大) or 附件2 (超规模) with its machine rule."""

    id: str
    annex: int
    level: str
    text: str
    status: str
    source: str
    work_type: str
    when: dict | None = field(default=None, compare=False, hash=False)
    local_override: str | None = field(default=None, compare=False, hash=False)  # ZHIBEN_SCOPE_OVERRIDES file


@dataclass(frozen=True)
class Provision:
    """A duty, penalty, certificate or staffing article quoted from regulations.md."""

    law: str
    article_cn: str
    kind: str
    subject: str
    text: str
    status: str
    source: str
    note: str = ""
