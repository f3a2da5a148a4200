"""``zhiben hazards``: the real command on real files, exit codes 0 / 1 / 2, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hazards.conftest import make_record
from tests.hazards.conftest import work as W
from tests.reference import REGULATIONS, reference_text
from zhiben_training.cli import main

ROOT = Path(__file__).resolve().parents[2]
ZHIBEN = [sys.executable, "-m", "zhiben_training"]


def _write(tmp_path: Path, record, name="record.json") -> Path:
    path = tmp_path / name
    path.write_text(record if isinstance(record, str) else json.dumps(record, ensure_ascii=False), "utf-8")
    return path


def _run(*args: str) -> subprocess.CompletedProcess:
    """The installed console entry point in a fresh process (slow: ~5 s), for exit codes as a shell sees
    them."""
    return subprocess.run([*ZHIBEN, "hazards", *args], capture_output=True, text=True, cwd=ROOT, check=False)


def _check(args: list[str]) -> int:
    """``zhiben hazards check`` in-process; hazards found exit 1 through SystemExit."""
    try:
        return main(["hazards", "check", *args])
    except SystemExit as stop:
        return stop.code


CLEAN_PIT = W("excavation", depth_m=2, complex_surroundings=False, over_excavation_depth_m=0,
              deformation_mm=8, deformation_limit_mm=30)


def test_a_record_without_major_hazards_exits_0(tmp_path, capsys):
    path = _write(tmp_path, make_record(works=[CLEAN_PIT]))
    assert main(["hazards", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "未发现重大事故隐患" in out and "一般" in out


def test_a_record_whose_measurements_are_missing_exits_4_not_0(tmp_path, capsys):
    """No hazard found but 5.2 cannot be decided without the over-excavation depth: exit 4, never 0."""
    pit = {k: v for k, v in CLEAN_PIT.items() if k != "over_excavation_depth_m"}
    path = _write(tmp_path, make_record(works=[pit]))
    with pytest.raises(SystemExit) as stop:
        main(["hazards", "check", str(path)])
    assert stop.value.code == 4
    out = capsys.readouterr().out
    assert "无法判定 1 项" in out and "works[0].over_excavation_depth_m" in out


def test_a_project_outside_the_standards_scope_is_not_judged(tmp_path, capsys):
    path = _write(tmp_path, make_record(project={"type": "公路工程"}, works=[W("excavation", depth_m=6,
                                                                            third_party_monitoring=False)]))
    with pytest.raises(SystemExit) as stop:
        main(["hazards", "check", "--json", str(path)])
    data = json.loads(capsys.readouterr().out)
    assert stop.value.code == 4 and data["applicable"] is False and data["major_hazard_ids"] == []
    assert "第一条、第三条" in data["notes"][0]


def test_a_record_with_a_major_hazard_exits_1_and_prints_a_chinese_table(tmp_path):
    path = _write(tmp_path, make_record(works=[W("excavation", depth_m=5, third_party_monitoring=False)]))
    result = _run("check", str(path))
    assert result.returncode == 1, result.stderr
    assert "发现重大事故隐患 1 项" in result.stdout
    assert "5.3" in result.stdout and "works[0].third_party_monitoring = false" in result.stdout
    assert "超规模" in result.stdout


def test_json_output_lists_works_and_findings(tmp_path, capsys):
    path = _write(tmp_path, make_record(works=[W("excavation", depth_m=5, third_party_monitoring=False)]))
    assert _check(["--json", str(path)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["major_hazard_ids"] == ["5.3"]
    assert data["works"][0]["level"] == "超规模"
    assert data["findings"][0]["text"] == "深基坑、高边坡（一级、二级）施工未进行第三方监测；"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (json.dumps(make_record(works=[W("excavation", depth_m="五米")]), ensure_ascii=False),
         "字段 works[0].depth_m 应为数字"),
        ('{"record_id": "x",', "不是有效的 JSON：第 1 行"),
        ("[]", "检查记录应为 JSON 对象"),
    ],
    ids=["wrong type", "invalid JSON", "not an object"],
)
def test_a_malformed_record_exits_2_with_a_chinese_error_and_no_traceback(tmp_path, content, expected,
                                                                          capsys):
    assert _check([str(_write(tmp_path, content))]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "Traceback" not in err


def test_a_missing_file_exits_2_in_a_real_shell_with_a_chinese_error(tmp_path):
    result = _run("check", str(tmp_path / "nope.json"))
    assert result.returncode == 2
    assert "找不到检查记录文件" in result.stderr and "Traceback" not in result.stderr


def test_list_shows_all_53_items_and_filters_by_chapter(capsys):
    assert main(["hazards", "list", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert len([i for i in items if i["parent_id"] is None]) == 53
    assert main(["hazards", "list", "--chapter", "5"]) == 0
    out = capsys.readouterr().out
    assert "5.4.4" in out and "6.1" not in out


def test_list_of_the_repealed_version_says_so(capsys):
    assert main(["hazards", "list", "--version", "2022"]) == 0
    assert "已废止" in capsys.readouterr().out


def test_show_prints_the_item_with_its_sub_items_and_source(capsys):
    assert main(["hazards", "show", "5.4"]) == 0
    out = capsys.readouterr().out
    assert "有下列基坑、边坡坍塌风险预兆之一，且未及时处理：" in out
    assert "5.4.3  基坑底部出现管涌或突涌；" in out
    assert "建质规〔2024〕5号" in out


def test_show_of_an_unknown_item_suggests_one(capsys):
    assert main(["hazards", "show", "5.9"]) == 2
    err = capsys.readouterr().err
    assert "没有条目 “5.9”" in err


def test_the_text_output_labels_every_unverified_scope_and_the_level_resting_on_it(tmp_path, capsys):
    """regulations.md 2.2: W2.6 and W2.3.2 are "from memory"; the JSON says so, and so must the text."""
    reference = reference_text(REGULATIONS)
    assert ("| W2.6 | 六、暗挖工程：采用矿山法、盾构法、顶管法施工的隧道、洞室工程。"
            " | from memory (same wording as W1.6) |" in reference)
    assert "| W1.6 | 六、暗挖工程：采用矿山法、盾构法、顶管法施工的隧道、洞室工程。 | ✔ |" in reference
    assert "起重机械安装和拆卸工程。 | from memory |" in reference
    crane = {**W("crane_installation", crane_capacity_kn=400), "work_id": "W-02"}
    path = _write(tmp_path, make_record(works=[W("tunnel", tunnel_method="shield"), crane]))
    _check([str(path)])
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith("W-0")}
    assert "超规模（未核实）" in rows["W-01"] and "W1.6、W2.6（未核实）" in rows["W-01"]
    assert "超规模（未核实）" in rows["W-02"] and "W1.3.3、W2.3.2（未核实）" in rows["W-02"]


def test_a_level_resting_on_verified_scopes_carries_no_unverified_label(tmp_path, capsys):
    path = _write(tmp_path, make_record(works=[W("excavation", depth_m=6)]))
    _check([str(path)])
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("W-01"))
    assert "未核实" not in row and "W1.1.1、W2.1" in row
