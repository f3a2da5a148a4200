"""Simulated submissions, the responses frame built from a graded course, and ``zhiben assess
analyze`` reading it: real papers of a tiny synthetic city, real collect and sandboxed autograde."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from zhiben_training.assess.exchange import variants
from zhiben_training.assess.simulate import HOSTILE_KINDS, SimulatedSubmission, simulate_submissions
from zhiben_training.cli import main

AID = variants.assignment_id("2026-principal", "A")
TRAINEES = [f"P{n:02d}" for n in range(1, 11)]
SEED, HOSTILE, BLANK, OFFSET = 5, 5, 1, 2  # seed 5 gives 2 good and 2 weak among the other four


@dataclass
class Graded:
    root: Path
    inbox: Path
    handed: list[SimulatedSubmission]

    def of(self, quality: str) -> list[str]:
        return [s.trainee_id for s in self.handed if s.quality == quality]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """Paper A of 2026-principal generated with the real paper builder for ten trainees of a tiny city,
    with the ledger task's code option on: the attacks need a code item to live in (a paper without
    one is graded with no kernel: ``test_no_code_paper``)."""
    from functools import partial

    from zhiben_training.assess.papers.paper import build_paper
    from zhiben_training.synth import generate_city

    base = tmp_path_factory.mktemp("simulate")
    generate_city(scale="tiny", seed=5, out_dir=base / "city")
    variants.generate(base / "course", round_id="2026-principal", paper="A",
                     trainees=[{"id": t, "name": t} for t in TRAINEES], city_dir=base / "city", base_seed=3,
                     build=partial(build_paper, code_tasks=True))
    return base / "course"


@pytest.fixture(scope="module")
def graded(generated) -> Graded:
    """The simulated submissions collected and autograded (os._exit, memory hog, parent kill,
    huge output and a binary file among them)."""
    from zhiben_training.assess.exchange.handin import collect
    from zhiben_training.assess.grading.batch import autograde
    from zhiben_training.assess.grading.sandbox import Limits

    inbox = generated.parent / "inbox"
    handed = simulate_submissions(generated, AID, out_dir=inbox, seed=SEED, hostile=HOSTILE, blank=BLANK,
                                  hostile_offset=OFFSET)
    collect(generated, AID, source=inbox)
    autograde(generated, AID, workers=2, progress=False,
              limits=Limits(wall_seconds=20, cell_seconds=10, address_space=2 * 2**30))
    return Graded(generated, inbox, handed)


def _item_scores(root: Path) -> pd.DataFrame:
    from zhiben_training.assess.results.gradebook import item_scores

    return item_scores(root, AID)


# --- simulate_submissions -------------------------------------------------------------------


def test_the_same_seed_writes_the_same_bytes_and_another_seed_does_not(generated, tmp_path):
    runs = {}
    for name, seed in (("first", 11), ("again", 11), ("other", 12)):
        simulate_submissions(generated, AID, out_dir=tmp_path / name, seed=seed, hostile=2, blank=1)
        runs[name] = {p.name: p.read_bytes() for p in sorted((tmp_path / name).iterdir())}
    assert sorted(runs["first"]) == [f"{AID}-{t}.ipynb" for t in TRAINEES]
    assert runs["first"] == runs["again"]
    assert runs["first"] != runs["other"]


@pytest.mark.parametrize(("hostile", "blank"), [(0, 0), (3, 2), (10, 0), (4, 6)])
def test_quality_counts_follow_the_arguments(generated, tmp_path, hostile, blank):
    handed = simulate_submissions(generated, AID, out_dir=tmp_path, seed=1, hostile=hostile, blank=blank)
    counts = Counter(s.quality for s in handed)
    assert counts["hostile"] == hostile and counts["blank"] == blank
    assert counts["good"] + counts["weak"] == len(TRAINEES) - hostile - blank
    assert sorted(s.trainee_id for s in handed) == TRAINEES
    assert all(s.path == tmp_path / f"{AID}-{s.trainee_id}.ipynb" and s.path.exists() for s in handed)


def test_hostile_kinds_are_taken_in_order_from_the_offset_and_wrap_around(generated, tmp_path):
    kinds = list(HOSTILE_KINDS)
    handed = simulate_submissions(generated, AID, out_dir=tmp_path, seed=3, hostile=4, blank=0,
                                  hostile_offset=6)
    hostile = [s for s in handed if s.quality == "hostile"]  # in trainee order
    assert [s.detail for s in hostile] == [kinds[(6 + n) % len(kinds)] for n in range(4)]
    assert [s.detail for s in hostile] == ["binary_file", "empty_file", "infinite_loop", "endless_sleep"]
    by_kind = {s.detail: s.path.read_bytes() for s in hostile}
    assert by_kind["empty_file"] == b""
    assert len(by_kind["binary_file"]) == 4096
    with pytest.raises(UnicodeDecodeError):
        by_kind["binary_file"].decode("utf-8")
    for kind in ("infinite_loop", "endless_sleep"):
        cells = nbformat.reads(by_kind[kind].decode("utf-8"), as_version=4).cells
        attacked = [c for c in cells if c.source.startswith(HOSTILE_KINDS[kind] + "\n")]
        assert len(attacked) == 1 and attacked[0].metadata["nbgrader"]["grade_id"].endswith("-answer")
    assert all(s.detail == "" for s in handed if s.quality != "hostile")


def test_simulated_answers_are_python_not_json(generated, tmp_path):
    """Code answers are Python (JSON ``null`` would raise NameError in the kernel and score 0);
    choice answers are clicks saved as widget state, read back by the grader's own reader."""
    from zhiben_training.assess.grading.submission import read_clicks

    handed = simulate_submissions(generated, AID, out_dir=tmp_path, seed=1, hostile=0, blank=0)
    text = handed[0].path.read_text(encoding="utf-8")
    assert re.search(r"answer_t0\d = [\[{]", text)
    assert not re.search(r"= (true|false|null)\b", text)
    variant = nbformat.read(variants.variant_dir(generated, AID, handed[0].trainee_id) / "paper.ipynb",
                            as_version=4)
    clicks = read_clicks(variant, handed[0].path.read_bytes())
    assert len(clicks) >= 3 and all(answered for answered, _, _ in clicks.values())


# --- after real autograde ---------------------------------------------------------------------


def test_good_submissions_score_higher_than_weak_ones(graded):
    scores = _item_scores(graded.root)
    automatic = scores[~scores["grade_id"].str.endswith("-answer")]
    totals = automatic.groupby("student_id")["auto_score"].sum()
    good, weak = graded.of("good"), graded.of("weak")
    assert len(good) == 2 and len(weak) == 2
    assert min(totals[good]) > max(totals[weak])
    truefalse_points = automatic[automatic["student_id"].isin(good)
                                 & automatic["item_id"].isin(_items_of_kind(graded.root, "truefalse"))]
    assert truefalse_points["auto_score"].sum() > 0


def test_blank_submissions_score_zero_on_every_automatic_item(graded):
    scores = _item_scores(graded.root)
    blank = scores[scores["student_id"].isin(graded.of("blank"))
                   & ~scores["grade_id"].str.endswith("-answer")]
    assert len(blank) == len(_items_of_kind(graded.root, None)) and (blank["auto_score"] == 0).all()


def _items_of_kind(root: Path, kind: str | None) -> set[str]:
    record = variants.load_keys(root, AID, TRAINEES[0])
    return {i["item_id"] for i in record["items"]
            if i["kind"] != "written" and (kind is None or i["kind"] == kind)}


# --- responses_frame --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def responses(graded) -> pd.DataFrame:
    from zhiben_training.assess.results.responses import responses_frame

    return responses_frame(graded.root, AID)


def test_one_row_per_trainee_and_automatic_item_with_the_gradebook_points(graded, responses):
    automatic = _items_of_kind(graded.root, None)
    assert len(responses) == len(TRAINEES) * len(automatic)
    assert set(map(tuple, responses[["trainee_id", "item_id"]].values)) == {
        (t, i) for t in TRAINEES for i in automatic}
    book = _item_scores(graded.root).set_index(["student_id", "item_id"])["score"]
    for row in responses.itertuples():
        assert row.points == float(book[(row.trainee_id, row.item_id)] or 0.0)
    assert responses["points"].sum() > 0


def test_answer_original_undoes_the_shuffle_of_a_choice_item(graded, responses):
    from zhiben_training.assess.papers.bank import question_by_id
    from zhiben_training.assess.papers.paper import PaperItem, bank_letters

    good = responses[responses["trainee_id"].isin(graded.of("good")) & (responses["kind"] == "single")]
    answered = good[good["answer"] != ""]
    assert len(answered) >= 10
    shuffled = answered[answered["answer"] != answered["answer_original"]]
    assert not shuffled.empty  # some option order differs from the bank's
    row = shuffled.iloc[0]
    data = next(i for i in variants.load_keys(graded.root, AID, row["trainee_id"])["items"]
                if i["item_id"] == row["item_id"])
    item = PaperItem(**{k: data[k] for k in PaperItem.__dataclass_fields__})
    assert bank_letters(item, row["answer"]) == row["answer_original"]
    shown = dict(re.findall(r"^- ([A-E])\. (.*)$", item.prompt_md, flags=re.M))
    bank_options = question_by_id(row["source_question_id"])["options"]
    assert bank_options[row["answer_original"]] == shown[row["answer"]]  # the same option text
    assert row["key_original"] == bank_letters(item, item.key)
    if row["points"] == row["max_points"]:
        assert row["key_original"] == question_by_id(row["source_question_id"])["answer"]


def test_multiple_choice_answers_map_back_letter_by_letter(graded, responses):
    from zhiben_training.assess.papers.bank import question_by_id

    multi = responses[(responses["kind"] == "multiple") & (responses["answer_original"] != "")]
    assert not multi.empty
    for row in multi.head(10).itertuples():
        data = next(i for i in variants.load_keys(graded.root, AID, row.trainee_id)["items"]
                    if i["item_id"] == row.item_id)
        shown = dict(re.findall(r"^- ([A-E])\. (.*)$", data["prompt_md"], flags=re.M))
        bank = question_by_id(row.source_question_id)["options"]
        assert sorted(shown[c] for c in row.answer) == sorted(bank[c] for c in row.answer_original)
        assert len(row.answer) == len(row.answer_original)


def test_blank_and_hostile_submissions_give_empty_answers_not_errors(graded, responses):
    by = responses.set_index(["trainee_id", "item_id"])
    for trainee in graded.of("blank"):  # the starter values: "" / [] / None; task templates stay as given
        mine = responses[responses["trainee_id"] == trainee]
        choice = mine[mine["kind"].isin(["single", "multiple", "truefalse"])]
        assert len(choice) > 30 and (choice["answer"] == "").all() and (choice["answer_original"] == "").all()
        assert (mine["points"] == 0).all()
    hostile = {s.detail: s.trainee_id for s in graded.handed if s.quality == "hostile"}
    assert set(hostile) == {"os_exit", "memory_hog", "kill_parent", "huge_output", "binary_file"}
    binary = responses[responses["trainee_id"] == hostile["binary_file"]]
    assert (binary["answer"] == "").all() and (binary["points"] == 0).all()
    dead = responses[responses["trainee_id"] == hostile["os_exit"]]
    answered = dead[dead["answer"] != ""]
    assert 0 < len(answered) < len(dead)  # the answers before the attack were recorded, the rest not
    assert (dead.loc[dead["answer"] == "", "points"] == 0).all()
    assert by.loc[(hostile["os_exit"], "k01"), "answer"] != ""


def test_item_analysis_distractors_mark_the_bank_key_and_count_true_false_picks(graded, responses):
    from zhiben_training.assess.results.analysis import item_analysis

    distractors = item_analysis(responses, min_n=3).distractors
    choice = responses[responses["kind"].isin(["single", "multiple"])]
    for qid, group in choice.groupby("source_question_id"):
        right = group[group["points"] == group["max_points"]]
        if right.empty:
            continue
        key_rows = distractors[(distractors["question_id"] == qid) & distractors["is_key"]]
        assert key_rows["option"].tolist() == [right["answer_original"].iloc[0]], qid
    truefalse = distractors[distractors["question_id"].isin(
        responses.loc[responses["kind"] == "truefalse", "source_question_id"])]
    assert {"正确", "错误"} & set(truefalse["option"])


# --- zhiben assess analyze --------------------------------------------------------------------


def test_analyze_reads_responses_straight_from_the_course_root(graded, tmp_path, capsys, responses):
    out = tmp_path / "analysis"
    code = main(["assess", "analyze", "2026-principal", "--course", str(graded.root), "-a", AID,
                 "--out", str(out), "--min-n", "3"])
    assert code == 0, capsys.readouterr().err
    items = pd.read_csv(out / "item_analysis.csv", encoding="utf-8-sig", dtype={"question_id": str})
    reliability = pd.read_csv(out / "reliability.csv", encoding="utf-8-sig")
    expected = set(responses["source_question_id"].where(responses["source_question_id"] != "",
                                                         responses["item_id"]))
    assert set(items["question_id"]) == expected
    assert reliability.set_index("paper").loc["A", "n_trainees"] == len(TRAINEES)
    assert (out / "item_analysis.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Cronbach α" in capsys.readouterr().out


def test_analyze_without_an_assignment_or_responses_is_a_chinese_error(graded, tmp_path, capsys):
    out = tmp_path / "analysis"
    assert main(["assess", "analyze", "2026-principal", "--course", str(graded.root), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "-a" in err and "--responses" in err
    assert not out.exists()
