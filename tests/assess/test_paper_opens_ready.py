"""A principal takes the whole A paper as the offline zip gives it (Debian Chromium, Playwright):
the paper opens ready (no Run All), shows no code at all (the ledger task is read as a table and
answered by choosing), every click and
the typed written answer are on disk 3 s after the last one although the browser is killed then,
reopening shows every answer again (no repr text), and autograde gives the same scores as the same
answers entered another way (written into the file as data, ``simulate.click``).

Runs the unzipped offline paper with the zip's own settings only (the launcher's environment:
``jupyterlab-settings/``, ``jupyter-data/`` with the paper's lab plugin, ``jupyter-config/``), the
venv's overrides switched off by an empty app settings folder."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.assess.test_paper_browser import _click_key
from tests.course.test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    _fontconfig,
    _free_port,
    _server,
    _wait_for_server,
)
from zhiben_training.assess.exchange import variants
from zhiben_training.assess.exchange.handin import collect
from zhiben_training.assess.papers.answer_state import (
    REQUIREMENTS,
    SPEC_KEY,
    answer_cells,
    check_paper,
    read_item,
)

pytestmark = pytest.mark.browser
ROUND = "2026-principal"
AID = variants.assignment_id(ROUND, "A")
TRAINEE = "120116198805051033"
WRITTEN = "主要负责人每月组织一次全面自查，建立隐患台账，整改一项销号一项。"
_UNWINDOWED = '{"windowingMode": "none"}\n'  # every cell in the DOM, so each option can be clicked
# The height of this trainee's A paper before it opened ready (136 cells, options listed twice, code on
# screen, after Run All), measured the same way (the notebook's scroll height at 1366×768, every cell
# in the DOM) at commit 02b6a01: 20,454 px = 26.6 screens. Now about 11,100 px = 14.5 screens.
HEIGHT_BEFORE = 20_454
_REQUIREMENT_OF = {"超规模": REQUIREMENTS[1], "危大": REQUIREMENTS[0], "一般": REQUIREMENTS[4]}  # as _click_key


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


def _launcher_env(folder: Path, app_settings: Path) -> list[str]:
    """What ``打开试卷.py`` sets, and the lab arguments that keep the venv's own overrides out."""
    os.environ["JUPYTERLAB_SETTINGS_DIR"] = str(folder / "jupyterlab-settings")
    os.environ["JUPYTER_PATH"] = str(folder / "jupyter-data")
    os.environ["JUPYTER_CONFIG_PATH"] = str(folder / "jupyter-config")
    return [f"--LabApp.app_settings_dir={app_settings}"]


def _lab(folder: Path, extra: list[str], log: Path):
    port, token = _free_port(), secrets.token_hex(16)
    argv = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.token={token}", f"--ServerApp.root_dir={folder}", "--ServerApp.port_retries=0",
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", *extra,
            *(["--allow-root"] if os.geteuid() == 0 else [])]
    url = f"http://127.0.0.1:{port}"
    return _server(argv, cwd=folder, status_url=f"{url}/api/status?token={token}", log=log), url, token


def _chromium(tmp_path: Path, env: dict) -> tuple[subprocess.Popen, str]:
    """A Chromium process of our own (so the test can kill it like a crash), driven over CDP."""
    port = _free_port()
    proc = subprocess.Popen([str(CHROMIUM), *CHROMIUM_ARGS, f"--remote-debugging-port={port}",
                             f"--user-data-dir={tmp_path / 'chromium-profile'}", "about:blank"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    _wait_for_server(f"http://127.0.0.1:{port}/json/version", proc, tmp_path / "no-log")
    return proc, f"http://127.0.0.1:{port}"


def _open(page, url, token, name):
    """Open the paper and wait for question 1's options, running nothing."""
    page.goto(f"{url}/lab/tree/{name}?token={token}")
    page.locator(".zb-k01 input[type=radio]").first.wait_for(timeout=180_000)
    page.locator(".zb-save-status", has_text="已保存").wait_for(timeout=180_000)  # prepared


def _specs(nb: dict) -> dict:
    return {c["metadata"][SPEC_KEY]["item"]: c["metadata"][SPEC_KEY] for c in nb["cells"]
            if isinstance(c["metadata"].get(SPEC_KEY), dict) and c["metadata"][SPEC_KEY].get("item")}


def _visible_editors(page) -> list[str]:
    """grade ids of the cells whose code editor is on screen (the notebook only)."""
    return page.evaluate("""() => [...document.querySelectorAll('.jp-Notebook .jp-CodeMirrorEditor')]
        .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height > 0)
        .map((e) => e.closest('.jp-Cell').innerText.slice(0, 40))""")


def test_a_principal_takes_the_a_paper_without_running_anything(paper_course, tmp_path, artifacts_dir):
    from playwright.sync_api import sync_playwright

    from tests.assess.conftest import run_autograde, scores
    from zhiben_training.assess.simulate import click

    root = paper_course
    record = variants.load_keys(root, AID, TRAINEE)
    [zipped] = variants.release(root, AID)
    with zipfile.ZipFile(zipped) as zf:
        zf.extractall(tmp_path / "trainee")
    folder = tmp_path / "trainee" / f"{AID}-{TRAINEE}"
    name, path = f"{AID}-{TRAINEE}.ipynb", tmp_path / "trainee" / f"{AID}-{TRAINEE}" / f"{AID}-{TRAINEE}.ipynb"
    tracker = folder / "jupyterlab-settings/@jupyterlab/notebook-extension/tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text(_UNWINDOWED)
    (tmp_path / "no-overrides").mkdir()
    env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(tmp_path / "fonts"))}
    saved_env = {k: os.environ.get(k) for k in ("JUPYTERLAB_SETTINGS_DIR", "JUPYTER_PATH", "JUPYTER_CONFIG_PATH")}
    extra = _launcher_env(folder, tmp_path / "no-overrides")
    specs = _specs(json.loads(path.read_text(encoding="utf-8")))
    values = {item: spec.get("values") for item, spec in specs.items()}
    clicked = [i for i in record["items"] if i["item_id"] in values and i["kind"] != "written"]
    server, url, token = _lab(folder, extra, tmp_path / "lab.log")
    try:
        with server, sync_playwright() as pw:
            proc, cdp = _chromium(tmp_path, env)
            try:
                browser = pw.chromium.connect_over_cdp(cdp)
                page = browser.contexts[0].new_page()
                page.set_viewport_size({"width": 1366, "height": 768})
                _open(page, url, token, name)
                page.screenshot(path=str(artifacts_dir / "paper-ready-first-screen.png"))
                menus = page.locator("#jp-menu-panel").inner_text()
                assert "文件" in menus and "运行" in menus and "File" not in menus and "Run" not in menus
                assert page.locator("#jp-right-stack").inner_text().count("Create Assignment") == 0
                editors = _visible_editors(page)
                # No programming on the A paper: setup, answer widgets, the ledger table and grading
                # cells show no code, and no item asks for any.
                assert editors == [], editors
                height = page.evaluate("document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer').scrollHeight")
                print(f"A paper height at 1366×768: {height} px = {height / 768:.1f} screens "
                      f"(before: {HEIGHT_BEFORE / 768:.1f} screens)")
                assert height <= 0.6 * HEIGHT_BEFORE  # not yet half: the hazard task lists 70 check boxes
                for item in clicked:
                    _click_key(page, item, values)
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
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
            finally:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=30)
            saved = json.loads(path.read_text(encoding="utf-8"))
            report = check_paper(saved)
            assert report["missing"] == [] and report["unreadable"] == [] and report["total"] == 44
            cells = answer_cells(saved)
            assert read_item(saved, cells["w01-text"], specs["w01"]) == (True, WRITTEN, "")
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=env, headless=True)
            try:
                page = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
                _open(page, url, token, name)
                text = page.locator(".jp-Notebook").inner_text()
                assert "VBox(" not in text and "RadioButtons(" not in text and "Textarea(" not in text
                assert page.locator(".zb-w01 textarea").input_value() == WRITTEN
                checked = page.locator(".jp-Notebook input:checked").count()
                want = sum(1 for i in clicked if i["kind"] in ("single", "truefalse")) + sum(
                    len(i["key"]) if i["kind"] == "multiple" else max(1, len(i["key"]))
                    for i in clicked if i["kind"] in ("multiple", "hazard_ids")) + sum(
                    1 for i in clicked if i["kind"] == "ledger_read")  # the channel's radio button
                assert checked == want
                page.screenshot(path=str(artifacts_dir / "paper-ready-reopened.png"))
            finally:
                browser.close()
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    # the same answers entered another way: written into the released file as data
    other = json.loads((variants.variant_dir(root, AID, TRAINEE) / "paper.ipynb").read_text(encoding="utf-8"))
    import nbformat

    other_nb = nbformat.from_dict(other)
    for item in clicked:  # the classification as the browser chose it (the key's level, its requirement)
        value = {work: {"level": want["level"], "requirement": _REQUIREMENT_OF[want["level"]]}
                 for work, want in item["key"].items()} if item["kind"] == "classify_works" else item["key"]
        if item["kind"] == "ledger_read":
            value = {"overdue_major": value["overdue_major"], "lowest_channel": value["lowest_channels"][0]}
        click(other_nb, specs[item["item_id"]], value)
    next(c for c in other_nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "w01-answer").source = WRITTEN
    got = {}
    for way, data in (("browser", path.read_bytes()), ("data", json.dumps(other_nb, ensure_ascii=False).encode())):
        inbox, course = tmp_path / f"inbox-{way}", tmp_path / f"course-{way}"
        inbox.mkdir()
        (inbox / name).write_bytes(data)
        shutil.copytree(root, course)
        collect(course, AID, source=inbox)
        assert run_autograde(course, None).ungraded == {}
        got[way] = scores(course)[TRAINEE]
        graded = json.loads((course / "autograded" / TRAINEE / AID / "paper.ipynb").read_text(encoding="utf-8"))
        assert "".join(answer_cells(graded)["w01-answer"]["source"]) == WRITTEN  # formgrader shows the text
    assert got["browser"] == got["data"]
    assert sum(v or 0 for v in got["browser"].values()) == sum(i["points"] for i in clicked)
