"""Turn a submitted file into what gets executed, and the executed answers into a graded notebook.

The trainee's own released variant is the source of truth for structure (like nbgrader's
``OverwriteCells``): locked cells (setup, prompts, capture cells) come from the variant, matched by
grade_id; only answer cells and any extra unlabelled code cells come from the submission. Cell
metadata in the submission (points, flags, checksums) is ignored.
"""

from __future__ import annotations

import copy
import json
import warnings
from dataclasses import dataclass, field

import nbformat
from nbformat.v4.rwbase import rejoin_lines, split_lines

from zhiben_training.assess.layout import answer_cell_id, item_of, test_cell_id
from zhiben_training.assess.papers import ANSWER_MIME, CLICK_KINDS, SPEC_KEY, answer_cells, read_item

__all__ = ["Plan", "parse_submission", "load_submission", "make_plan", "captured_answer", "graded_notebook",
           "read_own", "write_own", "read_clicks", "click_specs", "read_written"]


def read_own(path) -> nbformat.NotebookNode:
    """Read a notebook this package wrote (a variant), skipping schema validation (hot path).

    Nodes only where readers use attribute access (the notebook, its metadata, each cell, its
    metadata and ``nbgrader`` block); deeper values stay plain dicts and lists, and each source is
    joined into one string (``rejoin_lines``). nbformat's recursive ``from_dict`` turned every
    option label of every answer spec into a node and cost more than the rest of grading a paper
    without code."""
    with open(path, "rb") as fh:
        raw = json.loads(fh.read())
    cells = []
    for cell in raw.get("cells", []):
        if cell.get("outputs") or cell.get("attachments"):  # rare in a paper: the full conversion
            node = rejoin_lines(nbformat.NotebookNode(cells=[nbformat.from_dict(cell)])).cells[0]
        else:
            node = _shallow(cell)
            meta = _shallow(cell.get("metadata", {}))
            if isinstance(meta.get("nbgrader"), dict):
                dict.__setitem__(meta, "nbgrader", _shallow(meta["nbgrader"]))
            dict.__setitem__(node, "metadata", meta)
            if isinstance(node.get("source"), list):
                dict.__setitem__(node, "source", "".join(node["source"]))
        cells.append(node)
    nb = _shallow(raw)
    dict.__setitem__(nb, "cells", cells)
    dict.__setitem__(nb, "metadata", _shallow(raw.get("metadata", {})))
    return nb


def _shallow(value: dict) -> nbformat.NotebookNode:
    """A node holding ``value``'s items as they are (``NotebookNode(value)`` would convert each)."""
    node = nbformat.NotebookNode()
    dict.update(node, value)
    return node


def write_own(nb, path) -> None:
    """Write a notebook without schema validation: nbformat's on-disk JSON (split lines, sorted
    keys) without indentation, which only the pure-Python encoder does (several times slower)."""
    split_lines(nb)  # in place and undone below: a deep copy of a whole paper costs more than the write
    try:
        text = json.dumps(nb, ensure_ascii=False, sort_keys=True)
    finally:
        rejoin_lines(nb)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")


@dataclass
class Plan:
    """Cells to run in order: ``(kind, grade_id, code)``; kind is setup | answer | extra | test."""

    steps: list[tuple[str, str, str]] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)  # answer grade_id -> trainee source
    problem: str = ""  # why the submission could not be read (nothing runs) or a note on a converted file


def parse_submission(data: bytes) -> tuple[object, str]:
    """The submitted file's JSON, parsed once for every reader of it (plan, clicks, written
    answers, tampering report); (None, Chinese reason) when it is not JSON text."""
    if not data.strip():
        return None, "提交的文件为空"
    try:
        return json.loads(data.decode("utf-8")), ""
    except UnicodeDecodeError:
        return None, "提交的文件不是文本（可能是二进制文件）"
    except ValueError as exc:
        return None, f"提交的文件不是有效的 JSON：{str(exc)[:80]}"


def load_submission(data: bytes | dict) -> tuple[nbformat.NotebookNode | None, str]:
    """Parse leniently (``data``: the file's bytes, or its JSON from ``parse_submission``, which is
    not changed); return (notebook, "" or a note) or (None, Chinese reason). The notebook holds
    what grading reads of each cell (``_plain_cell``) and the notebook metadata without the widget
    state (the clicks are read from the JSON itself, ``read_clicks``): the widget state is a third
    of the file and was most of the cost of turning it into nbformat nodes."""
    if isinstance(data, bytes | bytearray):
        raw, problem = parse_submission(data)
        if raw is None:
            return None, problem
    else:
        raw = data
    if not isinstance(raw, dict) or not isinstance(raw.get("cells", raw.get("worksheets")), list):
        return None, "提交的文件不是 Jupyter 笔记本"
    version = raw.get("nbformat", 4)
    if version == 4:  # no schema validation: only cells that are objects are looked at, leniently
        metadata = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
        return nbformat.NotebookNode({
            **raw, "cells": [_plain_cell(c) for c in raw["cells"] if isinstance(c, dict)],
            "metadata": {k: v for k, v in metadata.items() if k != "widgets"}}), ""
    try:
        with warnings.catch_warnings():  # duplicate cell ids etc.: reported by integrity, not here
            warnings.simplefilter("ignore")
            nb = nbformat.reads(json.dumps(raw), as_version=4)
    except Exception as exc:  # nbformat raises many types for odd files; any of them = unreadable
        return None, f"提交的笔记本格式无法读取：{type(exc).__name__}"
    if not isinstance(version, int) or version < 4:
        return nb, f"旧版笔记本格式（nbformat {version}），已自动转换，缺少评分标记的单元格无法对应到题目"
    return nb, ""


def _plain_cell(cell: dict) -> dict:
    """Only what grading reads: type, source as one string, metadata as a dict (outputs and
    attachments in a submission are never trusted, so they are dropped here). A plain dict, not
    an nbformat node: readers use ``cell.get``."""
    source = cell.get("source", "")
    source = "".join(str(part) for part in source) if isinstance(source, list) else str(source)
    metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
    kind = cell.get("cell_type") if cell.get("cell_type") in ("code", "markdown", "raw") else "raw"
    plain = {"cell_type": kind, "source": source, "metadata": metadata}
    if kind == "code":
        plain["outputs"] = []
    return plain


def _grade_id(cell) -> str:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    gid = meta.get("grade_id") if isinstance(meta, dict) else None
    return gid if isinstance(gid, str) else ""


def click_specs(variant: nbformat.NotebookNode) -> dict[str, dict]:
    """answer grade_id -> spec of the click items, from the examiner's copy of the variant."""
    return {_grade_id(c): dict(c.metadata[SPEC_KEY]) for c in variant.cells
            if isinstance(c.metadata.get(SPEC_KEY), dict) and c.metadata[SPEC_KEY].get("kind") in CLICK_KINDS}


def _json(data: bytes | object) -> object:
    """The submitted file's JSON: ``data`` as parsed by ``parse_submission``, or its bytes parsed
    here (None when unreadable)."""
    if isinstance(data, bytes | bytearray):
        return parse_submission(data)[0]
    return data


def read_clicks(variant: nbformat.NotebookNode, data: bytes | object) -> dict[str, tuple]:
    """test grade_id -> (answered, value, reason) of every click item, read from the submitted
    file (its bytes, or its JSON from ``parse_submission``) as data with the variant's specs
    (nothing is executed; an unreadable file reads as unanswered)."""
    specs = click_specs(variant)
    raw = _json(data)
    cells = answer_cells(raw) if isinstance(raw, dict) else {}
    out = {}
    for gid, spec in specs.items():
        test = test_cell_id(item_of(gid))
        out[test] = (read_item(raw, cells[gid], spec) if gid in cells
                     else (False, None, "未找到本题的答案单元格"))
    return out


def read_written(variant: nbformat.NotebookNode, data: bytes | object) -> dict[str, str]:
    """answer grade_id -> text of every written answer typed into its text box, read from the
    submitted file's widget state (its bytes, or its JSON) with the variant's specs (nothing is
    executed)."""
    raw = _json(data)
    cells = answer_cells(raw) if isinstance(raw, dict) else {}
    out = {}
    for cell in variant.cells:
        spec = cell.metadata.get(SPEC_KEY)
        if isinstance(spec, dict) and spec.get("kind") == "text" and _grade_id(cell) in cells:
            answered, text, _ = read_item(raw, cells[_grade_id(cell)], spec)
            if answered:
                out[answer_cell_id(spec["item"])] = text
    return out


def make_plan(variant: nbformat.NotebookNode, submitted: nbformat.NotebookNode | None, problem: str) -> Plan:
    """Setup + per code item: the trainee's answer cell (and extra cells after it) + the variant's
    test cell. Click items are never run (``read_clicks``); without an answered code item the
    plan is empty and no kernel starts."""
    plan = Plan(problem=problem)
    clicks = click_specs(variant)
    answer_ids = [_grade_id(c) for c in variant.cells
                  if c.metadata["nbgrader"].get("solution")]
    answers: dict[str, str] = {}
    extras: dict[str, list[str]] = {"": []}
    if submitted is not None:
        slot = ""
        for cell in submitted.cells:
            gid = _grade_id(cell)
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            if gid in answer_ids and gid not in answers:
                answers[gid] = source
                slot = gid
                extras.setdefault(slot, [])
            elif gid and gid not in answer_ids:
                continue  # a locked cell: the variant's version is used instead
            elif cell.get("cell_type") == "code":
                extras.setdefault(slot, []).append(source)  # helper code, or a duplicated answer cell
    plan.answers = {gid: src for gid, src in answers.items() if gid not in clicks}
    code_cells = {_grade_id(c): c.source for c in variant.cells
                  if c.metadata["nbgrader"].get("solution") and c.cell_type == "code"
                  and _grade_id(c) not in clicks}
    if submitted is None or (clicks and all(answers.get(g, s) == s for g, s in code_cells.items())):
        return plan  # nothing to run: no kernel
    for cell in variant.cells:
        gid = _grade_id(cell)
        meta = cell.metadata["nbgrader"]
        if gid == "setup":
            plan.steps.append(("setup", gid, cell.source))
            plan.steps.extend(("extra", "", code) for code in extras[""])
        elif gid in clicks:
            plan.steps.extend(("extra", gid, code) for code in extras.get(gid, []))
        elif meta.get("solution") and cell.cell_type == "code":
            plan.steps.append(("answer", gid, answers.get(gid, cell.source)))
            plan.steps.extend(("extra", gid, code) for code in extras.get(gid, []))
        elif meta.get("grade") and not meta.get("solution") and answer_cell_id(item_of(gid)) not in clicks:
            plan.steps.append(("test", gid, cell.source))
    return plan


def captured_answer(outputs: list) -> tuple[bool, object, str]:
    """(answered, value, reason) from a capture cell's outputs; exactly one record is trusted."""
    records = [o.get("data", {}).get(ANSWER_MIME) for o in outputs
               if o.get("output_type") in ("display_data", "execute_result")
               and ANSWER_MIME in o.get("data", {})]
    if len(records) != 1 or not isinstance(records[0], dict):
        return False, None, "未能记录答案" if not records else "答案记录不唯一"
    record = records[0]
    if record.get("answered") is not True:
        reason = record.get("reason")
        return False, None, reason if isinstance(reason, str) else "未作答"
    return True, record.get("value"), ""


def _output(kind: str, data: dict, **fields) -> nbformat.NotebookNode:
    """An output cell entry, built without nbformat's per-output schema validation (hot path)."""
    return nbformat.NotebookNode({"output_type": kind, "data": data, "metadata": {}, **fields})


def graded_notebook(variant, plan: Plan, submitted, cell_outputs: dict[str, list],
                    scores: dict[str, float], *, answers: dict[str, tuple] | None = None,
                    typed: dict[str, str] | None = None, own: bool = False) -> nbformat.NotebookNode:
    """The autograded notebook: variant structure and metadata, trainee answers, and each test
    cell's output replaced by its score (nbgrader reads partial credit from ``text/plain``).
    The answer each capture cell recorded (``answers``: test grade_id -> ``captured_answer``) is
    kept before the score as a display_data output, which nbgrader's ``determine_grade`` skips,
    so item analysis (``responses``) can read it back. A written answer typed into its text box
    (``typed``: answer grade_id -> text, ``read_written``) becomes its Markdown cell's source, which
    the examiner grades in formgrader. ``own``: the variant was read for this call only and is
    filled in place (no copy)."""
    answers = answers or {}
    nb = variant if own else copy.deepcopy(variant)
    for flag in ("open_ready", "autosave"):  # an examiner opening it in JupyterLab sees it as it is
        nb.metadata.get("zhiben", {}).pop(flag, None)
    written = {}
    if submitted is not None:
        for cell in submitted.cells:
            gid = _grade_id(cell)
            if cell.get("cell_type") == "markdown" and gid and gid not in written:
                written[gid] = cell.get("source", "")
        written.update(typed or {})
    for cell in nb.cells:
        gid = _grade_id(cell)
        meta = cell.metadata["nbgrader"]
        if meta.get("solution"):
            if cell.cell_type == "code":
                cell.source = plan.answers.get(gid, cell.source)
                cell.outputs = cell_outputs.get(gid, [])
            elif gid in written and isinstance(written[gid], str):
                cell.source = written[gid]
        elif meta.get("grade") and cell.cell_type == "code":
            score = scores.get(gid, 0.0)
            cell.outputs = [_output("execute_result", {"text/plain": repr(float(score))},
                                    execution_count=None)]
            if gid in answers:
                answered, value, reason = answers[gid]
                record = {"item": item_of(gid), "answered": answered, "value": value, "reason": reason}
                cell.outputs.insert(0, _output("display_data", {ANSWER_MIME: record}))
    return nb
