"""A safety manager gets the course like any Python tool: the built wheel, installed in a fresh venv,
puts the lessons and the practice into the learner's folder (`zhiben lessons open --copy-only`), and a
lesson executes there with the wheel's own package.

The venv borrows the dependencies of the running environment through a ``.pth`` line (nothing is
downloaded but the build backend, which pip takes from its cache); ``zhiben_training`` itself comes
only from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from zhiben_training.assess.papers import load_bank
from zhiben_training.lessons.build import course_notebooks
from zhiben_training.lessons.practice import PRACTICE_FILE, write_practice_set

# slow: builds the wheel, installs it in a fresh venv and runs a lesson there (~15 s)
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def _run(argv: list, *, env: dict, timeout: float = 600, cwd: Path | None = None) -> str:
    done = subprocess.run([str(a) for a in argv], capture_output=True, text=True, env=env, timeout=timeout,
                          cwd=cwd, check=False)
    assert done.returncode == 0, f"{argv}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory) -> tuple[Path, dict]:
    """A fresh venv with only the built wheel installed (its dependencies borrowed)."""
    root = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    source = root / "src"  # a copy of the tracked files, so the build leaves the checkout untouched
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", root / "dist", source], env=env)
    wheel = next((root / "dist").glob("zhiben_training-*.whl"))
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], env=env)
    python = venv / "bin" / "python"
    purelib = _run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], env=env).strip()
    Path(purelib, "borrowed-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel], env=env)
    env = dict(env, PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}", HOME=str(root / "home"),
               ZHIBEN_HOME=str(root / "zhiben-home"))
    return venv, env


def test_the_wheel_copies_the_course_into_the_learners_folder_and_a_lesson_executes_there(wheel_venv,
                                                                                          tmp_path):
    venv, env = wheel_venv
    python = venv / "bin" / "python"
    where = _run([python, "-c", "import zhiben_training; print(zhiben_training.__file__)"],
                 env=env, cwd=tmp_path)
    assert where.startswith(str(venv)), where  # the wheel's package, not the checkout's
    exported = tmp_path / "导出" / PRACTICE_FILE
    write_practice_set(load_bank(), set(), path=exported, source="测试")
    folder = tmp_path / "安全培训"
    out = _run([venv / "bin" / "zhiben", "lessons", "open", folder, "--copy-only",
                "--practice-set", exported], env=env, cwd=tmp_path)
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([n.filename for n in course_notebooks()] + [PRACTICE_FILE])
    for lesson in course_notebooks():  # the same bytes as the committed course/
        assert (folder / lesson.filename).read_bytes() == (REPO / "course" / lesson.filename).read_bytes()
    assert "已复制 9 个文件" in out
    execute = textwrap.dedent("""
        import sys, nbformat
        from nbclient import NotebookClient
        path = sys.argv[1]
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell("import zhiben_training; print('包位置', zhiben_training.__file__)"))
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}).execute()
        print(nb.cells[-1].outputs[0]["text"])
        print(sum(len(c.get("outputs", [])) for c in nb.cells))
    """)  # noqa: E501 - two lines of the script run by ``python -c``: a string, not breakable
    for name in ("01_三年行动导读.ipynb", "08_模拟练习.ipynb"):
        shown = _run([python, "-c", execute, folder / name, folder], env=env, cwd=folder).splitlines()
        assert shown[0].startswith(f"包位置 {venv}") and int(shown[-1]) > 1, shown
    # the learner's own work stays: a second open keeps a changed lesson and says so
    (folder / "01_三年行动导读.ipynb").write_text(json.dumps({"我的笔记": 1}), encoding="utf-8")
    again = _run([venv / "bin" / "zhiben", "lessons", "open", folder, "--copy-only"], env=env, cwd=tmp_path)
    assert "保留了你的 01_三年行动导读.ipynb" in again
    assert json.loads((folder / "01_三年行动导读.ipynb").read_text(encoding="utf-8")) == {"我的笔记": 1}
