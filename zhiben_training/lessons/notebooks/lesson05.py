"""Lesson 05 隐患排查实战: walk a synthetic site's record, mark major hazards, feedback from
hazards.find_hazards."""

from __future__ import annotations

from zhiben_training.lessons.notebooks._common import intro, quote, selfcheck_cells, setup

NUMBER = "05"
FILENAME = "05_隐患排查实战.ipynb"
TITLE = "第五课　隐患排查实战"
LAW = "《中华人民共和国安全生产法》"

ART_41_2 = ("生产经营单位应当建立健全并落实生产安全事故隐患排查治理制度，"
            "采取技术、管理措施，及时发现并消除事故隐患。"
            "事故隐患排查治理情况应当如实记录，并通过职工大会或者职工代表大会、信息公示栏等方式向从业人员通报。"
            "其中，重大事故隐患排查治理情况应当及时向负有安全生产监督管理职责的部门和职工大会或者职工代表大会报告。")
ART_25_5 = "（五）检查本单位的安全生产状况，及时排查生产安全事故隐患，提出改进安全生产管理的建议；"
ART_102 = ("生产经营单位未采取措施消除事故隐患的，责令立即消除或者限期消除，处五万元以下的罚款；"
           "生产经营单位拒不执行的，"
           "责令停产停业整顿，对其直接负责的主管人员和其他直接责任人员处五万元以上十万元以下的罚款；"
           "构成犯罪的，依照刑法有关规定追究刑事责任。")
ART_17 = ("其他严重违反房屋市政工程安全生产法律法规、部门规章及强制性标准，"
          "且存在危害程度较大、可能导致群死群伤或造成重大经济损失的现实危险，应判定为重大事故隐患。")


def cells() -> list[tuple[str, str]]:
    return [
        intro(TITLE, "约 40 分钟", [
            "读懂一份施工现场检查记录：企业与人员、分部分项工程、机械设备、现场观察与天气；",
            "逐个检查对象判断是否构成重大事故隐患，并指出对应的判定标准（2024版）条款；",
            "理解规则引擎给出的“触发事实”，以及哪些情形必须由人作专业判断。",
        ], audience="专职安全生产管理人员、项目负责人"),
        setup("import pandas as pd", "from zhiben_training.hazards import find_hazards",
              "from zhiben_training.lessons import city, inspection"),
        ("md", f"""## 一、排查是谁的事

{quote(ART_41_2, LAW + "第四十一条第二款")}

{quote(ART_25_5, LAW + "第二十五条（安全生产管理人员职责）")}

## 二、今天检查的工地

课程使用工具包生成的**虚拟天津城市**（固定随机种子，人人看到同一份数据；人名、企业、项目均为随机生成）。
下面的单元格在第一次运行时生成这座城市（约几秒钟），然后挑选其中隐患最多的一个工地。
讲师可以设置环境变量 `ZHIBEN_LESSON_CITY` 指向事先准备好的城市目录。"""),
        ("code", """检查记录, 规则引擎结论 = inspection.pick_site(city.lesson_site_records())
检查对象 = inspection.inspection_objects(检查记录)
print("项目：", 检查记录["project"].get("name"), "　所在区：", 检查记录["project"].get("district"))
print("检查日期：", 检查记录["inspection_date"], "　检查对象：", len(检查对象), "个")"""),
        ("md", """## 三、逐项检查并标记

点击每个检查对象的标题展开检查记录，然后在下拉框中选择：

* “无重大事故隐患”，或者
* 判定标准（2024版）中对应的条款（如 `5.4.2`）。

选择后立即显示反馈（来自规则引擎 `zhiben_training.hazards.find_hazards`）。你的标记保存在 `检查标记` 中。
**建议先独立判断，再看反馈。**"""),
        ("code", """检查标记 = {}  # 检查对象 → 你的判定，例如 {"works[1]": "6.1"}
标记 = inspection.marking_widgets(检查对象, 检查标记, 规则引擎结论)
display(标记)"""),
        ("md", "### 汇总反馈\n\n每标记一个对象，下表随之更新。"),
        ("code", """display(live(标记, lambda:"""
                 """ inspection.marks_feedback_html(检查对象, 检查标记, 规则引擎结论)))"""),
        ("md", """## 四、规则引擎是怎么判定的

规则引擎逐条对照判定标准（2024版），只根据记录中**写明的事实**判定；记录中没有写的事实视为未知，不据以判定。
每条结论都列出了触发它的事实（检查对象·检查项目：记录的取值）。"""),
        ("code", """结论表 = pd.DataFrame([
    {"条款": f.item_id, "条款原文": f.text,"""
                 """ "触发事实": "；".join(inspection.fact_cn(x) for x in f.facts),"""
                 """ "需人工判断": "是" if f.needs_judgement else "否"}
    for f in find_hazards(检查记录)
])
display(live(标记, lambda: text_table(结论表).to_html()"""
                 """ if inspection.all_marked(检查对象, 检查标记) else None,
             waiting="标记完上面全部检查对象后，这里显示规则引擎的全部结论。"))"""),
        ("md", """**需要人工判断的情形**：第十六条（禁限用工艺、设备、材料）和第十七条（兜底条款）"""
               f"""无法由规则机械判定，例如：

{quote(ART_17, "判定标准（2024版）第十七条")}

这类情形由检查人员结合法律法规、强制性标准和现场的现实危险作出专业判断。

## 五、发现之后

{quote(ART_102, LAW + "第一百零二条")}

发现的重大事故隐患要纳入台账，整改、复查、销号，形成闭环——这是第六课的内容。"""),
        *selfcheck_cells(NUMBER),
    ]
