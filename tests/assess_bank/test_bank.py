"""The question bank: size, coverage, citations that exist, and validation that names the bad question."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.assess_bank.conftest import rewrite_question
from tests.reference import ACTION_PLAN, REGULATIONS, reference_text
from zhiben_training.assess.papers.bank import load_bank, load_blueprints, validate_blueprints
from zhiben_training.errors import KnowledgeBaseError

CN_NUM = {"四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12, "十三": 13,
          "十四": 14, "十五": 15, "十六": 16, "十七": 17}


def test_bank_loads_with_at_least_220_questions_and_90_on_the_2024_criteria():
    questions = load_bank()
    topics = Counter(q["topic"] for q in questions)
    assert len(questions) >= 220
    assert topics["criteria2024"] >= 90
    assert set(topics) == {"criteria2024", "weida", "duties_penalties", "certificates_training", "emergency"}


def test_every_2024_article_from_4_to_17_has_questions():
    articles = set()
    for q in load_bank():
        if q["topic"] == "criteria2024":
            for name in re.findall(r"第([十一二三四五六七八九]+)条", q["citation"]["article"]):
                articles.add(CN_NUM.get(name))
    assert set(range(4, 18)) <= articles


def test_each_question_type_has_the_documented_shape():
    for q in load_bank():
        if q["type"] == "single":
            assert len(q["options"]) == 4 and q["answer"] in q["options"]
        elif q["type"] == "multiple":
            assert 4 <= len(q["options"]) <= 5 and len(q["answer"]) >= 2
        else:
            assert isinstance(q["answer"], bool)


def test_unverified_questions_are_marked_in_their_stem_or_explanation():
    for q in load_bank():
        if q["status"] == "unverified":
            assert "未核实" in q["stem"] + q["explanation"], q["id"]


def _sections() -> dict[str, str]:
    text = reference_text(REGULATIONS)

    def between(start: str, end: str) -> str:
        return text.split(start, 1)[1].split(end, 1)[0]

    return {
        "建质规〔2024〕5号": between("### 1.1", "### 1.2"),
        "中华人民共和国安全生产法": between("## 3.", "## 4."),
        "建设工程安全生产管理条例": between("## 4.", "## 5."),
        "住房和城乡建设部令第37号": between("### 2.1", "### 2.2"),
        "建办质〔2018〕31号": between("### 2.2", "## 3."),
        "住房和城乡建设部令第17号": between("### 5.1", "### 5.2"),
        "建质〔2015〕206号": between("### 5.2", "## 6."),
        "建质〔2008〕75号": between("## 6.", "## 7."),
        "天津市住建领域安全生产治本攻坚三年行动方案": reference_text(ACTION_PLAN).replace(" ", ""),
    }


def _article_found(article: str, text: str) -> bool:
    plan = re.fullmatch(r"([一二三四五六七八九十]+)（([一二三四五六七八九十]+)）", article)
    if plan:  # action-plan style "二（十）": sub-section （十） under section 二、
        start = text.find(plan.group(1) + "、")
        return start >= 0 and f"（{plan.group(2)}）" in text[start:]
    if article.startswith(("第", "附件")):
        return article in text
    return f"{article}、" in text  # 206号 sections "一、" …


def test_every_citation_names_an_article_that_exists_in_the_reference_text():
    sections = _sections()
    for q in load_bank():
        cite = q["citation"]
        source = [text for name, text in sections.items() if name in cite["document"]]
        assert len(source) == 1, f"{q['id']}: unknown document {cite['document']}"
        for article in re.split(r"[、至]", cite["article"]):
            assert _article_found(article.strip(), source[0]), (
                f"{q['id']}: {article} not in the reference text")
        item = cite.get("item", "")
        if re.fullmatch(r"\d+", item):
            assert f"{item}." in source[0], f"{q['id']}: item {item}"
        elif re.match(r"[一二三四五六七]、", item):
            assert item.split("（")[0] in source[0], f"{q['id']}: item {item}"


def test_blueprint_draws_can_be_met_from_verified_questions_only():
    papers = load_blueprints()["papers"]
    assert set(papers) == {"A", "C"}
    for bp in papers.values():
        assert bp["include_status"] == ["verified"]
        assert sum(sum(v.values()) for v in bp["knowledge"].values()) == 40
        assert 0 < bp["pass_fraction"] < 1


def test_blueprint_that_asks_for_more_than_the_bank_holds_is_rejected():
    doc = {"papers": {"A": {"knowledge": {"emergency": {"multiple": 99}}, "points": {"multiple": 2}}}}
    with pytest.raises(KnowledgeBaseError, match="emergency/multiple"):
        validate_blueprints(doc, load_bank())


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"answer": "E"}, "单选题"),
        ({"type": "multiple", "answer": ["A"]}, "多选题"),
        ({"citation": {"document": "《中华人民共和国安全生产法》", "article": ""}}, "citation"),
        ({"explanation": None}, "缺少字段"),
        ({"status": "draft"}, "status"),
    ],
)
def test_a_broken_question_raises_knowledge_base_error_naming_its_id(bank_copy, changes, reason):
    qid = rewrite_question(bank_copy, "duties_penalties", 1, **changes)
    with pytest.raises(KnowledgeBaseError) as err:
        load_bank(bank_copy)
    assert qid in str(err.value) and reason in str(err.value)


def test_a_duplicated_id_is_rejected(bank_copy):
    first = load_bank()[0]["id"]
    rewrite_question(bank_copy, "weida", 0, id=first)
    with pytest.raises(KnowledgeBaseError, match=f"{first}.*编号重复"):
        load_bank(bank_copy)


def test_a_missing_bank_folder_is_a_config_error_that_names_the_variable(tmp_path, monkeypatch):
    from zhiben_training.assess.papers.bank import bank_dir
    from zhiben_training.errors import ConfigError

    monkeypatch.setenv("ZHIBEN_BANK_DIR", str(tmp_path))
    with pytest.raises(ConfigError, match="找不到题库目录") as err:
        bank_dir()
    assert "ZHIBEN_BANK_DIR" in str(err.value)


def test_the_public_api_of_papers_scoring_and_analysis_is_pinned():
    from zhiben_training.assess.papers import paper as papers
    from zhiben_training.assess.papers import scoring
    from zhiben_training.assess.results import analysis

    assert sorted(papers.__all__) == ["Paper", "PaperItem", "bank_letters", "blueprint", "build_paper",
                                      "paper_seed", "score_item", "writes_code"]
    assert "score_item" in scoring.__all__ and papers.score_item is scoring.score_item
    assert {"item_analysis", "plot_item_analysis", "ItemAnalysis"} <= set(analysis.__all__)


def _question(qid: str) -> dict:
    return next(q for q in load_bank() if q["id"] == qid)


def test_questions_on_37_articles_17_and_21_are_unverified_as_the_reference_marks_them():
    """regulations.md 2.1: 第十七条 and 第二十一条 are "partially verified" (one summary page, which gives no
    article numbers; the other paragraphs from memory), so the article and paragraph cited are not
    verified."""
    ref = reference_text(REGULATIONS)
    assert ("`[partially verified: first sentence and third paragraph seen on the same 233.com page; "
            "second paragraph from memory]`") in ref
    assert ("`[partially verified: second paragraph seen on the 233.com page; first paragraph from memory]`"
            in ref)
    assert "`[verified: https://s.233.com 危大工程施工现场 summary page; article number from memory]`" in ref
    for qid in ("WD-37-007", "WD-37-008", "WD-37-009"):
        q = _question(qid)
        assert q["status"] == "unverified" and "条款号未核实" in q["explanation"], qid
        assert q["citation"]["item"] == "", qid  # a paragraph number counted past a from-memory paragraph
    for qid, seen in (("WD-37-007", "施工单位应当对危大工程施工作业人员进行登记，"
                                    "项目负责人应当在施工现场履职。"),
                      ("WD-37-008", "施工单位应当按照规定对危大工程进行施工监测和安全巡视，"
                                    "发现危及人身安全的紧急情况，应当立即组织作业人员撤离危险区域。"),
                      ("WD-37-009", "危大工程验收合格后，施工单位应当在施工现场明显位置设置验收标识牌，"
                                    "公示验收时间及责任人员。")):
        assert seen in ref and f"“{seen}”" in _question(qid)["explanation"], qid


def test_the_article_16_question_quotes_only_what_the_standard_says():
    """2024 第十六条 is one sentence with no heading: no quoted title may be put in its mouth."""
    ref = reference_text(REGULATIONS)
    q = _question("CR-16-001")
    quotes = re.findall(r"“([^”]+)”", q["explanation"])
    assert quotes and all(part in ref for quote in quotes for part in quote.split("……") if part), quotes


def test_the_2024_scaffold_question_rests_on_the_2024_text_alone():
    """2022 第七条 is "partially verified … lightly paraphrased …; article number from memory": a verified
    question may not quote it as the 2022 wording; the key follows from 2024 第七条 (verified, three
    items)."""
    ref = reference_text(REGULATIONS)
    assert ("lightly paraphrased, in an exam explanation at "
            "https://news.xuetian.cn/anquan/shiti-detail/786227; article number from memory]" in ref)
    q = _question("CR-7-007")
    assert q["status"] == "verified" and q["answer"] is False
    assert "2022版“" not in q["stem"]
    assert "悬臂高度" in q["stem"] and "悬臂高度" not in _section_2024_article_7(ref)
    assert "未核实" in q["explanation"]


def _section_2024_article_7(ref: str) -> str:
    part = ref.split("### 1.1", 1)[1].split("### 1.2", 1)[0]
    return part.split("**第七条**", 1)[1].split("**第八条**", 1)[0]
