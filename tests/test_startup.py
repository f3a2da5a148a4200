"""Start-up is part of the interface: ``zhiben --help``, each group's ``--help`` and a cheap command
import none of the heavy libraries (a budget on what is imported, read from ``python -X importtime``,
not a timing). A command that needs one imports it inside its function."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from zhiben_training.cli import cli

# top-level packages that cost a second or more to import, or pull in a server or a plotting stack
HEAVY = ("jsonschema", "rfc3987_syntax", "pandas", "sqlalchemy", "nbgrader", "nbconvert", "jupyterlab",
         "jupyter_server", "matplotlib")

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(*args: str) -> set[str]:
    """Every module ``python -m zhiben_training ARGS`` imports (from ``-X importtime`` on stderr)."""
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "zhiben_training", *args],
                            capture_output=True, text=True, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines()
            if line.startswith("import time:") and line.count("|") == 2} - {"package"}


def heavy_among(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_the_import_log_is_read():
    """The parser sees the modules a run imports (else the budget below would pass on nothing)."""
    modules = imported_modules("--version")
    assert {"click", "zhiben_training.cli"} <= modules


def test_zhiben_help_imports_no_heavy_library():
    assert heavy_among(imported_modules("--help")) == []


def test_hazards_show_imports_no_heavy_library():
    assert heavy_among(imported_modules("hazards", "show", "5.4")) == []


def test_a_command_imports_only_its_own_command_module():
    modules = imported_modules("hazards", "show", "5.4")
    cli_modules = sorted(m for m in modules if m.startswith("zhiben_training.cli.")
                         and not m.split(".")[2].startswith("_"))
    assert cli_modules == ["zhiben_training.cli.hazards"]


GROUPS = cli.list_commands(click.Context(cli))


@pytest.mark.parametrize("group", GROUPS)
def test_each_command_help_imports_no_heavy_library(group):
    assert heavy_among(imported_modules(group, "--help")) == []
