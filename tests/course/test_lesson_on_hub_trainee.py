"""A lesson on a hub trainee server (nbgrader's Validate plugin on, as papers need it): the lesson's
own metadata hides the Validate button; the trainer's version of the same lesson shows it and its code.
The same holds in ``make lab``, the authoring lab, which keeps every nbgrader panel. Apart from
test_lessons_open_ready.py, whose module-wide browser would nest this one's."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import sys
from unittest import mock
from urllib.parse import quote

import pytest

from tests.course.conftest import COURSE
from tests.course.test_browser import CHROMIUM, CHROMIUM_ARGS, _fontconfig, _free_port, _server
from tests.course.test_lessons_open_ready import (
    PLUGIN,
    _open_ready,
    _visible_editors,
    _wait_for_visible_editors,
)

pytestmark = pytest.mark.browser


@contextlib.contextmanager
def _lab_with_lesson(tmp_path, disabled: dict):
    """JupyterLab (this checkout's plugin) on a folder holding lesson 02 and its trainer version, with
    ``disabled`` lab plugins; yields a Chromium page and the lesson's name."""
    if not CHROMIUM.exists():
        pytest.skip("browser test needs Debian chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    from zhiben_training.lessons.build import build_course

    root = tmp_path / "home"
    root.mkdir()
    name = "02_重大事故隐患判定标准2024版.ipynb"
    shutil.copy(COURSE / name, root / name)
    build_course(tmp_path / "trainer", trainer=True)
    shutil.copy(tmp_path / "trainer" / name, root / f"讲师版-{name}")
    config = tmp_path / "lab-config" / "labconfig"
    config.mkdir(parents=True)
    (config / "page_config.json").write_text(json.dumps({"disabledExtensions": disabled}))
    data = tmp_path / "jupyter-data" / "labextensions"
    data.mkdir(parents=True)
    (data / "zhiben-paper").symlink_to(PLUGIN)
    port, token = _free_port(), secrets.token_hex(16)
    argv = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            *(["--allow-root"] if os.geteuid() == 0 else [])]
    url = f"http://127.0.0.1:{port}"
    with mock.patch.dict(os.environ, {"JUPYTER_CONFIG_PATH": str(config.parent),
                                      "JUPYTER_PATH": str(tmp_path / "jupyter-data")}):
        env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(tmp_path / "fonts"))}
        with _server(argv, cwd=root, status_url=f"{url}/api/status?token={token}",
                     log=tmp_path / "lab.log"), \
                sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                         env=env, headless=True)
            try:
                page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
                yield {"page": page, "url": url, "token": token}, name
            finally:
                browser.close()


def test_on_a_hub_trainee_server_a_lesson_hides_the_validate_button_that_a_paper_keeps(tmp_path,
                                                                                       lesson_city_env,
                                                                                       artifacts_dir):
    """The hub's trainee servers keep nbgrader's Validate plugin (papers need it): the lesson's own
    metadata (``zhiben.validate: false``, read by ready.js) hides the button; the trainer's version of
    the same lesson, without that metadata, shows it."""
    from zhiben_training.assess.exchange import TRAINEE_DISABLED

    assert "@jupyter/nbgrader:validate-assignment" not in TRAINEE_DISABLED
    with _lab_with_lesson(tmp_path, TRAINEE_DISABLED) as (lab, name):
        page = lab["page"]
        page.goto(f"{lab['url']}/lab/tree/{quote('讲师版-' + name)}?reset&token={lab['token']}")
        page.locator(".jp-NotebookPanel .validate-button").first.wait_for(timeout=120_000)  # plugin is on
        _wait_for_visible_editors(page)  # the trainer sees the code
        _open_ready(lab, name)
        assert page.locator(".jp-NotebookPanel.zb-no-validate").count() == 1
        assert page.locator(".jp-NotebookPanel.zb-no-validate .validate-button").is_hidden()
        assert _visible_editors(page) == []
        page.screenshot(path=str(artifacts_dir / "lesson02-hub-trainee-no-validate.png"))


def test_in_make_lab_the_authoring_lab_keeps_nbgrader_but_a_lesson_shows_no_validate_button(tmp_path,
                                                                                            lesson_city_env,
                                                                                            artifacts_dir):
    """``make lab`` is the examiners' and trainers' authoring lab: every nbgrader plugin stays on (the
    Nbgrader menu with formgrader and Create Assignment), and a lesson opened there still shows no
    检查作答 button, by its own metadata."""
    with _lab_with_lesson(tmp_path, {}) as (lab, name):  # nothing disabled, as the venv's lab of make lab
        page = _open_ready(lab, name)
        assert page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").count() == 1  # authoring tools stay
        assert page.locator(".jp-NotebookPanel.zb-no-validate").count() == 1
        assert page.locator(".validate-button:visible").count() == 0
        assert _visible_editors(page) == []
        page.screenshot(path=str(artifacts_dir / "lesson02-make-lab-no-validate.png"))
