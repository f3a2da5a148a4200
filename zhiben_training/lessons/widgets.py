"""Widget panels for the lessons. Each panel writes every learner choice into a plain dict.

Rule for every panel here: observers only *record* (``choices[key] = value``) and re-render an
output; feedback is computed from ``choices`` with a pure function, shown by ``live`` (an HTML
widget that re-renders after every answer, in place, and says 作答后显示 until there is one). A
headless run therefore never waits for a click, and shows the result for the default choices.
Every control has a Chinese ``description`` (rendered as its ``<label>``) for screen readers.
"""

from __future__ import annotations

import html

from zhiben_training.errors import ZhibenError

__all__ = ["STYLE", "WAITING", "live", "record", "fine_calculator", "fine_result_html", "fine_levels_html",
           "year_plan_builder", "plan_choices", "plan_export_panel", "checklist", "checklist_gaps",
           "checklist_gaps_html", "text_table"]

STYLE = {"description_width": "initial"}


WAITING = "作答后在这里显示参考答案和对照结果。"


def _descendants(widget):
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from _descendants(child)


def live(source, render, *, waiting: str = WAITING, answer: bool = True):
    """An HTML widget showing ``render()`` (an HTML string, or None while there is nothing to show),
    re-rendered in place after every change of any control inside ``source``: the learner's answer
    first, then the reference answer; never a stale result above a fresh one. ``answer=False`` for a
    result that is no answer key (checklist counts, a calculator's table)."""
    import ipywidgets as w

    out = w.HTML(layout={"width": "100%"})

    def _show(_change=None):
        content = render()
        out.value = (content if content is not None
                     else f"<p class='zhiben-waiting' role='status'>{html.escape(waiting)}</p>")

    for widget in _descendants(source):
        if "value" in widget.trait_names() and not isinstance(widget, w.HTML | w.Label):
            widget.observe(_show, names="value")
    _show()
    out.add_class("zhiben-live")
    if answer:
        out.add_class("zhiben-answer")
    return out


def record(widget, choices: dict, key: str, *, convert=None):
    """Store ``widget.value`` in ``choices[key]`` now and after every change; returns the widget."""
    convert = convert or (lambda v: v)
    choices[key] = convert(widget.value)

    def _on_change(change):
        choices[key] = convert(change["new"])

    widget.observe(_on_change, names="value")
    return widget


def fine_result_html(choices: dict) -> str:
    """The 第九十五条/第九十六条 result for ``choices['income']`` and ``choices['level']`` as HTML."""
    from zhiben_training.lessons.fines import manager_fine_range, principal_fine

    try:
        fine = principal_fine(choices.get("income"), choices.get("level"))
        manager = manager_fine_range(choices.get("income"))
    except ZhibenError as err:
        return ("<div class='zhiben-fine' role='status'>"
                f"！{html.escape(str(err)).replace(chr(10), '<br>')}</div>")
    return (
        "<div class='zhiben-fine' role='status'>"
        f"<p>事故等级：<b>{fine.level}事故</b>；上一年年收入：{fine.income:,.2f} 元</p>"
        f"<p>主要负责人罚款：{fine.percent}% × 年收入 = <b>{fine.amount:,.2f} 元</b>"
        f"<br><small>依据：{html.escape(fine.citation)}——“{html.escape(fine.text)}”</small></p>"
        f"<p>如为其他负责人或安全生产管理人员（同等年收入）：{manager.min_percent}%–{manager.max_percent}%，"
        f"即 {manager.min_amount:,.2f}–{manager.max_amount:,.2f} 元，并暂停或者吊销其与安全生产有关的资格"
        f"<br><small>依据：{html.escape(manager.citation)}</small></p></div>"
    )


def fine_levels_html(income) -> str:
    """The 第九十五条 fine of all four accident levels for ``income`` (the calculator's box), as a table."""
    import pandas as pd

    from zhiben_training.lessons.fines import ACCIDENT_LEVELS, principal_fine

    try:
        rows = [principal_fine(income, level) for level in ACCIDENT_LEVELS]
    except ZhibenError:
        return "<p>输入可以读懂的年收入后，这里列出四个事故等级的罚款。</p>"
    frame = pd.DataFrame([{"事故等级": f.level + "事故", "比例": f"{f.percent}%",
                           "罚款（元）": f"{f.amount:,.2f}", "依据": f.citation} for f in rows])
    return (f"<p>按上一年年收入 {rows[0].income:,.2f} 元，四个事故等级的罚款：</p>"
            + text_table(frame).to_html())


def fine_calculator(choices: dict, *, income: float = 500000.0, level: str = "一般"):
    """Income box + accident-level picker; the result re-renders on every change."""
    import ipywidgets as w

    from zhiben_training.lessons.fines import ACCIDENT_LEVELS

    shown = f"{income / 10000:g}万" if income and income % 10000 == 0 else f"{income:g}"
    income_box = w.Text(value=shown, description="主要负责人上一年年收入", placeholder="例如 50万 或 500000",
                        tooltip="可写 500000、500000元、50万 或 50万元", continuous_update=False, style=STYLE)
    income_box.add_class("zhiben-income")
    level_box = w.ToggleButtons(options=list(ACCIDENT_LEVELS), value=level, description="事故等级",
                                style=STYLE, tooltips=[f"{lv}事故" for lv in ACCIDENT_LEVELS])
    record(income_box, choices, "income")
    record(level_box, choices, "level")
    result = w.HTML(fine_result_html(choices))
    result.add_class("zhiben-fine-result")

    def _refresh(_change):
        result.value = fine_result_html(choices)

    income_box.observe(_refresh, names="value")
    level_box.observe(_refresh, names="value")
    return w.VBox([income_box, level_box, result])


def plan_choices(choices: dict) -> dict:
    """The keyword arguments for ``build_year_plan`` taken from the recorded choices."""
    keys = ("year", "inspection_day", "drill_months", "drill_day", "duty_periods", "leader")
    return {k: choices[k] for k in keys if k in choices}


def year_plan_builder(choices: dict, *, year: int = 2026):
    """Controls for the year plan; "生成年度计划" shows the table built from ``choices``."""
    import ipywidgets as w
    from IPython.display import display

    from zhiben_training.lessons.plan import DUTY_PERIODS, build_year_plan, check_year_plan

    controls = [
        record(w.IntSlider(value=year, min=2024, max=2026, description="计划年度", style=STYLE),
               choices, "year"),
        record(w.Text(value="主要负责人", description="自查自改带队人", style=STYLE), choices, "leader"),
        record(w.IntSlider(value=10, min=1, max=28, description="每月自查自改日（几号）", style=STYLE),
               choices, "inspection_day"),
    ]
    first = w.Dropdown(options=[(f"{m}月", m) for m in range(1, 7)], value=5, description="上半年演练月份",
                       style=STYLE)
    second = w.Dropdown(options=[(f"{m}月", m) for m in range(1, 13)], value=11, description="下半年演练月份",
                        style=STYLE)
    # one check box per period (no Ctrl+click as a multi-select list needs)
    ticks = [w.Checkbox(value=True, description=str(period), indent=False, layout={"width": "auto"})
             for period in DUTY_PERIODS]

    def _duty(_change=None):
        choices["duty_periods"] = tuple(p for p, box in zip(DUTY_PERIODS, ticks, strict=True) if box.value)

    _duty()
    for box in ticks:
        box.observe(_duty, names="value")
    duty = w.VBox([w.HTML("24小时值班值守时段（可多选，勾选即可）"), w.HBox(ticks)])
    duty.add_class("zhiben-duty-periods")

    def _drills(_change=None):
        choices["drill_months"] = (first.value, second.value)

    _drills()
    first.observe(_drills, names="value")
    second.observe(_drills, names="value")
    button = w.Button(description="生成年度计划", tooltip="按所选内容生成年度计划表并检查是否符合方案要求",
                      button_style="primary")
    out = w.Output()

    def _build(_button):
        out.clear_output()
        with out:
            try:
                plan = build_year_plan(**plan_choices(choices))
            except ZhibenError as err:
                print(f"！{err}")
                return
            choices["plan"] = plan
            display(text_table(plan))
            for problem in check_year_plan(plan) or ["✓ 计划满足方案二（七）10 与二（十）15 的频次要求。"]:
                print(problem)

    button.on_click(_build)
    _build(None)  # the plan of the default choices at once, replaced on each click
    return w.VBox([*controls, first, second, duty, button, out])


def plan_export_panel(choices: dict, folder):
    """A button that writes the plan of ``choices`` (as last generated, else the current choices) into
    the learner's own ``folder`` (the notebook's folder) as Excel, and says where."""
    from pathlib import Path

    import ipywidgets as w

    from zhiben_training.lessons.plan import build_year_plan, export_year_plan

    button = w.Button(description="导出到我的文件夹（Excel）", tooltip="写入本课笔记本所在的文件夹",
                      button_style="primary", layout={"width": "auto"})
    status = w.HTML()
    status.add_class("zhiben-export")

    def _export(_button=None):
        try:
            plan = choices.get("plan")
            if plan is None:
                plan = build_year_plan(**plan_choices(choices))
            year = int(plan_choices(choices).get("year", 0)) or ""
            path = export_year_plan(plan, Path(folder).resolve() / f"{year}年度自查演练值守计划.xlsx")
        except (ZhibenError, OSError) as err:
            status.value = f"<p role='status'>！未能导出：{html.escape(str(err))}</p>"
            return None
        status.value = (f"<p role='status'>已导出到你的文件夹：<b>{html.escape(str(path))}</b>"
                        f"（在左侧文件列表中可以看到 {html.escape(path.name)}）</p>")
        return path

    button.on_click(_export)
    panel = w.VBox([button, status])
    panel.export = _export  # for tests and the trainer: the same as a click
    return panel


def checklist(items: list[dict], choices: dict):
    """One labelled checkbox per requirement (``item["short"]``); ticks go to ``choices[short]``."""
    import ipywidgets as w

    boxes = []
    for item in items:
        box = w.Checkbox(value=False, description=f"{item['short']}（方案{item['ref']}）", indent=False,
                         layout={"width": "auto"})
        boxes.append(record(box, choices, item["short"]))
    return w.VBox(boxes)


def checklist_gaps(items: list[dict], choices: dict) -> list[str]:
    """The requirements not ticked in ``choices`` — what the enterprise still has to put in place."""
    return [f"{item['short']}（方案{item['ref']}）" for item in items if not choices.get(item["short"])]


def checklist_gaps_html(items: list[dict], choices: dict) -> str:
    """How many requirements are ticked and which are still open, for ``live`` under the checklist."""
    gaps = checklist_gaps(items, choices)
    rows = "".join(f"<li>{html.escape(g)}</li>" for g in gaps)
    return (f"<div class='zhiben-gaps' role='status'><p>已落实 <b>{len(items) - len(gaps)}</b> 项，"
            f"待落实 <b>{len(gaps)}</b> 项{'：' if gaps else '。'}</p>"
            f"{f'<ul>{rows}</ul>' if gaps else ''}</div>")


SHORT = 12  # a column whose every cell is at most this long never wraps (no one character per line)


def text_table(frame):
    """A DataFrame styled for Chinese prose: left-aligned, no index column; long text wraps, short
    columns (and every header) stay on one line, so a narrow column never shows one character per line."""
    short = [c for c in frame.columns
             if max([len(str(c)), *(len(str(v)) for v in frame[c])]) <= SHORT]
    styled = (frame.style.set_properties(**{"text-align": "left", "white-space": "pre-wrap"})
              .hide(axis="index"))
    if short:
        styled = styled.set_properties(subset=short, **{"white-space": "nowrap"})
    return styled.set_table_styles([{"selector": "th",
                                     "props": [("white-space", "nowrap"), ("text-align", "left")]}],
                                   overwrite=False)
