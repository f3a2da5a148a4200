"""No programming on the A paper: the ledger task is read as a table and answered by choosing,
checked against the data; code stays a blueprint option; a paper without code is graded with no
kernel at all."""

from __future__ import annotations

import io
import json
import shutil

import nbformat
import pandas as pd
import pytest

from tests.assess.conftest import AID, ROUND, run_autograde, scores
from zhiben_training.assess.exchange import variants
from zhiben_training.assess.exchange.handin import collect
from zhiben_training.assess.grading.batch import needs_kernel
from zhiben_training.assess.grading.submission import click_specs
from zhiben_training.assess.papers.bank import BANK_DIR_ENV, bank_dir, validate_blueprints
from zhiben_training.assess.papers.notebooks import NOTEBOOK_NAME, build_notebook
from zhiben_training.assess.papers.paper import build_paper
from zhiben_training.assess.papers.scoring import score_item
from zhiben_training.assess.simulate import simulate_submissions
from zhiben_training.errors import KnowledgeBaseError

TRAINEES = [{"id": f"N{i:03d}", "name": f"考生{i}"} for i in range(6)]


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    from zhiben_training.synth import generate_city

    out = tmp_path_factory.mktemp("city")
    generate_city(scale="tiny", seed=2026, out_dir=out)
    return out


def _paper(city, trainee="T001", paper="A", **options):
    return build_paper(round_id=ROUND, paper=paper, trainee_id=trainee, seed=3, city_dir=city, **options)


def _visible_code(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"
            and not c.metadata.get("jupyter", {}).get("source_hidden")
            and not c.metadata.get("zhiben", {}).get("hidden")]


@pytest.mark.parametrize("paper", ["A", "C"])
def test_the_a_and_c_papers_ask_for_no_code_by_default(city, paper):
    built = _paper(city, paper=paper)
    t03 = next(i for i in built.items if i.item_id == "t03")
    assert t03.kind == "ledger_read" and "pandas" not in t03.prompt_md
    nb = build_notebook(built)
    assert _visible_code(nb) == []
    assert set(click_specs(nb)) >= {"t03-answer"}


def test_code_is_a_blueprint_option_an_examiner_switches_on(city, tmp_path, monkeypatch):
    assert next(i for i in _paper(city, code_tasks=True).items if i.item_id == "t03").kind == "ledger"
    bank = tmp_path / "bank"
    shutil.copytree(bank_dir(), bank)
    doc = json.loads((bank / "blueprints.json").read_text(encoding="utf-8"))
    doc["papers"]["A"]["tasks"][2]["code"] = True
    (bank / "blueprints.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv(BANK_DIR_ENV, str(bank))
    built = _paper(city)
    t03 = next(i for i in built.items if i.item_id == "t03")
    assert t03.kind == "ledger" and "pandas" in t03.prompt_md
    assert [s for s in _visible_code(build_notebook(built)) if "answer_t03" in s]
    doc["papers"]["A"]["tasks"][0]["code"] = True  # only the ledger task can be written as code
    (bank / "blueprints.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="只有台账任务"):
        validate_blueprints(doc, ())


def test_the_ledger_answer_is_checked_against_the_data(city):
    for trainee in ("T001", "T002", "T003", "T004"):
        built = _paper(city, trainee=trainee)
        t03 = next(i for i in built.items if i.item_id == "t03")
        frame = pd.read_csv(io.BytesIO(built.data_files["隐患台账.csv"]), dtype=str,
                            keep_default_na=False)
        as_of = pd.Timestamp(t03.choices["as_of"])
        closed = frame["销号日期"] != ""
        overdue = ((frame["隐患级别"] == "重大") & (pd.to_datetime(frame["整改期限"]) < as_of)
                   & ~closed).sum()
        rates = {c: round(100 * closed[frame["发现渠道"] == c].mean(), 1) for c in set(frame["发现渠道"])}
        lowest = sorted(c for c, r in rates.items() if r == min(rates.values()))
        assert t03.key["overdue_major"] == int(overdue) and t03.key["lowest_channels"] == lowest
        assert t03.choices["channels"] == sorted(rates) and str(int(overdue)) in t03.choices["counts"]
        right = {"overdue_major": int(overdue), "lowest_channel": lowest[0]}
        assert score_item(t03, right)[0] == t03.points
        assert score_item(t03, {**right, "overdue_major": int(overdue) + 1})[0] == t03.points / 2
        wrong = [c for c in rates if c not in lowest]
        if wrong:
            assert score_item(t03, {**right, "lowest_channel": wrong[0]})[0] == t03.points / 2
        assert score_item(t03, None)[0] == 0


def test_the_ledger_table_filters_and_its_choices_read_back(city, tmp_path, monkeypatch):
    """The real widgets in a kernel-side run: a readable table (Chinese column names, no index),
    filters that change the rows, and the two choices read back by the grader's reader."""
    from zhiben_training.assess.papers import _widgets as pw
    from zhiben_training.assess.papers.answer_state import answer_cells, read_item
    from zhiben_training.assess.papers.notebooks import click_spec

    built = _paper(city)
    t03 = next(i for i in built.items if i.item_id == "t03")
    (tmp_path / "隐患台账.csv").write_bytes(built.data_files["隐患台账.csv"])
    monkeypatch.chdir(tmp_path)
    pw.SPECS["t03"] = click_spec(t03)
    try:
        pw.answer_widget("t03")
        box = pw._live["t03"]
        filters, table = box.children[0].children, box.children[1]
        rows = len(pd.read_csv(tmp_path / "隐患台账.csv"))
        assert f"显示 {rows} / {rows} 条" in table.value and "<th" in table.value \
            and "隐患级别" in table.value
        filters[2].value = "未销号"
        still_open = table.value.count("<tr>") - 1
        assert f"显示 {still_open} / {rows} 条" in table.value and still_open < rows
        assert len(t03.choices["counts"]) >= 11  # the count is never given away by a single option
        live = pw._live_notebook()
        spec = pw.SPECS["t03"]
        assert read_item(live, answer_cells(live)["t03-answer"], spec)[:2] == (False, None)
        count = next(w for w in pw._widgets_of(box) if "zb-t03-overdue" in w._dom_classes)
        channel = next(w for w in pw._widgets_of(box) if "zb-t03-channel" in w._dom_classes)
        count.value, channel.value = str(t03.key["overdue_major"]), t03.key["lowest_channels"][0]
        live = pw._live_notebook()
        ok, value, _ = read_item(live, answer_cells(live)["t03-answer"], spec)
        assert ok and score_item(t03, value)[0] == t03.points
    finally:
        pw.SPECS.clear()
        pw._live.clear()


@pytest.fixture(scope="module")
def no_code_course(city, tmp_path_factory):
    root = tmp_path_factory.mktemp("nocode") / "course"
    variants.generate(root, round_id=ROUND, paper="A", trainees=TRAINEES, city_dir=city, base_seed=5)
    inbox = root.parent / "inbox"
    simulated = simulate_submissions(root, AID, out_dir=inbox, seed=3, hostile=2, blank=1)
    collect(root, AID, source=inbox)
    return root, simulated


def test_a_paper_without_code_is_graded_with_no_kernel_at_all(no_code_course, scorer):
    root, simulated = no_code_course
    assert not needs_kernel(root, AID)
    summary = run_autograde(root, scorer)
    assert summary.kernels is False and not summary.ungraded
    assert sorted(summary.graded) == sorted(t["id"] for t in TRAINEES)
    assert list((root / ".autograde" / "logs").glob("zygote-*")) == []  # no fork server ever started
    attacks = [s for s in simulated if s.quality == "hostile" and s.path.stat().st_size]
    assert attacks  # the attack sits in a code cell of its own: never run, the clicks still count
    got = scores(root)
    for sub in attacks:
        assert sum(v or 0 for v in got[sub.trainee_id].values()) > 0
    for sub in simulated:  # every score is the scorer's on the value saved in the file
        if sub.quality in ("good", "weak"):
            keys = variants.load_keys(root, AID, sub.trainee_id)
            nb = nbformat.read(sub.path, as_version=4)
            from zhiben_training.assess.grading.submission import read_clicks

            values = read_clicks(nbformat.read(variants.variant_dir(root, AID, sub.trainee_id)
                                               / f"{NOTEBOOK_NAME}.ipynb", as_version=4),
                                 json.dumps(nb).encode())
            t03 = next(i for i in keys["items"] if i["item_id"] == "t03")
            from types import SimpleNamespace

            assert got[sub.trainee_id]["t03-test"] == \
                score_item(SimpleNamespace(**t03), values["t03-test"][1])[0]


def test_simulated_attacks_on_a_paper_without_code_are_deterministic(no_code_course, tmp_path):
    root, _ = no_code_course
    runs = []
    for name in ("first", "again"):
        simulate_submissions(root, AID, out_dir=tmp_path / name, seed=3, hostile=2, blank=1)
        runs.append({p.name: p.read_bytes() for p in sorted((tmp_path / name).iterdir())})
    assert runs[0] == runs[1]


def test_a_paper_with_the_code_option_on_still_runs_its_code_in_the_sandbox(city, tmp_path):
    root = tmp_path / "course"
    from functools import partial

    variants.generate(root, round_id=ROUND, paper="A", trainees=TRAINEES[:1], city_dir=city, base_seed=5,
                      build=partial(build_paper, code_tasks=True))
    assert needs_kernel(root, AID)


def test_a_paper_without_code_graded_in_forked_workers_scores_as_in_one_process_even_when_a_worker_dies(
        no_code_course, scorer, tmp_path, monkeypatch):
    """The submissions are shared out to worker processes (the examiner's process writes the
    gradebook); a worker killed mid-batch is the machine's fault: its submissions are graded
    again in the examiner's process, none is lost or scored from a half-done attempt."""
    import os

    from zhiben_training.assess.grading import _kernel_free

    monkeypatch.setattr(_kernel_free, "_MIN_PER_WORKER", 1)  # six papers: enough for two workers here
    root, _ = no_code_course
    examiner, pids, marker = os.getpid(), tmp_path / "pids", tmp_path / "a-worker-died"

    def watching(item, value):
        with open(pids, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
        return scorer(item, value)

    def dying(item, value):
        if os.getpid() != examiner and not marker.exists():
            marker.write_text("", encoding="utf-8")
            os._exit(9)  # the worker process dies mid-submission
        return scorer(item, value)

    runs = {}
    for name, how, workers in (("one", scorer, 1), ("two", watching, 2), ("killed", dying, 2)):
        copy = tmp_path / name
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".autograde", "gradebook.db*"))
        shutil.copy(root / "gradebook.db", copy / "gradebook.db")
        runs[name] = (run_autograde(copy, how, workers=workers), scores(copy))
    workers_used = set(pids.read_text(encoding="utf-8").split()) - {str(examiner)}
    assert len(workers_used) == 2  # graded in two forked processes, not here
    assert marker.exists() and runs["killed"][0].retries >= 1
    for name in ("two", "killed"):
        summary, got = runs[name]
        assert summary.kernels is False and not summary.ungraded
        assert sorted(summary.graded) == sorted(t["id"] for t in TRAINEES)
        assert got == runs["one"][1]
