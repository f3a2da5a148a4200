"""An enterprise's year plan for the campaign duties a principal owns personally.

Three duties from the Tianjin plan (quoted in ``data/campaign.json``):
* 二（七）10 — the principal leads a self-inspection at least once a month;
* 二（十）15 — at least one evacuation drill every half year;
* 二（十）15 — 24-hour duty during holidays, key periods, the flood season and extreme weather.

``build_year_plan`` returns a DataFrame (the notebook shows it, ``export_year_plan`` writes it);
``check_year_plan`` says in Chinese what a plan is missing.
"""

from __future__ import annotations

import calendar
from datetime import date
from pathlib import Path

from zhiben_training.lessons import LessonInputError

__all__ = ["DUTY_PERIODS", "PLAN_COLUMNS", "build_year_plan", "check_year_plan", "export_year_plan"]

PLAN_COLUMNS = ["日期", "月份", "活动", "牵头人", "内容", "依据"]

SELF_INSPECTION = "主要负责人带队自查自改"
DRILL = "疏散逃生演练"
DUTY = "24小时值班值守"

SELF_INSPECTION_BASIS = "《天津市住建领域安全生产治本攻坚三年行动方案（2024-2026年）》二（七）10"
DRILL_BASIS = "《天津市住建领域安全生产治本攻坚三年行动方案（2024-2026年）》二（十）15"

# Periods the plan names (二（十）15: 重大节日、重要活动、重点时期、汛期和极端恶劣天气期间). The months
# are planning defaults for the exercise, not law: the enterprise adjusts them to the year's
# calendar and the local flood-control notices.
DUTY_PERIODS: dict[str, tuple[int, ...]] = {
    "元旦": (1,),
    "春节": (2,),
    "清明节": (4,),
    "劳动节": (5,),
    "汛期": (6, 7, 8, 9),
    "国庆节": (10,),
    "冬季极端恶劣天气": (12,),
}


def _inspection_rows(year: int, day: int, leader: str) -> list[dict]:
    rows = []
    for month in range(1, 13):
        last = calendar.monthrange(year, month)[1]
        rows.append({
            "日期": date(year, month, min(day, last)),
            "月份": month,
            "活动": SELF_INSPECTION,
            "牵头人": leader,
            "内容": "对项目总包、分包、劳务企业资质、人员资格条件是否符合要求和安全隐患进行自查自改",
            "依据": SELF_INSPECTION_BASIS,
        })
    return rows


def _drill_rows(year: int, months: tuple[int, ...], day: int) -> list[dict]:
    return [{
        "日期": date(year, month, min(day, calendar.monthrange(year, month)[1])),
        "月份": month,
        "活动": DRILL,
        "牵头人": "主要负责人组织，安全生产管理人员实施",
        "内容": "全体从业人员参加，熟知逃生通道、安全出口及应急处置要求",
        "依据": DRILL_BASIS,
    } for month in sorted(months)]


def _duty_rows(year: int, periods: tuple[str, ...]) -> list[dict]:
    rows = []
    for name in periods:
        for month in DUTY_PERIODS[name]:
            rows.append({
                "日期": date(year, month, 1),
                "月份": month,
                "活动": f"{DUTY}（{name}）",
                "牵头人": "主要负责人",
                "内容": "落实应急叫应机制，做好应急力量备勤，24小时值班值守和信息上报",
                "依据": DRILL_BASIS,
            })
    return rows


def build_year_plan(
    *,
    year: int = 2026,
    inspection_day: int = 10,
    drill_months: tuple[int, ...] = (5, 11),
    drill_day: int = 20,
    duty_periods: tuple[str, ...] = tuple(DUTY_PERIODS),
    leader: str = "主要负责人",
):
    """The year's dated activities, sorted by date; raises ``LessonInputError`` for impossible input."""
    import pandas as pd

    if not 2024 <= int(year) <= 2030:
        raise LessonInputError(f"年份 {year} 超出范围", hint="请选择 2024–2030 年")
    if not 1 <= int(inspection_day) <= 31 or not 1 <= int(drill_day) <= 31:
        raise LessonInputError("日期应在 1–31 日之间")
    bad_months = [m for m in drill_months if not 1 <= int(m) <= 12]
    if bad_months:
        raise LessonInputError(f"演练月份 {bad_months} 无效", hint="月份应在 1–12 之间")
    unknown = [p for p in duty_periods if p not in DUTY_PERIODS]
    if unknown:
        raise LessonInputError(f"未知的值守时段：{'、'.join(unknown)}",
                               hint=f"可选：{'、'.join(DUTY_PERIODS)}")
    if not str(leader).strip():
        raise LessonInputError("自查自改必须有带队人", hint="方案要求主要负责人带队")
    rows = (_inspection_rows(int(year), int(inspection_day), str(leader).strip())
            + _drill_rows(int(year), tuple(int(m) for m in drill_months), int(drill_day))
            + _duty_rows(int(year), tuple(duty_periods)))
    frame = pd.DataFrame(rows, columns=PLAN_COLUMNS)
    return frame.sort_values(["日期", "活动"], kind="stable").reset_index(drop=True)


def check_year_plan(plan) -> list[str]:
    """What the plan misses against 二（七）10 and 二（十）15; an empty list means nothing is missing."""
    problems = []
    inspections = plan[plan["活动"] == SELF_INSPECTION]
    missing = sorted(set(range(1, 13)) - set(inspections["月份"]))
    if missing:
        problems.append(f"缺少第 {'、'.join(map(str, missing))} 月的主要负责人带队自查自改"
                        "（方案二（七）10：至少每月1次）")
    if (inspections["牵头人"] != "主要负责人").any():
        problems.append("自查自改应由主要负责人带队（方案二（七）10）")
    drills = plan[plan["活动"] == DRILL]["月份"]
    if not (drills <= 6).any():
        problems.append("上半年没有疏散逃生演练（方案二（十）15：每半年至少一次）")
    if not (drills >= 7).any():
        problems.append("下半年没有疏散逃生演练（方案二（十）15：每半年至少一次）")
    duty = plan[plan["活动"].str.startswith(DUTY)]
    if duty.empty:
        problems.append("没有安排重大节日、汛期等时段的24小时值班值守（方案二（十）15）")
    elif not duty["活动"].str.contains("汛期").any():
        problems.append("没有安排汛期的24小时值班值守（方案二（十）15）")
    return problems


def export_year_plan(plan, path: Path) -> Path:
    """Write the plan as .xlsx or .csv (UTF-8 with BOM so Excel shows Chinese); returns the path."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        plan.to_excel(path, index=False, sheet_name="年度计划")
    elif path.suffix.lower() == ".csv":
        plan.to_csv(path, index=False, encoding="utf-8-sig")
    else:
        raise LessonInputError(f"不支持的导出格式“{path.suffix}”", hint="请使用 .xlsx 或 .csv")
    return path
