# Kernel side of the click answers, embedded after answer_state into the paper's setup cell (so:
# the standard library and ipywidgets only, imported when used). ``answer_widget`` shows an item's
# options as ipywidgets tagged for answer_state (restoring the choice saved in the file);
# ``check`` is the trainee's check of the *saved* file, in Chinese, never a verdict on correctness.
import glob
import json
import os

# zb-embed: begin skip (the setup cell holds answer_state itself)
from zhiben_training.assess.papers.answer_state import (
    LEVELS,
    REQUIREMENTS,
    STATE_MIME,
    TRUEFALSE,
    VIEW_MIME,
    _models,
    answer_cells,
    check_paper,
    check_text,
    read_item,
)

# zb-embed: end skip

SPECS = {}  # item -> spec, set by the setup cell
_live = {}  # item -> the widget box on screen
_NO_STATE = ("试卷文件中没有保存任何选项：本机 JupyterLab 没有把控件状态写入文件。请在菜单“Settings（设置）”中勾选"
             "“Save Widget State Automatically”（或用随卷说明中的方式打开试卷），然后保存，再检查。")


def _saved():
    """(path, notebook) of this paper as last saved, or (None, None)."""
    session = os.environ.get("JPY_SESSION_NAME", "")
    names = [p for p in (session, os.path.basename(session)) if p.endswith(".ipynb") and os.path.exists(p)]
    names += sorted(glob.glob("*.ipynb"), key=os.path.getmtime, reverse=True)
    for path in names:
        try:
            with open(path, encoding="utf-8") as fh:
                nb = json.load(fh)
        except (OSError, ValueError):
            continue
        if isinstance(nb, dict) and isinstance(nb.get("metadata", {}).get("zhiben"), dict):
            return path, nb
    return None, None


def _restored(spec):
    _, nb = _saved()
    if nb is None:
        return None
    cell = answer_cells(nb).get(spec["item"] + "-answer")
    ok, value, _ = read_item(nb, cell, spec) if cell else (False, None, "")
    return value if ok else None


def _choice(labels, tag, index):
    import ipywidgets as w

    box = w.RadioButtons(options=labels, index=index, layout=w.Layout(width="100%"))
    box.add_class(tag)
    return box


def _classify_rows(spec, value):
    import ipywidgets as w

    rows = []
    for work in spec["works"]:
        got = (value or {}).get(work, {})
        level = LEVELS.index(got["level"]) if got.get("level") in LEVELS else None
        req = REQUIREMENTS.index(got["requirement"]) if got.get("requirement") in REQUIREMENTS else None
        level_box = w.Dropdown(options=LEVELS, index=level, description="级别", layout=w.Layout(width="180px"))
        level_box.add_class(f"zb-{spec['item']}-{work}-level")
        req_box = w.Dropdown(options=REQUIREMENTS, index=req, description="管理要求",
                             layout=w.Layout(width="420px"))
        req_box.add_class(f"zb-{spec['item']}-{work}-req")
        rows.append(w.HBox([w.Label(work, layout=w.Layout(width="50px")), level_box, req_box]))
    return rows


def _hazard_boxes(spec, value):
    """One check box per 2024 item under its article's heading, and "no major hazard" last."""
    import ipywidgets as w

    chosen = set(value or [])
    label_of = dict(zip(spec["values"], spec["labels"], strict=True))

    def box(v, checked):
        one = w.Checkbox(value=checked, description=label_of[v], indent=False, layout=w.Layout(width="100%"))
        one.add_class(f"zb-{spec['item']}-{v}")
        return one

    rows = []
    for title, ids in spec["groups"]:
        rows.append(w.HTML(f"<b>{title}</b>"))
        rows.extend(box(v, v in chosen) for v in ids)
    rows.append(w.HTML("<b>如果该现场没有重大事故隐患：</b>"))
    rows.append(box(spec["values"][-1], value == []))
    return rows


def answer_widget(item):
    """Show the options of one item; the choice is saved into the notebook with the file."""
    import ipywidgets as w
    from IPython.display import display

    spec = SPECS[item]
    old = _live.pop(item, None)
    if old is not None:  # a re-run: only the new widgets stay in the saved state
        for child in _widgets_of(old):
            child.close()
    value, kind = _restored(spec), spec["kind"]
    if kind == "single":
        children = [_choice(spec["labels"], f"zb-{item}", spec["values"].index(value) if value else None)]
    elif kind == "truefalse":
        children = [_choice(TRUEFALSE, f"zb-{item}", None if value is None else (0 if value else 1))]
    elif kind == "multiple":
        children = []
        for letter, label in zip(spec["values"], spec["labels"], strict=True):
            box = w.Checkbox(value=bool(value and letter in value), description=label, indent=False,
                             layout=w.Layout(width="100%"))
            box.add_class(f"zb-{item}-{letter}")
            children.append(box)
    elif kind == "hazard_ids":
        children = _hazard_boxes(spec, value)
    else:
        children = _classify_rows(spec, value)
    box = w.VBox(children)
    box.add_class("zb-answer")
    _live[item] = box
    display(box)


def _widgets_of(box):
    todo, out = [box], []
    while todo:
        widget = todo.pop()
        out.append(widget)
        todo.extend(getattr(widget, "children", ()))
    return out


def _live_notebook():
    """The widgets on screen in the form JupyterLab saves them (to compare with the file)."""
    models = {}
    for box in _live.values():
        for widget in _widgets_of(box):
            state = json.loads(json.dumps(widget.get_state(), default=str))  # tuples -> lists, as saved
            models[widget.model_id] = {"model_name": state.get("_model_name"), "state": state}
    cells = [{"metadata": {"nbgrader": {"grade_id": item + "-answer"}},
              "outputs": [{"data": {VIEW_MIME: {"model_id": box.model_id}}}]} for item, box in _live.items()]
    return {"metadata": {"widgets": {STATE_MIME: {"state": models}}}, "cells": cells}


def check(show=True):
    """已作答 N / 总题数, unanswered and unreadable items, from the saved file; returns the text."""
    path, nb = _saved()
    if nb is None:
        text = "找不到已保存的试卷文件：请先保存（Ctrl+S），再检查。"
    else:
        text = check_text(check_paper(nb))
        live = _live_notebook() if _live else None
        if live is not None and not _models(nb):
            text += "\n" + _NO_STATE
        elif live is not None:
            cells = answer_cells(nb)
            stale = [item for item in _live if item + "-answer" in cells and
                     read_item(nb, cells[item + "-answer"], SPECS[item])[:2]
                     != read_item(live, answer_cells(live)[item + "-answer"], SPECS[item])[:2]]
            if stale:
                text += "\n以下题目的最新选择还没有保存进文件：" + "、".join(stale) + "。请先保存（Ctrl+S），再检查。"
    if show:
        print(text)
    return text


def check_button():
    """A button that runs the check and shows the result below it."""
    import ipywidgets as w
    from IPython.display import display

    button = w.Button(description="检查作答情况", button_style="info", layout=w.Layout(width="200px"))
    out = w.Output()

    def clicked(_):
        out.clear_output()
        with out:
            check()

    button.on_click(clicked)
    display(w.VBox([button, out]))
