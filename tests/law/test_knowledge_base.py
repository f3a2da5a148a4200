"""The knowledge base is complete, verbatim and carries its sources and verification status."""

from __future__ import annotations

import re

import pytest

from tests.reference import REGULATIONS, reference_text
from zhiben_training import law
from zhiben_training.errors import KnowledgeBaseError, ZhibenError
from zhiben_training.law import _load


@pytest.fixture(scope="module")
def reference() -> str:
    return reference_text(REGULATIONS)


def _section(text: str, start: str, end: str) -> str:
    s = text.index(start)
    return text[s:text.index(end, s)]


def test_the_2024_standard_has_53_items_and_4_sub_items():
    counts = law.self_check()
    assert counts["criteria_2024"] == 53
    assert counts["sub_items_2024"] == 4
    assert [c.id for c in law.criteria() if c.parent_id] == ["5.4.1", "5.4.2", "5.4.3", "5.4.4"]


def test_every_2024_item_text_is_verbatim_from_the_reference(reference):
    sec = _section(reference, "### 1.1 Current", "### 1.2 Item counts")
    expected = {m.group(1): m.group(2)
                for m in re.finditer(r"^\| (\d+\.\d+(?:\.\d)?) \| \S+ \| (.+?) \|$", sec, re.M)}
    for art in ("十六", "十七"):
        m = re.search(rf"^\*\*第{art}条\*\* \(id `(\d+)`\) (.+)$", sec, re.M)
        expected[m.group(1)] = m.group(2)
    actual = {c.id: c.text for c in law.criteria("2024")}
    assert actual == expected


def test_every_2022_item_text_is_verbatim_and_keeps_its_status(reference):
    sec = _section(reference, "### 1.3 Historical", "### 1.4 What changed")
    for c in law.criteria("2022"):
        assert c.text in sec, c.id
    assert law.criterion("2022/4.1").status == "verified"
    assert law.criterion("2022/4.2").status == "unverified"
    assert law.criterion("2022/7.5").status == "partially_verified"
    assert law.criterion("2022/8.6").status == "verified"
    assert law.criterion("2022/5.4.3").text == "基坑底部出现管涌；"
    assert len([c for c in law.criteria("2022") if c.parent_id is None]) == 34


def test_every_criterion_has_text_source_and_status():
    for version in law.VERSIONS:
        for c in law.criteria(version):
            assert c.text and c.source and c.status in ("verified", "partially_verified", "unverified"), c.id
            assert ("2024版" if version == "2024" else "2022版") in c.source


def test_items_16_and_17_need_human_judgement_and_all_others_are_decidable():
    assert {c.id for c in law.criteria() if not c.decidable} == {"16", "17"}


def test_criterion_has_article_item_and_chapter():
    c = law.criterion("5.4.2")
    assert ((c.article, c.article_cn, c.item_cn, c.chapter, c.parent_id)
            == (5, "第五条", "（四）第2目", "基坑、边坡工程", "5.4"))
    assert law.criterion("16").item_cn == ""


def test_an_unknown_item_is_a_user_error_with_a_suggestion():
    with pytest.raises(law.UnknownItemError) as err:
        law.criterion("8.10")
    assert isinstance(err.value, ZhibenError)
    assert "8.10" in str(err.value)


def test_chapters_cover_articles_4_to_17_in_order():
    chapters = law.chapters()
    assert [c["article"] for c in chapters] == list(range(4, 18))
    assert chapters[10]["chapter"] == "施工临时堆载"
    assert chapters[1]["lead_in"] == "基坑、边坡工程有下列情形之一的，应判定为重大事故隐患："


def test_the_change_table_covers_every_2024_item_and_names_removed_2022_items():
    changes = law.changes_2022_2024()
    assert {c["id_2024"] for c in changes if c["id_2024"]} == {c.id for c in law.criteria()}
    removed = [c for c in changes if c["id_2024"] is None]
    assert [r["ids_2022"] for r in removed] == [["7.5"]]
    by_id = {c["id_2024"]: c for c in changes}
    assert by_id["16"]["ids_2022"] == ["14"] and "国家明令禁止和限制使用的" in by_id["16"]["change"]
    assert by_id["14.1"]["ids_2022"] == []


def test_wd_scopes_are_verbatim_with_their_statuses(reference):
    sec = _section(reference, "### 2.2 建办质〔2018〕31号", "## 3. ")
    expected = {m.group(1): m.group(2)
                for m in re.finditer(r"^\| (W[12][\d.]+) \| (.+?) \| .*? \|$", sec, re.M)}
    scopes = {s.id: s for s in law.wd_scopes()}
    assert {k: s.text for k, s in scopes.items()} == expected
    assert ({k for k, s in scopes.items() if s.status == "unverified"}
            == {"W2.3.2", "W2.5.1", "W2.5.2", "W2.6"})
    assert scopes["W1.5"].status == "partially_verified"
    assert all(s.level == ("危大" if s.annex == 1 else "超规模") for s in scopes.values())


REQUIRED_PROVISIONS = [
    ("安全生产法", a) for a in ("第二十一条", "第二十四条", "第二十五条", "第二十七条", "第二十八条",
                                "第四十一条", "第九十四条", "第九十五条", "第九十六条", "第九十七条")
] + [("建设工程安全生产管理条例", a)
     for a in ("第二十一条", "第二十三条", "第二十五条", "第三十六条", "第三十七条")] + [
    ("第17号", "第三条"), ("第17号", "第九条"), ("第17号", "第十条"),
    ("206号", "一、"), ("206号", "二、"), ("206号", "四、"), ("206号", "六、"),
    ("75号", "第三条"), ("75号", "第四条"), ("75号", "第八条"), ("75号", "第十七条"), ("75号", "第二十二条"),
    ("91号", "第八条"), ("91号", "第十三条（一）"),
]


@pytest.mark.parametrize(("law_name", "article"), REQUIRED_PROVISIONS,
                         ids=[f"{a}{b}" for a, b in REQUIRED_PROVISIONS])
def test_the_issue_s_duties_and_penalties_are_in_the_knowledge_base(law_name, article):
    found = [p for p in law.duties() + law.penalties()
             if law_name in p.law and p.article_cn.startswith(article)]
    assert len(found) == 1
    assert found[0].source and found[0].subject and found[0].text


def test_penalties_and_duties_are_split_by_kind():
    penalty_articles = {p.article_cn for p in law.penalties() if "安全生产法" in p.law}
    assert {"第九十四条", "第九十五条", "第九十六条", "第九十七条"} <= penalty_articles
    assert all(p.kind != "penalty" for p in law.duties())


def test_unverified_provisions_keep_their_status():
    status = {(p.law[-12:], p.article_cn): p.status for p in law.duties()}
    assert [s for (name, art), s in status.items() if "17号" in name and art == "第九条"] == ["unverified"]
    assert [s for (name, art), s in status.items()
            if "91号" in name and art == "第十三条（二）"] == ["unverified"]
    assert [s for (name, art), s in status.items() if "91号" in name and art == "第八条"] == ["verified"]


def test_every_provision_paragraph_is_quoted_from_the_reference(reference):
    for p in law.duties() + law.penalties():
        for paragraph in p.text.split("\n"):
            assert paragraph in reference, f"{p.law}{p.article_cn}: {paragraph[:30]}"


def test_thresholds_carry_comparator_unit_source_and_status():
    rows = law.thresholds()
    assert all({"id", "value", "comparator", "unit", "source", "status"} <= set(r) for r in rows)
    by_id = {r["id"]: r for r in rows}
    assert by_id["W2.1:depth_m>=5"]["value"] == 5 and by_id["W2.1:depth_m>=5"]["comparator"] == ">="
    assert by_id["W2.3.2:crane_capacity_kn>=300"]["status"] == "unverified"
    assert (by_id["special_env_humidity_pct"]["value"],
            by_id["special_env_humidity_pct"]["comparator"]) == (75, ">")
    assert by_id["project_safety_managers_by_contract"]["status"] == "unverified"
    assert by_id["project_safety_managers_by_area"]["status"] == "verified"


def test_status_note_never_presents_unverified_text_as_law():
    assert law.status_note("verified") == ""
    assert law.status_note("unverified") == "（未核实，仅供参考）"


def test_the_data_is_loaded_once():
    _load.criteria_data.cache_clear()
    law.criteria()
    law.criteria()
    law.criterion("4.1")
    info = _load.criteria_data.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_the_public_api_is_pinned():
    from zhiben_training import hazards

    assert set(hazards.__all__) == {"LEVELS", "HazardFinding", "WorkClassification", "find_hazards",
                                    "classify_work", "classify_works", "load_record_file", "record_schema",
                                    "validate_record", "FORMAT_VERSION", "UNDETERMINED", "IssueVerdict",
                                    "RecordVerdict", "Undetermined", "judge_record", "migrate_record",
                                    "Migration", "MigrationGap"}
    assert {"criteria", "criterion", "chapters", "changes_2022_2024", "wd_scopes", "duties", "penalties",
            "thresholds", "UnknownItemError", "Criterion", "Scope", "Provision"} <= set(law.__all__)


def test_a_broken_data_file_fails_the_self_check(monkeypatch):
    real = _load.read_json

    def broken(name):
        doc = real(name)
        if name == "criteria_2024.json":
            doc["items"][0]["source"] = ""
        return doc

    _load.criteria_data.cache_clear()
    monkeypatch.setattr(_load, "read_json", broken)
    try:
        with pytest.raises(KnowledgeBaseError, match="缺少 source"):
            law.criteria("2024")
    finally:
        monkeypatch.undo()
        _load.criteria_data.cache_clear()
    assert len(law.criteria("2024")) == 57


def test_the_deep_pit_depth_has_one_status_and_it_is_the_reference_mark_of_w2_1(reference):
    """regulations.md 2.2 marks 附件2 一 ✔ (wording seen); thresholds and scopes must not say two things."""
    row = "| W2.1 | 一、深基坑工程：开挖深度超过5m（含5m）的基坑（槽）的土方开挖、支护、降水工程。 | ✔ |"
    assert row in reference
    scope = next(s for s in law.wd_scopes() if s.id == "W2.1")
    assert scope.status == "verified"
    depth_rows = [r for r in law.thresholds() if r.get("scope_id") == "W2.1" or r["id"] == "deep_pit_depth_m"]
    assert [(r["value"], r["status"]) for r in depth_rows] == [(5, "verified")]
