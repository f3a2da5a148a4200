"""Lesson 01 三年行动导读: the Tianjin plan's ten actions, four stages and what it asks of people."""

from __future__ import annotations

from zhiben_training.lessons.campaign import campaign
from zhiben_training.lessons.notebooks._common import PLAN, intro, quote, selfcheck_cells, setup

NUMBER = "01"
FILENAME = "01_三年行动导读.ipynb"
TITLE = "第一课　三年行动导读"


def _asks(audience: str) -> str:
    data = campaign()
    blocks = [quote(a["text"], f"方案 {a['ref']}") for a in data["asks"] if audience in a["audience"]]
    return "\n\n".join(blocks)


def cells() -> list[tuple[str, str]]:
    data = campaign()
    stages = "\n".join(f"| {s['no']}{s['name']} | {s['period']} | {s['text']} |" for s in data["stages"])
    return [
        intro(TITLE, "约 30 分钟", [
            f"说出{PLAN}的总目标和“十大行动”；",
            "说出时间进度安排的四个阶段，判断某个月份处于哪个阶段；",
            "找到方案中直接要求企业主要负责人、安全生产管理人员做的事，并能引用原文条目。",
        ]),
        setup("from zhiben_training.lessons import campaign, charts"),
        ("md", f"""## 一、方案要解决什么问题

{PLAN}由天津市住房城乡建设部门按照国务院安委会、住房城乡建设部和市安委会办公室治本攻坚三年行动方案的要求制定。
它的主要目标中有一句对企业最直接的话：

{quote(data["goal"]["text"], "方案 " + data["goal"]["ref"] + "（主要目标）")}

“动态清零”的意思是：隐患不是查完一次就结束，而是**随时发现、随时整改、随时销号**，
每一年发现的重大事故隐患都要在当年整改完毕。第六课会用一座虚拟城市的隐患台账练习如何检查这一点。"""),
        ("md", """## 二、“十大行动”

方案第二部分“主要任务”分为十个专项行动，共 15 个任务条目。行动清单见下表。"""),
        ("code", "display(text_table(campaign.actions_table()))"),
        ("md", """**阅读提示**：十大行动中，与建筑业企业日常管理关系最密切的是：

* （一）安全生产教育培训——主要负责人每年参加一轮培训，安管人员考核与继续教育（本课程就是其中一环）；
* （四）房屋市政工程施工安全专项治理——双重预防机制、检查记录和施工安全日志、危大工程隐患治理（第二、三课）；
* （六）重大事故隐患动态清零——全渠道汇总、清单管理、逐条销号（第五、六课）；
* （七）建筑业企业安全管理体系建设——责任清单、主要负责人每月带队自查自改（第四、七课）；
* （十）应急处置能力提升——每半年疏散逃生演练、24小时值班值守（第七课）。"""),
        ("md", f"""## 三、时间进度：四个阶段

方案原文：“2024年3月至2026年12月，共分四个阶段。”

| 阶段 | 时间 | 要求（原文） |
|---|---|---|
{stages}

下面的时间轴中，红色虚线表示今天。"""),
        ("code", """from datetime import date

今天 = date.today()
charts.plot_timeline(campaign.campaign()["stages"], today=今天);"""),
        ("md", """### 小练习：这个月处于哪个阶段？

拖动滑块选择年份和月份，下面会显示该月份所处的阶段。你的选择记录在 `阶段练习` 里。"""),
        ("code", """from zhiben_training.lessons.widgets import STYLE, record

阶段练习 = {}
年份 = record(widgets.IntSlider(value=2025, min=2024, max=2026, description="年份", style=STYLE),"""
                 """ 阶段练习, "year")
月份 = record(widgets.IntSlider(value=6, min=1, max=12, description="月份", style=STYLE), 阶段练习, "month")
阶段显示 = widgets.HTML()


def 更新阶段(_change=None):
    阶段 = campaign.stage_of(阶段练习["year"], 阶段练习["month"])
    阶段显示.value = f"<p role='status'>{阶段练习['year']}年{阶段练习['month']}月 → <b>{阶段}</b></p>"


年份.observe(更新阶段, names="value")
月份.observe(更新阶段, names="value")
更新阶段()
display(widgets.VBox([年份, 月份, 阶段显示]))"""),
        ("md", f"""## 四、方案对主要负责人提出了什么要求

下面是方案中直接点名企业主要负责人（或企业）的原文。注意每条的**频次**和**对象**：

{_asks("主要负责人")}"""),
        ("md", f"""## 五、方案对安全生产管理人员提出了什么要求

安全生产管理人员是把上述要求落到现场的人。下面的条目直接涉及安全生产管理人员的职责和工作：

{_asks("安全生产管理人员")}

**思考**：对照你所在企业，上面每一条要求，现在由谁负责？有没有书面记录（自查记录、演练记录、值班表、隐患台账）能证明做到了？"""),
        ("md", """## 六、进度汇报的节奏（了解即可）

方案要求市住建执法总队、各区住建委“于每季度第一周，报送上季度工作情况；年度工作报告和治本攻坚三年行动自评报告分别于次年1月和总体任务结束后，报市住建委”。
企业的自查自改记录、隐患整改销号记录，是这些汇报的数据来源。"""),
        ("md", """## 七、对照自查：我的企业做到了吗

勾选你所在企业**已经做到、并且有记录可查**的事项。每勾选一项，下方的“已落实 / 待落实”随之更新；
待落实的事项可以作为第七课编制年度计划的输入。"""),
        ("code", """from zhiben_training.lessons.widgets import checklist, checklist_gaps_html

对照事项 = campaign.campaign()["asks"]
对照自查 = {}
清单 = checklist(对照事项, 对照自查)
display(清单, live(清单, lambda: checklist_gaps_html(对照事项, 对照自查), answer=False))"""),
        *selfcheck_cells(NUMBER),
    ]
