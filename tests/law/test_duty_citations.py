"""Duties cite the article that imposes them, name the party it names, and keep its verification status."""

from __future__ import annotations

from zhiben_training import law
from zhiben_training.hazards import classify_work


def _duty(duty_id: str) -> dict:
    return next(d for d in law.wd_duties() if d["id"] == duty_id)


def test_the_acceptance_duty_cites_37_hao_ling_article_21_not_the_hazard_criterion():
    duty = _duty("acceptance")
    assert duty["source"].endswith("（住房和城乡建设部令第37号）第二十一条")
    assert duty["status"] == "partially_verified"  # regulations.md: 第一段凭记忆, 第二段已核实
    assert "施工单位、监理单位" in duty["text"] and "第四条第（五）项" in duty["text"]


def test_no_wd_duty_is_sourced_to_a_hazard_criterion_except_the_monitoring_requirement():
    sourced_to_criteria = {d["id"] for d in law.wd_duties() if "判定标准" in d["source"]}
    assert sourced_to_criteria == {"third_party_monitoring"}  # 5.3 is the only verified text requiring it


def test_article_20_is_the_client_s_and_the_monitoring_unit_s_duty():
    (art20,) = [p for p in law.duties() if "第37号" in p.law and p.article_cn == "第二十条"]
    assert art20.subject == "建设单位、监测单位" and "建设单位应当委托" in art20.text
    assert art20.status == "unverified"
    (art21,) = [p for p in law.duties() if "第37号" in p.law and p.article_cn == "第二十一条"]
    assert art21.subject == "施工单位、监理单位"


def test_a_deep_pit_lists_who_entrusts_the_monitoring_and_says_it_is_unverified():
    duties = classify_work({"work_id": "W1", "work_type": "excavation", "depth_m": 5}).duties
    entrusted = [d for d in duties if "由建设单位委托" in d]
    assert (len(entrusted) == 1 and "第二十条" in entrusted[0]
            and entrusted[0].endswith("（未核实，仅供参考）"))
    accepted = [d for d in duties if "第二十一条" in d]
    assert len(accepted) == 1 and accepted[0].endswith("（部分核实）")
