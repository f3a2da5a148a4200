"""Lesson 03 in a real browser: JupyterLab on localhost, Debian Chromium driven by Playwright.

Chromium sees only the bundled Noto Sans CJK font (a private fontconfig file lists just that
folder), so Chinese on the screenshot proves the bundled font renders, not a system font.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.course.conftest import COURSE
from tests.debian_tools import TOOLS, require
from zhiben_training.fonts import cjk_font_path

CHROMIUM = Path(TOOLS["chromium"].path)  # Debian's chromium, never a Playwright browser download
LESSON = "03_危大工程与超危大工程.ipynb"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fontconfig(folder: Path) -> Path:
    """A fonts.conf whose only font folder is the noto-cjk package: no system fonts at all."""
    cache = folder / "fc-cache"
    cache.mkdir(parents=True, exist_ok=True)
    conf = folder / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>{cjk_font_path().parent}</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
""", encoding="utf-8")
    return conf


def _wait_for_server(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the server did not answer within {timeout}s:\n"
                       f"{log.read_text(errors='replace')[-3000:]}")


@contextlib.contextmanager
def _server(argv: list[str], *, cwd: Path, status_url: str, log: Path):
    """Run a Jupyter server process until the block ends; we stop only the process we started."""
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=cwd, env=dict(os.environ))
    try:
        _wait_for_server(status_url, proc, log)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _course_copy(tmp_path: Path) -> Path:
    require("chromium")
    root = tmp_path / "course"
    shutil.copytree(COURSE, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return root


@pytest.fixture
def lab(tmp_path):
    """JupyterLab serving a temp copy of course/ on a free localhost port with a random token."""
    root = _course_copy(tmp_path)
    port, token = _free_port(), secrets.token_hex(16)
    argv = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            *(["--allow-root"] if os.geteuid() == 0 else [])]
    url = f"http://127.0.0.1:{port}"
    with _server(argv, cwd=root, status_url=f"{url}/api/status?token={token}", log=tmp_path / "lab.log"):
        yield {"url": url, "token": token, "root": root}


@pytest.fixture
def voila(tmp_path):
    """Voila serving lesson 03 alone as a self-study app (code hidden), with a random token."""
    root = _course_copy(tmp_path)
    port, token = _free_port(), secrets.token_hex(16)
    argv = [sys.executable, "-m", "voila", str(root / LESSON), "--no-browser", f"--port={port}",
            "--Voila.ip=127.0.0.1", f"--token={token}"]
    url = f"http://127.0.0.1:{port}"
    with _server(argv, cwd=root, status_url=f"{url}/voila/static/voila.js?token={token}",
                 log=tmp_path / "voila.log"):
        yield {"url": url, "token": token}


@pytest.fixture
def page(tmp_path, artifacts_dir, request):
    """A Chromium page; on failure a screenshot goes to test-artifacts/ for a human to look at."""
    from playwright.sync_api import sync_playwright

    env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(tmp_path / "fonts"))}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                     env=env, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
            tab = context.new_page()
            yield tab
            if getattr(request.node, "failed", False):
                tab.screenshot(path=str(artifacts_dir / f"{request.node.name[:40]}-failure.png"),
                               full_page=True)
        finally:
            browser.close()


def test_moving_the_depth_slider_from_4_9_to_5_0_m_turns_the_verdict_to_超规模(lab, page, artifacts_dir):
    page.goto(f"{lab['url']}/lab/tree/{quote(LESSON)}?token={lab['token']}")
    page.locator(".jp-Notebook").first.wait_for(timeout=60_000)  # the lesson opens ready: no Run All

    verdict = page.locator(".zhiben-verdict .zhiben-level")
    verdict.wait_for(timeout=90_000)
    page.wait_for_function("() => document.querySelector('.zhiben-verdict .zhiben-level')?.textContent"
                           " === '危大'", timeout=30_000)
    before = verdict.text_content()
    slider = page.locator(".zhiben-slider-depth_m")
    slider.scroll_into_view_if_needed()
    assert slider.locator(".noUi-handle").first.get_attribute("aria-valuenow") == "4.9"
    slider.locator(".noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")  # one step of 0.1 m
    page.wait_for_function("() => document.querySelector('.zhiben-verdict .zhiben-level')?.textContent"
                           " === '超规模'", timeout=30_000)
    after = verdict.text_content()
    assert (before, after) == ("危大", "超规模")
    assert slider.locator(".noUi-handle").first.get_attribute("aria-valuenow") == "5.0"
    assert "专家论证" in page.locator(".zhiben-duties").text_content()
    label = page.locator(".zhiben-slider-depth_m label")
    assert label.text_content().startswith("开挖深度") and "方向键" in (label.get_attribute("title") or "")
    assert page.locator(".zhiben-verdict [role='status']").get_attribute("aria-live") == "polite"

    news = page.locator(".jp-Notification-Toast-default", has_text="Jupyter news")
    if news.count():  # the "official Jupyter news?" toast would cover part of the screenshot
        news.get_by_role("button", name="No", exact=True).click()
        news.wait_for(state="detached", timeout=10_000)
    page.locator(".zhiben-verdict").scroll_into_view_if_needed()
    shot = artifacts_dir / "lesson03-depth-5m-超规模.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000


def _move_depth_past_5_m(page) -> tuple[str, str]:
    """Press → once on the depth slider (4.9 → 5.0 m); returns the verdict before and after."""
    level = ".zhiben-verdict .zhiben-level"
    page.wait_for_function(f"() => document.querySelector('{level}')?.textContent === '危大'", timeout=90_000)
    before = page.locator(level).text_content()
    slider = page.locator(".zhiben-slider-depth_m")
    slider.scroll_into_view_if_needed()
    slider.locator(".noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => document.querySelector('{level}')?.textContent === '超规模'",
                           timeout=30_000)
    return before, page.locator(level).text_content()


def test_lesson_03_as_a_voila_app_hides_code_and_reacts_to_the_slider(voila, page, artifacts_dir):
    page.goto(f"{voila['url']}/?token={voila['token']}", timeout=120_000)
    assert _move_depth_past_5_m(page) == ("危大", "超规模")
    assert page.locator(".zhiben-slider-depth_m .noUi-handle").first.get_attribute("aria-valuenow") == "5.0"
    assert "threshold_explorer(" not in page.content()  # Voila shows text and outputs, never the code
    assert page.locator("h1", has_text="第三课").count() == 1
    page.locator(".zhiben-verdict").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "lesson03-voila-超规模.png"))
