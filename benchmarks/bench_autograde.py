"""Autograde throughput: our autograde vs stock sequential ``nbgrader autograde``, on two papers.

* ``no_code``: 200 A papers as trainees get them (no code item: every answer clicked or typed into
  a text box). Ours reads every answer from the file as data and starts no kernel at all
  (``batch.needs_kernel``); target ≥ 100× stock, identical scores, and no fork server started.
* ``mixed``: 200 A papers with the ledger task's code option on (``code_tasks=True``; the ledger
  answers read the CSV with pandas, as trainees do). Ours: 2 workers, kernels forked from a
  pre-warmed zygote in bubblewrap, scoring outside the kernel; target ≥ 20×.

Both from submissions of mixed quality (``assess.simulate``: good / weak / blank). Stock:
``NbGraderAPI.autograde`` one student after another on a copy of the same submissions, with
examiner-only test cells that read the key and call ``score_item`` INSIDE the kernel (the insecure
stock way, needed to produce the same partial credit). Both gradebooks must hold identical scores.

Stock takes ~1.8 s a submission here, so by default it runs on the first ``STOCK_N`` (50)
submissions and its time is extrapolated to 200 (``ZHIBEN_BENCH_STOCK_N=200`` runs all).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from zhiben_training.assess import nbgrader_adapter as nbg
from zhiben_training.assess import simulate_submissions
from zhiben_training.assess.exchange import collect, variants
from zhiben_training.assess.grading import autograde
from zhiben_training.assess.papers import NOTEBOOK_NAME

N = int(os.environ.get("ZHIBEN_BENCH_N", "200"))
TARGETS = {"no_code": 100, "mixed": 20}
STOCK_N = int(os.environ.get("ZHIBEN_BENCH_STOCK_N", "50"))
ROUND, PAPER = "2026-principal", "A"

STOCK_TEST = '''\
# stock nbgrader (insecure, benchmark only): the key is read and scored inside the kernel
import json as _json, pathlib as _pl, types as _ty
from zhiben_training.assess.papers.scoring import score_item as _score
_record = _json.loads(_pl.Path(r"{keys}", _pl.Path.cwd().parent.name + ".json").read_text(encoding="utf-8"))
_item = _ty.SimpleNamespace(**next(i for i in _record["items"] if i["item_id"] == "{item_id}"))
_score(_item, _json.loads(_json.dumps({answer_var})))[0]'''

# Click items under stock nbgrader: the saved choice is read from the submitted file and scored
# inside the kernel (stock runs every cell; the widget cells run too, headless).
STOCK_CLICK_TEST = '''\
# stock nbgrader (insecure, benchmark only): the saved click is read and scored inside the kernel
import json as _json, pathlib as _pl, types as _ty
from zhiben_training.assess.papers.scoring import score_item as _score
from zhiben_training.assess.papers.answer_state import answer_cells as _cells, read_item as _read
_student = _pl.Path.cwd().parent.name
_record = _json.loads(_pl.Path(r"{keys}", _student + ".json").read_text(encoding="utf-8"))
_item = _ty.SimpleNamespace(**next(i for i in _record["items"] if i["item_id"] == "{item_id}"))
_variant = _json.loads(_pl.Path(r"{variants}", _student, "paper.ipynb").read_text(encoding="utf-8"))
_saved = _json.loads(_pl.Path(r"{submitted}", _student, "{aid}", "paper.ipynb").read_text(encoding="utf-8"))
_ok, _value, _ = _read(_saved, _cells(_saved).get("{item_id}-answer", {{}}),
                       _cells(_variant)["{item_id}-answer"]["metadata"]["zhiben_answer"])
_score(_item, _value)[0] if _ok else 0.0'''


def _course(out_dir: Path, city: Path, *, code_tasks: bool) -> Path:
    from functools import partial

    from zhiben_training.assess.papers import build_paper

    root = out_dir / "ours"
    trainees = [{"id": f"P{i:04d}", "name": f"考生{i}"} for i in range(N)]
    variants.generate(root, round_id=ROUND, paper=PAPER, trainees=trainees, city_dir=city, base_seed=2026,
                      build=partial(build_paper, code_tasks=code_tasks))
    return root


def _with_pandas(inbox: Path) -> None:
    """Trainees who answer the ledger task load the CSV with pandas first."""
    for path in inbox.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            if gid == "t03-answer" and "None" not in cell.source:
                cell.source = 'import pandas as pd\nledger = pd.read_csv("隐患台账.csv")\n' + cell.source
        nbformat.write(nb, path)


def _stock_course(ours: Path, stock: Path, students: list[str], aid: str) -> None:
    """Same template with in-kernel scoring test cells; same submissions plus their data files."""
    nbg.ensure_course(stock)
    template = nbformat.read(ours / "source" / aid / f"{NOTEBOOK_NAME}.ipynb", as_version=4)
    keys = (ours / "keys" / aid).resolve()
    clicks = {c.metadata["nbgrader"]["grade_id"][: -len("-answer")] for c in template.cells
              if c.metadata.get("zhiben_answer", {}).get("item")}
    for cell in template.cells:
        meta = cell.metadata["nbgrader"]
        if meta["grade"] and not meta["solution"]:
            item_id = meta["grade_id"][: -len("-test")]
            if item_id in clicks:
                cell.source = STOCK_CLICK_TEST.format(keys=keys, item_id=item_id, aid=aid,
                                                      variants=(ours / "variants" / aid).resolve(),
                                                      submitted=(stock / "submitted").resolve())
            else:
                cell.source = STOCK_TEST.format(keys=keys, item_id=item_id, answer_var=f"answer_{item_id}")
            meta["checksum"] = nbg.compute_checksum(cell)
    nbg.register_assignment(stock, aid, template, notebook_name=NOTEBOOK_NAME)
    for student in students:
        src = ours / "submitted" / student / aid
        dst = stock / "submitted" / student / aid
        shutil.copytree(src, dst)
        for data in variants.variant_dir(ours, aid, student).iterdir():
            if data.name != f"{NOTEBOOK_NAME}.ipynb":
                shutil.copy(data, dst / data.name)


def _scores(root: Path, aid: str, students: list[str]) -> dict:
    with Gradebook(nbg.db_url(root), "zhiben") as gb:
        return {(s, g.name): g.auto_score for s in students
                for g in gb.find_submission_notebook(NOTEBOOK_NAME, aid, s).grades}


def _kernel_costs(out_dir: Path, repeat: int = 5) -> dict:
    """Seconds to get a ready kernel with pandas imported, and to get rid of it: a stock kernel
    (KernelManager start, import pandas, graceful shutdown) vs ours (fork from the warm zygote,
    connect, kill)."""
    from jupyter_client import KernelManager

    from zhiben_training.assess.grading._kernel import TrainingKernel
    from zhiben_training.assess.grading.sandbox import Limits, Zygote, bwrap_available, lease_uid_block

    stock = {"start": 0.0, "pandas": 0.0, "shutdown": 0.0}
    for _ in range(repeat):
        t0 = time.perf_counter()
        km = KernelManager(kernel_name="python3")
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        t1 = time.perf_counter()
        kc.execute_interactive("import pandas", timeout=60)
        t2 = time.perf_counter()
        kc.stop_channels()
        km.shutdown_kernel(now=False)
        t3 = time.perf_counter()
        for key, value in zip(stock, (t1 - t0, t2 - t1, t3 - t2), strict=True):
            stock[key] += value / repeat
    ours = {"start": 0.0, "pandas": 0.0, "kill": 0.0}
    zygote = Zygote(out_dir / "kernels", use_bwrap=bwrap_available())
    zygote.start()
    uids = lease_uid_block()
    try:
        for i in range(repeat):
            t0 = time.perf_counter()
            kernel = TrainingKernel(zygote, uid=uids.first + i % uids.count, limits=Limits())
            kernel.connect()
            t1 = time.perf_counter()
            kernel.run_cells(["import pandas"], deadline=time.monotonic() + 60)
            t2 = time.perf_counter()
            kernel.kill()
            t3 = time.perf_counter()
            for key, value in zip(ours, (t1 - t0, t2 - t1, t3 - t2), strict=True):
                ours[key] += value / repeat
    finally:
        zygote.close()
        uids.release()
    return {"stock_kernel": {k: round(v, 3) for k, v in stock.items()},
            "our_kernel": {k: round(v, 3) for k, v in ours.items()}}


def _supervision_cost(root: Path, aid: str, plain_seconds: float) -> dict:
    """What supervision costs: the same batch again (``force``), with one fork server SIGKILLed
    from outside a third of the way through; every submission must still be graded."""
    import json
    import signal
    import threading

    import psutil

    state = root / ".autograde" / f"{aid}.json"
    total = len(json.loads(state.read_text(encoding="utf-8"))["graded"])
    killed = []

    def kill_one_server():
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            graded = (len(json.loads(state.read_text(encoding="utf-8")).get("graded", {}))
                      if state.exists() else 0)
            if graded >= total // 3:
                break
            time.sleep(0.05)
        for proc in psutil.process_iter(["cmdline"]):
            cmd = proc.info["cmdline"] or []
            if cmd and cmd[-1].endswith("zygote.py") and "python" in Path(cmd[0]).name:
                proc.send_signal(signal.SIGKILL)
                killed.append(proc.pid)
                return

    state.unlink()
    watcher = threading.Thread(target=kill_one_server, daemon=True)
    watcher.start()
    started = time.perf_counter()
    summary = autograde(root, aid, workers=2, progress=False, force=True)
    seconds = time.perf_counter() - started
    watcher.join(timeout=10)
    return {"with_one_server_killed_seconds": round(seconds, 2),
            "recovery_cost_seconds": round(seconds - plain_seconds, 2),
            "servers_killed": len(killed), "retries_after_kill": summary.retries,
            "ungraded_after_kill": len(summary.ungraded)}


def run(out_dir: Path) -> dict:
    from zhiben_training.synth import generate_city

    out_dir = Path(out_dir).resolve()
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    city = out_dir / "city"
    generate_city(scale="tiny", seed=2026, out_dir=city)
    results = {"no_code": _paper_run(out_dir / "no-code", city, code_tasks=False),
               "mixed": {**_kernel_costs(out_dir), **_paper_run(out_dir / "mixed", city, code_tasks=True)}}
    return {**results, "met": all(r["met"] for r in results.values()),
            "note": "the machine is shared with other jobs: timings are under load"}


def _paper_run(out_dir: Path, city: Path, *, code_tasks: bool) -> dict:
    kind = "mixed" if code_tasks else "no_code"
    out_dir.mkdir(parents=True)
    ours = _course(out_dir, city, code_tasks=code_tasks)
    aid = variants.assignment_id(ROUND, PAPER)
    inbox = out_dir / "inbox"
    simulate_submissions(ours, aid, out_dir=inbox, seed=7, hostile=0, blank=max(1, N // 20))
    if code_tasks:
        _with_pandas(inbox)
    collect(ours, aid, source=inbox)
    students = sorted(p.name for p in (ours / "submitted").iterdir())

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    summary = autograde(ours, aid, workers=2, progress=False)
    ours_seconds = time.perf_counter() - started
    load_ours = (round(load_before, 1), round(os.getloadavg()[0], 1))
    servers = len(list((ours / ".autograde" / "logs").glob("zygote-*")))
    supervision = _supervision_cost(ours, aid, ours_seconds) if code_tasks else {"ungraded_after_kill": 0}

    stock = out_dir / "stock"
    subset = students[:STOCK_N]
    _stock_course(ours, stock, subset, aid)
    api = nbg.nbgrader_api(stock)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    for student in subset:
        result = api.autograde(aid, student, force=True, create=True)
        if not result.get("success"):
            raise RuntimeError(result.get("log", "")[-2000:])
    stock_seconds = time.perf_counter() - started
    load_stock = (round(load_before, 1), round(os.getloadavg()[0], 1))

    ours_scores = _scores(ours, aid, subset)
    stock_scores = _scores(stock, aid, subset)
    mismatches = sorted(k for k in ours_scores if ours_scores[k] != stock_scores.get(k))
    stock_per = stock_seconds / len(subset)
    ratio = (stock_per * len(students)) / ours_seconds
    ok = not mismatches and not summary.ungraded and supervision["ungraded_after_kill"] == 0
    if not code_tasks:
        ok = ok and not summary.kernels and servers == 0
    return {
        "paper": kind, "kernels_started": summary.kernels, "fork_servers_started": servers,
        "submissions": len(students), "graded": len(summary.graded), "isolation": summary.isolation,
        "ungraded": len(summary.ungraded), **supervision,
        "ours_seconds": round(ours_seconds, 2), "ours_per_submission": round(ours_seconds / len(students), 3),
        "stock_submissions_timed": len(subset), "stock_seconds": round(stock_seconds, 2),
        "stock_per_submission": round(stock_per, 3),
        "stock_extrapolated_seconds": round(stock_per * len(students), 1),
        "extrapolated": len(subset) < len(students),
        "identical_scores": not mismatches, "score_cells_compared": len(ours_scores),
        "mismatches": [f"{s}/{g}: ours={ours_scores[(s, g)]} stock={stock_scores.get((s, g))}"
                       for s, g in mismatches[:10]],
        "ratio": round(ratio, 2),
        "load_average_1min": {"ours_before_after": load_ours, "stock_before_after": load_stock},
        "target": (f"ours ≥ {TARGETS[kind]}× stock sequential nbgrader autograde, identical scores"
                   + (", no kernel started" if not code_tasks else " (choice items read as data)")),
        "met": ratio >= TARGETS[kind] and ok,
    }
