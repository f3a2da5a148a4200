"""What the rules engine returns: plain frozen records, rendered by the CLI and notebooks."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

LEVELS = ("一般", "危大", "超规模")
UNDETERMINED = "无法判定"


@dataclass(frozen=True)
class WorkClassification:
    """One sub-work's 危大 level with the scopes that matched, why, and what follows from it.

    ``level`` is 一般 / 危大 / 超规模, or 无法判定 when nothing establishes a level and a missing
    field (``missing``) could; ``open_scope_ids`` are higher scopes the record leaves open.
    ``unverified_scope_ids`` are matched scopes the reference gives only from memory (e.g. W2.6);
    ``level_unverified`` says the level rests on such scopes alone, so it is shown with 未核实.
    """

    work_id: str
    work_type: str
    level: str
    scope_ids: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    duties: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    open_scope_ids: tuple[str, ...] = ()
    declared_level: str | None = None
    unverified_scope_ids: tuple[str, ...] = ()
    level_unverified: bool = False


@dataclass(frozen=True)
class HazardFinding:
    """A major hazard (重大事故隐患) found in a record: item, verbatim text, triggering facts."""

    item_id: str
    text: str
    facts: tuple[str, ...]
    needs_judgement: bool = False
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Undetermined:
    """An item the record brings into play but cannot decide: ``missing`` names the fields to measure."""

    item_id: str
    text: str
    missing: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class IssueVerdict:
    """One recorded observation (``observations.issues[i]``): major hazard (item ids), 一般, or 无法判定."""

    index: int
    description: str
    about: str | None
    verdict: str  # "重大事故隐患" | "一般隐患" | "无法判定"
    item_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordVerdict:
    """Everything the engine says about one record (``zhiben hazards check`` renders it)."""

    record_id: str
    applicable: bool
    findings: tuple[HazardFinding, ...]
    undetermined: tuple[Undetermined, ...]
    works: tuple[WorkClassification, ...]
    issues: tuple[IssueVerdict, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def outcome(self) -> str:
        """"major" (a major hazard found), "undetermined" (none found, some 无法判定) or "none"."""
        if self.findings:
            return "major"
        return "undetermined" if self.undetermined or not self.applicable else "none"


def fact(path: str, value: Any) -> str:
    """``works[0].depth_m = 5`` — the form every triggering fact takes."""
    return f"{path} = {json.dumps(value, ensure_ascii=False)}"


@dataclass(frozen=True)
class MigrationGap:
    """What a migrated format-1 record leaves undecidable (无法判定) that format 1 never reported, and why.

    ``item_id`` is the 判定标准2024 item, or None when ``work_id``'s 危大 level is what became undecidable;
    ``reasons`` has one Chinese line per missing field (format 1 had no such field, or the record left
    it out).
    """

    item_id: str | None
    work_id: str | None
    text: str
    missing: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Migration:
    """``migrate_record``'s answer: the format-2 record, what was rewritten, and what became 无法判定."""

    record: dict
    notes: tuple[str, ...]
    undecidable: tuple[MigrationGap, ...] = ()
