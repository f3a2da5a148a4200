"""Lesson 07 企业自查自改与应急演练: monthly self-inspection, half-yearly drills, 24-hour duty, year plan."""

from __future__ import annotations

from zhiben_training.lessons.campaign import campaign
from zhiben_training.lessons.notebooks._common import intro, quote, selfcheck_cells, setup

NUMBER = "07"
FILENAME = "07_企业自查自改与应急演练.ipynb"
TITLE = "第七课　企业自查自改与应急演练"

LAW = "《中华人民共和国安全生产法》"
ART_21_6 = "（六）组织制定并实施本单位的生产安全事故应急救援预案；"
ART_25_4 = "（四）组织或者参与本单位应急救援演练；"
ART_97_6 = "（六）未按照规定制定生产安全事故应急救援预案或者未定期组织演练的；"
PLAN_15_PREP = "督促企业动态完善应急预案，增强应急预案的针对性、实用性和可操作性。"


def _ask(ref: str, contains: str) -> str:
    for a in campaign()["asks"]:
        if a["ref"] == ref and contains in a["text"]:
            return quote(a["text"], "天津方案 " + ref)
    raise KeyError((ref, contains))


def cells() -> list[tuple[str, str]]:
    return [
        intro(TITLE, "约 30 分钟", [
            "说出主要负责人带队自查自改的频次、检查对象和内容；",
            "说出疏散逃生演练和24小时值班值守的要求；",
            "为本企业编制一份年度自查、演练、值守计划，并导出为表格。",
        ]),
        setup("from pathlib import Path",
              "from zhiben_training.lessons import plan",
              "from zhiben_training.lessons.widgets import plan_export_panel, year_plan_builder"),
        ("md", f"""## 一、主要负责人带队的每月自查自改

{_ask("二（七）10", "每月")}

拆开来看：

| 要素 | 方案要求 |
|---|---|
| 谁带队 | 建筑业企业**主要负责人** |
| 多久一次 | **至少每月1次** |
| 查什么对象 | 项目**总包、分包、劳务**企业 |
| 查什么内容 | **资质**、**人员资格条件**是否符合要求，**安全隐患** |
| 查完以后 | **自改**；监管部门检查自查自改情况，"""
               """“查不出”“拒不整改”导致重大事故隐患长期存在的，依法依规严肃追责问责 |

**实务提示**：每次自查应留下记录（时间、带队人、检查项目、发现问题、整改责任人、整改期限、复查结果），
发现的重大事故隐患按第六课的方法纳入台账、整改销号。"""),
        ("md", f"""## 二、应急预案、疏散逃生演练与24小时值班值守

法律层面：

{quote(ART_21_6, LAW + "第二十一条（主要负责人职责）")}

{quote(ART_25_4, LAW + "第二十五条（安全生产管理人员职责）")}

{quote(ART_97_6, LAW + "第九十七条（违法情形之一）")}

天津方案层面：

{quote(PLAN_15_PREP, "天津方案 二（十）15")}

{_ask("二（十）15", "疏散逃生")}

{_ask("二（十）15", "24小时")}

方案二（四）6 还把“安全教育培训走形式、应急演练走过场”列为整治重点——"""
               """演练要有脚本、有全员参与、有评估和改进记录。"""),
        ("md", """## 三、编制年度计划

用下面的控件编制本企业的年度计划：选择年度、自查自改日、上下半年的演练月份和需要24小时值班值守的时段，
点击“生成年度计划”。工具会检查计划是否满足方案二（七）10 和二（十）15 的频次要求。

值守时段的月份是编制练习用的默认值（例如汛期按 6–9 月），实际以当年日历和当地防汛部门通知为准。"""),
        ("code", """计划选择 = {}  # 每个控件的取值都记录在这里
display(year_plan_builder(计划选择))"""),
        ("md", """### 导出

点击下面的按钮，把刚才生成的计划（未点“生成年度计划”时按当前选择）导出为 Excel 文件，
保存在**本课笔记本所在的文件夹**，按钮下方显示文件的完整位置。"""),
        ("code", """display(plan_export_panel(计划选择, Path.cwd()))"""),
        ("md", """### 练习：一份有缺陷的计划

某企业把两次演练都安排在 3 月和 5 月，并且只安排了春节值守。下面是检查结果。"""),
        ("code", """有缺陷的计划 = plan.build_year_plan(year=2026, drill_months=(3, 5),"""
                 """ duty_periods=("春节",))
for 条 in plan.check_year_plan(有缺陷的计划):
    print("•", 条)"""),
        *selfcheck_cells(NUMBER),
    ]
