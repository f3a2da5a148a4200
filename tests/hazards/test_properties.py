"""Property tests over the record schema: no record crashes the engine, none exits 1 without a finding."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiben_training.cli import main
from zhiben_training.errors import RecordFormatError
from zhiben_training.hazards import judge_record, record_schema

_DATE = st.dates().map(lambda d: d.isoformat())
# any character, lone surrogates included (a JSON "\\ud800" escape decodes to one)
_CHARS = st.characters() | st.characters(categories=["Cs"])
_ABOUT = st.sampled_from(["enterprise", "works[0]", "works[1]", "equipment[0]",
                          "observations.lighting_zones[0]", "weather"])


def _strategy(node: dict, name: str = "") -> st.SearchStrategy:
    """Values that follow one schema node (with a few out-of-range numbers, so rejection paths run too)."""
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if kind == "object":
        props = node.get("properties", {})
        required = set(node.get("required", []))
        return st.fixed_dictionaries({k: _strategy(v, k) for k, v in props.items() if k in required},
                                     optional={k: _strategy(v, k) for k, v in props.items()
                                               if k not in required})
    if kind == "array":
        items = _strategy(node["items"], name) if "items" in node else st.none()
        return st.lists(items, max_size=2, unique=node.get("uniqueItems", False))
    if kind == "boolean":
        return st.booleans()
    if kind in ("number", "integer"):
        lo, hi = node.get("minimum", -1e6), node.get("maximum", 1e6)
        inside = st.integers(int(lo), int(hi)) if kind == "integer" else st.floats(lo, hi, allow_nan=False)
        return st.one_of(inside, st.sampled_from([lo, hi]), st.floats(allow_nan=True, allow_infinity=True))
    if kind == "string":
        if name == "about":
            return _ABOUT
        if node.get("pattern", "").startswith("^\\d{4}"):
            return st.one_of(_DATE, st.just("2026-02-30"))
        return st.text(_CHARS, min_size=node.get("minLength", 0), max_size=8)
    return st.none()


RECORDS = _strategy(record_schema())
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(RECORDS)
def test_no_record_that_follows_the_schema_crashes_the_engine(record):
    """Every record either is refused with a RecordFormatError naming a field, or gets a verdict."""
    try:
        verdict = judge_record(record)
    except RecordFormatError as err:
        assert re.search(r"[\u4e00-\u9fff]", str(err))
        return
    assert (verdict.outcome == "major") == bool(verdict.findings)
    for item in verdict.undetermined:
        assert item.missing, item  # 无法判定 always names what to measure
    assert not {u.item_id for u in verdict.undetermined} & {f.item_id for f in verdict.findings}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(RECORDS)
def test_the_cli_exits_1_only_with_a_finding(tmp_path_factory, record):
    path = tmp_path_factory.mktemp("r") / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=True, allow_nan=True), "utf-8")
    try:
        code = main(["hazards", "check", "--json", str(path)])
    except SystemExit as stop:
        code = stop.code
    assert code in (0, 1, 2, 4)
    if code in (0, 1, 4):
        assert code != 1 or judge_record(record).findings


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(_CHARS, max_size=5),
                    lambda inner: (st.lists(inner, max_size=3)
                                   | st.dictionaries(st.text(_CHARS, max_size=5), inner, max_size=3)),
                    max_leaves=20))
def test_arbitrary_json_is_refused_with_a_record_format_error(value):
    try:
        judge_record(value)
    except RecordFormatError as err:
        assert re.search(r"[\u4e00-\u9fff]", str(err))
