"""Small record builders: a minimal valid record plus the explicit facts a test is about."""

from __future__ import annotations

import copy

import pytest

BASE = {
    "record_id": "T-0001",
    "inspection_date": "2026-03-15",
    "project": {"type": "房屋建筑"},
}


def make_record(**sections) -> dict:
    """A minimal record with ``sections`` (works=[...], equipment=[...], observations={...}, ...) added."""
    record = copy.deepcopy(BASE)
    for key, value in sections.items():
        if key == "project":
            record["project"].update(value)
        else:
            record[key] = copy.deepcopy(value)
    return record


def work(work_type: str, **facts) -> dict:
    return {"work_id": "W-01", "work_type": work_type, **facts}


def equipment(equipment_type: str, **facts) -> dict:
    return {"equipment_id": "E-01", "equipment_type": equipment_type, **facts}


@pytest.fixture
def record_factory():
    return make_record
