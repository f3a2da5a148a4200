"""Two imports at once never corrupt anything: one waits for the other, or fails cleanly (exit code 3)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from zhiben_training.registry import open_registry

from .conftest import ENTERPRISES
from .filemaker import PEOPLE_HEADER, people_rows, write_file

ROOT = Path(__file__).resolve().parents[2]
ZHIBEN = [sys.executable, "-m", "zhiben_training"]
IMPORT = """
import sys
from pathlib import Path
from zhiben_training.registry import open_registry
open_registry(sys.argv[1]).import_file("people", Path(sys.argv[2]))
"""
HOLD_LOCK = """
import sys, time
from zhiben_training.registry import open_registry
from zhiben_training.registry.store import write_transaction
registry = open_registry(sys.argv[1])
with write_transaction(registry.engine):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _url(registry) -> str:
    return registry.engine.url.render_as_string(hide_password=False)


def _people(url: str) -> int:
    registry = open_registry(url)
    with registry.engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM people")).scalar()
        if registry.engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    registry.close()
    return count


def test_two_imports_at_once_both_land_one_after_the_other(loaded, tmp_path):
    url = _url(loaded)
    loaded.close()
    uscc = ENTERPRISES[0][0]
    first = write_file(tmp_path / "a.csv", PEOPLE_HEADER, people_rows(6000, uscc=uscc, start=100))
    second = write_file(tmp_path / "b.csv", PEOPLE_HEADER, people_rows(6000, uscc=uscc, start=20_000))
    env = {**os.environ, "ZHIBEN_DB_BUSY_TIMEOUT": "60"}
    procs = [subprocess.Popen([sys.executable, "-c", IMPORT, url, str(p)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for p in (first, second)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert _people(url) == 8 + 12_000


def test_an_import_that_cannot_get_the_lock_fails_cleanly_and_changes_nothing(loaded, tmp_path):
    url = _url(loaded)
    loaded.close()
    # held until this test kills the holder (a fixed hold raced the import's start on a loaded machine)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, url, "600"], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        path = write_file(tmp_path / "p.csv", PEOPLE_HEADER,
                          people_rows(50, uscc=ENTERPRISES[0][0], start=100))
        env = {**os.environ, "ZHIBEN_DB_BUSY_TIMEOUT": "0.3"}
        result = subprocess.run(ZHIBEN + ["import", "people", str(path), "--db", url], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=60)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 3, result.stderr
    assert "另一个进程正在写入" in result.stderr and "Traceback" not in result.stderr
    assert _people(url) == 8


def test_an_import_waits_for_another_writer_and_then_lands(loaded, tmp_path):
    import time

    url = _url(loaded)
    loaded.close()
    path = write_file(tmp_path / "p.csv", PEOPLE_HEADER, people_rows(50, uscc=ENTERPRISES[0][0], start=100))
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, url, "3"], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    locked_at = time.monotonic()
    waiter = subprocess.run([sys.executable, "-c", IMPORT, url, str(path)], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env={**os.environ, "ZHIBEN_DB_BUSY_TIMEOUT": "30"})
    assert holder.wait(timeout=30) == 0
    assert waiter.returncode == 0, waiter.stderr
    assert time.monotonic() - locked_at >= 3  # it could only write once the holder committed
    assert _people(url) == 8 + 50
