"""A whole A paper answered by clicking in JupyterLab (Debian Chromium via Playwright), saved, and
autograded from the saved file: the score of the click items is the key's count of correct
answers. Runs the offline zip the way a trainee does (unzipped, the zip's own lab settings only:
the venv's overrides are switched off) and the course's lab (the project's overrides.json)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from tests.assess.paper_ui import click_key
from tests.course.test_browser import CHROMIUM, CHROMIUM_ARGS, _fontconfig, _free_port, _server
from zhiben_training.assess.exchange import variants
from zhiben_training.assess.exchange.handin import collect
from zhiben_training.assess.papers.answer_state import check_paper

pytestmark = pytest.mark.browser
ROUND = "2026-principal"
AID = variants.assignment_id(ROUND, "A")
TRAINEE = "120116198805051033"  # an ID number (demo registry), masked on the feedback page
_UNWINDOWED = '{"windowingMode": "none"}\n'  # every cell in the DOM, so each option can be clicked


@pytest.fixture(scope="module")
def paper_course(tmp_path_factory):
    from zhiben_training.synth import generate_city

    if not CHROMIUM.exists():
        pytest.skip("browser test needs Debian chromium at /usr/bin/chromium (apt-get install chromium)")
    base = tmp_path_factory.mktemp("paper-browser")
    generate_city(scale="tiny", seed=2026, out_dir=base / "city")
    root = base / "course"
    variants.generate(root, round_id=ROUND, paper="A", trainees=[{"id": TRAINEE, "name": "乔志阳"}],
                     city_dir=base / "city", base_seed=2026)
    return root


def _lab(folder: Path, settings: Path, app_settings: Path | None, log: Path):
    port, token = _free_port(), secrets.token_hex(16)
    argv = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.token={token}", f"--ServerApp.root_dir={folder}", "--ServerApp.port_retries=0",
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            *([f"--LabApp.app_settings_dir={app_settings}"] if app_settings else []),
            *(["--allow-root"] if os.geteuid() == 0 else [])]
    os.environ["JUPYTERLAB_SETTINGS_DIR"] = str(settings)  # read when the server starts
    url = f"http://127.0.0.1:{port}"
    return _server(argv, cwd=folder, status_url=f"{url}/api/status?token={token}", log=log), url, token


def _answer_by_clicking(page, url, token, name, path: Path, record: dict, shots: Path, tag: str) -> dict:
    page.goto(f"{url}/lab/tree/{name}?token={token}")  # opens ready: nothing is run by hand
    page.locator(".zb-answer").nth(43).wait_for(timeout=180_000)  # 43 click items and the text box
    page.locator(".zb-save-status", has_text="已保存").wait_for(timeout=180_000)
    news = page.get_by_role("button", name="否", exact=True)
    if news.count():
        news.first.click()  # the one-off "Jupyter news?" toast would cover the page
    nb = json.loads(path.read_text(encoding="utf-8"))
    values = {c["metadata"]["zhiben_answer"]["item"]: c["metadata"]["zhiben_answer"].get("values")
              for c in nb["cells"] if c["metadata"].get("zhiben_answer", {}).get("item")}
    clicked = [i for i in record["items"] if i["item_id"] in values and i["kind"] != "written"]
    for item in clicked:
        click_key(page, item, values)
    page.locator(".zb-k01").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"paper-{tag}.png"))
    page.keyboard.press("Control+s")
    for _ in range(60):  # the saved file holds the widget state
        page.wait_for_timeout(500)
        if "widget-state+json" in path.read_text(encoding="utf-8"):
            break
    button = page.get_by_role("button", name="检查作答情况")
    button.scroll_into_view_if_needed()
    button.click()
    page.locator(".jp-OutputArea-output", has_text="已作答").last.wait_for(timeout=30_000)
    page.screenshot(path=str(shots / f"check-{tag}.png"))
    return {i["item_id"]: i for i in clicked}


def _validate(page, shots: Path, shot: str) -> str:
    """nbgrader's Validate button (saves, then asks the server): the dialog's text as shown."""
    button = page.locator(".jp-NotebookPanel-toolbar .validate-button")
    button.wait_for(timeout=30_000)
    assert button.inner_text().strip() == "检查作答"  # the project's lab extension words it in Chinese
    button.click()
    dialog = page.locator(".jp-Dialog-content")
    dialog.wait_for(timeout=60_000)
    page.wait_for_timeout(300)  # the rewording runs on the next animation frame
    text = dialog.inner_text()
    page.screenshot(path=str(shots / shot))
    page.locator(".jp-Dialog-content .jp-mod-accept").click()
    dialog.wait_for(state="detached", timeout=10_000)
    return text


def _finish_typed_items(page) -> None:
    """Type the written answer into its box (the check counts it): the A paper has no code item."""
    box = page.locator(".zb-w01 textarea")
    box.scroll_into_view_if_needed()
    box.fill("主要负责人是本单位安全生产第一责任人。")
    page.locator(".zb-save-status", has_text="已保存").wait_for(timeout=30_000)


@pytest.mark.parametrize("route", ["offline-zip", "course-lab"])
def test_a_paper_answered_by_clicking_scores_the_keys_count(paper_course, tmp_path, artifacts_dir, route):
    from playwright.sync_api import sync_playwright

    root = paper_course
    record = variants.load_keys(root, AID, TRAINEE)
    [zipped] = variants.release(root, AID)
    with zipfile.ZipFile(zipped) as zf:
        zf.extractall(tmp_path / "trainee")
    folder = tmp_path / "trainee" / f"{AID}-{TRAINEE}"
    name = f"{AID}-{TRAINEE}.ipynb"
    if route == "offline-zip":  # only the zip's own settings: an empty app settings dir
        settings, app = folder / ".zhiben" / "jupyterlab-settings", tmp_path / "no-overrides"
        app.mkdir()
    else:  # the project's overrides.json in the venv, no user settings
        settings, app = tmp_path / "user-settings", None
        assert json.loads((Path(sys.prefix) / "share/jupyter/lab/settings/overrides.json").read_text())[
            "@jupyter-widgets/jupyterlab-manager:plugin"]["saveState"] is True
    (settings / "@jupyterlab/notebook-extension").mkdir(parents=True, exist_ok=True)
    (settings / "@jupyterlab/notebook-extension/tracker.jupyterlab-settings").write_text(_UNWINDOWED)
    env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(tmp_path / "fonts"))}
    old = os.environ.get("JUPYTERLAB_SETTINGS_DIR")
    server, url, token = _lab(folder, settings, app, tmp_path / "lab.log")
    try:
        with server, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=env,
                                         headless=True)
            try:
                page = browser.new_context(viewport={"width": 1280, "height": 1000},
                                           locale="zh-CN").new_page()
                clicked = _answer_by_clicking(page, url, token, name, folder / name, record, artifacts_dir,
                                              route)
                if route == "offline-zip":  # nbgrader's Validate tells the same truth as the check
                    shown = _validate(page, artifacts_dir, "validate-incomplete.png")
                    assert "作答检查" in shown and "已作答 43 / 44 题" in shown \
                        and "未作答：第 44 题" in shown
                    assert "Success" not in shown and "failed" not in shown \
                        and "全部题目均已作答" not in shown
                else:
                    _finish_typed_items(page)
                    shown = _validate(page, artifacts_dir, "validate-complete.png")
                    assert "全部题目均已作答" in shown and "不判断对错" in shown
                    assert "Success" not in shown and "passes" not in shown
            finally:
                browser.close()
    finally:
        if old is None:
            os.environ.pop("JUPYTERLAB_SETTINGS_DIR", None)
        else:
            os.environ["JUPYTERLAB_SETTINGS_DIR"] = old
    saved = json.loads((folder / name).read_text(encoding="utf-8"))
    report = check_paper(saved)
    typed = 1 if route == "course-lab" else 0  # the written answer was typed there
    assert len(report["answered"]) == 43 + typed and report["total"] == 44 and report["unreadable"] == []
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(folder / name, inbox / name)
    course = tmp_path / "course"
    shutil.copytree(root, course)
    collect(course, AID, source=inbox)
    from tests.assess.conftest import run_autograde, scores

    summary = run_autograde(course, None)
    assert summary.ungraded == {}
    got = scores(course)[TRAINEE]
    assert {i: got[f"{i}-test"] for i in clicked} == {i: float(d["points"]) for i, d in clicked.items()}
    assert sum(got[f"{i}-test"] for i in clicked) == sum(d["points"] for d in clicked.values())
    from zhiben_training.assess.results.feedback import write_feedback

    [page_file] = write_feedback(course, AID, pass_mark=60.0)
    text = page_file.read_text(encoding="utf-8")
    assert "1201**********1033" in text and TRAINEE not in text and "乔志阳" in text
    total = sum(d["points"] for d in clicked.values())  # the click items' points
    assert f"总分：<b>{total:g} / 100</b>" in text
    if typed:  # the written answer waits for the examiner: no verdict yet
        assert "尚有 1 题待人工评分，结论待定" in text
    else:
        assert f"<b>{'不合格' if total < 60 else '合格'}</b></span>" in text
    assert "<li>" in text and "**（" not in text and "应为" not in text
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=env,
                                     headless=True)
        try:
            page = browser.new_context(viewport={"width": 1000, "height": 1300}, locale="zh-CN").new_page()
            page.goto(page_file.as_uri())
            page.screenshot(path=str(artifacts_dir / f"feedback-{route}.png"))
        finally:
            browser.close()
