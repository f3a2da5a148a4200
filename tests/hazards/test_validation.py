"""A malformed record gets a Chinese message that names the field; the schema ships with the package."""

from __future__ import annotations

import pytest

from tests.hazards.conftest import make_record
from tests.hazards.conftest import work as W
from zhiben_training.errors import RecordFormatError
from zhiben_training.hazards import record_schema, validate_record

CASES = [
    ("a number written in words", make_record(works=[W("excavation"), W("excavation", work_id="W-02"),
                                                    {"work_id": "W-03", "work_type": "excavation",
                                                     "depth_m": "五米"}]),
     "works[2].depth_m", '字段 works[2].depth_m 应为数字，实为 "五米"'),
    ("a misspelt field", make_record(works=[{"work_id": "W-01", "work_type": "excavation", "dept_m": 3}]),
     "works[0].dept_m", "字段 works[0].dept_m 不是检查记录格式中的字段"),
    ("a missing project type", {"record_id": "x", "inspection_date": "2026-01-01", "project": {}},
     "project.type", "缺少必填字段 project.type"),
    ("an unknown work type", make_record(works=[{"work_id": "W-01", "work_type": "bridge"}]),
     "works[0].work_type", "字段 works[0].work_type 应为以下之一"),
    ("a slash date", {"record_id": "x", "inspection_date": "2026/03/15", "project": {"type": "市政"}},
     "inspection_date", "字段 inspection_date 应为日期"),
    ("an impossible date", {"record_id": "x", "inspection_date": "2026-02-30", "project": {"type": "市政"}},
     "inspection_date", "字段 inspection_date 不是有效日期"),
    ("a negative depth", make_record(works=[W("excavation", depth_m=-1)]), "works[0].depth_m",
     "字段 works[0].depth_m 应 ≥ 0"),
    ("a yes/no written as text", make_record(works=[W("excavation", over_excavated="是")]),
     "works[0].over_excavated", "应为布尔值"),
    ("a scaffold without its type", make_record(works=[W("scaffold")]), "works[0].scaffold_type",
     "缺少必填字段 works[0].scaffold_type"),
    ("two works with one id", make_record(works=[W("excavation"), W("slope")]), "works[1].work_id", "重复"),
    ("a certificate without expiry", make_record(personnel=[{"role": "项目负责人",
                                                             "certificates": [{"type": "B"}]}]),
     "personnel[0].certificates[0].valid_until", "缺少必填字段"),
]


@pytest.mark.parametrize(("why", "record", "field", "message"), CASES, ids=[c[0] for c in CASES])
def test_malformed_records_name_the_field_in_chinese(why, record, field, message):
    with pytest.raises(RecordFormatError) as err:
        validate_record(record)
    assert err.value.field == field
    assert message in str(err.value)


def test_a_misspelt_field_gets_a_suggestion():
    with pytest.raises(RecordFormatError) as err:
        validate_record(make_record(works=[{"work_id": "W-01", "work_type": "excavation", "dept_m": 3}]))
    assert err.value.hint == "是否想写 depth_m？"


def test_a_json_array_is_not_a_record():
    with pytest.raises(RecordFormatError, match="检查记录应为 JSON 对象"):
        validate_record([])


def test_a_minimal_record_is_valid():
    validate_record(make_record())


def test_every_schema_field_has_a_chinese_description():
    def walk(node, path="record"):
        for name, spec in node.get("properties", {}).items():
            assert any("\u4e00" <= ch <= "\u9fff" for ch in spec.get("description", "")), f"{path}.{name}"
            yield from walk(spec, f"{path}.{name}")
            if "items" in spec:
                yield from walk(spec["items"], f"{path}.{name}[]")
        yield path

    assert len(list(walk(record_schema()))) > 10


def test_every_object_in_the_schema_rejects_unknown_fields():
    def objects(node):
        if node.get("type") == "object":
            yield node
        for spec in node.get("properties", {}).values():
            yield from objects(spec)
            if "items" in spec:
                yield from objects(spec["items"])

    found = list(objects(record_schema()))
    assert found and all(o.get("additionalProperties") is False for o in found)
