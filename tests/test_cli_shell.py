"""The ``zhiben`` shell: every command has Chinese help, and user errors never show a traceback."""

from __future__ import annotations

import re
import subprocess
import sys

import click
import pytest

from zhiben_training.cli import cli, main

HAN = re.compile(r"[\u4e00-\u9fff]")


def _walk(command: click.Command, path: tuple[str, ...] = ()):
    """Every command, through click's own listing (the top group loads its command modules lazily)."""
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            yield from _walk(command.get_command(ctx, name), (*path, name))


ALL_COMMANDS = [p for p, _ in _walk(cli)]


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "zhiben")
def test_every_command_has_chinese_help(path, capsys):
    assert main([*path, "--help"]) == 0
    out = capsys.readouterr().out
    assert HAN.search(out), f"zhiben {' '.join(path)} --help has no Chinese text"


def test_an_unknown_command_is_a_usage_error_not_a_traceback(capsys):
    code = main(["no-such-command"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err


def test_the_console_script_runs_as_a_module():
    result = subprocess.run(
        [sys.executable, "-m", "zhiben_training", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("zhiben ")
