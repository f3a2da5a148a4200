"""Records the engine cannot misread (issue 24): a stated “no deformation control value”, a licence
without an expiry date, duplicate keys, devices and FIFOs, future inspection dates, folders as
records, and what a format-1 record leaves undecidable after migration. Each through the real
``zhiben hazards`` command and the library underneath."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hazards.conftest import make_record
from tests.hazards.conftest import work as W
from zhiben_training.cli import main
from zhiben_training.errors import RecordFormatError
from zhiben_training.hazards import judge_record, load_record_file, migrate_record, validate_record

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "record-format.md").read_text(encoding="utf-8")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _write(tmp_path: Path, record: dict | str, name: str = "record.json") -> Path:
    path = tmp_path / name
    path.write_text(record if isinstance(record, str) else json.dumps(record, ensure_ascii=False), "utf-8")
    return path


def _zhiben(capsys, *args: str) -> tuple[int, str, str]:
    """The real ``zhiben`` command in-process: (exit code, stdout, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as stop:
        code = stop.code
    out = capsys.readouterr()
    return code, out.out, out.err


# 1. 5.4.1 where no design deformation control value exists -------------------------------------------------

TRENCH = W("excavation", depth_m=2.8, complex_surroundings=False, supported=False, adjacent_at_risk=False,
           over_excavation_depth_m=0)


def test_an_unsupported_trench_with_nothing_adjacent_can_say_5_4_1_does_not_apply(tmp_path, capsys):
    record = make_record(works=[{**TRENCH, "deformation_limit_applies": False}])
    verdict = judge_record(record)
    assert verdict.outcome == "none" and verdict.undetermined == ()
    code, out, _ = _zhiben(capsys, "hazards", "check", str(_write(tmp_path, record)))
    assert code == 0 and "未发现重大事故隐患" in out


def test_without_the_statement_the_same_trench_stays_undecidable_on_5_4_1():
    assert [u.item_id for u in judge_record(make_record(works=[TRENCH])).undetermined] == ["5.4.1"]


@pytest.mark.parametrize("present", ["supported", "adjacent_at_risk"])
def test_the_statement_is_not_believed_where_a_support_or_an_adjacent_building_exists(present):
    record = make_record(works=[{**TRENCH, present: True, "deformation_limit_applies": False}])
    (item,) = judge_record(record).undetermined
    assert item.item_id == "5.4.1" and any(f"works[0].{present} = true" in n for n in item.notes)


def test_the_statement_needs_supported_and_adjacent_at_risk_written():
    trench = {k: v for k, v in TRENCH.items() if k != "adjacent_at_risk"}
    (item,) = judge_record(make_record(works=[{**trench, "deformation_limit_applies": False}])).undetermined
    assert item.item_id == "5.4.1" and "works[0].adjacent_at_risk" in item.missing


def test_no_control_value_together_with_a_control_value_is_a_format_error(tmp_path, capsys):
    record = make_record(works=[{**TRENCH, "deformation_limit_applies": False, "deformation_limit_mm": 30}])
    with pytest.raises(RecordFormatError) as err:
        validate_record(record)
    assert err.value.field == "works[0].deformation_limit_applies"
    code, _, errout = _zhiben(capsys, "hazards", "check", str(_write(tmp_path, record)))
    assert code == 2 and "矛盾" in errout


# 2. a safety licence held with no expiry date ---------------------------------------------------------------

def test_a_licence_recorded_as_held_without_an_expiry_date_is_unknown_not_valid(tmp_path, capsys):
    record = make_record(enterprise={"safety_licence_held": True})
    (item,) = judge_record(record).undetermined
    assert item.item_id == "4.1" and item.missing == ("enterprise.safety_licence_valid_until",)
    assert any("未写有效期" in n for n in item.notes)
    code, out, _ = _zhiben(capsys, "hazards", "check", str(_write(tmp_path, record)))
    assert code == 4 and "4.1" in out and "未写有效期" in out


def test_a_held_licence_with_a_valid_date_is_still_valid():
    record = make_record(enterprise={"safety_licence_held": True, "safety_licence_valid_until": "2027-01-01"})
    assert judge_record(record).outcome == "none"


# 3. duplicate keys ------------------------------------------------------------------------------------------

def test_a_key_written_twice_is_refused_with_its_path_not_read_last_wins(tmp_path, capsys):
    """``expert_review_held`` false then true used to hide 4.4 and exit 0."""
    pit = W("excavation", depth_m=6, plan_prepared=True, plan_reviewed=True, expert_review_held=False,
            third_party_monitoring=True, over_excavation_depth_m=0, deformation_mm=1, deformation_limit_mm=30)
    text = json.dumps(make_record(works=[pit]), ensure_ascii=False).replace(
        '"expert_review_held": false', '"expert_review_held": false, "expert_review_held": true')
    path = _write(tmp_path, text)
    with pytest.raises(RecordFormatError) as err:
        load_record_file(path)
    assert err.value.field == "works[0].expert_review_held"
    code, out, errout = _zhiben(capsys, "hazards", "check", str(path))
    assert code == 2 and out == ""
    assert "字段 works[0].expert_review_held 在同一对象中出现了 2 次" in errout


def test_a_duplicate_top_level_key_is_named_too(tmp_path):
    text = json.dumps(make_record(), ensure_ascii=False).replace(
        '"record_id": "T-0001"', '"record_id": "T-0001", "record_id": "T-0002"')
    with pytest.raises(RecordFormatError) as err:
        load_record_file(_write(tmp_path, text))
    assert err.value.field == "record_id"


# 4. only regular files, at most the documented size --------------------------------------------------------

_MEMORY_CAP = 1 << 30  # 1 GiB of address space: reading /dev/zero without bound hits it in seconds


def _capped(argv: list[str]) -> subprocess.CompletedProcess:
    """Run in a child whose memory is capped and whose time is bounded: unbounded reading fails, not the
    machine."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (_MEMORY_CAP, _MEMORY_CAP))

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=env, preexec_fn=cap,
                          timeout=120, check=False)


def _not_regular(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / "record.json"
    if kind == "device":
        path.symlink_to("/dev/zero")
    else:
        os.mkfifo(path)
    return path


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_a_device_or_fifo_as_the_record_is_refused_without_reading_it(tmp_path, kind):
    path = _not_regular(tmp_path, kind)
    cli = _capped([sys.executable, "-m", "zhiben_training", "hazards", "check", str(path)])
    assert cli.returncode == 2 and "不是普通文件" in cli.stderr and "Traceback" not in cli.stderr
    library = _capped([sys.executable, "-c",
                       "import sys\nfrom zhiben_training.errors import RecordFormatError\n"
                       "from zhiben_training.hazards import load_record_file\n"
                       "try:\n    load_record_file(sys.argv[1])\nexcept RecordFormatError as err:\n"
                       "    print(err.message)\n", str(path)])
    assert library.returncode == 0 and "不是普通文件" in library.stdout


def test_the_documented_size_limit_is_the_one_enforced():
    from zhiben_training.hazards._reading import MAX_FILE_BYTES

    assert MAX_FILE_BYTES == 5 * 1024 * 1024 and "只读取普通文件" in DOC and "5 MiB（5 242 880 字节" in DOC


# 5. inspection dates after today ----------------------------------------------------------------------------

def test_an_inspection_date_in_the_future_is_refused(tmp_path, capsys):
    """2099 would turn every valid certificate into an expired one."""
    path = _write(tmp_path, make_record(inspection_date="2099-01-01"))
    code, out, errout = _zhiben(capsys, "hazards", "check", str(path))
    assert code == 2 and out == "" and "字段 inspection_date 为 2099-01-01，晚于今天" in errout
    code, _, errout = _zhiben(capsys, "hazards", "migrate", str(path))
    assert code == 2 and "晚于今天" in errout


def test_today_can_be_given_and_the_inspection_day_itself_is_accepted(tmp_path, capsys):
    path = _write(tmp_path, make_record(works=[{**TRENCH, "deformation_limit_applies": False}]))  # 2026-03-15
    code, _, errout = _zhiben(capsys, "hazards", "check", "--today", "2026-03-14", str(path))
    assert code == 2 and "晚于今天（2026-03-14）" in errout
    assert _zhiben(capsys, "hazards", "check", "--today", "2026-03-15", str(path))[0] == 0
    code, _, errout = _zhiben(capsys, "hazards", "check", "--today", "2026-3-14", str(path))
    assert code == 2 and "--today 应为日期" in errout


def test_the_library_refuses_a_future_date_only_against_a_given_today(tmp_path):
    record = make_record()
    validate_record(record)  # no today: a Python record is judged on its own dates
    with pytest.raises(RecordFormatError) as err:
        validate_record(record, today=dt.date(2026, 3, 14))
    assert err.value.field == "inspection_date"
    with pytest.raises(RecordFormatError):
        load_record_file(_write(tmp_path, record), today=dt.date(2026, 3, 14))


# 6. every message about a path is Chinese ------------------------------------------------------------------

@pytest.mark.parametrize("command", ["check", "migrate"])
def test_a_folder_as_the_record_gets_a_chinese_message(tmp_path, capsys, command):
    code, _, errout = _zhiben(capsys, "hazards", command, str(tmp_path))
    assert code == 2 and "是文件夹，不是检查记录文件" in errout
    assert "Invalid value" not in errout and "Usage" not in errout


@pytest.mark.parametrize("command", ["check", "migrate"])
def test_a_missing_record_argument_gets_a_chinese_message(capsys, command):
    code, _, errout = _zhiben(capsys, "hazards", command)
    assert code == 2 and "缺少检查记录文件的路径" in errout and "Missing argument" not in errout


def test_migrate_output_into_a_folder_or_a_missing_folder_gets_a_chinese_message(tmp_path, capsys):
    old = _write(tmp_path, make_record(schema_version="1"), "old.json")
    code, _, errout = _zhiben(capsys, "hazards", "migrate", str(old), "-o", str(tmp_path))
    assert code == 2 and "是文件夹，不能写入" in errout and "Invalid value" not in errout
    code, _, errout = _zhiben(capsys, "hazards", "migrate", str(old), "-o", str(tmp_path / "no" / "new.json"))
    assert code == 2 and "所在文件夹不存在" in errout and "Traceback" not in errout


def test_a_missing_file_gets_a_chinese_message(tmp_path, capsys):
    code, _, errout = _zhiben(capsys, "hazards", "check", str(tmp_path / "none.json"))
    assert code == 2 and "找不到检查记录文件" in errout


@pytest.mark.parametrize(("args", "said"), [
    (["list", "--chapter", "x"], "--chapter 应为整数"),
    (["list", "--chapter", "99"], "--chapter 的值无效：2024 版没有第 99 条的条目"),
    (["list", "--version", "2023"], "--version 应为以下之一：2024、2022"),
    (["show"], "缺少参数 ITEM_ID"),
    (["check", "--bogus", "r.json"], "没有选项 --bogus"),
    (["check", "r.json", "--today"], "选项 --today 缺少取值"),
    (["chek", "r.json"], "没有子命令 chek"),
], ids=["chapter-not-a-number", "chapter-not-in-the-standard", "unknown-version", "item-missing",
        "unknown-option", "today-without-value", "unknown-subcommand"])
def test_every_usage_mistake_under_hazards_is_said_in_chinese(capsys, args, said):
    code, out, errout = _zhiben(capsys, "hazards", *args)
    assert code == 2 and out == "" and said in errout
    assert not re.search(r"Usage:|Error:|Invalid value|No such|Missing", errout)


# 7. what a format-1 record leaves undecidable after migration, and why -----------------------------------

FORMAT_1 = make_record(
    schema_version="1",
    enterprise={"safety_licence_valid": True},
    works=[W("excavation", depth_m=4, complex_surroundings=False, adjacent_at_risk=False,
             heavy_leakage_or_soil_flow=True),
           {**W("formwork_support", plan_prepared=False), "work_id": "W-02"}],
)


def test_migration_lists_each_item_that_became_undecidable_with_a_reason_per_field():
    migration = migrate_record(FORMAT_1)
    gaps = {g.item_id or g.work_id: g for g in migration.undecidable}
    # exactly what the format-2 engine cannot decide on the migrated record
    assert ({u.item_id for u in judge_record(migration.record).undetermined}
            == {g.item_id for g in migration.undecidable} - {None})
    assert {"5.2", "5.4.1", "5.4.2", "4.4", "W-02"} <= set(gaps)
    over = dict(zip(gaps["5.2"].missing, gaps["5.2"].reasons, strict=False))
    assert "第 1 版格式没有这一字段" in over["works[0].over_excavation_depth_m"]
    (handled,) = [r for r in gaps["5.4.2"].reasons if r.startswith("works[0].precursor_handled_in_time")]
    assert "第 1 版格式已有这一字段，本记录未填写" in handled
    assert any("第 1 版把缺尺寸的分部分项工程分为一般" in r for r in gaps["W-02"].reasons)


def test_a_format_2_record_migrates_with_nothing_becoming_undecidable():
    assert migrate_record(make_record(format_version="2", works=[TRENCH])).undecidable == ()


def test_the_migrate_command_prints_the_undecidable_items_per_record(tmp_path, capsys):
    old = _write(tmp_path, FORMAT_1, "old.json")
    code, out, errout = _zhiben(capsys, "hazards", "migrate", str(old), "-o", str(tmp_path / "new.json"))
    assert code == 0 and out == ""
    assert f"迁移后无法判定 {len(migrate_record(FORMAT_1).undecidable)} 项" in errout
    assert "5.2  " in errout and "原因：works[0].over_excavation_depth_m：第 1 版格式没有这一字段" in errout
    assert "W-02  危大工程分级" in errout


def test_the_doc_states_the_real_migration_rule():
    assert "唯一变化" not in DOC
    assert "第 1 版把记录**未写明**的事实当作“未发现”" in DOC and "Migration.undecidable" in DOC
