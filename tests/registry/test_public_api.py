"""The registry's public API is small and pinned; the rules file cites a source for every rule."""

from __future__ import annotations

import zhiben_training.registry as registry
from tests.reference import ACTION_PLAN, REGULATIONS, reference_text, squash
from zhiben_training.registry.rules import rules


def test_public_api_is_pinned():
    assert registry.__all__ == ["open_registry", "Registry", "IMPORT_KINDS", "ImportResult", "write_template"]
    for name in ("load_synthetic", "record_assessment_results", "status", "renewals_due", "roster", "findings",
                 "enterprises", "people", "rounds"):
        assert callable(getattr(registry.Registry, name))


def test_every_figure_the_law_does_not_give_is_labelled_configurable():
    data = rules()
    assert data["certificates"]["an_guan"]["renewal_training_hours"]["status"] == "configurable, not law"
    assert all(v["status"] == "configurable, not law" for v in data["round_defaults"].values())
    assert data["audiences"]["special"]["min_annual_hours"] == 24
    assert "第十七条" in data["audiences"]["special"]["source"]
    assert "二、（一）2" in data["audiences"]["principal"]["source"]
    assert data["audiences"]["principal"]["campaign_years"] == [2024, 2025, 2026]


def test_quotes_are_verbatim_from_the_reference_texts():
    reference = reference_text(REGULATIONS)
    data = rules()
    for quote in (data["certificates"]["an_guan"]["quote"], data["certificates"]["special"]["quote"],
                  data["audiences"]["special"]["quote"], data["audiences"]["safety"]["quote"]):
        assert quote in reference
    assert squash(data["audiences"]["principal"]["quote"]) in squash(reference_text(ACTION_PLAN))
