"""Shared bits of the registry commands: the --db option, masking and plain-text tables."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import TYPE_CHECKING

import click

from zhiben_training.cli._table import render_rows
from zhiben_training.identifiers import mask_id, mask_phone

if TYPE_CHECKING:  # pandas is imported by the commands that build frames, not by --help
    import pandas as pd

ID_COLUMNS = ("person_id", "legal_rep_id")
PHONE_COLUMNS = ("phone",)

db_option = click.option(
    "--db", "db_url", default=None, metavar="URL",
    help="数据库地址（默认取环境变量 ZHIBEN_DB_URL，否则为 ~/.local/share/zhiben/registry.sqlite）。",
)
today_option = click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
    help="按此日期计算状态（YYYY-MM-DD，默认今天）。",
)


def open_from(db_url: str | None):
    from zhiben_training.registry import open_registry

    return open_registry(db_url)


def as_date(value) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def mask_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with ID numbers and phone numbers masked (1201**********123X, 138****1234)."""
    frame = frame.copy()
    for column in ID_COLUMNS:
        if column in frame:
            frame[column] = frame[column].map(lambda v: mask_id(v) if isinstance(v, str) and v else v)
    for column in PHONE_COLUMNS:
        if column in frame:
            frame[column] = frame[column].map(lambda v: mask_phone(v) if isinstance(v, str) and v else v)
    return frame


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def render_table(frame: pd.DataFrame, headers: dict[str, str]) -> str:
    """Aligned plain-text table of the ``headers`` columns (field → Chinese header), CJK-width aware."""
    columns = [c for c in headers if c in frame.columns]
    rows = [[_cell(v) for v in record] for record in frame[columns].itertuples(index=False)]
    return render_rows([headers[c] for c in columns], rows)


def echo_json(frame: pd.DataFrame) -> None:
    records = json.loads(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
    click.echo(json.dumps(records, ensure_ascii=False, indent=2))


def echo_problems(err, *, shown: int = 30) -> None:
    """The per-row report of a refused import, IDs masked (the full list is in the report file)."""
    from zhiben_training.registry import mask_value

    for problem in err.problems[:shown]:
        value = mask_value(problem["column"], problem["value"])
        where = f"第 {problem['row']} 行" if problem["row"] else "文件"
        click.echo(f"{where} 【{problem['column']}】 {value}：{problem['reason']}", err=True)
    if len(err.problems) > shown:
        click.echo(f"……另有 {len(err.problems) - shown} 处问题，见报告文件。", err=True)
