"""The ``zhiben`` command: a thin shell over the library.

Each command group lives in its own module in this package and exposes ``command`` (a click
command or group). Groups are discovered here, so adding one never touches this file. User
errors (``ZhibenError``) become a Chinese message and an exit code here, in one place.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from zhiben_training import __version__
from zhiben_training.errors import ZhibenError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="zhiben", message="%(prog)s %(version)s")
def cli() -> None:
    """治本攻坚三年行动（2024–2026）安全培训与考核工具包。

    面向培训讲师、自学的安全管理人员、考核人员和管理员。每个子命令都有 --help。
    """


def _register_groups() -> None:
    package = importlib.import_module(__name__)
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        command = getattr(module, "command", None)
        if command is not None:
            cli.add_command(command)


_register_groups()


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
