"""A principal takes the whole A paper as the offline zip gives it (Debian Chromium, Playwright):
the paper opens ready (no Run All), shows no code at all (the ledger task is read as a table and
answered by choosing), every click and
the typed written answer are on disk 3 s after the last one although the browser is killed then,
reopening shows every answer again (no repr text), and autograde gives the same scores as the same
answers entered another way (written into the file as data, ``simulate.click``).

Runs the unzipped offline paper with the zip's own settings only (the launcher's environment:
``.zhiben/jupyterlab-settings/``, ``.zhiben/jupyter-data/`` with the paper's lab plugin,
``.zhiben/jupyter-config/``), the venv's overrides switched off by an empty app settings folder."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest

from tests.assess.paper_ui import (
    WRITTEN,
    answer_specs,
    checked_wanted,
    chromium_process,
    click_key,
    clicked_items,
    kill_chromium,
    saved_notebook,
    scores_both_ways,
    visible_editors,
    wait_ready,
)
from tests.course.test_browser import CHROMIUM, CHROMIUM_ARGS, _fontconfig, _free_port, _server
from tests.golden import check_golden
from zhiben_training.assess.exchange import variants
from zhiben_training.assess.papers.answer_state import answer_cells, check_paper, read_item

pytestmark = pytest.mark.browser
ROUND = "2026-principal"
AID = variants.assignment_id(ROUND, "A")
TRAINEE = "120116198805051033"
_UNWINDOWED = '{"windowingMode": "none"}\n'  # every cell in the DOM, so each option can be clicked
# The height of this trainee's A paper before it opened ready (136 cells, options listed twice, code on
# screen, after Run All), measured the same way (the notebook's scroll height at 1366×768, every cell
# in the DOM) at commit 02b6a01: 20,454 px = 26.6 screens. Opened ready it was 11,751 px (57 %, the 58
# hazard check boxes one to a row, long ones cut off with "…"); with short options and the check boxes
# two to a row (texts wrapping) this test measured 9,816 to 9,874 px = 12.8 screens = 48 %. The limit is half.
HEIGHT_BEFORE = 20_454
HEIGHT_LIMIT = HEIGHT_BEFORE // 2  # 10,227 px


@pytest.fixture(scope="module")
def paper_course(tmp_path_factory):
    from zhiben_training.synth import generate_city

    if not CHROMIUM.exists():
        pytest.skip("browser test needs Debian chromium at /usr/bin/chromium (apt-get install chromium)")
    base = tmp_path_factory.mktemp("paper-ready")
    generate_city(scale="tiny", seed=2026, out_dir=base / "city")
    root = base / "course"
    variants.generate(root, round_id=ROUND, paper="A", trainees=[{"id": TRAINEE, "name": "乔志阳"}],
                      city_dir=base / "city", base_seed=2026)
    return root


@contextlib.contextmanager
def _launcher_env(folder: Path, app_settings: Path) -> Iterator[list[str]]:
    """What ``打开试卷.py`` sets, while the block runs (the test's own environment comes back after it),
    and the lab arguments that keep the venv's own overrides out."""
    launcher = {"JUPYTERLAB_SETTINGS_DIR": "jupyterlab-settings", "JUPYTER_PATH": "jupyter-data",
                "JUPYTER_CONFIG_PATH": "jupyter-config"}
    with mock.patch.dict(os.environ, {key: str(folder / ".zhiben" / sub) for key, sub in launcher.items()}):
        yield [f"--LabApp.app_settings_dir={app_settings}"]


def _lab(folder: Path, extra: list[str], log: Path):
    port, token = _free_port(), secrets.token_hex(16)
    argv = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.token={token}", f"--ServerApp.root_dir={folder}", "--ServerApp.port_retries=0",
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", *extra,
            *(["--allow-root"] if os.geteuid() == 0 else [])]
    url = f"http://127.0.0.1:{port}"
    return _server(argv, cwd=folder, status_url=f"{url}/api/status?token={token}", log=log), url, token


def _open(page, url, token, name):
    """Open the paper and wait for question 1's options, running nothing."""
    page.goto(f"{url}/lab/tree/{name}?token={token}")
    wait_ready(page)


def _first_screen_text(page) -> str:
    """What a principal reads on opening: the menu bar, the paper's toolbar, and the paper down to question
    1's options (the clock of 已保存 masked). The screenshots beside it are kept as artifacts, with
    reference images in tests/golden/paper-*.png to look at (pixels differ from machine to machine)."""
    menus = " ".join(page.locator("#jp-menu-panel").inner_text().split())
    toolbar = " ".join(page.locator(".jp-NotebookPanel-toolbar").first.inner_text().split())
    cells = page.evaluate("""() => { const out = [];
        for (const c of document.querySelectorAll('.jp-Notebook .jp-Cell')) {
            const text = c.innerText.trim(); if (text) out.push(text); """
                          """if (c.querySelector('.zb-k01')) break; }
        return out; }""")
    return re.sub(r"\d\d:\d\d:\d\d", "hh:mm:ss",
                  "\n".join([f"[菜单] {menus}", f"[工具栏] {toolbar}", *cells])) + "\n"


def test_a_principal_takes_the_a_paper_without_running_anything(
        paper_course, tmp_path, artifacts_dir, request):
    from playwright.sync_api import sync_playwright

    root = paper_course
    record = variants.load_keys(root, AID, TRAINEE)
    [zipped] = variants.release(root, AID)
    with zipfile.ZipFile(zipped) as zf:
        zf.extractall(tmp_path / "trainee")
    folder = tmp_path / "trainee" / f"{AID}-{TRAINEE}"
    name, path = f"{AID}-{TRAINEE}.ipynb", \
        tmp_path / "trainee" / f"{AID}-{TRAINEE}" / f"{AID}-{TRAINEE}.ipynb"
    tracker = folder / \
        ".zhiben/jupyterlab-settings/@jupyterlab/notebook-extension/tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text(_UNWINDOWED)
    (tmp_path / "no-overrides").mkdir()
    env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(tmp_path / "fonts"))}
    specs = answer_specs(json.loads(path.read_text(encoding="utf-8")))
    values = {item: spec.get("values") for item, spec in specs.items()}
    clicked = clicked_items(record, specs)
    with _launcher_env(folder, tmp_path / "no-overrides") as extra:
        server, url, token = _lab(folder, extra, tmp_path / "lab.log")
        with server, sync_playwright() as pw:
            proc, cdp = chromium_process(tmp_path, env)
            try:
                browser = pw.chromium.connect_over_cdp(cdp)
                page = browser.contexts[0].new_page()
                page.set_viewport_size({"width": 1366, "height": 768})
                _open(page, url, token, name)
                page.screenshot(path=str(artifacts_dir / "paper-ready-first-screen.png"))
                menus = page.locator("#jp-menu-panel").inner_text()
                assert "文件" in menus and "运行" in menus and "File" not in menus and "Run" not in menus
                assert page.locator("#jp-right-stack").inner_text().count("Create Assignment") == 0
                assert "Nbgrader" not in menus  # nothing of nbgrader's English panels for the trainee
                check_golden(request, "paper-first-screen.txt", _first_screen_text(page))
                listing = page.locator(".jp-DirListing-content").inner_text()
                # the settings' dot-folder is hidden
                assert "使用说明.txt" in listing and "jupyter" not in listing
                editors = visible_editors(page)
                # No programming on the A paper: setup, answer widgets, the ledger table and grading
                # cells show no code, and no item asks for any.
                assert editors == [], editors
                height = page.evaluate(
                    "document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer').scrollHeight")
                print(f"A paper height at 1366×768: {height} px = {height / 768:.1f} screens "
                      f"(before: {HEIGHT_BEFORE / 768:.1f} screens)")
                assert height <= HEIGHT_LIMIT, f"{height} px > {HEIGHT_LIMIT} px (half of {HEIGHT_BEFORE} px)"
                for item in clicked:
                    click_key(page, item, values)
                page.locator(".zb-k01").scroll_into_view_if_needed()
                page.screenshot(path=str(artifacts_dir / "paper-ready-question.png"))
                box = page.locator(".zb-w01 textarea")
                box.scroll_into_view_if_needed()
                assert box.get_attribute("placeholder") in (None, "") and box.input_value() == ""
                box.click()
                page.keyboard.type(WRITTEN)
                last = time.monotonic()
                page.screenshot(path=str(artifacts_dir / "paper-ready-written.png"))
                # a crash 3 s after the last keystroke: nothing saves on the way out
                page.wait_for_timeout(max(0, 3000 - (time.monotonic() - last) * 1000))
                kill_chromium(proc)
            finally:
                kill_chromium(proc)
            saved = saved_notebook(path)
            report = check_paper(saved)
            assert report["missing"] == [] and report["unreadable"] == [] and report["total"] == 44
            cells = answer_cells(saved)
            assert read_item(saved, cells["w01-text"], specs["w01"]) == (True, WRITTEN, "")
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=env,
                                         headless=True)
            try:
                page = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
                _open(page, url, token, name)
                text = page.locator(".jp-Notebook").inner_text()
                assert "VBox(" not in text and "RadioButtons(" not in text and "Textarea(" not in text
                assert page.locator(".zb-w01 textarea").input_value() == WRITTEN
                checked = page.locator(".jp-Notebook input:checked").count()
                assert checked == checked_wanted(clicked)
                page.screenshot(path=str(artifacts_dir / "paper-ready-reopened.png"))
            finally:
                browser.close()
    # the same answers entered another way: written into the released file as data
    got = scores_both_ways(root, AID, TRAINEE, path.read_bytes(), clicked, specs, tmp_path)
    assert got["browser"] == got["data"]
    assert sum(v or 0 for v in got["browser"].values()) == sum(i["points"] for i in clicked)


def _is(message: str | bytes, kind: str) -> bool:
    """Whether a kernel websocket message (JSON text or the binary v1 protocol) is a ``kind`` message."""
    data = message.encode() if isinstance(message, str) else message
    return re.search(rb'"msg_type":\s*"' + kind.encode() + rb'"', data) is not None


def test_a_paper_whose_setup_replies_are_lost_is_prepared_again(paper_course, tmp_path):
    """The page's kernel connection loses the replies of the first run of the setup cells (as when a
    trainee's server came back after dying and the page replaced its websocket): the kernel sits idle
    while the plugin still waits, so it sends the cells again, and the paper ends 已保存 with its
    autosave on, instead of 正在准备… for ever with clicks never saved."""
    from playwright.sync_api import sync_playwright

    [zipped] = variants.release(paper_course, AID)
    with zipfile.ZipFile(zipped) as zf:
        zf.extractall(tmp_path / "trainee")
    folder = tmp_path / "trainee" / f"{AID}-{TRAINEE}"
    name = f"{AID}-{TRAINEE}.ipynb"
    paper = json.loads((folder / name).read_text(encoding="utf-8"))
    marked = sum(1 for c in paper["cells"] if c["cell_type"] == "code"
                 and (c["metadata"].get("zhiben") or {}).get("run_on_open") is True)
    assert marked >= 2
    (tmp_path / "no-overrides").mkdir()
    env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(tmp_path / "fonts"))}
    requests: list[int] = []
    dropped: list[int] = []

    def lose_the_first_replies(ws) -> None:
        kernel = ws.connect_to_server()

        def to_kernel(message):
            if _is(message, "execute_request"):
                requests.append(1)
            kernel.send(message)

        def to_page(message):
            if _is(message, "execute_reply") and len(requests) <= marked:
                dropped.append(1)  # a reply of the first run: lost on its way
                return
            ws.send(message)

        ws.on_message(to_kernel)
        kernel.on_message(to_page)

    with _launcher_env(folder, tmp_path / "no-overrides") as extra:
        server, url, token = _lab(folder, extra, tmp_path / "lab.log")
        with server, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=env,
                                         headless=True)
            try:
                page = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
                page.route_web_socket(re.compile(r".*/api/kernels/[^/]+/channels.*"), lose_the_first_replies)
                _open(page, url, token, name)  # question 1's options and 已保存: prepared
                assert len(dropped) == marked and len(requests) >= 2 * marked, (len(dropped), len(requests))
                page.locator(".zb-k01 input[type=radio]").first.check()
                deadline = time.monotonic() + 30  # the autosave is on: the click reaches the file
                while (check_paper(saved_notebook(folder / name))["answered"] != ["k01"]
                       and time.monotonic() < deadline):
                    page.wait_for_timeout(200)
            finally:
                browser.close()
    assert check_paper(saved_notebook(folder / name))["answered"] == ["k01"]
