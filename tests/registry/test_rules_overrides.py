"""Local configuration may change figures marked "configurable, not law" and nothing else."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zhiben_training.errors import ConfigError
from zhiben_training.registry import open_registry
from zhiben_training.registry.rules import OVERRIDES_ENV, apply_overrides, rules


def _write(tmp_path: Path, data) -> Path:
    path = tmp_path / "本地规则.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_configurable_figure_changes_and_says_where_it_came_from(tmp_path):
    data = copy.deepcopy(rules())
    path = _write(tmp_path, {"certificates.an_guan.renewal_training_hours": 24,
                             "round_defaults.pass_mark": 70})
    apply_overrides(data, path)
    hours = data["certificates"]["an_guan"]["renewal_training_hours"]
    assert hours["value"] == 24 and hours["local_override"] == str(path)
    assert data["round_defaults"]["pass_mark"]["value"] == 70
    assert "local_override" not in rules()["round_defaults"]["pass_mark"]  # the cached rules are untouched


def test_a_figure_from_a_legal_text_cannot_be_overridden(tmp_path):
    data = copy.deepcopy(rules())
    data["round_defaults"]["pass_mark"]["status"] = "verified"  # as if it came from a law
    with pytest.raises(ConfigError, match="取自法规原文"):
        apply_overrides(data, _write(tmp_path, {"round_defaults.pass_mark": 70}))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"certificates.an_guan.extension_years": 5}, "不是可配置项"),
        ({"certificates.an_guan.initial_validity_years": 5}, "取自法规原文"),
        ({"no.such.key": 1}, "不是可配置项"),
        ({"certificates.an_guan.renewal_blockers.failed_annual_assessment": 2}, "0（关）或 1（开）"),
        ({"certificates.an_guan.renewal_blockers.failed_annual_assessment": True}, "0（关）或 1（开）"),
        ({"certificates.an_guan.renewal_blockers.penalty_sanction_kinds": "罚款"}, "文本列表"),
        ({"round_defaults.required_hours": -3}, "非负数"),
        ({"round_defaults.required_hours": "二十四"}, "非负数"),
        (["round_defaults.required_hours", 24], "JSON 对象"),
    ],
)
def test_bad_overrides_get_a_chinese_error(tmp_path, overrides, message):
    data = copy.deepcopy(rules())
    with pytest.raises(ConfigError, match=message):
        apply_overrides(data, _write(tmp_path, overrides))


def test_the_environment_variable_reaches_the_command_line(tmp_path):
    """zhiben db open-rounds takes its default hours from the local configuration."""
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    env = dict(os.environ, **{OVERRIDES_ENV: str(_write(tmp_path, {"round_defaults.required_hours": 24}))})
    zhiben = Path(sys.executable).parent / "zhiben"
    result = subprocess.run([str(zhiben), "db", "open-rounds", "--year", "2027", "--db", url],
                            env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    with open_registry(url) as registry:
        rounds = registry.rounds()
    principal = rounds[rounds["round_id"] == "2027-principal"]
    assert float(principal["required_hours"].iloc[0]) == 24.0


def test_a_broken_configuration_file_stops_the_command_with_exit_2(tmp_path):
    bad = tmp_path / "坏.json"
    bad.write_text("{not json", encoding="utf-8")
    env = dict(os.environ, **{OVERRIDES_ENV: str(bad)})
    zhiben = Path(sys.executable).parent / "zhiben"
    result = subprocess.run([str(zhiben), "db", "open-rounds", "--year", "2027", "--db",
                             f"sqlite:///{tmp_path / 'r.sqlite'}"], env=env, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 2
    assert "无法读取本地规则配置" in result.stderr and "Traceback" not in result.stderr
