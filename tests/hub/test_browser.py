"""Trainees in Debian's Chromium (Playwright, executable_path) on a real hub at 127.0.0.1: log in with
ID number and 准考证号, land on their own paper (placed in their home: nothing to fetch, no English
nbgrader menu), answer by clicking (saved by itself), hand in with the paper's 交卷 button and read the
receipt it shows; the examiner collects and autogrades; scores equal the offline path."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.hub.harness import AID, browser_login, hand_in, running_hub
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


def _one_trainee(browser, hub, tid: str, code: str, seed: int) -> dict:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    browser_login(page, hub, tid, code)  # the placed paper opens: nothing to fetch
    page.locator(".jp-Notebook").first.wait_for(timeout=60_000)
    assert "Nbgrader" not in page.locator("#jp-menu-panel").inner_text()
    _answer_in_browser(page, seed)
    receipt = hand_in(page)
    assert receipt_name(AID) in receipt  # the dialog names the receipt file kept in the trainee's folder
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
            return {(r["student_id"], r["grade_id"]): r["score"]
                    for r in nbgrader_adapter.gradebook_scores(root, AID)}

        online = scores(hub.course)
        assert online == scores(offline) and len(online) == COUNT * 6
        assert any(v for (_s, g), v in online.items() if g.startswith("k01"))  # some clicked answers scored
