"""The ``zhiben`` command: a thin shell over the library.

Each command group lives in its own module in this package and exposes ``command`` (a click
command or group) named as the module (``imports`` is ``import``, a Python keyword). Groups are
discovered here, so adding one never touches this file, and a group's module is imported only when
that command (or the command list in ``--help``) needs it: start-up is part of the interface, and
tests/test_startup.py pins what ``zhiben --help`` and a cheap command may import. User errors
(``ZhibenError``) become a Chinese message and an exit code here, in one place.
"""

from __future__ import annotations

import pkgutil
import sys

import click

from zhiben_training import __version__
from zhiben_training.errors import ZhibenError

__all__ = ["cli", "main", "run"]

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# module name -> command name, where the command's name is not a valid module name
_COMMAND_NAMES = {"imports": "import"}


class _LazyGroup(click.Group):
    """The top-level group: lists the command modules without importing them, imports one on use."""

    def _modules(self) -> dict[str, str]:
        names = (m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
        return {_COMMAND_NAMES.get(name, name): name for name in names}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._modules()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        module_name = self._modules().get(cmd_name)
        if module_name is None:
            return None
        # __import__ rather than importlib.import_module: -X importtime logs only the former
        command = __import__(f"{__name__}.{module_name}", fromlist=["command"]).command
        if command.name != cmd_name:  # a developer's slip, not a user's: say which module to fix
            raise RuntimeError(f"cli/{module_name}.py names its command {command.name!r}, not {cmd_name!r}")
        self.add_command(command)
        return command


@click.group(cls=_LazyGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="zhiben", message="%(prog)s %(version)s")
def cli() -> None:
    """治本攻坚三年行动（2024–2026）安全培训与考核工具包。

    面向培训讲师、自学的安全管理人员、考核人员和管理员。每个子命令都有 --help。
    """


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; map ``ZhibenError`` to its exit code with a Chinese message, no traceback."""
    try:
        returned = cli.main(args=argv, prog_name="zhiben", standalone_mode=False)
    except ZhibenError as err:
        click.echo(f"错误：{err}", err=True)
        return err.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("已中止。", err=True)
        return 130
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    # with standalone_mode=False click returns ctx.exit(code)'s code instead of raising
    return returned if isinstance(returned, int) else 0


def run() -> None:  # pragma: no cover - console entry
    sys.exit(main())
