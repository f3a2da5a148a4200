"""``zhiben db upgrade | load-synth DIR | open-rounds --year 2026 | where``."""

from __future__ import annotations

from pathlib import Path

import click

from ._registry_common import db_option, open_from


@click.group(name="db")
def command() -> None:
    """登记库维护：升级结构、载入合成城市、开设年度培训轮次。"""


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
    from zhiben_training.registry.store import make_engine

    engine = make_engine(db_url)
    click.echo(engine.url.render_as_string(hide_password=True))
    engine.dispose()
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
    """把 zhiben synth 生成的合成城市载入登记库（一个事务）。"""
    registry = open_from(db_url)
    try:
        counts = registry.load_synthetic(directory, replace=replace)
    finally:
        registry.close()
    click.echo("已载入：" + "，".join(f"{name} {n}" for name, n in counts.items()))


@command.command(name="open-rounds")
@click.option("--year", required=True, type=click.IntRange(2000, 2100), help="年度，如 2026。")
@click.option("--required-hours", type=click.FloatRange(min=0), default=None,
              help="每轮要求学时（可配置，非法规；默认取规则文件，特种作业不少于24小时）。")
@click.option("--pass-mark", type=click.FloatRange(0, 100), default=None, help="合格分数线（百分制，可配置，非法规）。")
@db_option
def open_rounds_cmd(year: int, required_hours, pass_mark, db_url: str | None) -> None:
    """为该年度的每类培训对象开设一轮培训（已存在的不变）。"""
    registry = open_from(db_url)
    try:
        created = registry.open_rounds(year=year, required_hours=required_hours, pass_mark=pass_mark)
    finally:
        registry.close()
    click.echo(f"已开设：{'、'.join(created)}" if created else f"{year} 年的培训轮次均已存在。")
