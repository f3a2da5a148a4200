"""A learner's lesson reads like a course: it opens ready with no code on screen and no nbgrader
Validate button (the paper's metadata, read by the ``zhiben-paper:open-ready`` lab plugin); the
trainer's version, with all code, is ``zhiben lessons build --trainer`` away."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.course.conftest import COURSE
from zhiben_training.cli import cli
from zhiben_training.errors import ConfigError
from zhiben_training.lessons.build import course_notebooks

NAMES = [lesson.filename for lesson in course_notebooks()]


@pytest.mark.parametrize("name", NAMES)
def test_every_course_notebook_opens_ready_with_no_code_and_no_validate_button(name):
    nb = json.loads((COURSE / name).read_text(encoding="utf-8"))
    assert nb["metadata"]["zhiben"] == {"open_ready": True, "validate": False}
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code
    for cell in code:
        meta = cell["metadata"]
        assert meta["jupyter"]["source_hidden"] is True and meta["zhiben"]["run_on_open"] is True
        assert (meta["editable"], meta["deletable"]) == (False, False)
    for cell in nb["cells"]:
        assert cell["metadata"]["editable"] is False  # a double click shows no Markdown source


def test_the_trainers_version_shows_all_code_and_runs_nothing_on_open(tmp_path):
    result = CliRunner().invoke(cli, ["lessons", "build", "--trainer", "--out", str(tmp_path / "讲师版")])
    assert result.exit_code == 0, result.output
    for name in NAMES:
        nb = json.loads((tmp_path / "讲师版" / name).read_text(encoding="utf-8"))
        assert "zhiben" not in nb["metadata"]
        assert all(cell["metadata"] == {} for cell in nb["cells"])
        learner = json.loads((COURSE / name).read_text(encoding="utf-8"))
        assert [c["source"] for c in nb["cells"]] == [c["source"] for c in learner["cells"]]


def test_the_trainers_version_is_never_written_over_the_learners_course(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["lessons", "build", "--trainer"])
    assert isinstance(result.exception, ConfigError) and "讲师版不能写入 course/" in str(result.exception)
    assert not (tmp_path / "course").exists()


def test_the_self_check_shows_its_score_once_on_the_button_with_no_box_glyph():
    from zhiben_training.lessons import selfcheck

    for name in NAMES:
        nb = json.loads((COURSE / name).read_text(encoding="utf-8"))
        code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
        assert "selfcheck.feedback_html(" not in code  # no second, stale 得分 under the button's fresh one
    items = selfcheck.questions("03")
    page = selfcheck.feedback_html(items, selfcheck.score(items, {}))
    assert "□" not in page and "未作答" in page and "参考答案" not in page.split("作答后显示")[0]


def test_the_drill_feedback_waits_for_an_answer_and_updates_in_place_on_each_pick():
    from zhiben_training.lessons import criteria_drill
    from zhiben_training.lessons.widgets import live

    choices = {}
    drill = criteria_drill.drill_widgets(choices)
    feedback = live(drill, lambda: criteria_drill.drill_feedback_html(choices))
    assert "zhiben-waiting" in feedback.value and "参考条款" not in feedback.value
    first = drill.children[0].children[1]  # scene 1's clause picker
    rows = criteria_drill.score_drill({})
    assert all(r["参考条款"] == "作答后显示" and r["条款原文"] == "" for r in rows)
    first.value = first.options[1][1]
    after = feedback.value
    assert "zhiben-waiting" not in after and after.count("作答后显示") == len(rows) - 1
    first.value = first.options[2][1]
    assert feedback.value != after and first.options[2][1] in feedback.value  # the same widget, new table


def test_the_prediction_table_shows_the_engines_verdict_only_for_answered_scenarios():
    from zhiben_training.lessons import explorer

    rows = explorer.score_predictions({})
    assert {r["规则引擎判定"] for r in rows} == {"作答后显示"} and {r["理由"] for r in rows} == {""}
    key = explorer.explorer_spec()["tasks"][0]["key"]
    answered = explorer.score_predictions({key: "危大"})
    assert answered[0]["规则引擎判定"] in {"一般", "危大", "超规模"}
    assert explorer.prediction_feedback_html({}) is None


def test_the_lowest_closure_district_is_named_only_after_a_pick(lesson_city_env):
    from zhiben_training.lessons import city, ledger

    findings = city.load_lesson_city()["findings"]
    assert ledger.district_feedback_html(findings, None) is None
    answer = ledger.lowest_closure_district(findings)
    assert ledger.district_feedback_html(findings, answer[0]).startswith("<p role='status'>✓ 正确")


def test_the_engines_reasons_read_in_chinese_words_with_no_field_names():
    from zhiben_training.lessons import explorer

    result = explorer.classify(explorer.work_for("excavation", {"depth_m": 5.0}))
    html = explorer.verdict_html(result, "excavation")
    assert "开挖深度 5.0 m" in html and "depth_m" not in html
    rows = explorer.score_predictions({task["key"]: "危大" for task in explorer.explorer_spec()["tasks"]})
    reasons = "".join(r["理由"] for r in rows)
    assert reasons and not __import__("re").search(r"[a-z]+_[a-z_]+ = |work_type", reasons), reasons


def test_a_text_table_keeps_short_columns_and_headers_on_one_line_and_shows_no_index():
    import re

    import pandas as pd

    from zhiben_training.lessons.widgets import text_table

    frame = pd.DataFrame([{"情形": "某住宅地下车库基坑，开挖深度 5.0 m，周边有既有建筑物和地下管线。" * 2,
                           "结果": "不正确", "规则引擎判定": "超规模"}])
    page = text_table(frame).to_html()
    rules: dict[str, str] = {}
    for selectors, props in re.findall(r"([^{}]+)\{([^}]*)\}", page.split("</style>")[0].split(">", 1)[1]):
        for sel in selectors.split(","):
            key = "th" if sel.strip().endswith(" th") else sel.strip().split("_", 2)[-1]
            rules[key] = rules.get(key, "") + props
    assert ("nowrap" not in rules["row0_col0"] and "nowrap" in rules["row0_col1"]
            and "nowrap" in rules["row0_col2"])
    assert "nowrap" in rules["th"] and "row_heading" not in page


def test_the_checklist_counts_update_on_each_tick_without_running_a_cell():
    from zhiben_training.lessons import campaign
    from zhiben_training.lessons.widgets import checklist, checklist_gaps_html, live

    items, choices = campaign.campaign()["asks"], {}
    boxes = checklist(items, choices)
    counts = live(boxes, lambda: checklist_gaps_html(items, choices))
    assert f"已落实 <b>0</b> 项，待落实 <b>{len(items)}</b> 项" in counts.value and "□" not in counts.value
    boxes.children[0].value = True
    assert f"已落实 <b>1</b> 项，待落实 <b>{len(items) - 1}</b> 项" in counts.value


@pytest.mark.parametrize(("fact", "words"), [
    ('works[8].formwork_operation = "removal"', "分部分项工程 9·正在进行的模板作业：模板支架拆除"),
    ('works[9].anti_fall_device = "failed"', "分部分项工程 10·防坠落装置：失效"),
    ("works[10].edge_surcharge_kn_m2 = 35.0", "分部分项工程 11·基坑周边堆载：35 kN/m²"),
])
def test_a_fact_of_the_rules_engine_reads_in_chinese_words(fact, words):
    from zhiben_training.lessons.inspection import fact_cn

    assert fact_cn(fact) == words


def test_the_learners_lab_is_chinese_and_has_no_nbgrader_panels_menu_or_validate(tmp_path, monkeypatch):
    from zhiben_training.lessons.lab import learner_lab

    monkeypatch.setenv("JUPYTER_CONFIG_PATH", "/etc/elsewhere")
    lab = learner_lab(tmp_path)
    config = tmp_path.resolve() / ".zhiben-lab" / "config"
    assert lab.env["JUPYTER_CONFIG_PATH"].split(":") == [str(config), "/etc/elsewhere"]
    disabled = json.loads((config / "labconfig" / "page_config.json")
                          .read_text(encoding="utf-8"))["disabledExtensions"]
    for plugin in ("create-assignment", "formgrader", "course-list", "assignment-list",
                   "validate-assignment", "menu"):
        assert disabled[f"@jupyter/nbgrader:{plugin}"] is True
    settings = tmp_path.resolve() / ".zhiben-lab" / "settings"
    assert lab.args == (f"--LabApp.app_settings_dir={settings}",)
    overrides = json.loads((settings / "overrides.json").read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/translation-extension:plugin"] == {"locale": "zh_CN"}
