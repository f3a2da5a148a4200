"""The README's walkthrough stays true: every section, run in order on the demo's output, works.

```sh blocks (``make demo``, ``make test``, ``make lab``) are shown but not run here: they are what
CI itself runs, and the ``make demo`` run is the session's shared ``demo_run`` (tests/conftest.py),
whose output folder ``demo-out/`` sits in the walkthrough's working folder as it does in the
repository after ``make demo``. Then every ```bash block runs, in README order, with
``bash -euo pipefail`` in that one folder, and what a block exports (``ZHIBEN_DB_URL``) is seen by
the blocks after it — as a user typing them into one terminal. The repo's ``docs/`` and ``course/``
are linked in; the default registry is a file in the test's own ZHIBEN_HOME, never the user's.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reference import REGULATIONS, reference_text

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
BLOCK = re.compile(r"^```(bash|sh)\n(.*?)^```", re.S | re.M)
ENV_FILE = ".readme-env"
# what one block exported, for the next (bash's own bookkeeping variables left out)
_SAVE_ENV = rf"export -p | grep -vE '^declare -x (PWD|OLDPWD|SHLVL|_)=' > {ENV_FILE}"


def readme_blocks(kind: str, text: str | None = None) -> list[str]:
    text = README.read_text(encoding="utf-8") if text is None else text
    return [body for lang, body in BLOCK.findall(text) if lang == kind]


def _english_part() -> str:
    return README.read_text(encoding="utf-8").split("\n# English\n", 1)[1]


def test_the_readme_starts_with_the_two_setup_commands():
    first = readme_blocks("sh")[0]
    assert "make demo" in first and "make test" in first


def test_every_user_has_a_section():
    text = README.read_text(encoding="utf-8")
    for heading in ("培训讲师", "自学", "考核人员", "管理员"):
        assert re.search(rf"^##+ .*{heading}", text, re.M), heading


def test_the_hub_has_a_section_per_role():
    """The online exam and the lesson session: examiner, trainee and trainer each have a section."""
    text = README.read_text(encoding="utf-8").split("\n# English\n", 1)[0]
    for heading in (r"在线考场.*考核人员", r"在线考场.*考生", r"多人培训.*培训讲师"):
        assert re.search(rf"^## {heading}", text, re.M), heading
    assert "zhiben hub start --dir 考场 --check" in text and "zhiben hub start --dir 培训场 --check" in text


def test_the_trainer_shows_session_hours_and_the_self_study_section_shows_the_wheel_and_the_practice():
    text = README.read_text(encoding="utf-8").split("\n# English\n", 1)[0]
    trainer = text.split("## 多人培训课（JupyterHub）：培训讲师", 1)[1]
    assert "zhiben hub hours --course 考核 --dir 培训场 --round 2026-principal --import" in trainer
    assert "配置规则，非法定学时标准" in trainer and "zhiben status" in trainer
    study = text.split("## 自学的安全管理人员", 1)[1].split("\n## ", 1)[0]
    assert ("zhiben lessons open" in study and "--copy-only" in study and "错题本" in study
            and "模拟练习" in study)
    assert "zhiben hub hours" in study  # where a self-studying learner's session hours come from
    assert "计算内核自行运行不算操作" in trainer  # the printed rule says what an action is
    assert "zhiben lessons practice-set --course 考核" in text


def test_the_english_part_runs_the_same_walkthrough_commands():
    """The English part points at the same walkthrough, with the same commands, not a second one."""
    english = _english_part()
    chinese = README.read_text(encoding="utf-8").split("\n# English\n", 1)[0]
    for command in ('export ZHIBEN_DB_URL="sqlite:///$PWD/demo-out/registry.sqlite"',
                    "zhiben assess simulate", "--from 交回的答卷.zip", "zhiben assess answer-sheet",
                    "zhiben report quarterly 2026Q2"):
        assert command in chinese and command in english, command


@pytest.fixture(scope="module")
def walkthrough(demo_run):
    out, result = demo_run
    assert result.returncode == 0, result.stderr[-3000:]
    work = out.parent
    for shared in ("docs", "course"):  # read-only inputs the README refers to
        if not (work / shared).exists():
            (work / shared).symlink_to(REPO / shared)
    env = {k: v for k, v in os.environ.items() if k != "ZHIBEN_DB_URL"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env["ZHIBEN_HOME"] = str(work / "zhiben-home")  # the default registry, were ZHIBEN_DB_URL not set
    return work, env, result.stdout


def _run(work: Path, env: dict, body: str) -> subprocess.CompletedProcess:
    script = f"[ -f {ENV_FILE} ] && source {ENV_FILE}\n{body}\n{_SAVE_ENV}\n"
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=work, env=env,
                          capture_output=True, text=True, timeout=900, check=False)


@pytest.mark.slow
def test_the_readme_walkthrough_runs_in_order_on_the_demo_output(walkthrough):
    work, env, demo_stdout = walkthrough
    blocks = readme_blocks("bash")
    assert blocks, "README has no runnable bash blocks"
    outputs = []
    try:
        for number, body in enumerate(blocks, start=1):
            result = _run(work, env, body)
            assert result.returncode == 0, (
                f"README bash block {number} failed ({result.returncode}):\n{body}\n"
                f"--- stdout ---\n{result.stdout[-3000:]}\n--- stderr ---\n{result.stderr[-3000:]}"
            )
            outputs.append(result.stdout)
    finally:  # the zhiben db serve block leaves no server behind, also when it failed half-way
        subprocess.run(["zhiben", "db", "serve", "--stop"], cwd=work, env=env,
                       capture_output=True, check=False)
    said = "\n".join(outputs)
    # the administrator's commands read the demo's registry, the very line the demo printed
    url = f"sqlite:///{(work / 'demo-out' / 'registry.sqlite').resolve()}"
    assert f"export ZHIBEN_DB_URL={url}" in demo_stdout and url in said
    # status, rosters and the quarterly report found the demo's people
    totals = [int(n) for n in re.findall(r"轮次 2026-principal\s+\S+\s+共 (\d+) 人", said)]
    assert totals and min(totals) > 0
    # the roster names its round in words (2026年度主要负责人安全生产培训), never by its id
    rosters = [int(n) for n in re.findall(r"花名册（2026年度主要负责人[^）]*）共 (\d+) 人", said)]
    assert len(rosters) == 2 and min(rosters) > 0  # the filing and the public (masked) roster
    due = re.search(r"未来 90 天内到期 (\d+) 本", said)
    assert due and int(due.group(1)) > 0
    # the examiner collected the hand-in zip, imported two new results and then one appeal change
    assert "共收取 2 份，拒收 0 份" in said
    assert "新增 0 人，变更 2 人，未变 0 人" in said and "新增 0 人，变更 1 人，未变 1 人" in said
    assert "w01 人工改分 由 8 改为 9" in said
    # the appeal was checked against the trainee's answer sheet: chosen options in words, scores, keys
    assert "作答明细（仅限考核人员）：2026-principal-A" in said and "作答：" in said and "答案：" in said
    assert (work / "作答明细.html").exists()


@pytest.mark.slow
def test_the_walkthrough_left_a_filled_results_csv_and_an_audited_appeal(walkthrough):
    import pandas as pd

    from zhiben_training.registry import open_registry

    work, _, _ = walkthrough
    if not (work / "成绩.csv").exists():
        pytest.skip("runs after the walkthrough test")
    frame = pd.read_csv(work / "成绩.csv", encoding="utf-8-sig", dtype=str)
    assert len(frame) == 2 and set(frame["是否合格"]) <= {"合格", "不合格"}
    with open_registry(f"sqlite:///{work / 'demo-out' / 'registry.sqlite'}") as registry:
        audit = registry.audit_log(entity="assessment_result")
    appeal = audit[audit["reason"].str.startswith("申诉复核改分")]
    assert len(appeal) and appeal["reason"].str.contains("w01 人工改分 由 8 改为 9").all()


def test_the_3_year_an_guan_validity_is_cited_to_article_9_and_marked_unverified():
    """regulations.md 5.1: 第九条 (有效期为3年) is from memory; only 第十条's 延续3年 is verified."""
    reference = reference_text(REGULATIONS)
    assert "**第九条** 安全生产考核合格证书有效期为3年" in reference
    assert "`[from memory, unverified — the 3-year validity is corroborated by 第十条" in reference
    assert "准予证书延续的，证书有效期延续3年。" in reference
    for path in (README, REPO / "docs" / "configuration.md"):
        text = path.read_text(encoding="utf-8")
        mentions = re.findall(r"[^.;。；]*安管\s+validity[^.;。；]*", text)
        assert mentions, path.name
        for sentence in mentions:
            assert "第九条" in sentence and re.search(r"unverified|未核实", sentence), (path.name, sentence)
