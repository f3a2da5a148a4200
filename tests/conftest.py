"""Shared fixtures. Importing this module first points HOME and every Jupyter, IPython and
matplotlib config folder at a temporary folder, so tests never write into the user's home."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_SANDBOX = Path(tempfile.mkdtemp(prefix="zhiben-test-home-"))
for _var, _sub in {
    "HOME": "home",
    "JUPYTER_CONFIG_DIR": "jupyter-config",
    "JUPYTER_DATA_DIR": "jupyter-data",
    "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
    "IPYTHONDIR": "ipython",
    "MPLCONFIGDIR": "matplotlib",
}.items():
    (_SANDBOX / _sub).mkdir(parents=True, exist_ok=True)
    os.environ[_var] = str(_SANDBOX / _sub)
os.environ["JUPYTER_PLATFORM_DIRS"] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.pop("ZHIBEN_DB_URL", None)

import pytest  # noqa: E402

from tests import pg_server  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
_PG_RUN_DIR = pytest.StashKey["Path | None"]()


@pytest.fixture
def artifacts_dir() -> Path:
    """Where tests save screenshots and reports for a human to look at (kept after the run)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def pytest_configure(config):
    """Reserve this run's PostgreSQL folder before xdist starts its workers (see tests/pg_server.py)."""
    config.stash[_PG_RUN_DIR] = pg_server.reserve_run_dir()


def pytest_unconfigure(config):
    run_dir = config.stash.get(_PG_RUN_DIR, None)
    if run_dir is not None:
        pg_server.release_run_dir(run_dir)
