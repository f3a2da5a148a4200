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

from tests import pg_server, skip_report  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
_PG_RUN_DIR = pytest.StashKey["Path | None"]()
_SKIPPED: list = []  # skipped test reports; in the xdist controller they come from every worker


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

def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/* from this run (see tests/golden.py)")


def pytest_configure(config):
    """Reserve this run's PostgreSQL folder before xdist starts its workers (see tests/pg_server.py)."""
    config.stash[_PG_RUN_DIR] = pg_server.reserve_run_dir()


def pytest_unconfigure(config):
    run_dir = config.stash.get(_PG_RUN_DIR, None)
    if run_dir is not None:
        pg_server.release_run_dir(run_dir)


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        _SKIPPED.append(report)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """Under CI=true a skip not in tests/skip_report.ALLOWED_SKIPS fails the run."""
    if hasattr(session.config, "workerinput") or not skip_report.ci_gate_on():
        return
    if any(not group.allowed_because for group in skip_report.group_skips(_SKIPPED)):
        if exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """A short Chinese summary of every skipped group and why, at the end of every run."""
    if hasattr(config, "workerinput"):
        return
    groups = skip_report.group_skips(_SKIPPED)
    total = sum(group.count for group in groups)
    terminalreporter.section(f"跳过的测试：共 {total} 项" if total else "跳过的测试", sep="=")
    for line in skip_report.summary_lines(groups):
        terminalreporter.write_line(line)
