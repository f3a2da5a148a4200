"""Each lesson as a learner gets it (Debian Chromium, Playwright): the learner's lab of ``zhiben
lessons open`` (``lessons/lab.py``: Chinese menus, no nbgrader panels) with this checkout's
``zhiben-paper`` plugin, which reads the lessons' metadata (``lessons/build.py``). A lesson opens
ready without Run All, shows no code editor and no Validate button, and an exercise shows no answer
before the learner's own and shows it after. Every test runs on two routes (the module fixture
``learner``): "本机", that local lab, and "考场", one trainee logged in to a lesson session on a real
hub (``tests/hub/harness.py``; marked ``hub`` and ``slow``, skipped when not root), whose lab is the
same learner's lab (``hub/config.py``) with the lessons in ``课程/`` of the trainee's home. Screenshots
go to test-artifacts/ (``lessonNN-learner-*`` and ``lessonNN-hub-learner-*``)."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import sys
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest

from tests.course.conftest import COURSE, REPO
from tests.course.test_browser import CHROMIUM, CHROMIUM_ARGS, _fontconfig, _free_port, _server
from zhiben_training.lessons.build import course_notebooks
from zhiben_training.lessons.lab import learner_lab

pytestmark = pytest.mark.browser
PLUGIN = REPO / "assessments" / "lab" / "zhiben-paper" / "prebuilt"
_UNWINDOWED = '{"windowingMode": "none"}\n'  # every cell in the DOM, so each exercise can be reached
NAMES = [lesson.filename for lesson in course_notebooks()]


ROUTES = [pytest.param("本机", id="local"),  # `zhiben lessons open`'s lab on the learner's own computer
          pytest.param("考场", id="hub",
                       marks=[pytest.mark.hub, pytest.mark.slow])]  # a trainee of a hub session


@pytest.fixture(scope="module", params=ROUTES)
def learner(request, tmp_path_factory, lesson_city_env):
    """One learner's browser page on a route: ``url`` of their lab, ``folder`` of the lessons in it,
    ``root`` (the lessons' folder on disk, where an export lands) and ``uid`` (who owns the learner's
    files)."""
    if not CHROMIUM.exists():
        pytest.skip("browser test needs Debian chromium at /usr/bin/chromium (apt-get install chromium)")
    base = tmp_path_factory.mktemp("learner")
    route = _local_lab if request.param == "本机" else _hub_session
    with route(base) as (lab, log_in), _browser(base) as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
        log_in(page)
        yield {"page": page, "route": request.param, **lab}


@contextlib.contextmanager
def _browser(base: Path):
    from playwright.sync_api import sync_playwright

    env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(base / "fonts"))}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                     env=env, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def _local_lab(base: Path):
    """The learner's lab of ``zhiben lessons open`` on a copy of the course (no login)."""
    root = base / "安全培训"
    shutil.copytree(COURSE, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "README.md"))
    data = base / "jupyter-data" / "labextensions"
    data.mkdir(parents=True)
    (data / "zhiben-paper").symlink_to(PLUGIN)  # this checkout's plugin ahead of the installed copy
    user = base / "user-settings" / "@jupyterlab" / "notebook-extension"
    user.mkdir(parents=True)
    (user / "tracker.jupyterlab-settings").write_text(_UNWINDOWED)
    lab = learner_lab(root)
    port, token = _free_port(), secrets.token_hex(16)
    argv = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            *lab.args, *(["--allow-root"] if os.geteuid() == 0 else [])]
    url = f"http://127.0.0.1:{port}"
    with mock.patch.dict(os.environ, {**lab.env, "JUPYTER_PATH": str(base / "jupyter-data"),
                                      "JUPYTERLAB_SETTINGS_DIR": str(base / "user-settings")}), \
            _server(argv, cwd=root, status_url=f"{url}/api/status?token={token}", log=base / "lab.log"):
        yield ({"url": url, "token": token, "folder": "", "root": root, "uid": os.geteuid()},
               lambda page: None)


@contextlib.contextmanager
def _hub_session(base: Path):
    """One trainee of a lesson session on a real hub (``tests/hub/harness.py``): logs in on the hub's
    login page; the lessons are in ``课程/`` of the trainee's home, which is the trainee's own."""
    from tests.hub.harness import lesson_login, running_hub

    with running_hub(1, lessons=COURSE, start_timeout=300) as hub:
        [tid] = hub.codes
        lab = {"url": f"{hub.url}/user/{tid}", "token": "", "folder": "课程/"}

        def log_in(page):
            lesson_login(page, hub, tid)
            _unwindowed_as_the_learner(page, lab["url"])
            [trainee] = hub.system_users()
            lab.update(root=Path(trainee.pw_dir) / "课程", uid=trainee.pw_uid)

        yield lab, log_in


def _unwindowed_as_the_learner(page, url: str) -> None:
    """The learner's own lab setting (as the settings editor saves it), as the local route writes it."""
    xsrf = next(c["value"] for c in page.context.cookies() if c["name"] == "_xsrf" and "/user/" in c["path"])
    answer = page.request.put(f"{url}/lab/api/settings/@jupyterlab/notebook-extension:tracker",
                              data={"raw": _UNWINDOWED}, headers={"X-XSRFToken": xsrf})
    assert answer.ok, answer.text()


def _open_ready(learner, name: str):
    """Open a lesson and wait until the plugin has run it (no Run All): widgets shown, no error."""
    page = learner["page"]
    path = learner.get("folder", "") + name
    page.goto(f"{learner['url']}/lab/tree/{quote(path)}?reset&token={learner['token']}")  # only this tab
    page.locator(".jp-NotebookPanel.zb-ready").wait_for(timeout=120_000)
    page.locator(".jp-NotebookPanel.zb-ready .jupyter-widgets").first.wait_for(timeout=180_000)
    page.wait_for_function("() => !document.querySelector('.zb-save-status')", timeout=180_000)  # prepared
    page.mouse.move(1, 1)
    return page


def _who(learner) -> str:
    """The screenshots' name part: ``learner`` (local lab) or ``hub-learner`` (a hub session's trainee)."""
    return "learner" if learner["route"] == "本机" else "hub-learner"


_VISIBLE_EDITORS = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeMirrorEditor')]
    .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height > 0)
    .map((e) => e.closest('.jp-Cell').innerText.slice(0, 40))"""


def _visible_editors(page) -> list[str]:
    return page.evaluate(_VISIBLE_EDITORS)


def _wait_for_visible_editors(page, timeout: int = 120_000) -> None:
    """Until a code editor is on screen (the cells render after the toolbar)."""
    page.wait_for_function(f"() => ({_VISIBLE_EDITORS})().length > 0", timeout=timeout)


@pytest.mark.parametrize("name", NAMES)
def test_a_lesson_opens_ready_in_chinese_with_no_code_and_no_nbgrader(learner, name, artifacts_dir):
    page = _open_ready(learner, name)
    page.screenshot(path=str(artifacts_dir / f"lesson{name[:2]}-{_who(learner)}-first-screen.png"))
    assert page.locator(".jp-NotebookPanel").count() == 1
    menus = page.locator("#jp-menu-panel").inner_text()
    assert "文件" in menus and "运行" in menus and not re.search(r"[A-Za-z]{2,}", menus), menus
    assert _visible_editors(page) == []
    assert page.locator(".validate-button").count() == 0
    assert "Create Assignment" not in page.locator("#jp-right-stack").inner_text()
    errors = page.locator(".jp-Notebook [data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, errors.first.inner_text()


def test_lesson_03_shows_the_engines_verdict_only_after_the_learners_prediction(learner, artifacts_dir):
    page = _open_ready(learner, "03_危大工程与超危大工程.ipynb")
    feedback = page.locator(".zhiben-live").last
    feedback.scroll_into_view_if_needed()
    assert "作答后在这里显示" in feedback.inner_text()
    assert "规则引擎判定" not in feedback.inner_text()
    page.locator(".widget-toggle-buttons").first.get_by_role("button", name="危大").click()
    page.wait_for_function("() => [...document.querySelectorAll('.zhiben-live')].pop()"
                           ".innerText.includes('规则引擎判定')", timeout=30_000)
    text = feedback.inner_text()
    assert re.search(r"危大\s+(一般|危大|超规模)\s+(正确|不正确)", text), text
    assert text.count("作答后显示") >= 1  # the scenarios not yet answered still hide theirs
    page.screenshot(path=str(artifacts_dir / f"lesson03-{_who(learner)}-prediction-answered.png"))


def test_lesson_06_names_the_lowest_closure_district_only_after_the_learners_pick(learner, artifacts_dir):
    page = _open_ready(learner, "06_重大事故隐患动态清零.ipynb")
    assert "销号率最低的区：" not in page.locator(".jp-Notebook").inner_text()
    picker = page.get_by_label("销号率最低的区")
    picker.scroll_into_view_if_needed()
    picker.select_option(index=1)
    page.locator(".zhiben-live", has_text="销号率最低的区：").wait_for(timeout=30_000)
    assert re.search(r"[✓×] (正确|不正确)——销号率最低的区：", page.locator(".jp-Notebook").inner_text())
    page.screenshot(path=str(artifacts_dir / f"lesson06-{_who(learner)}-district-answered.png"))


def test_lesson_04s_fine_calculator_reads_50万_as_500000_元_and_refuses_words_in_chinese(learner,
                                                                                         artifacts_dir):
    page = _open_ready(learner, "04_法定职责与法律责任.ipynb")
    box = page.locator(".zhiben-income input")
    box.scroll_into_view_if_needed()
    box.fill("50万")
    box.press("Enter")
    result = page.locator(".zhiben-fine-result")
    result.filter(has_text="500,000.00 元").wait_for(timeout=30_000)
    text = result.inner_text()
    assert "上一年年收入：500,000.00 元" in text and "30.00 元" not in text
    page.screenshot(path=str(artifacts_dir / f"lesson04-{_who(learner)}-fine-50万.png"))
    box.fill("五十万")
    box.press("Enter")
    result.filter(has_text="读不懂").wait_for(timeout=30_000)
    assert "例如 500000、50万 或 50万元" in result.inner_text()


def test_lesson_07_exports_the_plan_into_the_learners_folder_and_says_where(learner):
    page = _open_ready(learner, "07_企业自查自改与应急演练.ipynb")
    button = page.get_by_role("button", name="导出到我的文件夹（Excel）")
    button.scroll_into_view_if_needed()
    button.click()
    page.locator(".zhiben-export", has_text="已导出到你的文件夹").wait_for(timeout=30_000)
    [written] = list(Path(learner["root"]).glob("*年度自查演练值守计划.xlsx"))
    assert str(written) in page.locator(".zhiben-export").inner_text()
    assert written.stat().st_uid == learner["uid"]  # on the hub: the trainee's own file in their home

