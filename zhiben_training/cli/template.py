"""``zhiben template people|enterprises|attendance|hours [--out F.xlsx|F.csv]``."""

from __future__ import annotations

from pathlib import Path

import click

from zhiben_training.registry import IMPORT_KINDS, write_template

_NAMES = {"people": "人员", "enterprises": "单位", "attendance": "培训学时", "hours": "继续教育学时"}


@click.command(name="template")
@click.argument("kind", type=click.Choice(IMPORT_KINDS))
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="输出文件（.xlsx 或 .csv，默认“<类型>导入模板.xlsx”）。")
def command(kind: str, out: Path | None) -> None:
    """生成导入模板（中文表头；.xlsx 模板另附“说明”工作表）。"""
    out = out or Path(f"{_NAMES[kind]}导入模板.xlsx")
    if out.suffix.lower() not in {".xlsx", ".csv"}:
        raise click.BadParameter("只支持 .xlsx 或 .csv", param_hint="--out")
    write_template(kind, out)
    click.echo(f"已生成模板：{out}")
