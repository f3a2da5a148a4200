"""Lesson 04 法定职责与法律责任: duties side by side, penalties, and the 第九十五条 fine calculator."""

from __future__ import annotations

from zhiben_training.lessons.fines import fine_rules
from zhiben_training.lessons.notebooks._common import intro, quote, selfcheck_cells, setup

NUMBER = "04"
FILENAME = "04_法定职责与法律责任.ipynb"
TITLE = "第四课　法定职责与法律责任"

LAW = "《中华人民共和国安全生产法》"
ART_27 = ("生产经营单位的主要负责人和安全生产管理人员"
          "必须具备与本单位所从事的生产经营活动相应的安全生产知识和管理能力。")
REG_21 = "施工单位主要负责人依法对本单位的安全生产工作全面负责。"
REG_23 = ("专职安全生产管理人员负责对安全生产进行现场监督检查。"
          "发现安全事故隐患，应当及时向项目负责人和安全生产管理机构报告；"
          "对于违章指挥、违章操作的，应当立即制止。")
ART_94 = ("生产经营单位的主要负责人未履行本法规定的安全生产管理职责的，责令限期改正，"
          "处二万元以上五万元以下的罚款；"
          "逾期未改正的，处五万元以上十万元以下的罚款，责令生产经营单位停产停业整顿。")
ART_94_3 = ("生产经营单位的主要负责人依照前款规定受刑事处罚或者撤职处分的，"
            "自刑罚执行完毕或者受处分之日起，五年内不得担任任何生产经营单位的主要负责人；"
            "对重大、特别重大生产安全事故负有责任的，终身不得担任本行业生产经营单位的主要负责人。")


def _art_95() -> str:
    rule = fine_rules()["principal"]
    items = "\n>\n".join(f"> {row['item_cn']}{row['text']}" for row in rule["levels"])
    return f"> {rule['lead']}\n>\n{items}\n>\n> ——{LAW}{rule['article_cn']}"


def cells() -> list[tuple[str, str]]:
    manager = fine_rules()["safety_manager"]
    return [
        intro(TITLE, "约 35 分钟", [
            "对照说出主要负责人（安全生产法第二十一条）和安全生产管理人员（第二十五条）的七项职责；",
            "说出未履职的法律责任，以及事故等级如何影响主要负责人的罚款；",
            "用计算器算出第九十五条规定的罚款金额。",
        ]),
        setup("import pandas as pd", "from zhiben_training import law",
              "from zhiben_training.lessons import duties, fines",
              "from zhiben_training.lessons.widgets import fine_calculator, fine_levels_html"),
        ("md", f"""## 一、两个角色，一个前提

{quote(ART_27, LAW + "第二十七条第一款")}

在建筑施工企业，这两个角色的定位是：

{quote(REG_21, "《建设工程安全生产管理条例》第二十一条第一款")}

{quote(REG_23, "《建设工程安全生产管理条例》第二十三条第二款")}

## 二、职责对照

下表左右对照两条法条的七项职责（原文来自工具包的法规知识库 `zhiben_training.law`）。"""),
        ("code", """职责对照 = pd.DataFrame(duties.duties_side_by_side(law.duties()))
with pd.option_context("display.max_colwidth", None):
    display(text_table(职责对照))"""),
        ("md", """**阅读提示**

* 主要负责人多用“建立健全并落实”“组织制定并实施”“保证”——**决策和保障**；
  安全生产管理人员多用“组织或者参与”“检查”“制止和纠正”“督促落实”——**执行和监督**。
* 隐患排查：主要负责人“组织建立并落实……双重预防工作机制，"""
               """督促、检查本单位的安全生产工作，及时消除生产安全事故隐患”；
  安全生产管理人员“检查本单位的安全生产状况，及时排查生产安全事故隐患，提出改进安全生产管理的建议”。
* 应急：主要负责人“组织制定并实施”应急救援预案；安全生产管理人员“组织或者参与”应急救援演练（第七课）。"""),
        ("md", f"""## 三、未履职的法律责任

{quote(ART_94, LAW + "第九十四条第一款")}

{quote(ART_94_3, LAW + "第九十四条第三款")}

导致事故时，主要负责人的罚款按**事故等级**确定：

{_art_95()}

安全生产管理人员适用第九十六条：

{quote(manager["text"], LAW + manager["article_cn"])}

事故等级（一般、较大、重大、特别重大）的划分标准由《生产安全事故报告和调查处理条例》规定，本课程参考资料未收录其原文，请以正式文本为准。

下表列出知识库中与本课相关的全部罚则条文："""),
        ("code", """罚则 = pd.DataFrame(duties.penalty_rows(law.penalties()))
with pd.option_context("display.max_colwidth", None):
    display(text_table(罚则))"""),
        ("md", """## 四、第九十五条罚款计算器

输入主要负责人上一年年收入（可写 500000、50万 或 50万元），选择事故等级，"""
               """下方立即给出罚款金额和依据；同时给出同等收入的安全生产管理人员按第九十六条的罚款区间。

**例**：上一年年收入 80 万元，发生较大事故，罚款 = 80 万 × 60% = 48 万元。"""),
        ("code", """罚款计算 = {}  # 记录输入：{"income": 年收入, "level": 事故等级}
计算器 = fine_calculator(罚款计算, income=800000, level="较大")
display(计算器, live(计算器, lambda: fine_levels_html(罚款计算.get("income")), answer=False))"""),
        *selfcheck_cells(NUMBER),
    ]
