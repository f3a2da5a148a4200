"""Fixtures for the question bank, papers, scoring and item analysis: one tiny synthetic city per session."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from zhiben_training.assess.papers.bank import bank_dir


@pytest.fixture(scope="session")
def tiny_city(tmp_path_factory) -> Path:
    """A seeded tiny city (≈40 sites) with site records and a hazard ledger."""
    from zhiben_training.synth import generate_city

    out = tmp_path_factory.mktemp("city")
    generate_city(scale="tiny", seed=2026, out_dir=out)
    return out


@pytest.fixture
def bank_copy(tmp_path) -> Path:
    """A writable copy of the bank, for breaking it on purpose."""
    target = tmp_path / "bank"
    shutil.copytree(bank_dir(), target)
    return target


def rewrite_question(bank: Path, topic: str, index: int, **changes) -> str:
    """Change one question in a bank copy; returns its id."""
    path = bank / "questions" / f"{topic}.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    question = doc["questions"][index]
    for key, value in changes.items():
        if value is None:
            question.pop(key, None)
        else:
            question[key] = value
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return question["id"]
