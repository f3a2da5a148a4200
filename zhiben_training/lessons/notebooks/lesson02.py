"""Lesson 02 重大事故隐患判定标准（2024版）: every chapter with site examples, and what changed from 2022."""

from __future__ import annotations

from zhiben_training.lessons.notebooks._common import intro, quote, selfcheck_cells, setup

NUMBER = "02"
FILENAME = "02_重大事故隐患判定标准2024版.ipynb"
TITLE = "第二课　重大事故隐患判定标准（2024版）"
STANDARD = "《房屋市政工程生产安全重大事故隐患判定标准（2024版）》（建质规〔2024〕5号）"


def _chapter_cell(chapter: dict) -> tuple[str, str]:
    """One markdown cell per chapter: lead-in quote, item table (verbatim from law), site examples."""
    from zhiben_training import law
    from zhiben_training.lessons.criteria_drill import examples_for

    rows = []
    for item_id in chapter["item_ids"]:
        c = law.criterion(item_id)
        rows.append(f"| {c.id} | {c.item_cn} | {c.text} |")
    if chapter.get("lead_in"):
        head = quote(chapter["lead_in"], f"判定标准（2024版）{chapter['article_cn']}")
    else:
        head = "本条只有一句，原文见下表。"
    scenes = examples_for(chapter["article"])
    if scenes:
        example = "\n".join(f"* {e['scene']}　→ **{e['item_id']}**" for e in scenes)
    else:
        example = ("* 本条需要结合具体情况作专业判断（规则引擎标记为“需人工判断”），"
                   "由检查人员根据法律法规、强制性标准和现场的现实危险认定。")
    return ("md", f"""### {chapter['article_cn']}　{chapter['chapter']}

{head}

| 编号 | 项 | 原文 |
|---|---|---|
{chr(10).join(rows)}

**现场例子**

{example}""")


def cells() -> list[tuple[str, str]]:
    from zhiben_training import law

    chapters = law.chapters("2024")
    return [
        intro(TITLE, "约 40 分钟", [
            "说出2024版判定标准的结构：第四条至第十七条共14章、53项判定情形（51个列项加第十六条、第十七条）；",
            "对照现场情形找到对应的判定条款编号；",
            "说出2024版相对2022版的主要变化（新增章节、新增和删除的条款）。",
        ]),
        setup("import pandas as pd", "from zhiben_training import law",
              "from zhiben_training.lessons import charts, criteria_drill"),
        ("md", f"""## 一、标准的定位与结构

{STANDARD}自发布之日起执行，同时废止2022版：

"""
               f"""{quote("本标准自发布之日起执行。《房屋市政工程生产安全重大事故隐患判定标准（2022版）》（建质规〔2022〕2号）同时废止。", "判定标准（2024版）第十八条")}"""  # noqa: E501
               """

什么是重大事故隐患：

"""
               f"""{quote("本标准所称重大事故隐患，是指在房屋市政工程施工过程中，存在的危害程度较大、可能导致群死群伤或造成重大经济损失的生产安全事故隐患。", "判定标准（2024版）第二条")}"""  # noqa: E501
               """

第三条是适用范围，判定条款从**第四条**开始。各章条款数见下表："""),
        ("code", "display(text_table(criteria_drill.chapter_table()))"),
        ("md", """### 章节浏览器

选择一章，查看该章全部条款原文（来自工具包法规知识库）。"""),
        ("code", """浏览记录 = {}
章节选择 = widgets.Dropdown(options=[(f"{c['article_cn']} {c['chapter']}", c["article"])"""
                 """ for c in law.chapters()],
                        description="选择章节", style={"description_width": "initial"})
章节内容 = widgets.HTML()


def 显示章节(_change=None):
    浏览记录["article"] = 章节选择.value
    条款 = [c for c in law.criteria() if c.article == 章节选择.value]
    章节内容.value = "<ul>" + "".join(f"<li><b>{c.id}</b> {c.text}</li>" for c in 条款) + "</ul>"


章节选择.observe(显示章节, names="value")
显示章节()
display(widgets.VBox([章节选择, 章节内容]))"""),
        ("md", "## 二、逐章学习：原文与现场例子\n\n每章先读原文，再看现场例子如何对应到条款编号。"),
        *[_chapter_cell(c) for c in chapters],
        ("md", """## 三、练习：现场情形对应哪一条？

为每个现场情形选择对应的2024版条款；下方的对照表随你的每次选择更新，作答后才显示参考条款。"""),
        ("code", """练习作答 = {}
练习 = criteria_drill.drill_widgets(练习作答)
display(练习, live(练习, lambda: criteria_drill.drill_feedback_html(练习作答)))"""),
        ("md", """## 四、2022版 → 2024版 变了什么

* 新增两章：**第十四条 施工临时堆载**、**第十五条 冒险作业**；“暗挖工程”改为“**隧道工程**”；
* 禁限用工艺、设备、材料和兜底条款在2024版为第十六条、第十七条；"""
               """在2022版为第十四条、第十五条（2022版条文编号凭记忆整理，未核实）；
* 第四条新增第（五）项：需验收的危大工程未经验收合格即进入下一道工序或投入使用。

下表逐条列出变化。2022版原文部分来自记忆或二手资料，标注“（未核实，仅供参考）”“（部分核实）”的行请以正式文本为准；
例如2022版第五条原文凭记忆整理，“或突涌”为2024版新增一说未核实。下图中2022版各章条款数按参考资料整理的2022版条文计数，其中部分条文凭记忆整理（未核实），仅供参考。"""),
        ("code", """with pd.option_context("display.max_colwidth", None, "display.max_rows", 100):
    display(text_table(criteria_drill.changes_table()))"""),
        ("code", "charts.plot_chapter_counts(criteria_drill.chapter_counts());"),
        *selfcheck_cells(NUMBER),
    ]
