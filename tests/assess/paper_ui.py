"""A principal at the paper in Chromium: the steps the offline test (``test_paper_opens_ready.py``) and
the hub test (``tests/hub/test_paper_on_hub.py``) share. A Chromium process of our own (killed like a
crash), the paper waited for as it opens ready, every item clicked as its key says, the written answer
typed, and the score of those answers entered another way (written into the file as data)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from tests.course.test_browser import CHROMIUM, CHROMIUM_ARGS, _free_port, _wait_for_server
from zhiben_training.assess.exchange import variants
from zhiben_training.assess.exchange.handin import collect
from zhiben_training.assess.papers.answer_state import LEVELS, REQUIREMENTS, SPEC_KEY, TRUEFALSE, answer_cells

__all__ = ["WRITTEN", "answer_specs", "checked_wanted", "chromium_process", "click_key", "clicked_items",
           "kill_chromium", "render_all_cells", "saved_notebook", "scores_both_ways", "visible_editors",
           "wait_ready"]

WRITTEN = "主要负责人每月组织一次全面自查，建立隐患台账，整改一项销号一项。"
_REQUIREMENT_OF = {"超规模": REQUIREMENTS[1], "危大": REQUIREMENTS[0], "一般": REQUIREMENTS[4]}


def chromium_process(tmp_path: Path, env: dict) -> tuple[subprocess.Popen, str]:
    """A Chromium process of our own (so the test can kill it like a crash), driven over CDP."""
    port = _free_port()
    proc = subprocess.Popen([str(CHROMIUM), *CHROMIUM_ARGS, f"--remote-debugging-port={port}",
                             f"--user-data-dir={tmp_path / 'chromium-profile'}", "about:blank"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    _wait_for_server(f"http://127.0.0.1:{port}/json/version", proc, tmp_path / "no-log")
    return proc, f"http://127.0.0.1:{port}"


def kill_chromium(proc: subprocess.Popen) -> None:
    """SIGKILL to the whole process group: nothing saves on the way out."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def saved_notebook(path: Path, timeout: float = 30) -> dict:
    """The notebook file as the server last wrote it: a save the browser sent before it was killed may
    still be being written (jupyter_server writes in place, after keeping a backup), so the file is
    read again until it is whole JSON."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


def wait_ready(page, timeout: int = 180_000) -> None:
    """Question 1's options are on screen and the paper says 已保存: prepared, nothing run by hand."""
    page.locator(".zb-k01 input[type=radio]").first.wait_for(timeout=timeout)
    page.locator(".zb-save-status", has_text="已保存").wait_for(timeout=timeout)


def render_all_cells(page) -> None:
    """Lay out every cell now (JupyterLab's default windowing skips the off-screen ones), so that the
    page's text is all of the paper; what is shown does not change."""
    page.evaluate("() => document.querySelectorAll('.jp-Notebook .jp-Cell').forEach("
                  "(c) => { c.style.contentVisibility = 'visible'; })")


def answer_specs(nb: dict) -> dict:
    """item -> the answer spec the paper carries in its cells' metadata."""
    return {c["metadata"][SPEC_KEY]["item"]: c["metadata"][SPEC_KEY] for c in nb["cells"]
            if isinstance(c["metadata"].get(SPEC_KEY), dict) and c["metadata"][SPEC_KEY].get("item")}


def clicked_items(record: dict, specs: dict) -> list[dict]:
    """The items of a trainee's answer record that are answered by clicking (all but the written one)."""
    return [i for i in record["items"] if i["item_id"] in specs and i["kind"] != "written"]


def visible_editors(page) -> list[str]:
    """The start of each notebook cell whose code editor is on screen."""
    return page.evaluate("""() => [...document.querySelectorAll('.jp-Notebook .jp-CodeMirrorEditor')]
        .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height > 0)
        .map((e) => e.closest('.jp-Cell').innerText.slice(0, 40))""")


def click_key(page, item: dict, spec_values: dict) -> None:
    """Click the key of one item (``spec_values``: item -> the option values in screen order)."""
    item_id, kind, key = item["item_id"], item["kind"], item["key"]
    if kind == "single":
        page.locator(f".zb-{item_id} input[type=radio]").nth(spec_values[item_id].index(key)).check()
    elif kind == "truefalse":
        page.locator(f".zb-{item_id} input[type=radio]").nth(
            TRUEFALSE.index("正确" if key else "错误")).check()
    elif kind == "multiple":
        for letter in key:
            page.locator(f".zb-{item_id}-{letter} input[type=checkbox]").check()
    elif kind == "hazard_ids":  # class names hold dots ("zb-t01-5.4.3"): matched as a whole word
        for value in key or ["none"]:
            page.locator(f'[class~="zb-{item_id}-{value}"] input[type=checkbox]').check()
    elif kind == "classify_works":
        for work, want in key.items():
            assert want["level"] in LEVELS
            page.locator(f".zb-{item_id}-{work}-level select").select_option(label=want["level"])
            page.locator(f".zb-{item_id}-{work}-req select").select_option(
                label=_REQUIREMENT_OF[want["level"]])
    elif kind == "ledger_read":  # read the table (filtered to the open items), then choose
        from playwright.sync_api import expect

        table = page.locator(f".zb-answer:has(.zb-{item_id}-overdue)")
        table.locator("select").nth(2).select_option(label="未销号")
        table.scroll_into_view_if_needed()
        expect(table).to_contain_text("显示")  # the kernel redraws the filtered table
        page.locator(f".zb-{item_id}-overdue select").select_option(label=str(key["overdue_major"]))
        page.locator(f".zb-{item_id}-channel label",
                     has_text=key["lowest_channels"][0]).locator("input").check()


def checked_wanted(clicked: list[dict]) -> int:
    """How many radio buttons and check boxes the clicked keys leave checked on screen."""
    return (sum(1 for i in clicked if i["kind"] in ("single", "truefalse"))
            + sum(len(i["key"]) if i["kind"] == "multiple" else max(1, len(i["key"]))
                  for i in clicked if i["kind"] in ("multiple", "hazard_ids"))
            + sum(1 for i in clicked if i["kind"] == "ledger_read"))  # the channel's radio button


def scores_both_ways(root: Path, assignment: str, trainee: str, browser_file: bytes, clicked: list[dict],
                     specs: dict, tmp_path: Path) -> dict[str, dict]:
    """Autograded scores of the file the browser saved and of the same answers written into the
    released paper as data (``simulate.click``), each collected into its own copy of the course."""
    import nbformat

    from tests.assess.conftest import run_autograde, scores
    from zhiben_training.assess.simulate import click

    other = nbformat.from_dict(json.loads(
        (variants.variant_dir(root, assignment, trainee) / "paper.ipynb").read_text(encoding="utf-8")))
    for item in clicked:  # the classification as the browser chose it (the key's level, its requirement)
        value = {work: {"level": want["level"], "requirement": _REQUIREMENT_OF[want["level"]]}
                 for work, want in item["key"].items()} if item["kind"] == "classify_works" else item["key"]
        if item["kind"] == "ledger_read":
            value = {"overdue_major": value["overdue_major"], "lowest_channel": value["lowest_channels"][0]}
        click(other, specs[item["item_id"]], value)
    next(c for c in other.cells
         if c.metadata.get("nbgrader", {}).get("grade_id") == "w01-answer").source = WRITTEN
    got = {}
    name = f"{assignment}-{trainee}.ipynb"
    for way, data in (("browser", browser_file), ("data", json.dumps(other, ensure_ascii=False).encode())):
        inbox, course = tmp_path / f"inbox-{way}", tmp_path / f"course-{way}"
        inbox.mkdir()
        (inbox / name).write_bytes(data)
        shutil.copytree(root, course, ignore=shutil.ignore_patterns("exchange", "submitted", "autograded"))
        collect(course, assignment, source=inbox)
        assert run_autograde(course, None).ungraded == {}
        got[way] = scores(course)[trainee]
        graded = json.loads(
            (course / "autograded" / trainee / assignment / "paper.ipynb").read_text(encoding="utf-8"))
        assert "".join(answer_cells(graded)["w01-answer"]["source"]) == WRITTEN  # formgrader shows the text
    return got
