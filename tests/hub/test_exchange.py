"""Each trainee fetches only their own variant through the real exchange, submits, gets a receipt;
the examiner's `assess collect` takes the exchange's submissions and the scores equal the offline
path's for the same answers."""

from __future__ import annotations

import json
import shutil
import subprocess

import nbformat
import pytest

from tests.hub.harness import AID, Trainee, running_hub
from zhiben_training.assess import nbgrader_adapter
from zhiben_training.assess.exchange import handin, load_keys
from zhiben_training.assess.exchange.nbgrader_exchange import receipt_name
from zhiben_training.assess.grading.batch import autograde
from zhiben_training.assess.grading.sandbox import Limits
from zhiben_training.assess.grading.submission import click_specs
from zhiben_training.assess.papers.answer_state import LEVELS, REQUIREMENTS
from zhiben_training.assess.papers.notebooks import NOTEBOOK_NAME
from zhiben_training.assess.simulate import click
from zhiben_training.hub.spawner import system_user_name

pytestmark = [pytest.mark.slow, pytest.mark.hub]


def _choice(spec: dict, n: int):
    values = spec.get("values") or []
    kind = spec["kind"]
    if kind == "single":
        return values[n % len(values)]
    if kind == "multiple":
        return [values[n % len(values)]]
    if kind == "truefalse":
        return bool(n % 2)
    if kind == "hazard_ids":
        return [values[n % (len(values) - 1)]]
    return {w: {"level": LEVELS[n % 3], "requirement": REQUIREMENTS[n % 5]} for w in spec["works"]}


def answer(nb: dict, seed: int, right: dict | None = None) -> dict:
    """Click something different per trainee, as saved by JupyterLab: the items in ``right`` (item ->
    key) with their key, so some answers are right whatever the paper's seed, the rest by position."""
    node = nbformat.from_dict(json.loads(json.dumps(nb)))
    for i, (_gid, spec) in enumerate(sorted(click_specs(node).items())):
        if spec["item"] in (right or {}):
            click(node, spec, right[spec["item"]])
        elif (i + seed) % 3:
            click(node, spec, _choice(spec, i + seed))
    return json.loads(nbformat.writes(node))


def _scores(course) -> dict:
    return {(r["student_id"], r["grade_id"]): r["score"]
            for r in nbgrader_adapter.gradebook_scores(course, AID)}


@pytest.fixture(scope="module")
def hub_run():
    with running_hub(3) as hub:
        offline = hub.base / "offline-course"
        shutil.copytree(hub.course, offline, symlinks=True)
        yield hub, offline


def test_trainees_fetch_their_own_variant_submit_and_get_a_receipt(hub_run, tmp_path):
    hub, offline = hub_run
    handed = tmp_path / "handin"
    handed.mkdir()
    receipts = {}
    for seed, (tid, code) in enumerate(sorted(hub.codes.items())):
        trainee = Trainee(hub, tid, code)
        assert trainee.login().status_code == 302
        trainee.spawn()
        listed = trainee.assignments()
        assert [a["assignment_id"] for a in listed["value"]] == [AID], listed
        assert trainee.fetch().status_code == 200
        mine = trainee.read(f"{AID}/{NOTEBOOK_NAME}.ipynb")["content"]
        assert mine["metadata"]["zhiben"]["trainee_id"] == tid  # their own variant
        keys = {i["item_id"]: i["key"] for i in load_keys(hub.course, AID, tid)["items"]}
        filled = answer(mine, seed, right={"k03": keys["k03"]} if seed == 0 else None)  # k03: true/false
        assert trainee.save_notebook(f"{AID}/{NOTEBOOK_NAME}.ipynb", filled).status_code == 200
        submitted = trainee.submit().json()
        assert submitted["success"], submitted
        receipt = trainee.read(receipt_name(AID))["content"]
        assert "SHA-256" in receipt and tid in receipt
        receipts[tid] = receipt.split("SHA-256：")[1].split()[0]
        saved = trainee.read(f"{AID}/{NOTEBOOK_NAME}.ipynb")["content"]
        (handed / f"{AID}-{tid}.ipynb").write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")

    done, rejected = handin.collect(hub.course, AID)
    assert not rejected and {r.trainee_id: r.sha256 for r in done} == receipts

    limits = Limits(wall_seconds=20, cell_seconds=8, address_space=2 * 2**30)
    autograde(hub.course, AID, workers=2, limits=limits, progress=False)
    zip_path = handin.pack_handin(handed, tmp_path / "handin.zip")
    done_offline, _ = handin.collect(offline, AID, source=zip_path)
    assert len(done_offline) == len(done)
    autograde(offline, AID, workers=2, limits=limits, progress=False)
    online, offline_scores = _scores(hub.course), _scores(offline)
    assert online and online == offline_scores
    assert any(v for v in online.values()) and len(set(online.values())) > 1  # not all zero


def test_a_trainees_own_uid_cannot_read_another_paper_or_the_keys(hub_run):
    """File permissions, not only the interface: what a trainee's kernel runs, it runs as their
    system user, and that user cannot open another trainee's released paper or the answer keys."""
    hub, _ = hub_run
    (a, code_a), (b, _code_b) = sorted(hub.codes.items())[:2]
    trainee = Trainee(hub, a, code_a)
    trainee.login()
    trainee.spawn()
    user = system_user_name(a, hub.prefix)
    outbound = hub.course / "exchange" / "zhiben" / "outbound" / AID

    def cat(path):
        return subprocess.run(["runuser", "-u", user, "--", "cat", str(path)], capture_output=True,
                              check=False)

    assert cat(outbound / a / f"{NOTEBOOK_NAME}.ipynb").returncode == 0
    for forbidden in (outbound / b / f"{NOTEBOOK_NAME}.ipynb", hub.course / "keys" / AID / f"{a}.json",
                      hub.course / "variants" / AID / b / f"{NOTEBOOK_NAME}.ipynb",
                      hub.course / "hub" / "codes.json"):
        result = cat(forbidden)
        assert result.returncode != 0 and b"Permission denied" in result.stderr, forbidden
    listing = subprocess.run(["runuser", "-u", user, "--", "ls", str(outbound)], capture_output=True,
                             check=False)
    assert listing.returncode != 0  # nobody can list who else has a paper
