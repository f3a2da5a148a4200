"""A principal takes the whole A paper on the hub (Debian Chromium, Playwright), as the offline test
``tests/assess/test_paper_opens_ready.py`` does with the zip: logs in and lands on the paper the server
placed in the home, sees question 1's options without running anything and no code editor, clicks every
item and types the written answer; the browser is killed 3 s after the last keystroke and the file in
the home holds every answer; logging in again from a new browser (another machine) shows them all; the
paper's own 交卷 button hands it in and shows the receipt, and after the window closes shows the refusal;
the examiner collects and autogrades, and the score equals the same answers entered as data.
Screenshots go to the test artifacts; tests/golden/hub-paper-receipt.png is a reference image of the
receipt dialog (pixels are not compared: they differ from machine to machine)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import time

import pytest

from tests.assess.paper_ui import (
    WRITTEN,
    answer_specs,
    checked_wanted,
    chromium_process,
    click_key,
    clicked_items,
    kill_chromium,
    render_all_cells,
    saved_notebook,
    scores_both_ways,
    visible_editors,
    wait_ready,
)
from tests.course.test_browser import CHROMIUM, CHROMIUM_ARGS, _fontconfig
from tests.hub.harness import AID, browser_login, hand_in, running_hub
from zhiben_training.assess import CourseRoot
from zhiben_training.assess.exchange import handin, variants
from zhiben_training.assess.exchange.nbgrader_exchange import receipt_name
from zhiben_training.assess.exchange.window import set_window
from zhiben_training.assess.papers.answer_state import answer_cells, check_paper, read_item
from zhiben_training.hub.spawner import system_user_name

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.hub]
VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    from zhiben_training.synth import generate_city

    if not CHROMIUM.exists():
        pytest.skip("browser test needs Debian chromium at /usr/bin/chromium (apt-get install chromium)")
    out = tmp_path_factory.mktemp("hub-paper") / "city"
    generate_city(scale="tiny", seed=2026, out_dir=out)
    return out


def _answer_everything_then_crash(pw, hub, tid, code, clicked, values, tmp_path, env, shots) -> None:
    proc, cdp = chromium_process(tmp_path, env)
    try:
        page = pw.chromium.connect_over_cdp(cdp).contexts[0].new_page()
        page.set_viewport_size(VIEWPORT)
        browser_login(page, hub, tid, code)
        wait_ready(page, timeout=300_000)
        render_all_cells(page)
        page.screenshot(path=str(shots / "hub-paper-first-screen.png"))
        menus = page.locator("#jp-menu-panel").inner_text()
        assert "文件" in menus and "运行" in menus and "Nbgrader" not in menus and "Run" not in menus
        assert page.locator(".zb-hand-in").is_visible()
        assert visible_editors(page) == []
        assert not page.locator("#jp-main-statusbar").is_visible()  # no kernel name, "Cell 1/136", 模式
        for item in clicked:
            click_key(page, item, values)
        box = page.locator(".zb-w01 textarea")
        box.scroll_into_view_if_needed()
        box.click()
        page.keyboard.type(WRITTEN)
        last = time.monotonic()
        # a crash 3 s after the last keystroke: nothing saves on the way out
        page.wait_for_timeout(max(0, 3000 - (time.monotonic() - last) * 1000))
        kill_chromium(proc)
    finally:
        kill_chromium(proc)


def test_a_principal_takes_the_whole_a_paper_on_the_hub_and_hands_it_in_with_the_button(
        city, tmp_path, artifacts_dir):
    from playwright.sync_api import sync_playwright

    from tests.assess.conftest import run_autograde, scores

    with running_hub(1, start_timeout=300, build=None, city_dir=city) as hub:
        pristine = hub.base / "pristine-course"  # for the same answers entered as data
        shutil.copytree(hub.course, pristine, symlinks=True, ignore=shutil.ignore_patterns("exchange"))
        [(tid, code)] = hub.codes.items()
        record = variants.load_keys(hub.course, AID, tid)
        specs = answer_specs(json.loads(
            (variants.variant_dir(hub.course, AID, tid) / "paper.ipynb").read_text(encoding="utf-8")))
        values = {item: spec.get("values") for item, spec in specs.items()}
        clicked = clicked_items(record, specs)
        saved = hub.base / "home" / system_user_name(tid, hub.prefix) / AID / "paper.ipynb"
        env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(tmp_path / "fonts"))}
        with sync_playwright() as pw:
            _answer_everything_then_crash(pw, hub, tid, code, clicked, values, tmp_path, env, artifacts_dir)
            nb = saved_notebook(saved)
            report = check_paper(nb)
            assert report["missing"] == [] and report["unreadable"] == [] and report["total"] == 44
            assert read_item(nb, answer_cells(nb)["w01-text"], specs["w01"]) == (True, WRITTEN, "")
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=env,
                                         headless=True)
            try:  # another machine: a fresh browser, logged in again
                page = browser.new_context(viewport=VIEWPORT, locale="zh-CN").new_page()
                browser_login(page, hub, tid, code)
                wait_ready(page)
                render_all_cells(page)
                text = page.locator(".jp-Notebook").inner_text()
                assert "VBox(" not in text and "RadioButtons(" not in text and "Textarea(" not in text
                assert page.locator(".zb-w01 textarea").input_value() == WRITTEN
                assert page.locator(".jp-Notebook input:checked").count() == checked_wanted(clicked)
                receipt = hand_in(page, shot=artifacts_dir / "hub-paper-receipt.png")
                # what the exchange took (the home copy may be mid-save: Jupyter rewrites a file in place)
                [taken] = CourseRoot(hub.course).inbound.glob(f"{tid}+{AID}+*")
                handed = (taken / "paper.ipynb").read_bytes()
                assert receipt_name(AID) in receipt and "SHA-256" in receipt
                # the paper in words, as its title reads, not the assignment id
                assert "考核：2026年度建筑业企业主要负责人安全生产知识和管理能力考核（A卷）" in receipt, \
                    receipt
                # the window closes: the same button is refused, in Chinese, and nothing is written
                now = dt.datetime.now(dt.UTC)
                set_window(hub.course, AID, opens_at=now - dt.timedelta(hours=2),
                           closes_at=now - dt.timedelta(minutes=1), late="refuse", by="pytest")
                refusal = hand_in(page, outcome="未能交卷", shot=artifacts_dir / "hub-paper-refused.png")
                assert "结束" in refusal and "没有保存任何文件" in refusal and "Error" not in refusal
            finally:
                browser.close()
        done, rejected = handin.collect(hub.course, AID)
        assert not rejected and [r.trainee_id for r in done] == [tid]
        assert done[0].sha256 in receipt.replace("\n", "") \
            and done[0].sha256 == hashlib.sha256(handed).hexdigest()
        assert run_autograde(hub.course, None).ungraded == {}
        online = scores(hub.course)[tid]
        got = scores_both_ways(pristine, AID, tid, handed, clicked, specs, tmp_path)
        assert online == got["data"] == got["browser"]
        assert sum(v or 0 for v in online.values()) == sum(i["points"] for i in clicked)
