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
os.environ.pop("ZHIBEN_REPORT_UNIT", None)  # reports leave 报送单位 blank unless a test names one

import pytest  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def artifacts_dir() -> Path:
    """Where tests save screenshots and reports for a human to look at (kept after the run)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """One ``zhiben demo`` run (as ``make demo`` runs it, into ``<work>/demo-out``) shared by the demo
    tests and the README walkthrough: (output folder, completed process)."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("walkthrough") / "demo-out"
    zhiben = Path(sys.executable).parent / "zhiben"
    result = subprocess.run([str(zhiben), "demo", "--out", str(out), "--workers", "2"], cwd=out.parent,
                            capture_output=True, text=True, timeout=1200, check=False)
    return out, result
