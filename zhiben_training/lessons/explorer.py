"""Lesson 03's threshold explorer: sliders → one sub-work dict → ``hazards.classify_work``.

The lesson never restates a threshold: slider ranges and exercise scenarios come from
``data/explorer.json``, the verdict (一般 / 危大 / 超规模), its reasons and duties always come from
the rules engine. The verdict is shown in an element with the CSS class ``zhiben-verdict`` so a
browser test can find it.
"""

from __future__ import annotations

import html
import json
from functools import cache
from importlib import resources

__all__ = ["LEVELS", "explorer_spec", "work_for", "classify", "verdict_html", "reasons_cn",
           "threshold_explorer", "prediction_feedback_html", "prediction_quiz", "score_predictions"]

LEVELS = ("一般", "危大", "超规模")
LEVEL_NAMES = {"一般": "一般分部分项工程（不属于危大工程）", "危大": "危险性较大的分部分项工程（危大工程）",
               "超规模": "超过一定规模的危险性较大的分部分项工程（超危大工程）"}


@cache
def explorer_spec() -> dict:
    """``works`` (slider definitions per work kind) and ``tasks`` (prediction exercises)."""
    text = resources.files("zhiben_training.lessons").joinpath("data/explorer.json").read_text("utf-8")
    return json.loads(text)


def _kind(key: str) -> dict:
    for kind in explorer_spec()["works"]:
        if kind["key"] == key:
            return kind
    raise KeyError(key)


def work_for(key: str, values: dict) -> dict:
    """The sub-work dict (record format) for a work kind and slider values."""
    work = {"work_id": "L03", **_kind(key)["work"]}
    work.update({field: float(value) for field, value in values.items()})
    return work


def classify(work: dict):
    """The rules engine's ``WorkClassification`` for one sub-work."""
    from zhiben_training.hazards import classify_work

    return classify_work(work)


def reasons_cn(reasons, work_type: str | None = None) -> list[str]:
    """The engine's reasons in Chinese words for a learner: ``开挖深度 depth_m = 5.0 m`` → ``开挖深度 5.0 m``,
    ``脚手架类型 scaffold_type = cantilever`` → ``脚手架类型 悬挑式…`` (enum labels from the record
    schema)."""
    import re

    from zhiben_training.hazards import record_schema

    node = record_schema()["properties"]["works"]
    fields = node.get("items", node).get("properties", {})

    def _value(match) -> str:
        spec, value = fields.get(match.group(1), {}), match.group(2)
        if "enum" in spec:
            label = re.search(rf"(?:^|；){re.escape(value)} ([^；]+)", spec.get("description", ""))
            return label.group(1) if label else value
        return value

    return [re.sub(r"\b([a-z][a-z0-9_]*) = ([^\s；，）]+)", _value, reason) for reason in reasons]


def verdict_html(result, work_type: str | None = None) -> str:
    """The verdict block (level, reasons) for the browser; the level is the first bold text."""
    reasons = "".join(f"<li>{html.escape(r)}</li>" for r in reasons_cn(result.reasons, work_type)) \
        or "<li>未达到任何危大工程范围</li>"
    return (f"<div role='status' aria-live='polite'>判定："
            f"<b class='zhiben-level'>{html.escape(result.level)}</b>"
            f"　{html.escape(LEVEL_NAMES.get(result.level, ''))}<ul>{reasons}</ul></div>")


def duties_html(result) -> str:
    if not result.duties:
        return "<p>按一般分部分项工程管理：编入施工组织设计的安全技术措施即可，无需专项施工方案。</p>"
    items = "".join(f"<li>{html.escape(d)}</li>" for d in result.duties)
    return f"<p><b>由此产生的管理要求：</b></p><ol>{items}</ol>"


def _sliders(kind: dict, values: dict):
    import ipywidgets as w

    sliders = []
    for spec in kind["sliders"]:
        slider = w.FloatSlider(
            value=values.get(spec["field"], spec["value"]), min=spec["min"], max=spec["max"],
            step=spec["step"],
            description=f"{spec['label']}（{spec['unit']}）", style={"description_width": "initial"},
            layout={"width": "560px"}, readout_format=".1f",
            tooltip=f"{spec['label']}，单位 {spec['unit']}；点击滑块后可用键盘方向键按 {spec['step']} 调节",
        )
        slider.add_class(f"zhiben-slider-{spec['field']}")
        sliders.append((spec["field"], slider))
    return sliders


def threshold_explorer(choices: dict, *, key: str = "excavation"):
    """Work-kind picker + sliders; ``choices`` holds ``kind``, ``values`` and the last ``level``."""
    import ipywidgets as w

    kinds = explorer_spec()["works"]
    picker = w.Dropdown(options=[(k["label"], k["key"]) for k in kinds], value=key, description="工程类别",
                        style={"description_width": "initial"})
    slider_box = w.VBox()
    verdict = w.HTML()
    verdict.add_class("zhiben-verdict")
    duties = w.HTML()
    duties.add_class("zhiben-duties")

    def _refresh(_change=None):
        result = classify(work_for(choices["kind"], choices["values"]))
        choices["level"] = result.level
        choices["history"].append((choices["kind"], dict(choices["values"]), result.level))
        verdict.value = verdict_html(result, _kind(choices["kind"])["work"].get("work_type"))
        duties.value = duties_html(result)

    def _on_slider(change, field):
        choices["values"][field] = change["new"]
        _refresh()

    def _show_kind(_change=None):
        kind = _kind(picker.value)
        choices["kind"] = kind["key"]
        choices["values"] = {spec["field"]: spec["value"] for spec in kind["sliders"]}
        sliders = _sliders(kind, choices["values"])
        for field, slider in sliders:
            slider.observe(lambda change, field=field: _on_slider(change, field), names="value")
        slider_box.children = [s for _, s in sliders]
        _refresh()

    choices.setdefault("history", [])
    picker.observe(_show_kind, names="value")
    _show_kind()
    return w.VBox([picker, slider_box, verdict, duties])


def prediction_quiz(choices: dict):
    """For each scenario a 一般/危大/超规模 picker; picks go to ``choices[task_key]``."""
    import ipywidgets as w

    rows = []
    for n, task in enumerate(explorer_spec()["tasks"], start=1):
        picker = w.ToggleButtons(options=list(LEVELS), value=None, description=f"情形{n}",
                                 tooltips=[LEVEL_NAMES[lv] for lv in LEVELS])

        def _on_pick(change, key=task["key"]):
            choices[key] = change["new"]

        picker.observe(_on_pick, names="value")
        rows.append(w.VBox([w.HTML(f"<b>情形{n}</b>：{html.escape(task['prompt'])}"), picker]))
    return w.VBox(rows)


def score_predictions(choices: dict) -> list[dict]:
    """Compare each recorded prediction with the rules engine; one row per scenario."""
    rows = []
    for task in explorer_spec()["tasks"]:
        result = classify({"work_id": task["key"], **task["work"]})
        given = choices.get(task["key"])
        rows.append({
            "情形": task["prompt"],
            "你的判断": given or "未作答",
            "规则引擎判定": "作答后显示" if given is None else result.level,
            "结果": "未作答" if given is None else ("正确" if given == result.level else "不正确"),
            "理由": "" if given is None else ("；".join(reasons_cn(result.reasons,
                                                                   task["work"].get("work_type")))
                                             or "未达到危大工程范围"),
        })
    return rows


def prediction_feedback_html(choices: dict) -> str | None:
    """The prediction table for the scenarios answered so far; None before the first answer."""
    import pandas as pd

    from zhiben_training.lessons.widgets import text_table

    if not any(v is not None for v in choices.values()):
        return None
    return text_table(pd.DataFrame(score_predictions(choices))).to_html()
