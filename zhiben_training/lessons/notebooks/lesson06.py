"""Lesson 06 重大事故隐患动态清零: pandas and matplotlib on a synthetic city's hazard ledger."""

from __future__ import annotations

from zhiben_training.lessons.campaign import campaign
from zhiben_training.lessons.notebooks._common import intro, quote, selfcheck_cells, setup

NUMBER = "06"
FILENAME = "06_重大事故隐患动态清零.ipynb"
TITLE = "第六课　重大事故隐患动态清零"

PLAN_8_STATS = ("2024年底前建立健全住建领域重大事故隐患统计分析机制，"
                "对进展缓慢的及时采取函告、通报、约谈、曝光等措施。"
                "认真贯彻重大事故隐患判定标准，完善重大事故隐患治理督办制度，建立由市、区住建执法部门审核把关的销号机制，"
                "确保隐患闭环整改到位。")


def cells() -> list[tuple[str, str]]:
    data = campaign()
    ask_8 = next(a for a in data["asks"] if a["ref"] == "二（六）8")
    return [
        intro(TITLE, "约 40 分钟", [
            "说出“动态清零”的含义和隐患台账的基本字段；",
            "用 pandas 统计发现渠道、整改用时、逾期隐患和各区销号率，并画图；",
            "按“年度内整改完毕”的要求检查一年的台账。",
        ], audience="专职安全生产管理人员、企业主要负责人（了解结论即可）"),
        setup("import pandas as pd", "from zhiben_training.lessons import charts, city, ledger",
              "from zhiben_training.lessons.widgets import STYLE, record"),
        ("md", f"""## 一、动态清零要做到什么

{quote(data["goal"]["text"], "天津方案 一（二）")}

{quote(ask_8["text"], "天津方案 二（六）8")}

{quote(PLAN_8_STATS, "天津方案 二（六）8")}

## 二、隐患台账

下面是虚拟城市的隐患台账（首次打开时自动生成城市）。每行一条隐患，主要栏目：

| 栏目 | 含义 |
|---|---|
| 发现日期 | 隐患被发现的日期 |
| 发现渠道 | 企业自查 / 督导检查 / 群众举报 |
| 隐患级别 | 一般 / 重大 |
| 判定标准条款 | 重大事故隐患对应的判定标准（2024版）条款 |
| 整改期限 | 应当整改完成的日期 |
| 整改完成日期 | 空 = 尚未整改 |
| 销号日期 | 空 = 尚未销号 |"""),
        ("code", """台账 = city.load_lesson_city()["findings"]
截止日 = ledger.data_date(台账)
print("台账条数：", len(台账), "　其中重大事故隐患：", len(ledger.major(台账)), "　数据截止：", 截止日.date())
display(text_table(ledger.for_display(台账.head())))"""),
        ("md", "## 三、各渠道发现了多少隐患\n\n方案要求各渠道排查的重大事故隐患“全量汇总”。"),
        ("code", """渠道 = ledger.channel_table(台账)
display(text_table(渠道.reset_index().rename_axis(columns=None)))
charts.plot_channels(渠道);"""),
        ("md", """**思考**：重大事故隐患中，企业自查发现的占多少？"""
               """如果督导检查发现的重大事故隐患比企业自查还多，
说明企业自查“明明有问题却查不出”（方案二（七）10）——这正是监管部门要追责问责的情形。"""),
        ("code", """重大 = ledger.major(台账)
占比 = (重大["channel"].value_counts(normalize=True) * 100).round(1)
display(text_table(pd.DataFrame({"发现渠道": 占比.index,"""
                 """ "占重大事故隐患的比例": [f"{v}%" for v in 占比]})))"""),
        ("md", "## 四、整改用了多久"),
        ("code", """用时 = ledger.rectify_days(重大)
统计 = 用时.describe().round(1)
display(text_table(pd.DataFrame({"统计项": ["条数", "平均", "标准差", "最短","""
                 """ "四分之一分位", "中位数", "四分之三分位", "最长"],
                                 "整改用时（天）": [f"{v:g}" for v in 统计.values]})))
charts.plot_rectify_days(用时, deadline_days=30);"""),
        ("md", """图中红线标出 30 天，仅作比较的参照线；每条隐患的整改期限以台账中的“整改期限”为准。

## 五、逾期隐患

逾期包括两种：**超过期限仍未整改**，以及**超过期限才整改完成**。"""),
        ("code", """逾期 = ledger.overdue(重大, as_of=截止日)
print(逾期["状态"].value_counts().to_string())
display(text_table(ledger.for_display(逾期[["finding_id", "district", "item_id", "description","""
                 """ "deadline", "rectified_date",
                                 "逾期天数", "状态"]].head(15))))"""),
        ("md", "## 六、各区销号情况\n\n销号须经市、区住建执法部门审核把关。下表按销号率从低到高排列。"),
        ("code", """销号 = ledger.closure_by_district(台账)
display(text_table(ledger.for_display(销号).reset_index()))
charts.plot_closure_by_district(销号);"""),
        ("md", "## 七、年度清零检查与月度趋势"),
        ("code", """年度 = pd.DataFrame([
    {"年度": 年, "当年发现重大隐患": int((重大["found_date"].dt.year == 年).sum()),
     "年底前未整改": len(ledger.year_end_open(台账, 年))}
    for 年 in sorted(重大["found_date"].dt.year.unique())
])
display(text_table(年度))
charts.plot_monthly(ledger.monthly(台账));"""),
        ("md", """注意：当年还没有结束时，“年底前未整改”是**截至数据截止日**仍未整改的数量，并不一定违反要求；
到年底仍未整改才违反“年度内整改完毕”。

## 八、练习：找出销号最慢的区

不看上面的表格，用下拉框选择你认为销号率最低的区，选择后下方立即给出反馈。"""),
        ("code", """练习作答 = {}
区选择 = record(widgets.Dropdown(options=[("（请选择）", None),"""
                 """ *[(d, d) for d in sorted(台账["district"].unique())]],
                              value=None, description="销号率最低的区", style=STYLE), 练习作答, "district")
display(区选择, live(区选择, lambda: ledger.district_feedback_html(台账, 练习作答.get("district"))))"""),
        *selfcheck_cells(NUMBER),
    ]
