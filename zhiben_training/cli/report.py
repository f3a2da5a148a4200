"""``zhiben report …``: rosters and periodic reports to regulators, read from the registry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from zhiben_training.cli._registry_common import db_option as _db_option
from zhiben_training.cli._registry_common import open_from

_out_option = click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("reports-out"),
    show_default=True, help="输出文件夹；文件夹中的 MANIFEST.sha256 会同步更新。",
)

_today_option = click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
    help="数据截至日期，也是表中的生成日期（YYYY-MM-DD，默认今天）；统计期间未结束时，逾期、在改等“期末”数字按此日计算。",
)
_unit_option = click.option(
    "--unit", default=None, envvar="ZHIBEN_REPORT_UNIT", metavar="单位名称",
    help="报送单位（写入标题下方、页眉和签章栏），如“天津市和平区住房和城乡建设委员会”；"
         "默认取环境变量 ZHIBEN_REPORT_UNIT，都没有时留空待手填。",
)


def _done(paths: list[Path], out_dir: Path) -> None:
    from zhiben_training.reports import MANIFEST_NAME

    for path in paths:
        click.echo(f"已写出：{path}")
    click.echo(f"校验清单：{out_dir / MANIFEST_NAME}（可用 sha256sum -c {MANIFEST_NAME} 核对）")


@click.group("report")
def command() -> None:
    """向主管部门报送的材料：培训考核花名册、季度/年度报告、三年行动自评报告。

    报送时间按《天津市住建领域安全生产治本攻坚三年行动方案（2024-2026年）》三、时间进度安排：
    每季度第一周报送上季度工作情况；年度工作报告次年1月报送；自评报告总体任务结束后报送。
    """


@command.command("roster")
@click.option("--round", "round_id", required=True, metavar="ROUND", help="培训批次编号，如 2026-principal。")
@click.option("--masked", is_flag=True,
              help="写出公示版：身份证号、手机号等按列规格打码（如 1201**********123X）。")
@click.option("--spec", "spec_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="列规格 JSON 文件（默认使用内置规格，格式见 docs/reports.md）。")
@_out_option
@_db_option
@_unit_option
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="生成日期，培训状态（如逾期）也按此日计算（YYYY-MM-DD，默认今天）。")
def roster_command(round_id: str, masked: bool, spec_path: Path | None, out_dir: Path, db_url: str | None,
                   unit: str | None, today: dt.datetime | None) -> None:
    """导出培训考核人员花名册（XLSX + 带 BOM 的 UTF-8 CSV），写出前逐行校验。"""
    from zhiben_training.reports import export_roster, load_spec

    spec = load_spec(spec_path)
    day = today.date() if today else dt.date.today()
    with open_from(db_url) as registry:
        roster = export_roster(registry, out_dir, round_id=round_id, today=day, spec=spec, masked=masked,
                               unit=unit)
    click.echo(f"花名册（{roster.title}{'，公示版' if masked else ''}）共 {roster.export.rows} 人。")
    _done([roster.export.xlsx, roster.export.csv], out_dir)


def _periodic(kind: str, value: str | None, out_dir: Path, db_url: str | None, today: dt.datetime | None,
              unit: str | None) -> None:
    from zhiben_training.reports import export_periodic

    with open_from(db_url) as registry:
        filed = export_periodic(registry, out_dir, kind=kind, period=value,
                                as_of=today.date() if today else dt.date.today(), unit=unit)
    for label, text in filed.report.summary:
        click.echo(f"{label}：{text}")
    _done([filed.export.xlsx, filed.export.html], out_dir)


@command.command("quarterly")
@click.argument("quarter", metavar="YYYYQn")
@_out_option
@_db_option
@_today_option
@_unit_option
def quarterly_command(quarter: str, out_dir: Path, db_url: str | None, today: dt.datetime | None,
                      unit: str | None) -> None:
    """季度工作情况报告，如 2026Q3（2026-07-01 至 2026-09-30，于 10 月第一周报送）。"""
    _periodic("quarterly", quarter, out_dir, db_url, today, unit)


@command.command("annual")
@click.argument("year", metavar="YYYY")
@_out_option
@_db_option
@_today_option
@_unit_option
def annual_command(year: str, out_dir: Path, db_url: str | None, today: dt.datetime | None,
                   unit: str | None) -> None:
    """年度工作报告，如 2026（次年 1 月报送）。"""
    _periodic("annual", year, out_dir, db_url, today, unit)


@command.command("self-evaluation")
@_out_option
@_db_option
@_today_option
@_unit_option
def self_evaluation_command(out_dir: Path, db_url: str | None, today: dt.datetime | None,
                            unit: str | None) -> None:
    """治本攻坚三年行动自评报告（2024年3月至2026年12月全程，总体任务结束后报送）。"""
    _periodic("self-evaluation", None, out_dir, db_url, today, unit)
