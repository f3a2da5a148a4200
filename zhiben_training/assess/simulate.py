"""Simulated trainee submissions of mixed quality, for the demo and the autograde benchmark.

This is an examiner-side tool: it reads the examiner-only keys (``variants.load_keys``) to write
answers of a chosen quality into each trainee's own released variant, exactly as a trainee would
return it (``<assignment>-<trainee>.ipynb`` in a hand-in folder). Hostile submissions are the
attacks the grader must survive: an infinite loop, an endless sleep, ``os._exit``, a memory hog,
killing the parent process, huge output, a binary file and an empty file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np

from zhiben_training.assess.exchange import load_keys, variant_trainees
from zhiben_training.assess.layout import CourseRoot, answer_cell_id
from zhiben_training.assess.papers import (
    CLICK_KINDS,
    LEVELS,
    REQUIREMENTS,
    SPEC_KEY,
    STATE_MIME,
    TRUEFALSE,
    VIEW_MIME,
)

__all__ = ["QUALITIES", "HOSTILE_KINDS", "SimulatedSubmission", "simulate_submissions", "quality_mix",
           "click"]

QUALITIES = ("good", "weak", "blank", "hostile")

# Code a hostile trainee puts in an answer cell; the grader must score the rest fail-closed.
HOSTILE_KINDS = {
    "infinite_loop": "while True:\n    pass",
    "endless_sleep": "import time\ntime.sleep(10**6)",
    "os_exit": "import os\nos._exit(3)",
    "memory_hog": "blob = bytearray(64 * 2**30)",
    "kill_parent": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)",
    "huge_output": "print('刷屏' * 10_000_000)",
    "binary_file": None,
    "empty_file": None,
}

_WRITTEN_GOOD = (
    "主要负责人是本单位安全生产第一责任人：每月带队开展一次自查自改，"
    "把各渠道发现的重大事故隐患纳入台账，逐项明确责任人、措施、资金和时限，"
    "整改完成后组织复查并申请销号；同时落实全员安全生产责任制和教育培训计划。"
)


@dataclass(frozen=True)
class SimulatedSubmission:
    trainee_id: str
    quality: str
    detail: str
    path: Path


def quality_mix(trainee_ids: list[str], *, seed: int, hostile: int = 3, blank: int = 2) -> dict[str, str]:
    """Assign qualities: ``hostile`` hostile, ``blank`` blank, the rest split between good and weak."""
    rng = np.random.default_rng(seed)
    order = list(rng.permutation(len(trainee_ids)))
    mix: dict[str, str] = {}
    for rank, index in enumerate(order):
        tid = trainee_ids[index]
        if rank < hostile:
            mix[tid] = "hostile"
        elif rank < hostile + blank:
            mix[tid] = "blank"
        else:
            mix[tid] = "good" if rng.random() < 0.6 else "weak"
    return mix


def _wrong_choice(key: str, rng: np.random.Generator) -> str:
    return str(rng.choice([c for c in "ABCD" if c != key]))


def _answer_for(item: dict, quality: str, rng: np.random.Generator) -> object:
    """A plausible answer of the given quality for one item (key-based for good, noisy for weak)."""
    key, kind = item["key"], item["kind"]
    right = rng.random() < (0.92 if quality == "good" else 0.45)
    if kind == "single":
        return key if right else _wrong_choice(key, rng)
    if kind == "multiple":
        return sorted(key) if right else sorted(key)[:-1] or ["A"]
    if kind == "truefalse":
        return key if right else (not key)
    if kind == "hazard_ids":
        return list(key) if right else list(key)[:1] + ["8.4"]
    if kind == "classify_works":
        if right:
            return key
        return {work: {**spec, "level": "一般"} for work, spec in key.items()}
    if kind == "ledger":
        if right:
            return key
        return {**key, "overdue_major": int(key.get("overdue_major", 0)) + 2}
    if kind == "ledger_read":
        lowest = key["lowest_channels"][0]
        others = [c for c in key["closure_rate_by_channel"] if c not in key["lowest_channels"]]
        if right:
            return {"overdue_major": key["overdue_major"], "lowest_channel": lowest}
        return {"overdue_major": max(0, key["overdue_major"] - 1), "lowest_channel": (others or [lowest])[0]}
    return None


class _Models:
    """Widget models in the form JupyterLab saves them (``saveState``, defaults dropped)."""

    def __init__(self, seed: str):
        self.state: dict = {}
        self._seed, self._n = seed, 0

    def add(self, name: str, state: dict) -> str:
        self._n += 1
        mid = hashlib.sha256(f"{self._seed}/{self._n}".encode()).hexdigest()[:32]
        module = "@jupyter-widgets/base" if name == "LayoutModel" else "@jupyter-widgets/controls"
        self.state[mid] = {"model_module": module, "model_module_version": "2.0.0", "model_name": name,
                           "state": ({"layout": f"IPY_MODEL_{self._layout()}", **state}
                                     if name != "LayoutModel" else state)}
        return mid

    def _layout(self) -> str:
        self._n += 1
        mid = hashlib.sha256(f"{self._seed}/{self._n}".encode()).hexdigest()[:32]
        self.state[mid] = {"model_module": "@jupyter-widgets/base", "model_module_version": "2.0.0",
                           "model_name": "LayoutModel", "state": {}}
        return mid


def _choice_model(models: _Models, tag: str, labels: list, label: str | None,
                  name: str = "RadioButtonsModel") -> str:
    state = {"_dom_classes": [tag], "_options_labels": labels}
    if label is not None:
        state["index"] = labels.index(label)
    return models.add(name, state)


def click(nb, spec: dict, value: object, models: _Models | None = None) -> None:
    """Answer one click item of ``nb`` as a trainee clicking in JupyterLab and saving would: the
    answer cell shows a widget box, the notebook metadata holds the saved widget state.
    ``value`` in the scorer's terms (letter, letters, bool, {work: {level, requirement}},
    {overdue_major, lowest_channel}) or None."""
    models = models or _Models(f"{spec['item']}/{nb.metadata.get('zhiben', {}).get('trainee_id', '')}")
    item, kind, children = spec["item"], spec["kind"], []
    if kind == "single":
        label = spec["labels"][spec["values"].index(value)] if value is not None else None
        children.append(_choice_model(models, f"zb-{item}", spec["labels"], label))
    elif kind == "truefalse":
        children.append(_choice_model(models, f"zb-{item}", TRUEFALSE,
                                      None if value is None else TRUEFALSE[not value]))
    elif kind in ("multiple", "hazard_ids"):
        chosen = set(value or []) | ({spec["values"][-1]} if kind == "hazard_ids" and value == [] else set())
        for letter, label in zip(spec["values"], spec["labels"], strict=True):
            state = {"_dom_classes": [f"zb-{item}-{letter}"], "description": label, "indent": False}
            if letter in chosen:
                state["value"] = True
            children.append(models.add("CheckboxModel", state))
    elif kind == "ledger_read":
        got = value or {}
        count = None if got.get("overdue_major") is None else str(got["overdue_major"])
        children.append(_choice_model(models, f"zb-{item}-overdue", spec["counts"],
                                      count if count in spec["counts"] else None, "DropdownModel"))
        children.append(_choice_model(models, f"zb-{item}-channel", spec["channels"],
                                      got.get("lowest_channel")))
    else:
        for work in spec["works"]:
            got = (value or {}).get(work) or {}
            level = _choice_model(models, f"zb-{item}-{work}-level", LEVELS, got.get("level"),
                                  "DropdownModel")
            req = _choice_model(models, f"zb-{item}-{work}-req", REQUIREMENTS, got.get("requirement"),
                                "DropdownModel")
            children.append(models.add("HBoxModel", {"children": [f"IPY_MODEL_{level}", f"IPY_MODEL_{req}"]}))
    root = models.add("VBoxModel", {"_dom_classes": ["zb-answer"],
                                    "children": [f"IPY_MODEL_{c}" for c in children]})
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == answer_cell_id(item):
            cell.outputs = [nbformat.v4.new_output("display_data", data={
                "text/plain": "VBox()",
                VIEW_MIME: {"model_id": root, "version_major": 2, "version_minor": 0}})]
            cell.execution_count = 1
    saved = nb.metadata.setdefault("widgets", {}).setdefault(STATE_MIME, {"state": {}, "version_major": 2,
                                                                         "version_minor": 0})
    saved["state"].update(models.state)


def _classify_click(key: dict) -> dict:
    """A classification answer in the drop-downs' terms (the key's hint -> a listed requirement)."""
    return {work: {"level": spec["level"],
                   "requirement": REQUIREMENTS[1] if spec["level"] == "超规模" else
                   REQUIREMENTS[0] if spec["level"] == "危大" else REQUIREMENTS[4]}
            for work, spec in key.items()}


def _answer_source(item: dict, value: object) -> str:
    """A Python assignment (``True``/``None``, not JSON's ``true``/``null``, which raise NameError)."""
    return f"{item['answer_var']} = {json.loads(json.dumps(value, ensure_ascii=False))!r}"


def _fill(nb, record: dict, quality: str, rng: np.random.Generator) -> None:
    by_id = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell for cell in nb.cells}
    for item in record["items"]:
        cell = by_id.get(answer_cell_id(item["item_id"]))
        if cell is None:
            continue
        spec = cell.metadata.get(SPEC_KEY, {})
        if spec.get("kind") in CLICK_KINDS:
            value = _answer_for(item, quality, rng)
            click(nb, spec, _classify_click(value) if item["kind"] == "classify_works" else value)
        elif item["kind"] == "written":
            cell.source = _WRITTEN_GOOD if quality == "good" else "加强安全管理。"
        else:
            cell.source = _answer_source(item, _answer_for(item, quality, rng))


def _is_click(nb, item_id: str) -> bool:
    return any(c.metadata.get("nbgrader", {}).get("grade_id") == answer_cell_id(item_id)
               and c.metadata.get(SPEC_KEY, {}).get("kind") in CLICK_KINDS for c in nb.cells)


def _hostile(nb, record: dict, kind: str, rng: np.random.Generator) -> None:
    """Good answers for the first half, then the attack in the next answer cell."""
    _fill(nb, record, "good", rng)
    code_items = [i for i in record["items"] if i["kind"] != "written" and not _is_click(nb, i["item_id"])]
    if not code_items:  # a paper without code: the attack goes into a code cell of its own, which
        at = next(n for n, c in enumerate(nb.cells)
                  if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
        attack = nbformat.v4.new_code_cell(HOSTILE_KINDS[kind])  # grading never runs
        attack["id"] = f"attack-{kind}"  # a fixed id: the same seed writes the same bytes
        nb.cells.insert(at + 1, attack)
        return
    target = code_items[len(code_items) // 2]
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == answer_cell_id(target["item_id"]):
            cell.source = HOSTILE_KINDS[kind] + "\n" + cell.source


def simulate_submissions(
    course_root: Path, assignment: str, *, out_dir: Path, seed: int = 2026, hostile: int = 3, blank: int = 2,
    hostile_offset: int = 0,
) -> list[SimulatedSubmission]:
    """Write one returned notebook per trainee of ``assignment`` into ``out_dir``; deterministic.

    Hostile submissions take the attacks of ``HOSTILE_KINDS`` in order from ``hostile_offset``, so
    two assignments can cover different attacks."""
    course_root, out_dir = Path(course_root), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    trainees = variant_trainees(course_root, assignment)
    mix = quality_mix(trainees, seed=seed, hostile=hostile, blank=blank)
    kinds = list(HOSTILE_KINDS)
    written: list[SimulatedSubmission] = []
    hostile_count = hostile_offset
    for tid in trainees:
        rng = np.random.default_rng([seed, int.from_bytes(tid.encode()[:8].ljust(8, b"\0"), "little")])
        record = load_keys(course_root, assignment, tid)
        path = out_dir / f"{assignment}-{tid}.ipynb"
        quality, detail = mix[tid], ""
        nb = nbformat.read(CourseRoot(course_root).variant_notebook(assignment, tid),
                           as_version=4)
        if quality == "hostile":
            detail = kinds[hostile_count % len(kinds)]
            hostile_count += 1
            if detail == "binary_file":
                path.write_bytes(bytes(rng.integers(0, 256, 4096, dtype=np.uint8)))
            elif detail == "empty_file":
                path.write_bytes(b"")
            else:
                _hostile(nb, record, detail, rng)
                nbformat.write(nb, path)
        else:
            if quality != "blank":
                _fill(nb, record, quality, rng)
            nbformat.write(nb, path)
        written.append(SimulatedSubmission(trainee_id=tid, quality=quality, detail=detail, path=path))
    return written
