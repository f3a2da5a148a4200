"""Click answers read as data: from a saved notebook's widget state, never by running anything.

A choice item (single, multiple, true/false, the classification drop-downs) is answered with
ipywidgets in JupyterLab. With the widget manager's ``saveState`` setting on (the project's lab
settings, ``assessments/lab/overrides.json``), JupyterLab writes every widget's state into the
notebook's metadata on save, and the answer cell's output names the widget it shows. So the saved
.ipynb holds the choice, and this module reads it back as plain JSON:

answer cell outputs -> ``widget-view`` model ids -> ``metadata.widgets`` state -> the models
tagged ``zb-<item>…`` (``_dom_classes``) -> their selected index / checked flag -> a value
checked strictly against the item's *spec* (labels and values of the variant's own options).

The grader passes specs from the examiner's copy of the variant; the trainee's check (embedded
into the paper's setup cell, so this file imports only the standard library) passes the specs
written in the saved notebook. Both read the same way, so the check tells what will be graded.
Anything unexpected (labels that differ, a widget shown twice, a missing model) is unanswered
with a Chinese reason; nothing in the submission beyond the selected values is used.
"""

from __future__ import annotations

STATE_MIME = "application/vnd.jupyter.widget-state+json"
VIEW_MIME = "application/vnd.jupyter.widget-view+json"
SPEC_KEY = "zhiben_answer"
# The answer cell's grade id is "<item>" + ANSWER_SUFFIX: ``layout.answer_cell_id``'s convention, copied here
# because this file runs in the trainee's kernel without the package (tests/assess/test_layout.py pins it).
ANSWER_SUFFIX = "-answer"
LEVELS = ["一般", "危大", "超规模"]
REQUIREMENTS = ["编制专项施工方案并按规定审核、审批", "组织专家论证", "验收合格后方可进入下一道工序",
                "实施第三方监测", "无需专项管理要求（一般工程）"]
TRUEFALSE = ["正确", "错误"]
_MAX_MODELS = 400
_CHOICE_MODELS = ("RadioButtonsModel", "DropdownModel", "ToggleButtonsModel")


def _fields(spec: dict) -> list[tuple[str, str, list]]:
    """(tag, widget kind, labels) of the value-bearing widgets of one item."""
    item, kind = spec["item"], spec["kind"]
    if kind == "single":
        return [(f"zb-{item}", "choice", list(spec["labels"]))]
    if kind == "truefalse":
        return [(f"zb-{item}", "choice", TRUEFALSE)]
    if kind in ("multiple", "hazard_ids"):
        return [(f"zb-{item}-{v}", "checkbox", [label])
                for v, label in zip(spec["values"], spec["labels"], strict=True)]
    if kind == "text":  # a written answer typed into a text box
        return [(f"zb-{item}", "text", [])]
    if kind == "ledger_read":  # the ledger read as a table: a count and a channel, both chosen
        return [(f"zb-{item}-overdue", "choice", list(spec["counts"])),
                (f"zb-{item}-channel", "choice", list(spec["channels"]))]
    if kind == "classify_works":
        out = []
        for work in spec["works"]:
            out += [(f"zb-{item}-{work}-level", "choice", LEVELS),
                    (f"zb-{item}-{work}-req", "choice", REQUIREMENTS)]
        return out
    raise ValueError(f"unknown click item kind {kind!r}")


def _models(nb: dict) -> dict:
    widgets = nb.get("metadata", {}).get("widgets") if isinstance(nb.get("metadata"), dict) else None
    state = widgets.get(STATE_MIME) if isinstance(widgets, dict) else None
    models = state.get("state") if isinstance(state, dict) else None
    return models if isinstance(models, dict) else {}


def _shown(cell: dict) -> list[str]:
    outputs = cell.get("outputs") if isinstance(cell.get("outputs"), list) else []
    ids = []
    for out in outputs:
        data = out.get("data") if isinstance(out, dict) else None
        view = data.get(VIEW_MIME) if isinstance(data, dict) else None
        if isinstance(view, dict) and isinstance(view.get("model_id"), str):
            ids.append(view["model_id"])
    return ids


def _tagged(models: dict, roots: list[str]) -> dict[str, list[dict]]:
    """tag -> states of the models reachable from the shown widgets (children followed, bounded)."""
    found: dict[str, list[dict]] = {}
    todo, seen = list(roots), set()
    while todo and len(seen) < _MAX_MODELS:
        mid = todo.pop()
        model = models.get(mid)
        if mid in seen or not isinstance(model, dict) or not isinstance(model.get("state"), dict):
            continue
        seen.add(mid)
        state = model["state"]
        for tag in state.get("_dom_classes") or []:
            if isinstance(tag, str) and tag.startswith("zb-"):
                found.setdefault(tag, []).append({**state, "_model_name": model.get("model_name")})
        children = state.get("children")
        for ref in children if isinstance(children, list) else []:
            if isinstance(ref, str) and ref.startswith("IPY_MODEL_"):
                todo.append(ref[len("IPY_MODEL_"):])
    return found


def _value(state: dict, widget: str, labels: list):
    """The selected label (choice), checked flag (checkbox); raises ValueError with a reason."""
    if widget == "text":
        if state.get("_model_name") != "TextareaModel" or type(state.get("value", "")) is not str:
            raise ValueError("文本框无法识别")
        return state.get("value", "")
    if widget == "checkbox":
        if state.get("_model_name") != "CheckboxModel" or state.get("description") != labels[0]:
            raise ValueError("选项与试卷不一致")
        value = state.get("value", False)
        if type(value) is not bool:
            raise ValueError("勾选状态无法识别")
        return value
    if state.get("_model_name") not in _CHOICE_MODELS or state.get("_options_labels") != labels:
        raise ValueError("选项与试卷不一致")
    index = state.get("index")
    if index is None:
        return None
    if type(index) is not int or not 0 <= index < len(labels):
        raise ValueError("所选选项无法识别")
    return labels[index]


def read_item(nb: dict, cell: dict, spec: dict) -> tuple[bool, object, str]:
    """(answered, value, reason) of one click item, ``value`` in the scorer's terms."""
    try:
        found = _tagged(_models(nb), _shown(cell))
        picked = {}
        for tag, widget, labels in _fields(spec):
            states = found.get(tag, [])
            if not states:
                return False, None, "未作答（试卷文件中没有保存本题的作答）"
            if len(states) > 1:
                return False, None, "本题的选项控件重复，无法确定所选答案"
            picked[tag] = _value(states[0], widget, labels)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return False, None, f"答案无法读取：{str(exc)[:80]}"
    return _assemble(spec, picked)


def _assemble(spec: dict, picked: dict) -> tuple[bool, object, str]:
    item, kind = spec["item"], spec["kind"]
    if kind == "text":
        text = picked[f"zb-{item}"]
        return (True, text, "") if text.strip() else (False, None, "未作答")
    if kind == "single":
        label = picked[f"zb-{item}"]
        return ((False, None, "未作答") if label is None
                else (True, spec["values"][spec["labels"].index(label)], ""))
    if kind == "truefalse":
        label = picked[f"zb-{item}"]
        return (False, None, "未作答") if label is None else (True, label == TRUEFALSE[0], "")
    if kind == "multiple":
        chosen = [v for v in spec["values"] if picked[f"zb-{item}-{v}"]]
        return (True, chosen, "") if chosen else (False, None, "未作答")
    if kind == "hazard_ids":  # the last box is "no major hazard": an empty list, and only alone
        chosen = [v for v in spec["values"][:-1] if picked[f"zb-{item}-{v}"]]
        none = picked[f"zb-{item}-{spec['values'][-1]}"]
        if none and chosen:
            return False, None, (f"答案无法读取：既勾选了“{spec['labels'][-1]}”，又勾选了条款 "
                                 + "、".join(chosen))
        if none or chosen:
            return True, chosen, ""
        return False, None, "未作答"
    if kind == "ledger_read":
        count, channel = picked[f"zb-{item}-overdue"], picked[f"zb-{item}-channel"]
        if count is None and channel is None:
            return False, None, "未作答"
        missing = "未选择条数" if count is None else "未选择发现渠道" if channel is None else ""
        return True, {"overdue_major": None if count is None else int(count),
                      "lowest_channel": channel}, missing
    works = {}
    for work in spec["works"]:
        level, req = picked[f"zb-{item}-{work}-level"], picked[f"zb-{item}-{work}-req"]
        if level is not None:
            works[work] = {"level": level, "requirement": req or ""}
    if not works:
        return False, None, "未作答"
    missing = [w for w in spec["works"] if w not in works]
    return True, works, ("未选择级别：" + "、".join(missing)) if missing else ""


def answer_cells(nb: dict) -> dict[str, dict]:
    """grade_id -> cell of a notebook given as plain JSON (first cell of each grade_id)."""
    out: dict[str, dict] = {}
    for cell in nb.get("cells", []) if isinstance(nb.get("cells"), list) else []:
        meta = cell.get("metadata") if isinstance(cell, dict) else None
        nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
        gid = nbg.get("grade_id") if isinstance(nbg, dict) else None
        if isinstance(gid, str) and gid not in out:
            out[gid] = cell
    return out


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(str(s) for s in source) if isinstance(source, list) else str(source)


def check_paper(nb: dict) -> dict:
    """The trainee's check of a saved paper: answered / unanswered / unreadable items, no verdict.

    Reads the specs written in the notebook itself (``metadata.zhiben_answer`` of each answer
    cell); code and written items count as answered when their cell differs from the template."""
    cells = answer_cells(nb)
    answered, missing, unreadable, labels = [], [], [], {}
    for gid, cell in cells.items():
        spec = (cell.get("metadata") or {}).get(SPEC_KEY)
        if not gid.endswith(ANSWER_SUFFIX) or not isinstance(spec, dict):
            continue
        item = gid[: -len(ANSWER_SUFFIX)]
        labels[item] = item_label(spec, item)
        if spec.get("kind") == "code" or spec.get("kind") == "written":
            text = _source(cell).strip()
            typed = text and text != str(spec.get("template", "")).strip()
            box = cells.get(spec.get("input")) if isinstance(spec.get("input"), str) else None
            if not typed and box is not None:  # the text box of a written answer
                typed = read_item(nb, box, (box.get("metadata") or {}).get(SPEC_KEY) or {})[0]
            (answered if typed else missing).append(item)
            continue
        ok, _, reason = read_item(nb, cell, spec)
        if ok:
            answered.append(item)
        elif reason.startswith("答案无法读取") or "重复" in reason:
            unreadable.append((item, reason))
        else:
            missing.append(item)
    total = len(answered) + len(missing) + len(unreadable)
    return {"answered": answered, "missing": missing, "unreadable": unreadable, "total": total,
            "labels": labels}


def item_label(spec: dict, item: str) -> str:
    """第 n 题 as the trainee sees the item (its number on the paper), else the item id."""
    number = spec.get("number") if isinstance(spec, dict) else None
    return f"第 {number} 题" if type(number) is int else item


def check_text(report: dict) -> str:
    """The check in Chinese: counts and lists only, never a verdict on correctness."""
    label = report.get("labels", {}).get
    lines = [f"已作答 {len(report['answered'])} / {report['total']} 题（按已保存的试卷文件统计，不判断对错）"]
    if report["missing"]:
        lines.append("未作答：" + "、".join(label(i, i) for i in report["missing"]))
    for item, reason in report["unreadable"]:
        lines.append(f"无法读取的答案：{label(item, item)}（{reason}）")
    if not report["missing"] and not report["unreadable"]:
        lines.append("全部题目均已作答。提交前请再保存一次。")
    else:
        lines.append("试卷尚未答完：可以继续作答，保存后再检查。")
    return "\n".join(lines)
