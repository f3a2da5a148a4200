"""The registry's public API is small and pinned; the rules file cites a source for every rule."""

from __future__ import annotations

import zhiben_training.registry as registry
from tests.reference import ACTION_PLAN, REGULATIONS, reference_text, squash
from zhiben_training.registry.rules import rules


def test_public_api_is_pinned():
    assert registry.__all__ == ["IMPORT_KINDS", "ImportResult", "RecordedResult", "RecordedResults",
                                "Registry", "mask_value", "open_registry", "passes", "registry_rules",
                                "registry_url", "score_percent", "start_local_server", "stop_local_server",
                                "write_template"]
    for name in ("load_synthetic", "record_assessment_results", "recorded_item_scores", "status",
                 "renewals_due", "roster", "findings", "enterprises", "people", "rounds", "result_outcomes",
                 "person_status"):
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


def test_certificate_periods_agree_with_the_knowledge_base_and_keep_its_verification_status():
    """The 3-year extension (17号令 第十条) is verified; the 3-year initial validity (第九条) is not."""
    from zhiben_training import law

    thresholds = {t["id"]: t for t in law.thresholds()}
    an_guan, special = rules()["certificates"]["an_guan"], rules()["certificates"]["special"]
    extension = thresholds["manager_certificate_extension_years"]
    initial = thresholds["manager_certificate_validity_years"]
    assert (an_guan["extension_years"], extension["status"]) == (extension["value"], "verified")
    assert "第十条" in extension["source"] and "第十条" in an_guan["source"]
    assert (an_guan["initial_validity_years"]["value"], initial["value"]) == (3, 3)
    assert an_guan["initial_validity_years"]["status"] == initial["status"] == "unverified"
    assert "第九条" in initial["source"] and "未核实" in an_guan["initial_validity_years"]["source"]
    assert special["extension_years"] == special["initial_validity_years"]["value"] == 2
    assert thresholds["special_certificate_validity_years"]["value"] == 2


def test_rules_beyond_the_law_are_local_configuration_and_the_silent_ones_are_off():
    blockers = rules()["certificates"]["an_guan"]["renewal_blockers"]
    failed = blockers["failed_annual_assessment"]
    assert (failed["value"], failed["status"], failed["label"]) == \
        (0, "configurable, not law", "本地规定，非法规要求")
    assert "第三十六条" not in blockers["source"] and blockers["status"] == "verified"
    for key in ("penalty_sanction_kinds", "bad_record_sanction_kinds"):
        assert blockers[key]["status"] == "configurable, not law"
    special = rules()["certificates"]["special"]["renewal_blockers"]
    assert special["status"] == "unverified" and special["label"] == "（未核实）"
    assert all(special[k]["status"] == "configurable, not law" for k in ("sanction_during_validity",
                                                                         "annual_hours_shortfall"))


def test_every_module_the_layout_paragraph_names_exists():
    """The package docstring's Layout paragraph names real modules (it once named ``results`` for
    ``scores``)."""
    import re
    from pathlib import Path

    layout = registry.__doc__.split("Layout", 1)[1].split("\n\n", 1)[0]
    named = set(re.findall(r"``(\w+)/?``", layout))
    folder = Path(registry.__file__).parent
    assert named \
        and {n for n in named if not ((folder / f"{n}.py").is_file() or (folder / n).is_dir())} == set()
