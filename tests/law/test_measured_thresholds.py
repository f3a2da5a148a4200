"""data/law/measured_thresholds.json: record limits cite verified items; technical-standard values are
configuration, name the standard to check, and can be set locally (never the verified ones)."""

from __future__ import annotations

import json

import pytest

from tests.hazards.conftest import make_record
from zhiben_training import law
from zhiben_training.errors import ConfigError
from zhiben_training.hazards import judge_record, record_schema
from zhiben_training.law import _load


@pytest.fixture
def fresh(monkeypatch):
    _load.measured_thresholds_data.cache_clear()
    yield monkeypatch
    _load.measured_thresholds_data.cache_clear()


def _fields() -> set[str]:
    out = set()

    def walk(node):
        for name, spec in node.get("properties", {}).items():
            out.add(name)
            walk(spec)
            walk(spec.get("items", {}))
    walk(record_schema())
    return out


def test_every_limit_names_an_existing_item_and_documented_fields():
    data = _load.measured_thresholds_data()
    ids = {c.id for c in law.criteria("2024")}
    for row in data["record_limits"].values():
        assert row["item"] in ids and row["status"] == "verified"
        assert {row["measured"], row["limit"]} <= _fields()
        assert row["comparator"] in (">", "<")
    for row in data["standards"].values():
        assert row["item"] in ids


def test_every_unverified_standard_value_names_the_standard_to_check():
    for row in _load.measured_thresholds_data()["standards"].values():
        if row["status"] != "verified":
            assert row["status"] == "unverified" and "未核实" in row["standard_to_check"]


def test_a_local_value_changes_a_configured_threshold_and_the_verdict_says_so(fresh, tmp_path):
    path = tmp_path / "local.json"
    path.write_text(json.dumps({"measured": {"wind_stop_force_beaufort": 5,
                                             "lighting_voltage_max_v.special": 24}}), "utf-8")
    fresh.setenv(_load.SCOPE_OVERRIDES_ENV, str(path))
    verdict = judge_record(make_record(weather={"wind_force_beaufort": 5, "activities": ["lifting"]}))
    note = " ".join(verdict.findings[0].notes)
    assert verdict.findings[0].item_id == "15.2" and "本地配置" in note and "未核实" in note
    assert _load.measured_thresholds_data()["standards"]["lighting_voltage_max_v"]["value"]["special"] == 24


@pytest.mark.parametrize(("local", "message"), [
    ({"over_excavation_tolerance_m": 0.1}, "已核实"),
    ({"no_such_threshold": 1}, "没有测量阈值"),
    ({"wind_stop_force_beaufort": -1}, "非负数"),
    ({"overhead_line_min_distance_m": 5}, "一张表"),
])
def test_a_bad_or_forbidden_local_value_stops_with_a_chinese_error(fresh, tmp_path, local, message):
    path = tmp_path / "local.json"
    path.write_text(json.dumps({"measured": local}), "utf-8")
    fresh.setenv(_load.SCOPE_OVERRIDES_ENV, str(path))
    with pytest.raises(ConfigError, match=message):
        _load.measured_thresholds_data()


def test_the_measured_key_does_not_disturb_the_scope_overrides(fresh, tmp_path):
    path = tmp_path / "local.json"
    path.write_text(json.dumps({"measured": {"wind_stop_force_beaufort": 6},
                                "W2.3.2": {"crane_capacity_kn": 250}}), "utf-8")
    fresh.setenv(_load.SCOPE_OVERRIDES_ENV, str(path))
    _load.scopes_data.cache_clear()
    try:
        from zhiben_training.hazards import classify_work

        assert classify_work({"work_id": "C", "work_type": "crane_installation", "crane_capacity_kn": 260,
                              "erect_height_m": 50, "base_elevation_m": 0}).level == "超规模"
    finally:
        _load.scopes_data.cache_clear()
