"""Lesson 03's explorer: slider values become a record-format work, the verdict comes from hazards."""

from __future__ import annotations

import pytest

from zhiben_training.hazards import classify_work, validate_record
from zhiben_training.lessons import explorer


def test_a_5_m_excavation_is_超规模_and_4_9_m_is_危大():
    assert explorer.classify(explorer.work_for("excavation", {"depth_m": 5.0})).level == "超规模"
    assert explorer.classify(explorer.work_for("excavation", {"depth_m": 4.9})).level == "危大"


@pytest.mark.parametrize("kind", [k["key"] for k in explorer.explorer_spec()["works"]])
def test_every_slider_kind_builds_a_valid_record_work(kind):
    spec = next(k for k in explorer.explorer_spec()["works"] if k["key"] == kind)
    values = {s["field"]: s["value"] for s in spec["sliders"]}
    record = {"record_id": "L03", "inspection_date": "2026-01-01", "project": {"type": "房屋建筑"},
              "works": [explorer.work_for(kind, values)]}
    validate_record(record)
    assert all(s["min"] <= s["value"] <= s["max"] for s in spec["sliders"])


def test_the_explorer_records_each_move_and_shows_the_new_verdict():
    choices: dict = {}
    box = explorer.threshold_explorer(choices)
    picker, sliders, verdict, duties = box.children
    depth = sliders.children[0]
    assert depth.description == "开挖深度（m）"
    assert (choices["kind"], choices["values"], choices["level"]) == ("excavation", {"depth_m": 4.9}, "危大")
    depth.value = 5.0
    assert choices["level"] == "超规模" and choices["values"] == {"depth_m": 5.0}
    assert ">超规模<" in verdict.value and "专家论证" in duties.value
    depth.value = 2.9
    assert choices["level"] == "一般" and "无需专项施工方案" in duties.value
    picker.value = "formwork"
    assert choices["kind"] == "formwork" and set(choices["values"]) == {
        "height_m", "span_m", "total_load_kn_m2", "line_load_kn_m"}
    assert [h[2] for h in choices["history"]][:3] == ["危大", "超规模", "一般"]


def test_prediction_feedback_compares_the_recorded_pick_with_the_rules_engine():
    tasks = explorer.explorer_spec()["tasks"]
    truth = {t["key"]: classify_work({"work_id": t["key"], **t["work"]}).level for t in tasks}
    wrong = {k: next(lv for lv in explorer.LEVELS if lv != v) for k, v in truth.items()}
    assert {r["结果"] for r in explorer.score_predictions(truth)} == {"正确"}
    assert {r["结果"] for r in explorer.score_predictions(wrong)} == {"不正确"}
    assert {r["结果"] for r in explorer.score_predictions({})} == {"未作答"}


def test_prediction_widgets_write_the_pick_into_the_dict():
    choices: dict = {}
    box = explorer.prediction_quiz(choices)
    picker = box.children[0].children[1]
    assert picker.description == "情形1"
    picker.value = "超规模"
    assert choices["t1"] == "超规模"
