"""Lesson 04's side-by-side duty table, built from the law knowledge base."""

from __future__ import annotations

from zhiben_training import law
from zhiben_training.lessons.duties import duties_side_by_side, penalty_rows, split_items


def test_articles_21_and_25_line_up_as_seven_pairs_in_order():
    rows = duties_side_by_side(law.duties())
    assert len(rows) == 7
    left, right = zip(*(tuple(r.values()) for r in rows), strict=True)
    assert [item[:3] for item in left] == ["（一）", "（二）", "（三）", "（四）",
                                           "（五）", "（六）", "（七）"]
    assert left[4].startswith("（五）组织建立并落实安全风险分级管控和隐患排查治理双重预防工作机制")
    assert right[5] == "（六）制止和纠正违章指挥、强令冒险作业、违反操作规程的行为；"


def test_every_paired_item_is_verbatim_from_the_knowledge_base():
    texts = {p.article_cn: p.text for p in law.duties() if "安全生产法" in p.law}
    for row in duties_side_by_side(law.duties()):
        principal, manager = row.values()
        assert principal in texts["第二十一条"] and manager in texts["第二十五条"]


def test_a_trailing_paragraph_is_not_glued_to_the_last_item():
    assert split_items("职责：（一）甲；（二）乙。\n另可设置分管负责人。") == ["（一）甲；", "（二）乙。"]
    assert split_items("没有分项的条文。") == ["没有分项的条文。"]


def test_the_penalty_table_includes_article_95_with_its_status():
    rows = penalty_rows(law.penalties())
    row = next(r for r in rows if r["条款"] == "第九十五条")
    assert row["核实状态"] == "已核实" and "百分之四十" in row["原文"]
