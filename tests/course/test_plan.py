"""The year plan: monthly self-inspection (二（七）10), half-yearly drills and 24-hour duty (二（十）15)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from zhiben_training.lessons import LessonInputError
from zhiben_training.lessons.plan import (
    DRILL,
    SELF_INSPECTION,
    build_year_plan,
    check_year_plan,
    export_year_plan,
)


def test_the_default_plan_has_twelve_inspections_led_by_the_principal_and_passes_the_check():
    plan = build_year_plan(year=2026)
    inspections = plan[plan["活动"] == SELF_INSPECTION]
    assert sorted(inspections["月份"]) == list(range(1, 13))
    assert set(inspections["牵头人"]) == {"主要负责人"}
    assert check_year_plan(plan) == []


def test_a_plan_is_sorted_by_date_and_cites_the_plan_items():
    plan = build_year_plan(year=2025, inspection_day=31)
    assert list(plan["日期"]) == sorted(plan["日期"])
    assert date(2025, 2, 28) in set(plan["日期"])  # day 31 clamps to the month's last day
    assert plan["依据"].str.contains("二（七）10|二（十）15").all()


def test_two_drills_in_the_first_half_miss_the_second_half():
    plan = build_year_plan(year=2026, drill_months=(3, 5))
    assert sorted(plan[plan["活动"] == DRILL]["月份"]) == [3, 5]
    assert check_year_plan(plan) == ["下半年没有疏散逃生演练（方案二（十）15：每半年至少一次）"]


def test_no_flood_season_duty_is_reported():
    problems = check_year_plan(build_year_plan(duty_periods=("春节", "国庆节")))
    assert problems == ["没有安排汛期的24小时值班值守（方案二（十）15）"]
    assert "没有安排重大节日" in check_year_plan(build_year_plan(duty_periods=()))[0]


def test_a_plan_missing_months_and_led_by_someone_else_gets_both_problems():
    plan = build_year_plan(leader="安全员")
    plan = plan[~((plan["活动"] == SELF_INSPECTION) & plan["月份"].isin([2, 8]))]
    problems = check_year_plan(plan)
    assert problems[0].startswith("缺少第 2、8 月")
    assert "应由主要负责人带队" in problems[1]


@pytest.mark.parametrize("kwargs", [
    {"year": 2019}, {"inspection_day": 0}, {"drill_months": (13,)},
    {"duty_periods": ("圣诞节",)}, {"leader": " "},
])
def test_impossible_input_is_a_user_error(kwargs):
    with pytest.raises(LessonInputError):
        build_year_plan(**kwargs)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_exported_plan_reads_back_with_the_same_rows(tmp_path, suffix):
    plan = build_year_plan(year=2026)
    path = export_year_plan(plan, tmp_path / f"计划{suffix}")
    back = pd.read_excel(path) if suffix == ".xlsx" else pd.read_csv(path, encoding="utf-8-sig")
    assert list(back.columns) == list(plan.columns)
    assert list(back["活动"]) == list(plan["活动"])
    assert len(back) == len(plan) == 12 + 2 + 10


def test_an_unknown_export_format_is_refused(tmp_path):
    with pytest.raises(LessonInputError, match="导出格式"):
        export_year_plan(build_year_plan(), tmp_path / "plan.pdf")


def test_the_plan_widget_records_choices_that_rebuild_the_same_plan():
    from zhiben_training.lessons.widgets import plan_choices, year_plan_builder

    choices: dict = {}
    box = year_plan_builder(choices)
    first_half, second_half = box.children[3], box.children[4]
    first_half.value = 3
    second_half.value = 5
    assert choices["drill_months"] == (3, 5)
    box.children[6].click()  # 生成年度计划
    assert choices["plan"].equals(build_year_plan(**plan_choices(choices)))
    assert check_year_plan(choices["plan"])[0].startswith("下半年没有疏散逃生演练")


def test_the_export_button_writes_the_plan_into_the_learners_folder_and_says_where(tmp_path):
    from zhiben_training.lessons.widgets import plan_export_panel, year_plan_builder

    choices = {}
    year_plan_builder(choices)
    panel = plan_export_panel(choices, tmp_path)
    path = panel.export()
    assert path.parent == tmp_path.resolve() and path.exists() and path.suffix == ".xlsx"
    assert str(path) in panel.children[1].value and "已导出到你的文件夹" in panel.children[1].value


def test_lesson_07_writes_nothing_to_a_temporary_folder():
    from zhiben_training.lessons.notebooks import lesson07

    code = "\n".join(source for kind, source in lesson07.cells() if kind == "code")
    assert "tempfile" not in code and "plan_export_panel(计划选择, Path.cwd())" in code


def test_the_duty_periods_are_ticked_in_check_boxes_not_a_ctrl_click_list():
    import ipywidgets as w

    from zhiben_training.lessons.plan import DUTY_PERIODS
    from zhiben_training.lessons.widgets import year_plan_builder

    choices: dict = {}
    box = year_plan_builder(choices)
    assert not any(isinstance(c, w.SelectMultiple) for c in box.children)
    ticks = box.children[5].children[1].children
    assert ([t.description for t in ticks] == [str(p) for p in DUTY_PERIODS]
            and choices["duty_periods"] == tuple(DUTY_PERIODS))
    ticks[0].value = False
    assert choices["duty_periods"] == tuple(DUTY_PERIODS)[1:]
