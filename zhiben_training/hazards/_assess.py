"""Run every check over a validated record and merge the hits into one finding per item."""

from __future__ import annotations

from zhiben_training.hazards import _checks_management, _checks_site, _checks_works
from zhiben_training.hazards._models import HazardFinding
from zhiben_training.hazards._record import validate_record
from zhiben_training.law import criteria

_CHECKS = _checks_management.CHECKS + _checks_works.CHECKS + _checks_site.CHECKS


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def assess(record: dict) -> list[HazardFinding]:
    """The major hazards (判定标准2024) a record shows, in the standard's order.

    Each finding carries the verbatim item text and the ``path = value`` facts that triggered it;
    items 16 and 17 come back with ``needs_judgement=True``. Raises ``RecordFormatError`` for a
    malformed record.
    """
    validate_record(record)
    facts: dict[str, list[str]] = {}
    notes: dict[str, list[str]] = {}
    for check in _CHECKS:
        for item_id, item_facts, item_notes in check(record):
            if item_facts:
                facts.setdefault(item_id, []).extend(item_facts)
                notes.setdefault(item_id, []).extend(item_notes)
    return [
        HazardFinding(
            item_id=c.id,
            text=c.text,
            facts=_unique(facts[c.id]),
            needs_judgement=not c.decidable,
            notes=_unique(notes[c.id]),
        )
        for c in criteria("2024")
        if c.id in facts
    ]
