"""The ``zhiben assess`` commands end to end on the real papers of a tiny synthetic city."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from zhiben_training.assess import CourseRoot, assignment_id
from zhiben_training.cli import main

AID, SAFETY_C = assignment_id("2026-principal", "A"), assignment_id("2026-safety", "C")


def test_every_assess_command_has_chinese_help():
    for name in ("generate", "release", "collect", "autograde", "feedback", "export", "import"):
        done = subprocess.run([str(Path(sys.executable).parent / "zhiben"), "assess", name, "--help"],
                              capture_output=True, text=True)
        assert done.returncode == 0 and "Usage" in done.stdout
        assert any("\u4e00" <= ch <= "\u9fff" for ch in done.stdout)


# slow: every assess command in turn on real papers
@pytest.mark.slow
def test_generate_release_collect_autograde_feedback_export_on_real_papers(tmp_path, capsys):
    from zhiben_training.assess.simulate import simulate_submissions
    from zhiben_training.synth import generate_city

    generate_city(scale="tiny", seed=5, out_dir=tmp_path / "city")
    roster = tmp_path / "名单.csv"
    roster.write_text("id,name\nR01,赵一\nR02,钱二\n", encoding="utf-8-sig")
    course = tmp_path / "course"
    common = ["--course", str(course)]
    assert main(["assess", "generate", *common, "--round", "2026-principal", "--paper", "A",
                 "--city", str(tmp_path / "city"), "--trainees", str(roster)]) == 0
    assert main(["assess", "release", *common, "-a", AID]) == 0
    assert sorted(p.name for p in CourseRoot(course).offline_dir(AID).iterdir()) == \
        [f"{AID}-R01.zip", f"{AID}-R02.zip"]
    released = CourseRoot(course).variant_notebook(AID, "R01").read_text(encoding="utf-8")
    record = json.loads(CourseRoot(course).key_file(AID, "R01").read_text(encoding="utf-8"))
    ledger = next(i for i in record["items"] if i["kind"] in ("ledger", "ledger_read"))
    assert json.dumps(ledger["key"], ensure_ascii=False) not in released
    simulate_submissions(course, AID, out_dir=tmp_path / "inbox", seed=1, hostile=0, blank=0)
    (tmp_path / "inbox" / "陌生人.ipynb").write_text("{}", encoding="utf-8")
    capsys.readouterr()
    assert main(["assess", "collect", *common, "-a", AID, "--from", str(tmp_path / "inbox")]) == 0
    out = capsys.readouterr()
    assert out.out.count("SHA-256") == 2 and "拒收 陌生人.ipynb" in out.err
    assert main(["assess", "autograde", *common, "-a", AID, "--timeout", "120"]) == 0
    assert "评分 2 份" in capsys.readouterr().out
    assert main(["assess", "feedback", *common, "-a", AID, "--pass-mark", "60"]) == 0
    assert "不含正确答案，合格分数线 60" in capsys.readouterr().out
    html = CourseRoot(course).feedback_page(AID, "R01").read_text(encoding="utf-8")
    assert "_zb_record" not in html and "第 1 题" in html and "赵一" in html and "合格" in html
    # no registry holds this round: export says so instead of leaving 是否合格 empty
    assert main(["assess", "export", *common, "-a", AID, "--out", str(tmp_path / "成绩.csv")]) == 2
    assert "没有培训轮次 2026-principal" in capsys.readouterr().err and not (tmp_path / "成绩.csv").exists()
    assert main(["assess", "export", *common, "-a", AID, "--out", str(tmp_path / "成绩.csv"),
                 "--pass-mark", "60"]) == 0
    frame = pd.read_csv(tmp_path / "成绩.csv", encoding="utf-8-sig")
    assert sorted(frame["考生编号"]) == ["R01", "R02"]
    assert set(frame["是否合格"]) <= {"合格", "不合格", "待人工评分"} and frame["是否合格"].notna().all()
    assert (frame["得分"] > 0).all() and (frame["满分"] > frame["得分"]).all()


# slow: a synthetic city loaded and a paper generated for each of its trainees (~20 s)
@pytest.mark.slow
def test_generate_takes_the_trainees_of_a_registry_round(tmp_path):
    from zhiben_training.registry import open_registry
    from zhiben_training.synth import generate_city

    generate_city(scale="tiny", seed=6, out_dir=tmp_path / "city")
    url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    registry = open_registry(url)
    registry.load_synthetic(tmp_path / "city")
    roster = registry.roster(round_id="2026-safety")
    course = tmp_path / "course"
    assert main(["assess", "generate", "--course", str(course), "--round", "2026-safety", "--paper", "C",
                 "--city", str(tmp_path / "city"), "--db", url]) == 0
    made = sorted(p.name for p in CourseRoot(course).variants_dir(SAFETY_C).iterdir())
    assert made == sorted(roster["person_id"])
    manifest = json.loads(CourseRoot(course).manifest(SAFETY_C).read_text(encoding="utf-8"))
    first = roster.iloc[0]
    assert manifest["trainees"][first["person_id"]]["name"] == first["name"]
