"""Malformed records: exit 2 with a Chinese message naming the field, never a traceback or exit 1."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tests.hazards.conftest import make_record
from tests.hazards.conftest import work as W
from zhiben_training.cli import main
from zhiben_training.errors import RecordFormatError
from zhiben_training.hazards import find_hazards, validate_record
from zhiben_training.hazards._reading import MAX_DEPTH, MAX_FILE_BYTES


def _check(tmp_path: Path, text: str | bytes, capsys) -> tuple[int, str]:
    path = tmp_path / "bad.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    try:
        code = main(["hazards", "check", str(path)])
    except SystemExit as stop:
        code = stop.code
    return code, capsys.readouterr().err


def _record_text(**works_fields) -> str:
    return json.dumps(make_record(works=[W("excavation", **works_fields)]), ensure_ascii=False)


def test_nesting_2000_deep_is_exit_2_naming_the_field(tmp_path, capsys):
    deep = "[" * 2000 + "]" * 2000
    text = _record_text().replace('"work_type": "excavation"', f'"work_type": "excavation", "name": {deep}')
    code, err = _check(tmp_path, text, capsys)
    assert code == 2 and "嵌套过深" in err and "works" in err and "Traceback" not in err


def test_a_5000_digit_integer_is_exit_2_naming_the_field(tmp_path, capsys):
    text = _record_text(depth_m=1).replace('"depth_m": 1', '"depth_m": ' + "9" * 5000)
    code, err = _check(tmp_path, text, capsys)
    assert code == 2 and "works[0].depth_m" in err and "位数" in err


@pytest.mark.parametrize("literal", ["1e400", "-1e400", "NaN", "Infinity", "-Infinity"])
def test_infinite_and_nan_depths_are_rejected_not_read(tmp_path, capsys, literal):
    text = _record_text(depth_m=1).replace('"depth_m": 1', f'"depth_m": {literal}')
    code, err = _check(tmp_path, text, capsys)
    assert code == 2 and "works[0].depth_m" in err


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 10**20])
def test_the_library_rejects_nan_inf_and_absurd_numbers_in_python_records(value):
    with pytest.raises(RecordFormatError) as err:
        find_hazards(make_record(works=[W("excavation", depth_m=value)]))
    assert err.value.field == "works[0].depth_m"


def test_an_absurd_but_finite_depth_is_outside_the_schema_range():
    with pytest.raises(RecordFormatError) as err:
        validate_record(make_record(works=[W("excavation", depth_m=20000)]))
    assert err.value.field == "works[0].depth_m" and "≤" in str(err.value)


def test_a_gbk_file_gets_a_chinese_encoding_message(tmp_path, capsys):
    code, err = _check(tmp_path, _record_text(name="基坑").encode("gbk"), capsys)
    assert code == 2 and "不是 UTF-8 编码" in err and "codec" not in err


def test_an_oversized_file_is_refused_before_reading(tmp_path, capsys):
    code, err = _check(tmp_path, b" " * (MAX_FILE_BYTES + 1), capsys)
    assert code == 2 and "过大" in err


def test_a_python_record_nested_too_deep_is_refused():
    node: list = []
    record = make_record(works=[W("excavation", depth_m=1)])
    record["works"][0]["name"] = node
    for _ in range(MAX_DEPTH + 2):
        node.append([])
        node = node[0]
    with pytest.raises(RecordFormatError, match="嵌套过深"):
        validate_record(record)


def test_an_issue_about_a_path_that_is_not_an_object_is_refused():
    record = make_record(observations={"issues": [{"description": "x", "about": "works.0"}]})
    with pytest.raises(RecordFormatError) as err:
        validate_record(record)
    assert err.value.field == "observations.issues[0].about"


def test_an_absurd_finite_number_is_refused_by_the_magnitude_limit():
    with pytest.raises(RecordFormatError, match="超出合理范围") as err:
        validate_record(make_record(works=[W("excavation", depth_m=1e300)]))
    assert err.value.field == "works[0].depth_m"


@pytest.mark.parametrize("text", [
    '{"record_id": "\\ud800", "inspection_date": "2026-03-15", "project": {"type": "市政"}}',
    '{"\\ud800": 1, "record_id": "x", "inspection_date": "2026-03-15", "project": {"type": "市政"}}',
    '{"\\q": 1}',
    '{"record_id": "x", "inspection_date": "2026-03-15", "project": {"type": "市政"}, "works": ['
    + "[" * 20 + "]" * 20 + "]}",
])
def test_lone_surrogates_bad_escapes_and_deep_arrays_are_exit_2(tmp_path, capsys, text):
    code, err = _check(tmp_path, text, capsys)
    assert code == 2 and "错误" in err and "Traceback" not in err
