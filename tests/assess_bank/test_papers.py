"""Per-trainee papers: deterministic, varied, and nothing a trainee receives gives the key away."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest

from zhiben_training.assess.papers.bank import question_by_id
from zhiben_training.assess.papers.paper import (
    Paper,
    bank_letters,
    blueprint,
    build_paper,
    paper_seed,
    score_item,
)
from zhiben_training.errors import AssessmentError
from zhiben_training.law import criteria

ROUND = "2026-principal"
ALL_IDS = [c.id for c in criteria("2024") if "." in c.id]  # "16"/"17" would match any date or count


def paper_for(city, trainee: str, *, paper: str = "A", seed: int = 11) -> Paper:
    return build_paper(round_id=ROUND, paper=paper, trainee_id=trainee, seed=seed, city_dir=city)


def released_text(paper: Paper) -> str:
    """Everything a trainee receives: prompts, answer templates and data files."""
    parts = [i.prompt_md + "\n" + i.answer_template for i in paper.items]
    parts += [data.decode("utf-8") for data in paper.data_files.values()]
    return "\n".join(parts)


def test_same_arguments_rebuild_an_identical_paper(tiny_city):
    assert paper_for(tiny_city, "T001") == paper_for(tiny_city, "T001")


def test_the_seed_is_a_hash_of_round_paper_trainee_and_seed():
    one = paper_seed(round_id=ROUND, paper="A", trainee_id="T001", seed=1)
    assert one == paper_seed(round_id=ROUND, paper="A", trainee_id="T001", seed=1)
    assert one != paper_seed(round_id=ROUND, paper="A", trainee_id="T001", seed=2)
    assert one != paper_seed(round_id=ROUND, paper="C", trainee_id="T001", seed=1)


def test_trainees_get_different_questions_and_sites_but_the_same_slots(tiny_city):
    papers = [paper_for(tiny_city, f"T{i:03d}") for i in range(8)]
    slots = {tuple((i.item_id, i.kind, i.points) for i in p.items) for p in papers}
    assert len(slots) == 1
    draws = {tuple(i.source_question_id for i in p.items) for p in papers}
    assert len(draws) == len(papers)
    assert len({p.site_id for p in papers}) >= 3
    assert len({p.data_files["隐患台账.csv"] for p in papers}) >= 3


def test_paper_a_follows_its_blueprint(tiny_city):
    paper = paper_for(tiny_city, "T001")
    bp = blueprint("A")
    knowledge = [i for i in paper.items if i.source_question_id]
    assert len(knowledge) == sum(sum(v.values()) for v in bp["knowledge"].values())
    for item in knowledge:
        q = question_by_id(item.source_question_id)
        assert q["status"] == "verified" and q["audience"] in ("both", "A")
        assert item.points == bp["points"][item.kind]
    assert [i.item_id for i in paper.items[-4:]] == ["t01", "t02", "t03", "w01"]
    assert sum(i.points for i in paper.items) == 100


def test_unknown_paper_kind_is_a_chinese_assessment_error(tiny_city):
    with pytest.raises(AssessmentError, match="没有试卷类型 B"):
        paper_for(tiny_city, "T001", paper="B")


def test_shuffled_options_keep_the_key_on_the_same_option_text(tiny_city):
    for trainee in ("T001", "T002", "T003"):
        for item in paper_for(tiny_city, trainee).items:
            if item.kind not in ("single", "multiple"):
                continue
            q = question_by_id(item.source_question_id)
            shown = dict(re.findall(r"^- ([A-E])\. (.*)$", item.prompt_md, flags=re.M))
            keyed = {shown[k] for k in ([item.key] if item.kind == "single" else item.key)}
            answers = [q["answer"]] if q["type"] == "single" else q["answer"]
            assert keyed == {q["options"][a] for a in answers}
            assert score_item(item, item.key)[0] == item.points
            assert bank_letters(item, item.key) == "".join(answers)


def test_option_order_differs_between_trainees(tiny_city):
    orders = set()
    for trainee in [f"T{i:03d}" for i in range(12)]:
        for item in paper_for(tiny_city, trainee).items:
            if item.kind == "single":
                orders.add(item.key)
    assert len(orders) >= 3


def test_released_fields_never_contain_a_task_key(tiny_city):
    for trainee in [f"T{i:03d}" for i in range(10)]:
        paper = paper_for(tiny_city, trainee)
        text = released_text(paper)
        t01 = next(i for i in paper.items if i.item_id == "t01")
        for item_id in ALL_IDS:
            # an item id as such — not a measurement like "4.2m" that happens to share the digits
            pattern = rf"(?<![\d.]){re.escape(item_id)}(?![\d.]|\s*(?:m|米|kN|%|万|人|倍))"
            assert not re.search(pattern, t01.prompt_md + t01.answer_template), item_id
        t02 = next(i for i in paper.items if i.item_id == "t02")
        assert not re.search(r'"level": "[^"]', t02.answer_template)
        t03 = next(i for i in paper.items if i.item_id == "t03")
        assert json.dumps(t03.key["closure_rate_by_channel"], ensure_ascii=False) not in text
        assert "answer_key" not in text and "W-P" not in text and "E-P" not in text
        for item in paper.items:
            if item.source_question_id:
                assert question_by_id(item.source_question_id)["explanation"] not in text


def test_the_site_narrative_does_not_quote_the_criteria_it_asks_for(tiny_city):
    clauses = {c for crit in criteria("2024")
               for c in re.split(r"[，；。：、（）“”]", crit.text) if len(c) >= 12}
    seen_hazards = 0
    for trainee in [f"T{i:03d}" for i in range(15)]:
        t01 = next(i for i in paper_for(tiny_city, trainee).items if i.item_id == "t01")
        seen_hazards += len(t01.key)
        leaked = [c for c in clauses if c in t01.prompt_md]
        assert not leaked, leaked
        assert ("site_id" not in t01.prompt_md and "works[" not in t01.prompt_md
                and "= true" not in t01.prompt_md)
    assert seen_hazards > 0


def test_hazard_key_is_the_rules_engine_verdict_on_the_trainees_own_site(tiny_city):
    """… on the site as the trainee's report shows it: without measurements judged by unverified figures."""
    from zhiben_training.assess.papers.unverified_basis import without_unverified_basis
    from zhiben_training.hazards import find_hazards
    from zhiben_training.synth import load_site_records

    records = {r["site_id"]: r for r in load_site_records(tiny_city)}
    for trainee in ("T001", "T004", "T009"):
        paper = paper_for(tiny_city, trainee)
        t01 = next(i for i in paper.items if i.item_id == "t01")
        shown, _removed = without_unverified_basis(records[paper.site_id])
        assert sorted(t01.key) == sorted({f.item_id for f in find_hazards(shown)})


def test_classify_key_matches_the_rules_engine_for_each_listed_work(tiny_city):
    """… for each work whose level no unverified 附件2 entry decides (the others are not listed)."""
    from zhiben_training.assess.papers.unverified_basis import level_rests_on_unverified
    from zhiben_training.hazards import classify_work
    from zhiben_training.synth import load_site_records

    records = {r["site_id"]: r for r in load_site_records(tiny_city)}
    checked = 0
    for trainee in [f"T{i:03d}" for i in range(8)]:
        paper = paper_for(tiny_city, trainee)
        t02 = next(i for i in paper.items if i.item_id == "t02")
        assert all(re.fullmatch(r"W\d+", label) and f"| {label} |" in t02.prompt_md for label in t02.key)
        verdicts = [classify_work(w) for w in records[paper.site_id]["works"]]
        verdicts = [v for w, v in zip(records[paper.site_id]["works"], verdicts, strict=True)
                    if not level_rests_on_unverified(w, v)]
        if len(verdicts) <= 6:  # every work is listed, so the multiset of levels must agree
            assert sorted(v["level"] for v in t02.key.values()) == sorted(c.level for c in verdicts)
            checked += 1
    assert checked > 0


def test_ledger_key_agrees_with_an_independent_count(tiny_city):
    for trainee in ("T001", "T005"):
        t03 = next(i for i in paper_for(tiny_city, trainee).items if i.item_id == "t03")
        data = next(iter(paper_for(tiny_city, trainee).data_files.values()))
        frame = pd.read_csv(io.BytesIO(data), parse_dates=["整改期限", "销号日期"])
        as_of = pd.Timestamp(t03.key["as_of"])
        overdue = (frame["隐患级别"] == "重大") & (frame["整改期限"] < as_of) & frame["销号日期"].isna()
        assert t03.key["overdue_major"] == int(overdue.sum())
        for channel, group in frame.groupby("发现渠道"):
            rate = round(100 * group["销号日期"].notna().sum() / len(group), 1)
            assert t03.key["closure_rate_by_channel"][channel] == pytest.approx(rate, abs=1e-9)
        assert t03.key["as_of"] in t03.prompt_md


def test_a_c_paper_draws_only_questions_meant_for_safety_managers(tiny_city):
    paper = paper_for(tiny_city, "T001", paper="C")
    for item in paper.items:
        if item.source_question_id:
            assert question_by_id(item.source_question_id)["audience"] in ("both", "C")


def test_every_fact_that_triggers_a_hazard_is_told_in_the_narrative(tiny_city):
    """For each planted hazard, one of the wordings of each triggering fact appears in the report."""
    import numpy as np

    from zhiben_training.assess.papers.bank import bank_dir
    from zhiben_training.assess.papers.site_report import label_entities, render_site_report
    from zhiben_training.hazards import find_hazards
    from zhiben_training.synth import load_site_records

    phrases = json.loads((bank_dir() / "narrative.json").read_text(encoding="utf-8"))["fields"]
    checked = 0
    for record in load_site_records(tiny_city):
        findings = find_hazards(record)
        if not findings:
            continue
        rng = np.random.default_rng(1)
        report = render_site_report(record, label_entities(record, rng), rng, bank=str(bank_dir()))
        for finding in findings:
            for fact in finding.facts:
                path, value = fact.split(" = ", 1)
                key, value = re.split(r"[.\]]", path)[-1], json.loads(value)
                if isinstance(value, bool) and key in phrases:
                    assert any(v in report for v in phrases[key]["true" if value else "false"]), fact
                    checked += 1
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    assert f"{value:g}" in report, fact
                    checked += 1
    assert checked > 5


def test_an_untouched_answer_template_scores_zero_on_every_item(tiny_city):
    """The starter values in the answer cells are never a right answer, even on a site without hazards."""
    for trainee in [f"T{i:03d}" for i in range(10)]:
        for item in paper_for(tiny_city, trainee).items:
            if item.kind == "written":
                continue
            namespace: dict = {}
            exec(item.answer_template, namespace)  # our own template: the starter code a trainee sees
            assert score_item(item, namespace[item.answer_var])[0] == 0, (trainee, item.item_id)
