"""Trainees in Debian's Chromium (Playwright, executable_path) on a real hub at 127.0.0.1: log in with
ID number and 准考证号, see only their own paper in the Assignments panel, fetch, answer by clicking, save,
submit, read the receipt; the examiner collects and autogrades; scores equal the offline path."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.hub.harness import AID, running_hub
from zhiben_training.assess import nbgrader_adapter
from zhiben_training.assess.exchange import handin
from zhiben_training.assess.exchange.nbgrader_exchange import receipt_name
from zhiben_training.assess.grading.batch import autograde
from zhiben_training.assess.grading.sandbox import Limits
from zhiben_training.assess.papers.answer_state import check_paper
from zhiben_training.hub.spawner import system_user_name

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
COUNT = int(os.environ.get("ZHIBEN_HUB_BROWSER_TRAINEES", "10"))

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.hub]


def _answer_in_browser(page, seed: int) -> None:
    """The paper opens ready (nothing to run): click a choice for k01 (right for some trainees, not for
    others) and wait for the paper's own 已保存 status (it saves every click by itself)."""
    options = page.locator(".zb-k01 input[type=radio]")
    options.first.wait_for(timeout=180_000)
    options.nth(seed % 4).check()
    page.locator(".zb-save-status", has_text="已保存").wait_for(timeout=60_000)


def _assignments_panel(page):
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
    panel = page.locator("#nbgrader-assignment-list")
    panel.wait_for(timeout=60_000)
    return panel


def _one_trainee(browser, hub, tid: str, code: str, seed: int) -> dict:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    assert "准考证号" in page.content()
    page.fill("#username_input", tid)
    page.fill("#password_input", code)
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{tid}/lab**", timeout=240_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").wait_for(timeout=120_000)
    panel = _assignments_panel(page)
    released = panel.locator("#released_assignments_list")
    released.locator("text=" + AID).wait_for(timeout=60_000)
    rows = released.locator(".list_item").all_inner_texts()
    assert len([r for r in rows if AID in r]) == 1, rows  # their own paper, once
    released.locator("button", has_text="Fetch").click()
    panel.locator("#fetched_assignments_list").locator("text=" + AID).wait_for(timeout=60_000)
    page.goto(f"{hub.url}/user/{tid}/lab/tree/{AID}/paper.ipynb")
    page.locator(".jp-Notebook").first.wait_for(timeout=60_000)
    _answer_in_browser(page, seed)
    panel = _assignments_panel(page)
    panel.locator("#fetched_assignments_list button", has_text="Submit").first.click()
    panel.locator("#submitted_assignments_list").locator("text=" + AID).wait_for(timeout=60_000)
    page.goto(f"{hub.url}/user/{tid}/lab/tree/{quote(receipt_name(AID))}")
    shown = page.locator(".jp-FileEditor .cm-content", has_text="SHA-256").first
    shown.wait_for(timeout=60_000)
    receipt = shown.inner_text()
    # another trainee's server: refused in Chinese
    other = next(t for t in sorted(hub.codes) if t != tid)
    page.goto(f"{hub.url}/user/{other}/lab")
    assert "每位考生只能打开自己的考试页面" in page.content()
    context.close()
    return {"receipt": receipt}


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium (apt-get install chromium)")
def test_trainees_take_the_exam_in_chromium_and_scores_equal_the_offline_path(tmp_path):
    from playwright.sync_api import sync_playwright

    with running_hub(COUNT, start_timeout=300) as hub:
        offline = hub.base / "offline-course"
        shutil.copytree(hub.course, offline, symlinks=True)
        results = {}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            try:
                for seed, (tid, code) in enumerate(sorted(hub.codes.items())):
                    results[tid] = _one_trainee(browser, hub, tid, code, seed)
            finally:
                browser.close()
        done, rejected = handin.collect(hub.course, AID)
        assert not rejected and len(done) == COUNT
        for receipt in done:
            assert receipt.sha256 in results[receipt.trainee_id]["receipt"].replace("\n", "")
        handed = tmp_path / "handin"
        handed.mkdir()
        for tid in hub.codes:
            saved = hub.base / "home" / system_user_name(tid, hub.prefix) / AID / "paper.ipynb"
            nb = json.loads(saved.read_text(encoding="utf-8"))
            report = check_paper(nb)  # the click was saved into the file (widget state)
            assert "k01" in report["answered"], report
            shutil.copy(saved, handed / f"{AID}-{tid}.ipynb")
        limits = Limits(wall_seconds=20, cell_seconds=8, address_space=2 * 2**30)
        autograde(hub.course, AID, workers=2, limits=limits, progress=False)
        handin.collect(offline, AID, source=handin.pack_handin(handed, tmp_path / "handin.zip"))
        autograde(offline, AID, workers=2, limits=limits, progress=False)

        def scores(root):
            return {(r["student_id"], r["grade_id"]): r["score"] for r in nbgrader_adapter.gradebook_scores(root, AID)}

        online = scores(hub.course)
        assert online == scores(offline) and len(online) == COUNT * 6
        assert any(v for (_s, g), v in online.items() if g.startswith("k01"))  # some clicked answers scored
