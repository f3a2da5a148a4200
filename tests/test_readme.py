"""The README's command blocks stay true: every ```bash block runs, in order, in a fresh folder.

```sh blocks (set-up commands such as ``make demo`` and ``make test``) are shown but not run here:
they are what CI itself runs. Each ```bash block runs with ``bash -euo pipefail`` in one temporary
working folder shared by all blocks (so later blocks see what earlier ones made), with the repo's
``docs/`` linked in and the registry pointed at a file in that folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
BLOCK = re.compile(r"^```(bash|sh)\n(.*?)^```", re.S | re.M)


def readme_blocks(kind: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(README.read_text(encoding="utf-8")) if lang == kind]


def test_the_readme_starts_with_the_two_setup_commands():
    first = readme_blocks("sh")[0]
    assert "make demo" in first and "make test" in first


def test_every_user_has_a_section():
    text = README.read_text(encoding="utf-8")
    for heading in ("培训讲师", "自学", "考核人员", "管理员"):
        assert re.search(rf"^##+ .*{heading}", text, re.M), heading


@pytest.mark.slow
def test_readme_bash_blocks_run(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    for shared in ("docs", "course"):  # read-only inputs the README refers to
        (work / shared).symlink_to(REPO / shared)
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env["ZHIBEN_DB_URL"] = f"sqlite:///{work / 'registry.sqlite'}"
    env["ZHIBEN_HOME"] = str(work / "zhiben-home")
    blocks = readme_blocks("bash")
    assert blocks, "README has no runnable bash blocks"
    try:
        for number, body in enumerate(blocks, start=1):
            result = subprocess.run(["bash", "-euo", "pipefail", "-c", body], cwd=work, env=env,
                                    capture_output=True, text=True, timeout=600, check=False)
            assert result.returncode == 0, (
                f"README bash block {number} failed ({result.returncode}):\n{body}\n"
                f"--- stdout ---\n{result.stdout[-3000:]}\n--- stderr ---\n{result.stderr[-3000:]}"
            )
    finally:  # the zhiben db serve block leaves no server behind, also when it failed half-way
        subprocess.run(["zhiben", "db", "serve", "--stop"], cwd=work, env=env, capture_output=True, check=False)
