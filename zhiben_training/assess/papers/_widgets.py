# Kernel side of the click answers, embedded after answer_state into the paper's setup cell (so:
# the standard library and ipywidgets only, imported when used). ``answer_widget`` shows an item's
# options as ipywidgets tagged for answer_state (restoring the choice saved in the file);
# ``check`` is the trainee's check of the *saved* file, in Chinese, never a verdict on correctness.
import glob
import json
import os

# zb-embed: begin skip (the setup cell holds answer_state itself)
from zhiben_training.assess.papers.answer_state import (
    ANSWER_SUFFIX,
    LEVELS,
    REQUIREMENTS,
    STATE_MIME,
    TRUEFALSE,
    VIEW_MIME,
    answer_cells,
    check_paper,
    check_text,
    read_item,
)

# zb-embed: end skip

SPECS = {}  # item -> spec, set by the setup cell
_live = {}  # item -> the widget box on screen
_opened = []  # the saved paper as it was when the first answer widget was shown (read once)
_NOT_SAVED = ("以下题目屏幕上的作答还没有保存进文件：{items}。"
              "试卷在作答后 1 秒内自动保存（工具栏显示“已保存 时:分:秒”）；"
              "请稍候再检查，或按 Ctrl+S 保存。")


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


def _cell_id(spec):
    """grade_id of the cell that shows an item's widgets (a written answer's box has its own)."""
    return spec.get("cell") or spec["item"] + ANSWER_SUFFIX


def _restored(spec):
    if not _opened:  # all widgets restore from one reading of the file, not from a half-saved one
        _opened.append(_saved()[1])
    nb = _opened[0]
    if nb is None:
        return None
    cell = answer_cells(nb).get(_cell_id(spec))
    ok, value, _ = read_item(nb, cell, spec) if cell else (False, None, "")
    return value if ok else None


# Options this short are laid out two to a row (half a line each at 1366 px); longer ones one a row
_SHORT_OPTION = 30
# a class without the answer tags' "zb-" prefix: answer_state reads only those
_TWO_COLUMNS = "zhiben-two-columns"


def _two_columns(children):
    """The widgets in a grid of two columns (the paper about half as tall as one column)."""
    import ipywidgets as w

    grid = w.GridBox(children, layout=w.Layout(grid_template_columns="repeat(2, minmax(0, 1fr))",
                                               grid_gap="0 16px"))
    grid.add_class(_TWO_COLUMNS)
    return grid


def _choice(labels, tag, index):
    import ipywidgets as w

    box = w.RadioButtons(options=labels, index=index, layout=w.Layout(width="100%"))
    box.add_class(tag)
    if max(map(len, labels)) <= _SHORT_OPTION:  # the lab plugin's style puts the buttons in two columns
        box.add_class(_TWO_COLUMNS)
    return box


def _classify_rows(spec, value):
    import ipywidgets as w

    rows = []
    for work in spec["works"]:
        got = (value or {}).get(work, {})
        level = LEVELS.index(got["level"]) if got.get("level") in LEVELS else None
        req = REQUIREMENTS.index(got["requirement"]) if got.get("requirement") in REQUIREMENTS else None
        level_box = w.Dropdown(options=LEVELS, index=level, description="级别",
                               layout=w.Layout(width="180px"))
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
        one = w.Checkbox(value=checked, description=label_of[v], indent=False, layout=w.Layout(width="auto"))
        one.add_class(f"zb-{spec['item']}-{v}")
        return one

    rows = []
    for title, ids in spec["groups"]:  # two boxes a row: their texts wrap, never cut off
        rows.append(w.HTML(f"<b>{title}</b>"))
        rows.append(_two_columns([box(v, v in chosen) for v in ids]))
    rows.append(w.HTML("<b>如果该现场没有重大事故隐患：</b>"))
    rows.append(box(spec["values"][-1], value == []))
    return rows


_LEDGER_SORTS = {"发现日期（早→晚）": ("发现日期", False), "发现日期（晚→早）": ("发现日期", True),
                 "整改期限（早→晚）": ("整改期限", False), "整改期限（晚→早）": ("整改期限", True)}
# one style block, not a style per cell: the table is saved with the widget state in the paper's file
_LEDGER_STYLE = ("<style>.zb-ledger{border-collapse:collapse;font-size:12px}.zb-ledger th,.zb-ledger td"
                 "{padding:2px 6px;border:1px solid #ccc;text-align:left}.zb-ledger th{position:sticky;top:0;"
                 "background:#f3f3f3}</style>")
_LEDGER_SHOWN = ["隐患编号", "发现日期", "发现渠道", "隐患级别", "隐患描述", "整改期限", "整改完成日期",
                 "销号日期"]


def _ledger_table(rows, level, channel, status, sort):
    """The ledger rows as an HTML table with Chinese column names (no index), filtered and sorted."""
    import html

    shown = [r for r in rows if level in ("全部", r.get("隐患级别"))
             and channel in ("全部", r.get("发现渠道"))
             and (status == "全部" or (status == "已销号") == bool((r.get("销号日期") or "").strip()))]
    column, reverse = _LEDGER_SORTS[sort]
    shown.sort(key=lambda r: (r.get(column) or "", r.get("隐患编号") or ""), reverse=reverse)
    head = "".join(f"<th>{c}</th>" for c in _LEDGER_SHOWN)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(r.get(c) or '')}</td>" for c in _LEDGER_SHOWN)
                   + "</tr>"
                   for r in shown)
    return (f"<div>显示 {len(shown)} / {len(rows)} 条</div>{_LEDGER_STYLE}"
            '<div style="max-height:320px;overflow:auto"><table class="zb-ledger">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def _ledger_rows(spec, value):
    """The readable ledger table (filters and sort are for reading only, not saved as the answer)
    and the two choices that are the answer."""
    import csv

    import ipywidgets as w

    try:
        with open(spec["file"], encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError:
        rows = None
    out = []
    if rows is None:
        out.append(w.HTML(f"<b>找不到台账文件 {spec['file']}：请从试卷所在的文件夹打开试卷。</b>"))
    else:
        def options(column):
            return ["全部", *sorted({r.get(column) or "" for r in rows})]

        level = w.Dropdown(options=options("隐患级别"), description="隐患级别",
                           layout=w.Layout(width="200px"))
        channel = w.Dropdown(options=options("发现渠道"), description="发现渠道",
                             layout=w.Layout(width="240px"))
        status = w.Dropdown(options=["全部", "已销号", "未销号"], description="销号状态",
                            layout=w.Layout(width="200px"))
        sort = w.Dropdown(options=list(_LEDGER_SORTS), description="排序", layout=w.Layout(width="240px"))
        table = w.HTML(_ledger_table(rows, "全部", "全部", "全部", sort.value))

        def redraw(_=None):
            table.value = _ledger_table(rows, level.value, channel.value, status.value, sort.value)

        for box in (level, channel, status, sort):
            box.observe(redraw, names="value")
        out += [w.HBox([level, channel, status, sort]), table]
    got = value or {}
    count = (spec["counts"].index(str(got["overdue_major"]))
             if str(got.get("overdue_major")) in spec["counts"] else None)
    pick = (spec["channels"].index(got["lowest_channel"])
            if got.get("lowest_channel") in spec["channels"] else None)
    count_box = w.Dropdown(options=spec["counts"], index=count, layout=w.Layout(width="100px"))
    count_box.add_class(f"zb-{spec['item']}-overdue")
    channel_box = w.RadioButtons(options=spec["channels"], index=pick, layout=w.Layout(width="100%"))
    channel_box.add_class(f"zb-{spec['item']}-channel")
    out += [w.HBox([w.Label("1. 逾期未销号的重大事故隐患条数："), count_box]),
            w.Label("2. 销号率最低的发现渠道："), channel_box]
    return out


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
    if kind == "text":  # a plain text box, no placeholder inside the answer
        children = [w.Textarea(value=value or "", placeholder="",
                               layout=w.Layout(width="95%", height="14em"))]
        children[0].add_class(f"zb-{item}")
    elif kind == "single":
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
        if max(map(len, spec["labels"])) <= _SHORT_OPTION:
            children = [_two_columns(children)]
    elif kind == "hazard_ids":
        children = _hazard_boxes(spec, value)
    elif kind == "ledger_read":
        children = _ledger_rows(spec, value)
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
    cells = [{"metadata": {"nbgrader": {"grade_id": _cell_id(SPECS[item])}},
              "outputs": [{"data": {VIEW_MIME: {"model_id": box.model_id}}}]} for item, box in _live.items()]
    return {"metadata": {"widgets": {STATE_MIME: {"state": models}}}, "cells": cells}


def check(show=True):
    """已作答 N / 总题数 from the saved file, what is answered on screen but not saved yet, the
    unanswered and unreadable items; returns the text. Never a verdict on correctness."""
    path, nb = _saved()
    live = _live_notebook() if _live else None
    lines = []
    if live is not None:
        shown = answer_cells(live)
        on_screen = [i for i in _live if read_item(live, shown[_cell_id(SPECS[i])], SPECS[i])[0]]
        lines.append(f"屏幕上已作答 {len(on_screen)} / {len(_live)} 道点选和文本框题目。")
    if nb is None:
        lines.append("找不到已保存的试卷文件：请先保存（Ctrl+S），再检查。")
    else:
        report = check_paper(nb)
        lines.append(check_text(report))
        if live is not None:
            stale = [item for item in _live if _differs(nb, live, item)]
            if stale:
                names = "、".join(report.get("labels", {}).get(i, i) for i in stale)
                lines.append(_NOT_SAVED.format(items=names))
    text = "\n".join(lines)
    if show:
        print(text)
    return text


def _differs(saved, live, item):
    spec, gid = SPECS[item], _cell_id(SPECS[item])
    cell = answer_cells(saved).get(gid)
    got = read_item(saved, cell, spec)[:2] if cell else (False, None)
    return got != read_item(live, answer_cells(live)[gid], spec)[:2]


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
