"""危大 thresholds the reference does not verify can be set locally; verified ones cannot."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys

import pytest

from zhiben_training.errors import ConfigError
from zhiben_training.law._load import SCOPE_OVERRIDES_ENV, apply_scope_overrides, read_json

CRANE = {"work_id": "W1", "work_type": "crane_installation", "crane_capacity_kn": 260}


def _file(tmp_path, data):
    path = tmp_path / "危大门槛.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _level_with(env: dict) -> str:
    code = ("import json; from zhiben_training.hazards import classify_work; "
            f"print(classify_work({CRANE!r}).level)")
    result = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_an_unverified_threshold_follows_the_local_value(tmp_path):
    """W2.3.2 (300 kN, from memory in the reference): 260 kN is 危大 by default, 超规模 at a local 250 kN."""
    assert _level_with({}) == "危大"
    path = _file(tmp_path, {"W2.3.2": {"crane_capacity_kn": 250}})
    assert _level_with({SCOPE_OVERRIDES_ENV: str(path)}) == "超规模"


def test_a_verified_threshold_cannot_be_changed(tmp_path):
    doc = copy.deepcopy(read_json("wd_scopes.json"))
    with pytest.raises(ConfigError, match="已核实"):
        apply_scope_overrides(doc, _file(tmp_path, {"W2.1": {"depth_m": 4}}))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"W9.9": {"depth_m": 1}}, "没有编号"),
        ({"W2.3.2": {"depth_m": 1}}, "没有参数"),
        ({"W2.3.2": {"crane_capacity_kn": -1}}, "非负数"),
        ({"W2.3.2": {"crane_capacity_kn": "三百"}}, "非负数"),
        ([1, 2], "JSON 对象"),
    ],
)
def test_bad_scope_overrides_get_a_chinese_error(tmp_path, data, message):
    doc = copy.deepcopy(read_json("wd_scopes.json"))
    with pytest.raises(ConfigError, match=message):
        apply_scope_overrides(doc, _file(tmp_path, data))
