"""Lesson 02: site examples per chapter of the 2024 判定标准 and a "which item?" drill.

Examples live in ``data/criteria_examples.json``; item texts always come from
``zhiben_training.law`` so the drill shows the verbatim criteria.
"""

from __future__ import annotations

import html
import json
from functools import cache
from importlib import resources

__all__ = ["examples", "examples_for", "item_options", "drill_widgets", "score_drill", "drill_feedback_html",
           "chapter_table", "changes_table", "chapter_counts"]


@cache
def _data() -> dict:
    text = (resources.files("zhiben_training.lessons").joinpath("data/criteria_examples.json")
            .read_text("utf-8"))
    return json.loads(text)


def examples() -> list[dict]:
    return _data()["examples"]


def examples_for(article: int) -> list[dict]:
    return [e for e in examples() if e["article"] == article]


def item_options() -> list[tuple[str, str]]:
    """(label, id) for every decidable 2024 criterion, for a Dropdown:
    "5.4.2 基坑侧壁出现大量漏水、流土；"."""
    from zhiben_training import law

    return [(f"{c.id}　{c.text[:36]}{'…' if len(c.text) > 36 else ''}", c.id) for c in law.criteria("2024")]


def drill_widgets(choices: dict):
    """One Dropdown per drill scene; the chosen item id goes to ``choices[example_key]``, with a hint
    at once."""
    import ipywidgets as w

    by_key = {e["key"]: e for e in examples()}
    options = [("（请选择条款）", None), *item_options()]
    rows = []
    for n, key in enumerate(_data()["drill"], start=1):
        picker = w.Dropdown(options=options, value=None, description=f"现场{n}对应条款",
                            style={"description_width": "initial"}, layout={"width": "640px"})
        feedback = w.HTML()

        def _on_pick(change, key=key, feedback=feedback):
            choices[key] = change["new"]
            expected = by_key[key]["item_id"]
            if change["new"] is None:
                feedback.value = ""
            elif change["new"] == expected:
                feedback.value = f"<span role='status'>✓ 正确：{html.escape(expected)}</span>"
            else:
                feedback.value = ("<span role='status'>× 再想想：对照该章条款原文，"
                                  "找出与现场情形最贴切的一项</span>")

        picker.observe(_on_pick, names="value")
        rows.append(w.VBox([w.HTML(f"<b>现场{n}</b>：{html.escape(by_key[key]['scene'])}"), picker,
                            feedback]))
    return w.VBox(rows)


def score_drill(choices: dict) -> list[dict]:
    """One row per drill scene: the learner's item, the expected item (with its verbatim text), verdict."""
    from zhiben_training import law

    by_key = {e["key"]: e for e in examples()}
    rows = []
    for key in _data()["drill"]:
        expected = law.criterion(by_key[key]["item_id"])
        given = choices.get(key)
        verdict = "未作答" if given is None else ("正确" if given == expected.id else "不正确")
        hidden = given is None  # the reference answer only after the learner's own
        rows.append({"现场": by_key[key]["scene"], "你的选择": given or "—",
                     "参考条款": "作答后显示" if hidden else expected.id,
                     "条款原文": "" if hidden else expected.text, "结果": verdict})
    return rows


def drill_feedback_html(choices: dict) -> str | None:
    """The drill's table for the scenes answered so far; None before the first answer."""
    import pandas as pd

    from zhiben_training.lessons.widgets import text_table

    if not any(v is not None for v in choices.values()):
        return None
    return text_table(pd.DataFrame(score_drill(choices))).to_html()


def chapter_table(version: str = "2024"):
    """Chapters with their article and number of criteria (nested sub-items counted separately)."""
    import pandas as pd

    from zhiben_training import law

    return pd.DataFrame([{"条": c["article_cn"], "章节": c["chapter"], "条款数": len(c["item_ids"]),
                          "条款编号": "、".join(c["item_ids"])} for c in law.chapters(version)])


def changes_table():
    """2022 → 2024 changes with their verification status (unverified rows are marked for learners)."""
    import pandas as pd

    from zhiben_training import law
    from zhiben_training.law import status_note

    return pd.DataFrame([{
        "2024版条款": c["id_2024"] or "（已删除）",
        "对应2022版": "、".join(c["ids_2022"]) or "（新增）",
        "变化": c["change"] + status_note(c["status"]),
    } for c in law.changes_2022_2024()])


# 2022 第十四条 (禁限用) and 第十五条 (兜底) became 2024 第十六条 and 第十七条 (regulations.md §1.4);
# 第四条–第十三条 keep their numbers.
_ARTICLE_2022_TO_2024 = {14: 16, 15: 17}


def chapter_counts():
    """Criteria per 2024 chapter for both versions (0 where the 2022 version had no such chapter)."""
    import pandas as pd

    from zhiben_training import law

    old = {_ARTICLE_2022_TO_2024.get(c["article"], c["article"]): len(c["item_ids"])
           for c in law.chapters("2022")}
    rows = [{"章节": c["chapter"], "2022版": old.get(c["article"], 0), "2024版": len(c["item_ids"])}
            for c in law.chapters("2024")]
    return pd.DataFrame(rows).set_index("章节")
