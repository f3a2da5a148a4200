"""A real import killed with SIGKILL at any moment leaves the database as before or after, never between.

A child process imports 15,000 people (three write chunks) and reports its stages ("read", "validated",
"chunk:N", "written" — the last write, before the commit — and "done", after it); at the stage under test
it waits, so the SIGKILL lands exactly there and each stage has one right answer; then integrity and
counts are checked.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from zhiben_training.registry import open_registry

from .conftest import ENTERPRISES
from .filemaker import PEOPLE_HEADER, people_rows, write_file

# slow: an import process killed at each stage, six child processes (~22 s)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
N = 15_000
CHILD = """
import sys
from pathlib import Path
from zhiben_training.registry import open_registry

def report(stage):
    print(stage, flush=True)
    if stage == sys.argv[3]:  # hold here until killed
        sys.stdin.readline()

registry = open_registry(sys.argv[1])
registry.import_file("people", Path(sys.argv[2]), on_progress=report)
report("done")
"""


@pytest.fixture(scope="module")
def big_people_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crash")
    return write_file(folder / "people.csv", PEOPLE_HEADER, people_rows(N, uscc=ENTERPRISES[0][0], start=100))


def _start(db_url: str, path: Path, *, hold_at: str = "") -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, db_url, str(path), hold_at], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _kill_at(proc: subprocess.Popen, stage: str) -> list[str]:
    seen = []
    for line in proc.stdout:
        seen.append(line.strip())
        if line.strip() == stage:
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=60)
    return seen


def _count_and_check(db_url: str) -> int:
    registry = open_registry(db_url)
    with registry.engine.connect() as conn:
        if registry.engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        count = conn.execute(text("SELECT count(*) FROM people")).scalar()
    registry.close()
    return count


@pytest.mark.parametrize("stage", ["read", "validated", "chunk:0", "chunk:1", "written", "done"])
def test_an_import_killed_at_a_stage_leaves_before_or_after(loaded, big_people_file, stage):
    url = loaded.url if "postgresql" not in loaded.url \
        else loaded.engine.url.render_as_string(hide_password=False)
    loaded.close()
    proc = _start(url, big_people_file, hold_at=stage)
    seen = _kill_at(proc, stage)
    assert proc.returncode == -signal.SIGKILL, (seen, proc.stderr.read())
    count = _count_and_check(url)
    # nothing is committed before the last write; everything once the import has returned
    assert count == (8 + N if stage == "done" else 8), seen
    if stage != "chunk:1":
        return
    # the database is still usable: the same import now completes
    finished = _start(url, big_people_file)
    assert finished.wait(timeout=120) == 0, finished.stderr.read()
    assert _count_and_check(url) == 8 + N
