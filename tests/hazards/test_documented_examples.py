"""The example records in docs/examples/records give exactly the answers docs/record-format.md documents."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from zhiben_training.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples" / "records"
EXPECTED = json.loads((EXAMPLES / "expected.json").read_text("utf-8"))
DOC = (ROOT / "docs" / "record-format.md").read_text("utf-8")


def test_there_is_one_example_per_chapter_and_every_file_has_an_answer():
    files = sorted(p.name for p in EXAMPLES.glob("*.json") if p.name != "expected.json")
    assert files == sorted(EXPECTED)
    chapters = {e["chapter"].split(" ")[0] for e in EXPECTED.values()}
    assert {f"第{n}条" for n in "四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七".split()} <= chapters


def _check(args: list[str]) -> int:
    """The real ``zhiben hazards check`` in-process; it exits 1 through SystemExit when hazards are found."""
    try:
        return main(["hazards", "check", *args])
    except SystemExit as stop:
        return stop.code


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_documented_answer_is_what_the_cli_prints(name, capsys):
    expected = EXPECTED[name]
    code = _check(["--json", str(EXAMPLES / name)])
    captured = capsys.readouterr()
    assert code == expected["exit_code"], captured.err
    data = json.loads(captured.out)
    assert data["major_hazard_ids"] == expected["major_hazard_ids"]
    assert data["undetermined_ids"] == expected["undetermined_ids"]
    assert {w["work_id"]: w["level"] for w in data["works"]} == expected["levels"]
    assert [i["verdict"] for i in data["issues"]] == expected.get("issues", [])


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n != "legacy_format1.json"))
def test_every_example_is_written_in_format_2(name):
    record = json.loads((EXAMPLES / name).read_text("utf-8"))
    assert record["format_version"] == "2" and "schema_version" not in record


def test_the_format_1_example_migrates_to_the_same_answer(tmp_path, capsys):
    out = tmp_path / "migrated.json"
    assert main(["hazards", "migrate", str(EXAMPLES / "legacy_format1.json"), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "weather.strong_wind" in err and "wind_force_beaufort" in err
    migrated = json.loads(out.read_text("utf-8"))
    assert migrated["format_version"] == "2" and "schema_version" not in migrated
    assert _check(["--json", str(out)]) == 1
    assert (json.loads(capsys.readouterr().out)["major_hazard_ids"]
            == EXPECTED["legacy_format1.json"]["major_hazard_ids"])


def test_the_console_command_prints_the_documented_table_for_an_example():
    result = subprocess.run([sys.executable, "-m", "zhiben_training", "hazards", "check",
                             str(EXAMPLES / "ch05_excavation.json")],
                            capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 1, result.stderr
    for item in EXPECTED["ch05_excavation.json"]["major_hazard_ids"]:
        assert f"\n{item} " in result.stdout


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_doc_table_states_the_same_answer(name):
    expected = EXPECTED[name]
    row = next(line for line in DOC.splitlines() if line.startswith(f"| `{name}` |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[2] == ("、".join(expected["major_hazard_ids"]) or "无")
    assert cells[3] == ("、".join(expected["undetermined_ids"]) or "—")
    assert cells[5] == str(expected["exit_code"])


def test_every_record_field_is_documented():
    from zhiben_training.hazards import record_schema

    def names(node):
        for name, spec in node.get("properties", {}).items():
            yield name
            yield from names(spec)
            if "items" in spec:
                yield from names(spec["items"])

    missing = sorted({n for n in names(record_schema()) if f"`{n}`" not in DOC})
    assert missing == []


def test_the_overview_example_in_the_doc_is_valid_and_gives_the_stated_answer():
    import re

    from zhiben_training.hazards import classify_works, find_hazards, judge_record

    record = json.loads(re.search(r"```json\n(.+?)\n```", DOC, re.S).group(1))
    assert record["format_version"] == "2"
    assert [c.level for c in classify_works(record)] == ["超规模"]
    assert [f.item_id for f in find_hazards(record)] == ["15.2"]
    assert judge_record(record).undetermined == ()
    assert "W-01 为超规模工程（W1.1.1、W2.1）；发现重大事故隐患 15.2" in DOC

