"""What the rules engine returns: plain frozen records, rendered by the CLI and notebooks."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

LEVELS = ("一般", "危大", "超规模")


@dataclass(frozen=True)
class WorkClassification:
    """One sub-work's 危大 level with the scopes that matched, why, and what follows from it."""

    work_id: str
    work_type: str
    level: str
    scope_ids: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    duties: tuple[str, ...] = ()


@dataclass(frozen=True)
class HazardFinding:
    """A major hazard (重大事故隐患) found in a record: item, verbatim text, triggering facts."""

    item_id: str
    text: str
    facts: tuple[str, ...]
    needs_judgement: bool = False
    notes: tuple[str, ...] = field(default=())


def fact(path: str, value: Any) -> str:
    """``works[0].depth_m = 5`` — the form every triggering fact takes."""
    return f"{path} = {json.dumps(value, ensure_ascii=False)}"
