"""Build the nbgrader notebook of a paper: the same cells, grade ids and points for every trainee
of a paper kind, with that trainee's own prompts.

A released notebook holds prompts, answer cells and generic *answer capture* cells only. A capture
cell records the value of the trainee's answer variable as plain JSON (exact builtin types; anything
else counts as unanswered) and publishes it; scoring against the key happens later, outside the
kernel (``autograde``). So there is no key, hidden test or expected-answer function to find here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from zhiben_training.assess.layout import NOTEBOOK_NAME, answer_cell_id, test_cell_id, text_cell_id
from zhiben_training.assess.nbgrader_adapter import compute_checksum
from zhiben_training.assess.papers.answer_state import SPEC_KEY

__all__ = [
    "NOTEBOOK_NAME",
    "ANSWER_MIME",
    "build_notebook",
    "cell_ids",
    "paper_title",
    "test_cell_id",
    "answer_cell_id",
    "text_cell_id",
    "CLICK_KINDS",
    "NO_HAZARD",
    "hazard_choices",
    "click_spec",
]

NO_HAZARD = "本现场没有重大事故隐患"
CLICK_KINDS = ("single", "multiple", "truefalse", "hazard_ids", "classify_works", "ledger_read")

ANSWER_MIME = "application/vnd.zhiben.answer+json"
_PAPER_ROLES = {"A": "主要负责人", "C": "专职安全生产管理人员"}

# Runs in the trainee's kernel. No key is involved: it only turns the trainee's answer into JSON,
# trusting exact builtin types only (a str subclass or an object overriding __eq__ is "unanswered").
SETUP_SOURCE = '''\
# 答案记录函数（只读单元格）：只把你的答案记录下来，评分由考核方在本环境之外完成，本试卷中没有答案。
def _zb_record(item_id, name):
    from IPython.display import publish_display_data

    def plain(value, depth=0):
        kind = type(value)
        if value is None or kind is bool or kind is str or kind is int:
            return value
        if kind is float:
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError("not a finite number")
            return value
        if depth > 4:
            raise ValueError("too deep")
        if kind is list or kind is tuple:
            return [plain(v, depth + 1) for v in value]
        if kind is set or kind is frozenset:
            return sorted((plain(v, depth + 1) for v in value), key=repr)
        if kind is dict:
            return {k: plain(v, depth + 1) for k, v in value.items() if type(k) is str}
        if getattr(kind, "__module__", "") == "numpy" and hasattr(value, "item"):
            return plain(value.item(), depth)
        raise ValueError(f"unsupported type {kind.__name__}")

    record = {"item": item_id, "answered": False, "value": None, "reason": ""}
    if name in globals():
        try:
            record["value"], record["answered"] = plain(globals()[name]), True
        except Exception as exc:  # the answer stays unanswered, with the reason
            record["reason"] = str(exc)[:200]
    else:
        record["reason"] = "未定义答案变量 " + name
    publish_display_data({"application/vnd.zhiben.answer+json": record, "text/plain": "答案已记录"})
'''

_HERE = Path(__file__).parent
# A comment only: a bare `pass` here read to trainees as a verdict ("pass" = 通过)
_CLICK_TEST = "# 自动评分单元格（只读）：第 {item_id} 题按上方保存的选项评分，评分时不运行任何代码。"
_CHECK_SOURCE = ("# 作答检查：点击按钮，统计已保存文件中的作答情况（只统计是否作答，不判断对错）\n"
                 "_zb.check_button()")


def _embedded(specs: dict) -> str:
    """Setup-cell code of the click answers: answer_state and _widgets run as one module."""
    body = (_HERE / "answer_state.py").read_text(encoding="utf-8").replace(
        "from __future__ import annotations\n", "")
    widgets = (_HERE / "_widgets.py").read_text(encoding="utf-8")
    head, _, rest = widgets.partition("# zb-embed: begin skip")
    body += "\n" + head + rest.partition("# zb-embed: end skip\n")[2]
    return ("\n# 点击作答的选项控件和作答检查（只读）：选项随文件保存，评分时直接读取保存的选项。\n"
            "import types as _zb_types\n"
            "_zb = _zb_types.ModuleType(\"zhiben_paper\")\n"
            f"exec({body!r}, _zb.__dict__)\n"
            f"_zb.SPECS.update({json.dumps(specs, ensure_ascii=False)})\n"
            "_zb_answer, _zb_check = _zb.answer_widget, _zb.check\n")


def click_spec(item) -> dict:
    """What the widgets of a click item show and what each choice means (no key)."""
    spec = {"item": item.item_id, "kind": item.kind}
    if item.kind in ("single", "multiple"):
        options = re.findall(r"^- ([A-E])\. (.*)$", item.prompt_md, flags=re.M)
        spec["values"] = [letter for letter, _ in options]
        spec["labels"] = [f"{letter}. {text}" for letter, text in options]
    elif item.kind == "classify_works":
        spec["works"] = re.findall(r"^\| ([A-Z]+\d+) \|", item.prompt_md, flags=re.M)
    elif item.kind == "hazard_ids":
        spec.update(hazard_choices())
    elif item.kind == "ledger_read":  # the table is read from the data file handed out with the paper
        spec.update({k: item.choices[k] for k in ("counts", "channels", "file")})
    return spec


def hazard_choices() -> dict:
    """Check boxes of the hazard-identification task: every 2024 item (id and its text, grouped by
    article as in the criteria) and one box for "no major hazard" (value ``none``)."""
    from zhiben_training.law import criteria

    values, labels, groups = [], [], []
    for c in criteria("2024"):
        title = f"{c.article_cn} {c.chapter}"
        if not groups or groups[-1][0] != title:
            groups.append([title, []])
        groups[-1][1].append(c.id)
        values.append(c.id)
        labels.append(f"{c.id}　{c.text.rstrip('；;。')}")
    return {"values": [*values, "none"], "labels": [*labels, NO_HAZARD], "groups": groups}


_TEST_TEMPLATE = (
    "# 自动评分单元格（只读，请勿修改）：记录第 {item_id} 题的答案，评分由考核方在本环境之外完成。\n"
    '_zb_record("{item_id}", "{answer_var}")'
)


def paper_title(paper) -> str:
    """The round in words, never its id: ``2026-principal`` + A ->
    2026年度建筑业企业主要负责人安全生产知识和管理能力考核（A卷）."""
    year = str(paper.round_id).split("-")[0]
    role = _PAPER_ROLES.get(paper.paper, "")
    return f"{year}年度建筑业企业{role}安全生产知识和管理能力考核（{paper.paper}卷）"


def _nbgrader(cell, grade_id: str, *, grade=False, solution=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = float(points)
    cell.metadata["nbgrader"] = meta
    cell.metadata["nbgrader"]["checksum"] = compute_checksum(cell)
    cell.metadata["editable"] = not locked
    cell.metadata["deletable"] = not locked
    return cell


def _header(paper, *, clicks: bool = False) -> str:
    """No identity here: examiners mark blind in formgrader ("Submission #n"; the name only on
    request), so the paper shows no 考生编号 or name. The trainee is known from the file name and
    the notebook metadata (``zhiben.trainee_id``), which formgrader does not display."""
    files = "、".join(f"`{name}`" for name in sorted(paper.data_files)) or "无"
    total = sum(item.points for item in paper.items)
    return (
        f"# {paper_title(paper)}\n\n"
        f"- 试卷：{paper.paper}　满分：{total:g} 分\n"
        f"- 随附数据文件：{files}\n\n"
        + (_CLICK_HELP if clicks else _TYPED_HELP)
    )


_TYPED_HELP = ("作答说明：在每道题下方的答案单元格中给答案变量赋值（按单元格中的示例格式），"
               "不要修改灰色只读单元格。简答题直接在答案单元格中书写。完成后保存并提交本文件。\n")
_CLICK_HELP = ("作答说明：\n\n"
               "1. 试卷打开后自动准备好，每道题下方就是选项，不需要运行任何代码；\n"
               "2. 选择题、判断题、隐患条款题和分级题直接**点击选项**作答；简答题在文本框中直接书写；\n"
               "3. 每次作答后 1 秒内自动保存，工具栏左侧显示“已保存 时:分:秒”；"
               "显示“未保存”时请稍候，或按 Ctrl+S；\n"
               "4. 交卷前点击试卷末尾的“检查作答情况”，确认已作答的题数；"
               "在线考试点工具栏的“交卷”，离线考试按考场要求提交本文件。\n\n"
               "如果题目下方没有出现选项，请刷新页面（离线考试请用随卷的“打开试卷.py”打开试卷）；"
               "仍不出现时，点击菜单“运行 → 运行全部单元格”。\n")

# Cell metadata read by the project's lab plugin (assessments/lab/zhiben-paper/lib/ready.js): the
# notebook's ``zhiben.open_ready`` runs every ``run_on_open`` cell when it opens, ``autosave`` saves
# each change; ``jupyter.source_hidden`` (JupyterLab's own key) keeps code off the screen, ``hidden``
# hides a cell with nothing to show.
_RUN_ON_OPEN = {"run_on_open": True}
_HIDDEN = {"hidden": True}


def _quiet(cell, **flags):
    """A locked cell whose code the trainee does not see (JupyterLab's ``source_hidden``)."""
    cell.metadata["jupyter"] = {"source_hidden": True}
    if flags:
        cell.metadata["zhiben"] = dict(flags)
    return cell


_OPTION_LINE = re.compile(r"^- [A-E]\. .*(?:\n|$)", flags=re.M)


def _shown_prompt(item, number: int, click: bool) -> str:
    """The question as the trainee sees it: numbered 第 n 题, the options only as the widgets; a
    question's kind (**（单选题）** …) joins the number line, a task's own heading too."""
    body = _OPTION_LINE.sub("", item.prompt_md).rstrip() if click else item.prompt_md
    if body.startswith("### "):
        title, _, rest = body[4:].partition("\n")
        title = re.sub(r"（[\d.]+ 分，?", "（", title.strip()).replace("（）", "")
        return f"### 第 {number} 题　{title}（{item.points:g} 分）\n\n{rest.lstrip()}"
    kind = re.match(r"\*\*（(.+?)）\*\* ", body)
    if kind:
        return f"**第 {number} 题（{kind.group(1)}，{item.points:g} 分）** {body[kind.end():]}"
    return f"**第 {number} 题（{item.points:g} 分）** {body}"


def _click_cells(item, spec: dict) -> list:
    answer = _quiet(new_code_cell(f'_zb_answer("{item.item_id}")'), **_RUN_ON_OPEN)
    answer.metadata[SPEC_KEY] = spec
    answer = _nbgrader(answer, answer_cell_id(item.item_id), solution=True)
    answer.metadata["editable"] = False
    answer.metadata["deletable"] = False
    test = _quiet(new_code_cell(_CLICK_TEST.format(item_id=item.item_id)), **_HIDDEN)
    return [answer, _nbgrader(test, test_cell_id(item.item_id), grade=True, locked=True, points=item.points)]


def build_notebook(paper, *, answer_form: str = "click") -> nbformat.NotebookNode:
    """The notebook for one trainee's paper (used both as the per-trainee release and, for the
    template trainee, as the nbgrader source). Deterministic: same paper, same bytes.

    ``answer_form="click"``: choice items are answered with widgets (read back as data);
    ``"typed"``: every item is a Python assignment run in the sandbox (the earlier form)."""
    specs = {i.item_id: {**click_spec(i), "number": n} for n, i in enumerate(paper.items, start=1)
             if answer_form == "click" and i.kind in CLICK_KINDS}
    boxes = {i.item_id: {"item": i.item_id, "kind": "text", "cell": text_cell_id(i.item_id), "number": n}
             for n, i in enumerate(paper.items, start=1) if specs and i.kind == "written"}
    setup = new_code_cell(SETUP_SOURCE + (_embedded({**specs, **boxes}) if specs else ""))
    setup.metadata["jupyter"] = {"source_hidden": True}
    if specs:
        _quiet(setup, **_RUN_ON_OPEN)
    cells = [
        _nbgrader(new_markdown_cell(_header(paper, clicks=bool(specs))), "header", locked=True),
        _nbgrader(setup, "setup", locked=True),
    ]
    for number, item in enumerate(paper.items, start=1):
        prompt = new_markdown_cell(_shown_prompt(item, number, item.item_id in specs))
        prompt.metadata["zhiben"] = {"item": item.item_id, "number": number}
        cells.append(_nbgrader(prompt, f"{item.item_id}-prompt", locked=True))
        if item.item_id in specs:
            cells += _click_cells(item, specs[item.item_id])
            continue
        if item.item_id in boxes:  # typed into a text box (saved with the widgets); the examiner
            # grades the Markdown answer cell below it, which autograde fills with the box's text
            box = _quiet(new_code_cell(f'_zb_answer("{item.item_id}")'), **_RUN_ON_OPEN)
            box.metadata[SPEC_KEY] = boxes[item.item_id]
            cells.append(_nbgrader(box, text_cell_id(item.item_id), locked=True))
            answer = new_markdown_cell(item.answer_template)
            answer.metadata[SPEC_KEY] = {"kind": "written", "template": answer.source, "number": number,
                                         "input": text_cell_id(item.item_id)}
            answer.metadata["zhiben"] = dict(_HIDDEN)
            cells.append(_nbgrader(answer, answer_cell_id(item.item_id), grade=True, solution=True,
                                   points=item.points))
            continue
        if item.kind == "written":
            answer = new_markdown_cell(item.answer_template or "请在此作答。")
            answer.metadata[SPEC_KEY] = {"kind": "written", "template": answer.source, "number": number}
            cells.append(_nbgrader(answer, answer_cell_id(item.item_id), grade=True, solution=True,
                                   points=item.points))
            continue
        answer = new_code_cell(item.answer_template)
        answer.metadata[SPEC_KEY] = {"kind": "code", "template": item.answer_template, "number": number}
        cells.append(_nbgrader(answer, answer_cell_id(item.item_id), solution=True))
        test = new_code_cell(_TEST_TEMPLATE.format(item_id=item.item_id, answer_var=item.answer_var))
        if specs:
            _quiet(test, **_HIDDEN)
        cells.append(_nbgrader(test, test_cell_id(item.item_id), grade=True, locked=True,
                               points=item.points))
    if specs:
        cells.append(_nbgrader(new_markdown_cell("### 提交前检查\n\n"
                                                 "点击下方按钮：统计屏幕上和已保存文件中已作答的题数，"
                                                 "列出未作答和无法读取的题目（不判断对错）。"),
                               "check-prompt", locked=True))
        cells.append(_nbgrader(_quiet(new_code_cell(_CHECK_SOURCE), **_RUN_ON_OPEN), "check", locked=True))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["zhiben"] = {"round_id": paper.round_id, "paper": paper.paper,
                             "trainee_id": paper.trainee_id}
    if specs:  # opens ready and saves every answer at once (the project's lab plugin)
        nb.metadata["zhiben"].update(open_ready=True, autosave=True)
    for index, cell in enumerate(nb.cells):  # stable ids so the file is byte-for-byte reproducible
        cell["id"] = f"{cell.metadata['nbgrader']['grade_id']}-{index:03d}"[:64]
    return nb


def cell_ids(nb) -> list[str]:
    """grade_ids in notebook order (the structure shared by every variant of a paper kind)."""
    return [c.metadata.get("nbgrader", {}).get("grade_id", "") for c in nb.cells]
