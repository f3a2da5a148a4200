"""A room of trainees in one Chromium: exam day with pre-start, seen through the browser, on 127.0.0.1
only (``python -m benchmarks browser_room``; ``ZHIBEN_BENCH_ROOM_TRAINEES``, default 24, at least 20 for
the documented run).

Debian's Chromium (``/usr/bin/chromium``, never a download) driven by Playwright: one browser, one
context per trainee. The hub pre-starts every server with the paper in place; then everyone logs in
at once and the time from pressing 登录 to the first question's options on screen is measured
(p50/p95). Each trainee clicks every choice item (half the clicks, a mid-exam event, the other half).
Mid-exam one trainee's server is SIGKILLed after their first clicks were saved (their next request
must bring it back with every saved answer on screen, then they finish) and another trainee's context
is closed right after clicks, without waiting for 已保存 (they log in again in a new context, see the
paper as the file holds it, and finish). Everyone submits through their own server's REST API
(nbgrader's submit, as a button would); the examiner collects and autogrades.

Checked: every click of every trainee is in the collected file (read back as data with
``answer_state``), each trainee's submission is in the exchange once and collected once, and the
scores equal the offline path's (the same files handed in as a zip to a copy of the course and graded
there). ``ratio``: the p95 of login → first question over the p50 (how evenly a full room is served).

Bounded: free memory is checked first (only as many trainees as fit run), every browser step has a
timeout, the whole room a deadline; the hub, servers and system users are removed by the harness.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import sys
import time
from pathlib import Path

from benchmarks.bench_hub import GiB, _available, _memory_of_uids, _pct, _uid, fitting_count
from benchmarks.bench_prestart import _wait_all_ready

TRAINEES = int(os.environ.get("ZHIBEN_BENCH_ROOM_TRAINEES", "24"))
DEADLINE_SECONDS = 30 * 60
STEP_MS = 600_000  # one browser step (a login on a loaded 2-core machine included)
BACK_SECONDS = 300  # a killed server's paper is on screen again within this, without the trainee's help
# one trainee: their server, the paper's kernel and a Chromium context with JupyterLab; 365 MB (USS)
# measured with 3 trainees (memory_with_the_room_seated), a quarter more kept for a shared machine
PER_TRAINEE_BYTES = 450 * 2**20
# a shared machine: the room is stopped (and cleaned up) rather than let the kernel's OOM killer choose
ABORT_BELOW_BYTES = 1 * GiB
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
CHOICE_KINDS = ("single", "truefalse", "multiple", "hazard_ids")
TRUEFALSE = ["正确", "错误"]


# ---- what each trainee clicks, and what the file must then hold -------------------------------

def click_specs(paper: dict) -> list[dict]:
    """The specs of the paper's choice items (single, true/false, multiple, hazard ids), in order."""
    from zhiben_training.assess.papers import SPEC_KEY

    specs = []
    for cell in paper["cells"]:
        spec = cell.get("metadata", {}).get(SPEC_KEY)
        if isinstance(spec, dict) and spec.get("kind") in CHOICE_KINDS:
            specs.append(spec)
    return specs


def click_plan(specs: list[dict], seat: int) -> tuple[list[tuple], list[tuple]]:
    """Two halves of clicks ``(item, kind, value)``; a radio's second click changes the choice."""
    first, second = [], []
    for spec in specs:
        item, kind = spec["item"], spec["kind"]
        if kind == "single":
            values = spec["values"]
            first.append((item, kind, values[seat % len(values)]))
            second.append((item, kind, values[(seat + 1) % len(values)]))
        elif kind == "truefalse":
            first.append((item, kind, TRUEFALSE[seat % 2]))
            second.append((item, kind, TRUEFALSE[(seat + 1) % 2]))
        else:  # check boxes; of the hazard items never the last box ("no major hazard")
            values = spec["values"][:-1] if kind == "hazard_ids" else spec["values"]
            first.append((item, kind, values[seat % len(values)]))
            second.append((item, kind, values[(seat + 2) % len(values)]))
    return first, second


def expected_answers(specs: list[dict], clicks: list[tuple]) -> dict:
    """item -> the value ``answer_state.read_item`` must read from the file after these clicks."""
    out: dict = {}
    for spec in specs:
        item, kind = spec["item"], spec["kind"]
        mine = [value for i, _k, value in clicks if i == item]
        if not mine:
            continue
        if kind == "single":
            out[item] = mine[-1]
        elif kind == "truefalse":
            out[item] = mine[-1] == TRUEFALSE[0]
        else:
            out[item] = [v for v in spec["values"] if v in mine]
    return out


def answers_in_file(nb: dict, specs: list[dict]) -> dict:
    """item -> value of each answered choice item of a saved paper, read as data (nothing run)."""
    from zhiben_training.assess.papers import answer_cells, read_item

    cells = answer_cells(nb)
    out = {}
    for spec in specs:
        ok, value, _reason = read_item(nb, cells[spec["item"] + "-answer"], spec)
        if ok:
            out[spec["item"]] = value
    return out


# ---- the browser side -----------------------------------------------------------------------

def _box(item: str) -> str:
    return f'[class~="zb-{item}"]'


def _input(spec_kind: str, item: str, value, spec: dict) -> str:
    if spec_kind == "single":
        return f'{_box(item)} input[type=radio] >> nth={spec["values"].index(value)}'
    if spec_kind == "truefalse":
        return f'{_box(item)} input[type=radio] >> nth={TRUEFALSE.index(value)}'
    return f'[class~="zb-{item}-{value}"] input[type=checkbox]'


async def _on_screen(page, specs: list[dict]) -> dict:
    """item -> the value the screen shows (as ``expected_answers`` writes it), answered items only."""
    out = {}
    for spec in specs:
        item, kind = spec["item"], spec["kind"]
        if kind in ("single", "truefalse"):
            checked = await page.locator(f"{_box(item)} input[type=radio]").evaluate_all(
                "els => els.map(e => e.checked)")
            if True in checked:
                index = checked.index(True)
                out[item] = spec["values"][index] if kind == "single" else index == 0
        else:
            chosen = []
            for value in spec["values"]:
                box = page.locator(f'[class~="zb-{item}-{value}"] input[type=checkbox]')
                if await box.is_checked():
                    chosen.append(value)
            if chosen:
                out[item] = chosen
    return out


async def _paper_ready(page, specs: list[dict], timeout_ms: int = STEP_MS) -> None:
    """The first and the last choice item's options are on screen."""
    await page.locator(f"{_box(specs[0]['item'])} input, "
                       f"[class~='zb-{specs[0]['item']}-{_first(specs[0])}'] input"
                       ).first.wait_for(state="visible", timeout=timeout_ms)
    last = specs[-1]
    await page.locator(f"{_box(last['item'])} input, [class~='zb-{last['item']}-{_first(last)}'] input"
                       ).first.wait_for(state="visible", timeout=timeout_ms)


def _first(spec: dict) -> str:
    return str(spec.get("values", [""])[0])


async def _click(page, specs: dict, clicks: list[tuple]) -> None:
    for item, kind, value in clicks:
        await page.locator(_input(kind, item, value, specs[item])).check(timeout=STEP_MS)


async def _saved(page) -> None:
    """The paper's own status says 已保存 (a click turns it to 未保存 at once, the save 0.5 s later)."""
    await page.locator('.zb-save-status[data-state="zb-saved"]').wait_for(timeout=STEP_MS)


async def _login(browser, hub, tid: str, code: str, specs: list[dict], go: asyncio.Event | None = None,
                 ready: list | None = None):
    """A new context, the login form, then (at ``go``) 登录 → the first question's options on screen,
    and → the paper prepared (every widget shown, the status 已保存); the context, page and seconds."""
    context = await browser.new_context(locale="zh-CN")
    page = await context.new_page()
    await page.goto(f"{hub.url}/hub/login", timeout=STEP_MS)
    await page.fill("#username_input", tid)
    await page.fill("#password_input", code)
    if go is not None:
        ready.append(tid)
        await go.wait()
    started = time.monotonic()
    await page.click("#login_submit")
    await _paper_ready(page, specs)
    shown = time.monotonic() - started
    await _saved(page)
    return context, page, (round(shown, 2), round(time.monotonic() - started, 2))


async def _submit(context, page, hub, tid: str) -> dict:
    """nbgrader's submit on the trainee's own server, with the browser's cookies (as its button does)."""
    from tests.hub.harness import AID

    cookies = await context.cookies()
    xsrf = next((c["value"] for c in cookies
                 if c["name"] == "_xsrf" and c["path"].startswith(f"/user/{tid}")), "")
    answer = await page.request.post(f"{hub.url}/user/{tid}/assignments/submit", timeout=STEP_MS,
                                     form={"course_id": "zhiben", "assignment_id": AID},
                                     headers={"X-XSRFToken": xsrf})
    return await answer.json() if answer.ok else {"success": False, "status": answer.status}


def _kill_server(hub, tid: str) -> int:
    """SIGKILL every process of the trainee's system user (their server and its kernel)."""
    import psutil

    uid = _uid(hub, tid)
    victims = [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real == uid]
    for proc in victims:
        proc.kill()
    psutil.wait_procs(victims, timeout=30)
    return len(victims)


async def _back_after_kill(page, hub, tid: str, specs: list[dict],
                           deadline: float) -> tuple[float, list[str]]:
    """As the trainee does: reload the paper once, then wait (the pages move on by themselves) until it
    is on screen again; seconds from the kill and the headings of the pages seen meanwhile."""
    from tests.hub.harness import AID

    started = time.monotonic()
    deadline = min(deadline, started + BACK_SECONDS)
    seen: list[str] = []  # the heading of every hub or proxy page shown until the paper is back (JupyterLab's
    # own page has none when its HTML has loaded: it draws everything afterwards)

    async def note(shown) -> None:
        with contextlib.suppress(Exception):  # noqa: BLE001 - the page may move on before it is read
            heading = await shown.evaluate("() => (document.querySelector('h1') || {}).innerText || ''")
            if heading and heading.strip() not in seen:
                seen.append(heading.strip())

    page.on("domcontentloaded", note)
    try:
        await page.goto(f"{hub.url}/user/{tid}/lab/tree/{AID}/paper.ipynb", timeout=STEP_MS)
        while time.monotonic() < deadline:
            try:
                await _paper_ready(page, specs, timeout_ms=2_000)
                await _saved(page)
                return time.monotonic() - started, seen
            except Exception as exc:  # noqa: BLE001 - Playwright's TimeoutError: not back yet
                if type(exc).__name__ != "TimeoutError":
                    raise
    finally:
        page.remove_listener("domcontentloaded", note)
    raise RuntimeError(f"the paper of {tid} did not come back after its server was killed: {seen}")


def _file(hub, tid: str) -> dict:
    from tests.hub.harness import AID
    from zhiben_training.hub import system_user_name

    path = hub.base / "home" / system_user_name(tid, hub.prefix) / AID / "paper.ipynb"
    return json.loads(path.read_text(encoding="utf-8"))


async def _sit(browser, hub, tid: str, plan: dict, role: str, room: dict, deadline: float) -> dict:
    specs = plan["specs"]
    by_item = {s["item"]: s for s in specs}
    first, second = plan["clicks"]
    row: dict = {"trainee": tid, "role": role}
    context, page, (row["login_to_first_question_s"], row["login_to_paper_ready_s"]) = await _login(
        browser, hub, tid, hub.codes[tid], specs, room["go"], room["ready"])
    room["seated"].append(tid)
    if role == "sits" and not room["screenshot"].exists():  # what one of them sees
        await page.screenshot(path=str(room["screenshot"]))
    _say(f"{len(room['seated'])}/{room['count']} trainees have their paper on screen")
    if len(room["seated"]) == room["count"]:  # the whole room has its paper on screen: what it weighs
        room["memory"] = await asyncio.to_thread(_room_memory, hub, list(room["seated"]))
    await _click(page, by_item, first)
    if role == "killed":
        await _saved(page)
        row["processes_killed"] = await asyncio.to_thread(_kill_server, hub, tid)
        back, row["pages_seen_while_down"] = await _back_after_kill(page, hub, tid, specs, deadline)
        row["kill_to_paper_back_s"] = round(back, 2)
        row["restored_on_screen"] = await _on_screen(page, specs) == expected_answers(specs, first)
        row["restored_in_file"] = answers_in_file(await asyncio.to_thread(_file, hub, tid), specs) == \
            expected_answers(specs, first)
        await _click(page, by_item, second)
    elif role == "closed":
        await _saved(page)
        await _click(page, by_item, second)
        await context.close()  # right after the clicks: the 0.5 s save has not happened
        in_file = answers_in_file(await asyncio.to_thread(_file, hub, tid), specs)
        row["items_not_saved_at_close"] = sum(
            expected_answers(specs, first + second).get(i) != in_file.get(i) for i in by_item)
        context, page, (_shown, row["login_again_to_paper_ready_s"]) = await _login(
            browser, hub, tid, hub.codes[tid], specs)
        row["screen_equals_file_after_login_again"] = await _on_screen(page, specs) == in_file
        await _click(page, by_item, second)  # what the screen does not show is clicked again
    else:
        await _click(page, by_item, second)
    await _saved(page)
    row["on_screen_at_submit"] = await _on_screen(page, specs) == expected_answers(specs, first + second)
    row["submit"] = await _submit(context, page, hub, tid)
    await context.close()
    return row


def _room_memory(hub, tids: list[str]) -> dict:
    """USS of this run's Chromium (browser and every context's renderers) and of the trainees' servers
    and kernels, in MB."""
    import psutil

    uss = 0
    procs = [p for p in psutil.Process().children(recursive=True) if "chrom" in p.name()]
    for proc in procs:
        try:
            uss += proc.memory_full_info().uss
        except psutil.Error:
            continue
    servers = _memory_of_uids({_uid(hub, t) for t in tids})
    return {"chromium_uss_mb": round(uss / 2**20, 1), "chromium_processes": len(procs),
            "servers_uss_mb": servers["server_uss_mb"], "kernels_uss_mb": servers["kernel_uss_mb"],
            "per_trainee_mb": round((uss / 2**20 + servers["total_uss_mb"]) / len(tids), 1),
            "available_gib": round(_available() / GiB, 1)}


async def _watch_memory(room: dict) -> None:
    """Close the browser's contexts (every trainee then fails) when the machine runs short of memory."""
    while True:
        await asyncio.sleep(2)
        available = _available()
        room["lowest_available_gib"] = round(min(room.get("lowest_available_gib", 1e9), available / GiB), 2)
        if available < ABORT_BELOW_BYTES:
            room["aborted"] = f"stopped: {available / GiB:.1f} GiB available (the machine is shared)"
            _say(room["aborted"])
            for context in list(room["browser"].contexts):
                await context.close()
            return


def _say(text: str) -> None:
    print(f"browser_room {time.strftime('%H:%M:%S')}: {text}", file=sys.stderr, flush=True)


async def _room(hub, plans: dict[str, dict], roles: dict[str, str], deadline: float,
                screenshot: Path) -> tuple[list, dict]:
    """Every trainee in a context of one Chromium, all pressing 登录 at once; their rows (or errors), and
    the first screen of one trainee (not one of the two accidents) in ``screenshot``."""
    from playwright.async_api import async_playwright

    room = {"go": asyncio.Event(), "ready": [], "seated": [], "count": len(plans), "memory": {},
            "screenshot": screenshot}
    async with async_playwright() as pw:
        # the Chinese font the browser tests use (tests/course/test_browser.py): a room's screens are read
        from tests.course.test_browser import _fontconfig

        env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(screenshot.parent / "fonts"))}
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
                                           env=env)
        room["browser"] = browser
        try:
            tasks = [asyncio.create_task(_sit(browser, hub, tid, plans[tid], roles.get(tid, "sits"), room,
                                              deadline))
                     for tid in sorted(plans)]
            # everyone has the form filled in before anyone presses 登录
            while len(room["ready"]) < len(tasks) and not any(t.done() for t in tasks):
                if time.monotonic() > deadline:
                    raise RuntimeError("the login forms did not open before the deadline")
                await asyncio.sleep(0.2)
            room["go"].set()
            _say(f"{len(tasks)} trainees press 登录 at once")
            watch = asyncio.create_task(_watch_memory(room))
            done, pending = await asyncio.wait(tasks, timeout=max(1.0, deadline - time.monotonic()))
            watch.cancel()
            for task in pending:
                task.cancel()
            results = [t.result() if t in done and not t.exception() else
                       (t.exception() if t in done else TimeoutError("the room's deadline passed"))
                       for t in tasks]
        finally:
            await browser.close()
    return results, {**room["memory"],
                     "lowest_available_gib_during_the_room": room.get("lowest_available_gib"),
                     **({"aborted": room["aborted"]} if "aborted" in room else {})}


# ---- the run -----------------------------------------------------------------------------------

def _scores(course: Path) -> dict:
    from tests.hub.harness import AID
    from zhiben_training.assess import nbgrader_adapter

    return {(r["student_id"], r["grade_id"]): r["score"]
            for r in nbgrader_adapter.gradebook_scores(course, AID)}


def _offline(hub, offline: Path, work: Path) -> None:
    """The same collected files handed in as a zip to a copy of the course, graded there."""
    from tests.hub.harness import AID
    from zhiben_training.assess.exchange import collect, pack_handin

    handed = work / "handin"
    handed.mkdir(parents=True)
    for tid in hub.codes:
        shutil.copy(hub.course / "submitted" / tid / AID / "paper.ipynb", handed / f"{AID}-{tid}.ipynb")
    done, rejected = collect(offline, AID, source=pack_handin(handed, work / "handin.zip"))
    assert len(done) == len(hub.codes) and not rejected, rejected


def run_room(count: int, *, out_dir: Path) -> dict:
    """The whole room with ``count`` trainees (two of them meet the mid-exam accidents)."""
    from tests.hub.harness import AID, running_hub
    from zhiben_training.assess.exchange import collect, outbound_dir
    from zhiben_training.assess.grading import Limits, autograde
    from zhiben_training.assess.papers import check_paper

    started = time.monotonic()
    deadline = started + DEADLINE_SECONDS
    result: dict = {"trainees": count, "prestart": True,
                    "browser": "Debian chromium (one browser, a context each)"}
    with running_hub(count, start_timeout=DEADLINE_SECONDS // 2, spawn_limit=10, prestart_minutes=20,
                     prestart_throttle=os.cpu_count() or 2, keep_log=Path(out_dir) / "hub.log") as hub:
        offline = hub.base / "offline-course"
        shutil.copytree(hub.course, offline, symlinks=True)
        tids = sorted(hub.codes)
        plans = {}
        for seat, tid in enumerate(tids):
            paper = json.loads((outbound_dir(hub.course, AID) / tid / "paper.ipynb")
                               .read_text(encoding="utf-8"))
            specs = click_specs(paper)
            plans[tid] = {"specs": specs, "clicks": click_plan(specs, seat)}
        roles = {tids[0]: "killed", tids[1 % count]: "closed"} if count > 1 else {tids[0]: "killed"}
        _say(f"{count} trainees admitted; pre-start brings their servers up")
        result["seconds_until_every_server_was_up"] = round(_wait_all_ready(hub, tids, deadline), 1)
        _say(f"every server up after {result['seconds_until_every_server_was_up']} s")
        rows, memory = asyncio.run(_room(hub, plans, roles, deadline, Path(out_dir) / "first-screen.png"))
        failures = [f"{t[-4:]}: {type(r).__name__}: {str(r)[:300]}" for t, r in zip(tids, rows, strict=True)
                    if isinstance(r, BaseException)]
        rows = [r for r in rows if isinstance(r, dict)]
        logins = [r["login_to_first_question_s"] for r in rows]
        prepared = [r["login_to_paper_ready_s"] for r in rows]
        result.update(login_to_first_question_p50_s=_pct(logins, 0.5),
                      login_to_first_question_p95_s=_pct(logins, 0.95),
                      login_to_first_question_max_s=max(logins) if logins else None,
                      login_to_paper_ready_p50_s=_pct(prepared, 0.5),
                      login_to_paper_ready_p95_s=_pct(prepared, 0.95),
                      memory_with_the_room_seated=memory, failures=failures[:5])
        for row in rows:
            if row["role"] != "sits":
                result[f"trainee_{row['role']}"] = {k: v for k, v in row.items()
                                                    if k not in ("trainee", "submit")}
        clicks = sum(len(p["clicks"][0]) + len(p["clicks"][1]) for p in plans.values())
        # the exchange: one hand-in per trainee
        inbound = hub.course / "exchange" / "zhiben" / "inbound"
        handed_in = ([d.name.split("+")[0] for d in inbound.iterdir() if AID in d.name]
                     if inbound.is_dir() else [])
        _say("the examiner collects and autogrades")
        done, rejected = collect(hub.course, AID)
        collected = [r.trainee_id for r in done]
        missing_clicks, unanswered = 0, 0
        for tid in tids:
            saved = hub.course / "submitted" / tid / AID / "paper.ipynb"
            if not saved.exists():
                missing_clicks += len(plans[tid]["clicks"][0]) + len(plans[tid]["clicks"][1])
                continue
            nb = json.loads(saved.read_text(encoding="utf-8"))
            specs, (first, second) = plans[tid]["specs"], plans[tid]["clicks"]
            want, got = expected_answers(specs, first + second), answers_in_file(nb, specs)
            missing_clicks += sum(1 for item, _k, value in first + second
                                  if not _holds(got.get(item), want[item], value))
            unanswered += len(set(want) - set(check_paper(nb)["answered"]))
        limits = Limits(wall_seconds=30, cell_seconds=10, address_space=2 * 2**30)
        t_grade = time.monotonic()
        autograde(hub.course, AID, workers=2, limits=limits, progress=False)
        result["autograde_online_s"] = round(time.monotonic() - t_grade, 1)
        _offline(hub, offline, hub.base / "offline-handin")  # removed with the hub
        autograde(offline, AID, workers=2, limits=limits, progress=False)
        online, offline_scores = _scores(hub.course), _scores(offline)
        click_items = {s["item"] for p in plans.values() for s in p["specs"]}
        click_points = [v for (_s, g), v in online.items() if g.removesuffix("-test") in click_items]
        result.update({
            "clicks": clicks, "clicks_missing_from_collected_files": missing_clicks,
            "choice_items_unanswered_in_collected_files": unanswered,
            "submitted": sum(1 for r in rows if r["submit"].get("success") is True),
            "handed_in_to_exchange": len(handed_in), "trainees_with_more_than_one_hand_in":
                sum(1 for t in set(handed_in) if handed_in.count(t) > 1),
            "collected": len(collected), "collected_once_each": sorted(collected) == tids,
            "rejected": len(rejected),
            "scores_equal_offline_path": online == offline_scores and len(online) > 0,
            "graded_cells": len(online), "click_cells_with_points": sum(1 for v in click_points if v),
            "click_cells_without_points": sum(1 for v in click_points if not v),
        })
    killed, closed = result.get("trainee_killed", {}), result.get("trainee_closed", {})
    result["met"] = bool(
        not failures and len(rows) == count and result["submitted"] == count
        and result["handed_in_to_exchange"] == count and result["collected_once_each"]
        and not result["rejected"]
        and result["clicks_missing_from_collected_files"] == 0 and result["scores_equal_offline_path"]
        and killed.get("restored_on_screen") and killed.get("restored_in_file")
        and (count < 2 or closed.get("screen_equals_file_after_login_again"))
        and all(r["on_screen_at_submit"] for r in rows) and "aborted" not in memory)
    result["bench_seconds"] = round(time.monotonic() - started, 1)
    return result


def _holds(got, want, value) -> bool:
    """A click is in the file when the item's value there is the expected one and shows the click
    (a radio's last click, a box among the checked ones)."""
    return got == want and (value in got if isinstance(got, list) else True)


def fitting_room(requested: int, available: int) -> int:
    """Trainees that fit: the benchmark's memory rule (keep 3 GiB free and the hub's share) per trainee."""
    return fitting_count(requested, PER_TRAINEE_BYTES, available)


def run(out_dir: Path) -> dict:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    result: dict = {"trainees_requested": TRAINEES, "available_gib_at_start": round(_available() / GiB, 1),
                    "target": "every trainee's paper on screen after login (p50/p95 reported); "
                              "every click in the collected files; each submission collected once; "
                              "scores equal the offline path"}
    if os.geteuid() != 0:
        return {**result, "met": False, "refused": "the room creates system users: run it as root"}
    if not CHROMIUM.exists():
        return {**result, "met": False, "refused": "needs Debian chromium at /usr/bin/chromium"}
    count = fitting_room(TRAINEES, _available())
    if count < TRAINEES:
        result["memory_note"] = (f"{TRAINEES} trainees of ~{PER_TRAINEE_BYTES >> 20} MB "
                                 f"(server, kernel, browser context) do not fit in "
                                 f"{_available() / GiB:.1f} GiB available: running {count}")
    if count < 1:
        return {**result, "met": False, "refused": result["memory_note"]}
    room = run_room(count, out_dir=out_dir)
    logins = room["login_to_first_question_p50_s"]
    ratio = round(room["login_to_first_question_p95_s"] / logins, 2) if logins and logins == logins else None
    return {**result, **room, "ratio": ratio, "ratio_means": "p95 / p50 of login → first question on screen"}
