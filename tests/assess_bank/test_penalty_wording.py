"""A question on a penalty article uses the article's own verb: "处" is a duty to fine, "可以处" a
discretion."""

from __future__ import annotations

from zhiben_training import law
from zhiben_training.assess.papers.bank import load_bank


def _penalty_text(question: dict) -> str | None:
    """The knowledge base's text of the 安全生产法 / 条例 penalty article the question cites, if any."""
    document, article = question["citation"]["document"], question["citation"]["article"]
    for p in law.penalties():
        if p.article_cn == article and (p.law in document or document in p.law):
            return p.text
    return None


def test_no_question_says_kě_yǐ_chù_where_the_cited_article_says_chù():
    wrong = []
    for q in load_bank():
        text = _penalty_text(q)
        if text is None:
            continue
        said = q["stem"] + "".join(q.get("options", {}).values())
        if "可以处" in said and "可以处" not in text:
            wrong.append(q["id"])
    assert wrong == []


def test_em_aq97_001_quotes_article_97_as_written():
    (q,) = [q for q in load_bank() if q["id"] == "EM-AQ97-001"]
    text = _penalty_text(q)
    assert text is not None and "责令限期改正，处十万元以下的罚款" in text
    assert q["stem"].endswith("责令限期改正，处：") and q["options"][q["answer"]] == "十万元以下的罚款"


