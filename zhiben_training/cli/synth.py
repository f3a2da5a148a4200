"""``zhiben synth``: generate the seeded synthetic Tianjin and print a Chinese summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from zhiben_training.errors import ConfigError
from zhiben_training.synth import DEFAULT_REFERENCE_DATE, DEFAULT_SEED, SCALES

_TABLE_CN = {
    "enterprises": "企业", "people": "人员", "certificates": "证书", "sites": "项目", "findings": "隐患台账",
    "rounds": "培训轮次", "attendance": "培训签到", "assessment_results": "考核成绩",
    "continuing_education": "继续教育", "sanctions": "处罚记录",
}


def _parse_date(_ctx, _param, value: str | None) -> dt.date:
    if value is None:
        return DEFAULT_REFERENCE_DATE
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"参考日期 {value} 不是 YYYY-MM-DD 格式的日期") from None


@click.command("synth")
@click.option("--scale", type=click.Choice(list(SCALES)), default="demo", show_default=True,
              help="规模：tiny（测试用，约30家企业）、demo（约200家企业）、tianjin（1万家企业、12万人、2万个项目、100万条隐患）。")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
              help="随机种子；相同种子生成逐字节相同的文件。")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="输出目录。")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet", show_default=True,
              help="表格文件格式（CSV 为 UTF-8 编码）。")
@click.option("--reference-date", callback=_parse_date, default=None,
              help=f"参考日期（证书是否过期、隐患是否逾期均以此日为准），默认 {DEFAULT_REFERENCE_DATE}。")
@click.option("--progress/--no-progress", default=True, show_default=True, help="显示进度条。")
def command(scale: str, seed: int, out_dir: Path, fmt: str, reference_date: dt.date, progress: bool) -> None:
    """生成合成的天津市建筑施工安全数据（企业、人员、证书、培训记录、项目检查记录和隐患台账）。

    数据完全合成，不含任何真实个人信息。表格字段说明见输出目录中的 DATA_DICTIONARY.md。
    """
    from zhiben_training.synth import generate_city

    manifest = generate_city(scale=scale, seed=seed, out_dir=out_dir, fmt=fmt, progress=progress,
                             reference_date=reference_date)
    s = manifest.stats
    click.echo(f"已生成合成城市（规模 {scale}，种子 {seed}，参考日期 {manifest.reference_date}）：{out_dir}")
    for name, rows in manifest.counts.items():
        click.echo(f"  {_TABLE_CN[name]}（{name}）：{rows:,} 行")
    click.echo(f"  检查记录（site_records.jsonl）：{manifest.counts['sites']:,} 条")
    click.echo(f"  分部分项工程 {s['works']:,} 项，其中危大工程 {s['wd_works']:,} 项（{s['wd_share']:.1%}），"
               f"超过一定规模的危大工程 {s['cgm_works']:,} 项（{s['cgm_share']:.1%}）")
    click.echo(f"  存在重大事故隐患的项目 {s['major_hazard_sites']:,} 个"
               f"（共 {s['planted_major_hazards']:,} 项重大事故隐患）")
    click.echo(f"  未销号隐患 {s['open_findings']:,} 条，其中已逾期 {s['overdue_findings']:,} 条")
