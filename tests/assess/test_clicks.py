"""Click answers read as data: the saved widget state is the answer, checked strictly; nothing
runs for click items; the trainee's check and Validate count answered items honestly."""

from __future__ import annotations

import copy
import json
import shutil

import pytest

from tests.assess import standin
from tests.assess.conftest import AID, ROUND, TRAINEES, hand_in, paper_of, run_autograde, scores, variant
from zhiben_training.assess.exchange import variants
from zhiben_training.assess.exchange.handin import collect
from zhiben_training.assess.grading.submission import click_specs, load_submission, make_plan, read_clicks
from zhiben_training.assess.papers.answer_state import STATE_MIME, check_paper, check_text
from zhiben_training.assess.papers.validate import ZhibenValidator
from zhiben_training.assess.simulate import click


@pytest.fixture(scope="module")
def _click_template(tmp_path_factory):
    root = tmp_path_factory.mktemp("clicks") / "course"
    variants.generate(root, round_id=ROUND, paper="A", trainees=TRAINEES, city_dir=root.parent / "city",
                     base_seed=7, build=standin.build_paper)
    return root


@pytest.fixture
def click_course(_click_template, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(_click_template, root)
    return root


def _answer(root, trainee, values: dict, code: dict | None = None):
    """The trainee's variant with items clicked (item -> value) and code cells filled (item -> source)."""
    nb = variant(root, trainee)
    specs = click_specs(nb)
    for item, value in values.items():
        click(nb, specs[f"{item}-answer"], value)
    for cell in nb.cells:
        gid = cell.metadata["nbgrader"]["grade_id"]
        if gid.endswith("-answer") and gid[:-7] in (code or {}):
            cell.source = code[gid[:-7]]
    return nb


def _keys(root, trainee):
    return {i.item_id: i for i in paper_of(root, trainee).items}


def _full(root, trainee):
    key = _keys(root, trainee)
    values = {"k01": key["k01"].key, "k02": list(key["k02"].key), "k03": key["k03"].key,
              "t01": list(key["t01"].key)}
    code = {"t02": f"answer_t02 = {key['t02'].key!r}", "w01": "主要负责人对本单位安全生产工作全面负责。"}
    return values, code


def test_check_counts_blank_half_and_complete(click_course, tmp_path):
    blank = variant(click_course, "T001")
    values, code = _full(click_course, "T001")
    half = _answer(click_course, "T001", {"k01": values["k01"], "k03": values["k03"]}, {"t02": code["t02"]})
    full = _answer(click_course, "T001", values, code)
    reports = [check_paper(json.loads(json.dumps(nb))) for nb in (blank, half, full)]
    assert [len(r["answered"]) for r in reports] == [0, 3, 6]
    assert all(r["total"] == 6 for r in reports)
    assert reports[1]["missing"] == ["k02", "t01", "w01"]
    text = check_text(reports[1])
    assert text.startswith("已作答 3 / 6 题") and "未作答：第 2 题、第 4 题、第 6 题" in text
    assert "正确" not in text.replace("不判断对错", "") and "Success" not in text
    validator = ZhibenValidator()
    for nb, name in ((blank, "blank"), (half, "half"), (full, "full")):
        path = tmp_path / f"{name}.ipynb"
        path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
        result = validator.validate(str(path))
        if name == "full":
            assert result == {}
        else:
            assert result["failed"][0]["source"].startswith(f"已作答 {0 if name == 'blank' else 3} / 6 题")


def test_clicks_are_read_as_data_and_graded_without_a_kernel(click_course, scorer):
    values, code = _full(click_course, "T001")
    inbox = click_course.parent / "inbox"
    hand_in(inbox, "T001", _answer(click_course, "T001", values))  # clicks only: no code item answered
    other, _ = _full(click_course, "T002")
    wrong = {"k01": next(c for c in "ABCD" if c != other["k01"]), "k02": ["E"], "k03": not other["k03"]}
    hand_in(inbox, "T002", _answer(click_course, "T002", wrong))
    collect(click_course, AID, source=inbox)
    data = (click_course / "submitted" / "T001" / AID / "paper.ipynb").read_bytes()
    plan = make_plan(variant(click_course, "T001"), *load_submission(data))
    assert plan.steps == []  # nothing to run, so no kernel starts
    run_autograde(click_course, scorer)
    got = scores(click_course)
    assert got["T001"]["k01-test"] == 2.0 and got["T001"]["k02-test"] == 2.0 \
        and got["T001"]["k03-test"] == 1.0
    assert got["T001"]["t01-test"] == 4.0 and got["T001"]["t02-test"] == 0.0  # t02 (code) not answered
    assert got["T002"]["k01-test"] == 0.0 and got["T002"]["k03-test"] == 0.0


@pytest.mark.parametrize("attack", ["labels", "duplicate", "index", "hidden", "type"])
def test_tampered_widget_state_is_unanswered(click_course, attack):
    key = _keys(click_course, "T001")["k01"].key
    nb = json.loads(json.dumps(_answer(click_course, "T001", {"k01": key})))
    models = nb["metadata"]["widgets"][STATE_MIME]["state"]
    radio = next(m for m in models.values() if "zb-k01" in m["state"].get("_dom_classes", []))
    if attack == "labels":
        radio["state"]["_options_labels"] = [key] * 4
    elif attack == "duplicate":
        models["f" * 32] = copy.deepcopy(radio)
        root = next(m for m in models.values() if "zb-answer" in m["state"].get("_dom_classes", [])
                    and any(c[10:] in models and models[c[10:]] is radio for c in m["state"]["children"]))
        root["state"]["children"].append("IPY_MODEL_" + "f" * 32)
    elif attack == "index":
        radio["state"]["index"] = 7
    elif attack == "hidden":  # a model tagged zb-k01 that the answer cell does not show is ignored
        for cell in nb["cells"]:
            if cell["metadata"]["nbgrader"]["grade_id"] == "k01-answer":
                cell["outputs"] = []
        models["e" * 32] = copy.deepcopy(radio)
    else:
        radio["state"]["index"] = True
    answered, value, reason = read_clicks(variant(click_course, "T001"), json.dumps(nb).encode())["k01-test"]
    assert (answered, value) == (False, None) and reason


def test_unreadable_files_read_as_unanswered(click_course):
    for data in (b"", b"\xff\xfe", b"[]", b'{"cells": "x", "metadata": {"widgets": 5}}'):
        got = read_clicks(variant(click_course, "T001"), data)
        assert set(got) == {"k01-test", "k02-test", "k03-test", "t01-test"}
        assert all(not answered for answered, _, _ in got.values())


def test_widgets_on_screen_read_back_as_clicked():
    """The real ipywidgets of the paper, clicked, read back by the grader's reader."""
    from zhiben_training.assess.papers import _widgets as pw
    from zhiben_training.assess.papers.answer_state import answer_cells, read_item

    pw.SPECS.update({
        "k01": {"item": "k01", "kind": "single", "values": ["A", "B"], "labels": ["A. 甲", "B. 乙"]},
        "k02": {"item": "k02", "kind": "multiple", "values": ["A", "B", "C"],
                "labels": ["A. 甲", "B. 乙", "C. 丙"]},
        "k03": {"item": "k03", "kind": "truefalse"},
        "t02": {"item": "t02", "kind": "classify_works", "works": ["W1", "W2"]},
        "w01": {"item": "w01", "kind": "text", "cell": "w01-text"}})
    for item in pw.SPECS:
        pw.answer_widget(item)

    def read():
        live = pw._live_notebook()
        cells = answer_cells(live)
        return {i: read_item(live, cells[pw._cell_id(pw.SPECS[i])], pw.SPECS[i])[:2] for i in pw.SPECS}

    assert all(v == (False, None) for v in read().values())
    pw._live["k01"].children[0].index = 1
    boxes = pw._live["k02"].children[0].children  # short options: two to a row, in a grid
    boxes[0].value = boxes[2].value = True
    pw._live["k03"].children[0].index = 1
    pw._live["t02"].children[0].children[1].index = 2
    pw._live["t02"].children[0].children[2].index = 1
    assert pw._live["w01"].children[0].placeholder == ""  # a plain box: nothing inside the answer
    pw._live["w01"].children[0].value = "每月自查一次。"
    assert read() == {"k01": (True, "B"), "k02": (True, ["A", "C"]), "k03": (True, False),
                      "t02": (True, {"W1": {"level": "超规模", "requirement": "组织专家论证"}}),
                      "w01": (True, "每月自查一次。")}
    pw.answer_widget("k01")  # a re-run closes the old widgets: one answer stays on screen
    assert read()["k01"] == (False, None)
    pw.SPECS.clear()
    pw._live.clear()


def test_offline_zip_carries_the_lab_plugin_and_the_trainee_settings(click_course):
    """Widget state saved, Chinese display language, the paper's lab plugin (opens ready, saves each
    answer) and the trainee's hidden panels travel in the zip, found by the launcher's variables, all
    in one dot-folder that the lab's file browser does not list."""
    import zipfile

    from zhiben_training.assess.exchange.variants import OFFLINE_SETTINGS, TRAINEE_DISABLED, lab_plugin_dir

    with zipfile.ZipFile(variants.release(click_course, AID)[0]) as zf:
        names = sorted(zf.namelist())
        top = sorted({n.split("/")[1] for n in names})
        settings = json.loads(zf.read(f"{AID}-T001/{OFFLINE_SETTINGS}/jupyterlab-settings/"
                                      "@jupyter-widgets/jupyterlab-manager/"
                                      "plugin.jupyterlab-settings"))
        locale = json.loads(zf.read(f"{AID}-T001/{OFFLINE_SETTINGS}/jupyterlab-settings/"
                                    "@jupyterlab/translation-extension/"
                                    "plugin.jupyterlab-settings"))
        page = json.loads(zf.read(f"{AID}-T001/{OFFLINE_SETTINGS}/jupyter-config/labconfig/page_config.json"))
        plugin = json.loads(zf.read(f"{AID}-T001/{OFFLINE_SETTINGS}/jupyter-data/labextensions/"
                                    "zhiben-paper/package.json"))
        launcher = zf.read(f"{AID}-T001/打开试卷.py").decode()
    assert f"{AID}-T001/打开试卷.py" in names and f"{AID}-T001/{AID}-T001.ipynb" in names
    assert settings == {"saveState": True} and locale == {"locale": "zh_CN"}
    assert page == {"disabledExtensions": TRAINEE_DISABLED} \
        and "@jupyterlab/debugger-extension" in TRAINEE_DISABLED
    assert plugin == json.loads((lab_plugin_dir() / "package.json").read_text())
    assert all(f"{AID}-T001/{OFFLINE_SETTINGS}/jupyter-data/labextensions/"
               f"zhiben-paper/static/{f.name}" in names
               for f in (lab_plugin_dir() / "static").iterdir())
    assert '"JUPYTER_PATH", ".zhiben/jupyter-data"' in launcher \
        and '"JUPYTER_CONFIG_PATH", ".zhiben/jupyter-config"' in launcher
    assert OFFLINE_SETTINGS == ".zhiben" \
        and top == [".zhiben", f"{AID}-T001.ipynb", "使用说明.txt", "打开试卷.py", "隐患台账.csv"]


def test_feedback_is_readable_and_shows_answers_only_on_request(click_course, scorer):
    from zhiben_training.assess.results.feedback import write_feedback

    values, code = _full(click_course, "T001")
    inbox = click_course.parent / "inbox"
    hand_in(inbox, "T001",
            _answer(click_course, "T001", {**values, "k01": next(c for c in "ABCD" if c != values["k01"])}))
    collect(click_course, AID, source=inbox)
    run_autograde(click_course, scorer)
    [path] = write_feedback(click_course, AID, pass_mark=60.0)
    text = path.read_text(encoding="utf-8")
    assert "张三" in text and "考生编号" in text and "总分" in text and "不合格" in text \
        and "考核日期" in text
    assert "<li>" in text and "### " not in text and "@font-face" in text  # Markdown rendered, font embedded
    assert "你的答案" in text and "<b>正确答案</b>" not in text and "应为" not in text \
        and "No response" not in text
    [path] = write_feedback(click_course, AID, pass_mark=15.0, show_answers=True)
    text = path.read_text(encoding="utf-8")
    assert "<b>正确答案</b>" in text and "合格" in text and "不合格" not in text


def test_the_hazard_task_reads_no_hazard_and_refuses_a_contradiction(click_course):
    from zhiben_training.assess.papers.answer_state import read_item

    nb = variant(click_course, "T001")
    spec = click_specs(nb)["t01-answer"]
    assert spec["values"][-1] == "none" and "4.1" in spec["values"] and len(spec["values"]) == 57 + 1
    assert all(label.startswith(value)
               for value, label in zip(spec["values"][:-1], spec["labels"][:-1], strict=True))
    click(nb, spec, [])  # only "本现场没有重大事故隐患" ticked
    raw = json.loads(json.dumps(nb))
    cell = next(c for c in raw["cells"] if c["metadata"]["nbgrader"]["grade_id"] == "t01-answer")
    assert read_item(raw, cell, spec) == (True, [], "")
    for model in raw["metadata"]["widgets"][STATE_MIME]["state"].values():
        if "zb-t01-5.3" in model["state"].get("_dom_classes", []):
            model["state"]["value"] = True  # and an item as well
    ok, value, reason = read_item(raw, cell, spec)
    assert not ok and value is None and "既勾选了" in reason and "5.3" in reason
    assert check_paper(raw)["unreadable"][0][0] == "t01"
