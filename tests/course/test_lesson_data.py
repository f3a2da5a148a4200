"""Lessons 02, 05 and 06: site examples, the inspection walk and the hazard ledger."""

from __future__ import annotations

import pandas as pd
import pytest

from zhiben_training import law
from zhiben_training.hazards import find_hazards
from zhiben_training.lessons import criteria_drill, inspection, ledger
from zhiben_training.lessons.city import CITY_ENV, ensure_city, lesson_city_dir, lesson_site_records


@pytest.mark.parametrize("example", criteria_drill.examples(), ids=lambda e: e["key"])
def test_a_site_example_names_an_existing_item_of_its_chapter(example):
    criterion = law.criterion(example["item_id"])
    assert criterion.article == example["article"] and criterion.decidable


def test_every_decidable_chapter_has_a_site_example():
    covered = {e["article"] for e in criteria_drill.examples()}
    assert covered == {c["article"] for c in law.chapters() if c["article"] < 16}


def test_the_drill_scores_from_the_recorded_choices():
    keys = criteria_drill._data()["drill"]
    right = {e["key"]: e["item_id"] for e in criteria_drill.examples() if e["key"] in keys}
    assert {r["结果"] for r in criteria_drill.score_drill(right)} == {"正确"}
    rows = criteria_drill.score_drill({keys[0]: "17"})
    assert [r["结果"] for r in rows] == ["不正确"] + ["未作答"] * (len(keys) - 1)


def test_2022_to_2024_counts_show_the_two_new_chapters():
    counts = criteria_drill.chapter_counts()
    assert counts.loc["施工临时堆载", "2022版"] == 0 and counts.loc["冒险作业", "2024版"] == 3
    assert counts["2024版"].sum() == sum(len(c["item_ids"]) for c in law.chapters())


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    return ensure_city(tmp_path_factory.mktemp("city") / "c")


def test_the_lesson_city_comes_from_the_environment_and_is_generated_once(city, monkeypatch):
    monkeypatch.setenv(CITY_ENV, str(city))
    assert lesson_city_dir() == city
    stamp = (city / "findings.parquet").stat().st_mtime_ns
    assert ensure_city() == city
    assert (city / "findings.parquet").stat().st_mtime_ns == stamp
    monkeypatch.delenv(CITY_ENV)
    assert lesson_city_dir().name == "lesson-city-demo-2026"


def test_the_walked_site_has_findings_and_every_finding_lands_on_an_object(city, monkeypatch):
    monkeypatch.setenv(CITY_ENV, str(city))
    record, findings = inspection.pick_site(lesson_site_records())
    assert findings == [f for f in find_hazards(record) if not f.needs_judgement] and len(findings) >= 2
    objects = inspection.inspection_objects(record)
    keys = {o.key for o in objects}
    expected = inspection.expected_items(findings)
    assert set(expected) <= keys
    assert sorted(i for items in expected.values() for i in items) == sorted(f.item_id for f in findings)
    perfect = {k: sorted(v)[0] for k, v in expected.items()} | {
        o.key: inspection.NONE for o in objects if o.key not in expected}
    assert {r["结果"] for r in inspection.score_marks(objects, perfect, findings)} == {"正确"}
    assert all("（" not in o.title.split("：", 1)[-1][-3:] for o in objects)  # no answer hints in names


def test_marking_a_clean_object_as_a_hazard_is_wrong_and_says_so():
    assert (inspection.judge("works[0]", "5.4.2", {})
            == ("不正确", "你选了 5.4.2；规则引擎判定：无重大事故隐患"))
    assert inspection.judge("works[0]", None, {"works[0]": {"6.1"}}) == ("未作答", "作答后显示参考答案。")
    verdict, why = inspection.judge("works[0]", "6.1", {"works[0]": {"6.1", "4.4"}})
    assert verdict == "正确" and "4.4" in why


def _ledger() -> pd.DataFrame:
    d = pd.Timestamp
    rows = [  # finding_id, district, level, channel, found, deadline, rectified, closed
        ("F1", "和平区", "重大", "企业自查", d("2025-03-01"), d("2025-03-10"),
         d("2025-03-08"), d("2025-03-12")),
        ("F2", "和平区", "重大", "督导检查", d("2025-11-01"), d("2025-11-20"), d("2026-01-05"), None),
        ("F3", "河西区", "重大", "群众举报", d("2026-05-01"), d("2026-05-10"), None, None),
        ("F4", "河西区", "一般", "企业自查", d("2026-05-02"), d("2026-05-05"),
         d("2026-05-04"), d("2026-05-06")),
    ]
    cols = ["finding_id", "district", "level", "channel", "found_date", "deadline",
            "rectified_date", "closed_date"]
    frame = pd.DataFrame(rows, columns=cols)
    for c in cols[4:]:
        frame[c] = pd.to_datetime(frame[c])
    return frame


def test_ledger_overdue_counts_late_rectification_and_still_open_items():
    late = ledger.overdue(ledger.major(_ledger()), as_of="2026-06-01")
    assert (dict(zip(late["finding_id"], late["状态"], strict=True))
            == {"F2": "逾期后整改", "F3": "逾期未整改"})
    assert dict(zip(late["finding_id"], late["逾期天数"], strict=True)) == {"F2": 46, "F3": 22}


def test_ledger_closure_rate_and_the_lowest_district():
    table = ledger.closure_by_district(_ledger())
    assert table.loc["和平区", "销号率"] == 0.5 and table.loc["河西区", "销号率"] == 0.0
    assert ledger.lowest_closure_district(_ledger()) == ["河西区"]


def test_ledger_year_end_rule_and_channels():
    assert list(ledger.year_end_open(_ledger(), 2025)["finding_id"]) == ["F2"]
    assert ledger.channel_table(_ledger()).loc["企业自查"].to_dict() == {"一般": 1, "重大": 1}
    assert list(ledger.rectify_days(ledger.major(_ledger()))) == [7, 65]
    assert ledger.data_date(_ledger()) == pd.Timestamp("2026-05-06")
    assert ledger.monthly(_ledger()).loc["2025-03"].to_dict() == {"发现": 1, "销号": 1}


def test_drill_widgets_record_the_pick_and_hint_at_once():
    choices: dict = {}
    box = criteria_drill.drill_widgets(choices)
    first_key = criteria_drill._data()["drill"][0]
    expected = next(e["item_id"] for e in criteria_drill.examples() if e["key"] == first_key)
    _scene, picker, feedback = box.children[0].children
    picker.value = "17"
    assert choices[first_key] == "17" and "再想想" in feedback.value
    picker.value = expected
    assert choices[first_key] == expected and "✓ 正确" in feedback.value


def test_marking_widgets_record_each_object_and_give_immediate_feedback(city, monkeypatch):
    monkeypatch.setenv(CITY_ENV, str(city))
    record, findings = inspection.pick_site(lesson_site_records())
    objects = inspection.inspection_objects(record)
    choices: dict = {}
    box = inspection.marking_widgets(objects, choices, findings)
    key, items = next(iter(inspection.expected_items(findings).items()))
    row = box.children[[o.key for o in objects].index(key)]
    _facts, picker, feedback = row.children
    assert picker.description.endswith("的判定")
    picker.value = inspection.NONE
    assert choices[key] == inspection.NONE and feedback.value.startswith("<span role='status'>× 不正确")
    picker.value = sorted(items)[0]
    assert "✓ 正确" in feedback.value


def test_ledger_tables_for_learners_have_chinese_columns_and_percentages():
    table = ledger.for_display(ledger.closure_by_district(_ledger()))
    assert table.loc["和平区", "销号率"] == "50.0%" and table.loc["河西区", "销号率"] == "0.0%"
    shown = ledger.for_display(_ledger())
    assert not [c for c in shown.columns if str(c).isascii()]
    assert all(len(v) in (0, 10) for v in shown["发现日期"])
