"""A trainee server reaches the Python below a closed folder (pyenv under /root) through its own
mount namespace, sees nothing else there, and no permission on the machine changes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from zhiben_training.hub.passage import closed_to_trainees, enter_passage, passage_plan, server_paths

NOBODY = 65534


@pytest.fixture
def closed_tree():
    """closed/ (0700) holding python/lib/stdlib.py (needed) and secret.txt (not), in a folder
    everyone may pass (pytest's own tmp_path is below a 0700 folder)."""
    base = Path(tempfile.mkdtemp(prefix="zhiben-passage-", dir="/tmp"))
    closed = base / "closed"
    (closed / "python" / "lib").mkdir(parents=True)
    (closed / "python" / "lib" / "stdlib.py").write_text("ok\n")
    (closed / "secret.txt").write_text("root only\n")
    for folder in (base, closed / "python", closed / "python" / "lib"):
        folder.chmod(0o755)
    closed.chmod(0o700)
    yield closed
    shutil.rmtree(base)


def test_the_plan_names_the_outermost_closed_folder_and_each_needed_path_once(closed_tree):
    needed = closed_tree / "python"
    plan = passage_plan([needed, needed / "lib", closed_tree.parent])
    assert plan == {str(closed_tree): [str(needed)]}
    assert closed_to_trainees(needed / "lib" / "stdlib.py") == [closed_tree]
    assert passage_plan([closed_tree.parent]) == {}  # reachable already: no namespace at all


def test_this_python_is_among_what_a_server_needs():
    assert any(sys.base_prefix.startswith(str(path)) or str(path) == os.path.realpath(sys.base_prefix)
               for path in server_paths())


@pytest.mark.hub
@pytest.mark.skipif(os.geteuid() != 0, reason="needs root (a mount namespace, then another user)")
def test_another_user_reads_the_needed_path_and_nothing_else_and_nothing_changes(closed_tree):
    plan = passage_plan([closed_tree / "python", *server_paths()])  # this Python may be below /root too
    mode_before = closed_tree.stat().st_mode

    def as_nobody():
        enter_passage(plan)
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)

    script = ("import os, sys\n"
              f"print(open({str(closed_tree / 'python' / 'lib' / 'stdlib.py')!r}).read().strip())\n"
              f"print(os.listdir({str(closed_tree)!r}))\n"
              f"print(os.path.exists({str(closed_tree / 'secret.txt')!r}))\n")
    result = subprocess.run([sys.executable, "-c", script], preexec_fn=as_nobody, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["ok", "['python']", "False"]
    # outside that process: the folder is as it was, and nobody still cannot enter it
    assert closed_tree.stat().st_mode == mode_before and (closed_tree / "secret.txt").exists()
    denied = subprocess.run(["cat", str(closed_tree / "python" / "lib" / "stdlib.py")], capture_output=True,
                            preexec_fn=lambda: (os.setgroups([]), os.setgid(NOBODY), os.setuid(NOBODY)),
                            check=False)
    assert denied.returncode != 0
