"""``zhiben renew 证书编号 --applied 2026-06-15 --actor 审核员 --reason …``."""

from __future__ import annotations

import click

from ._registry_common import as_date, db_option, open_from, today_option


@click.command(name="renew")
@click.argument("cert_no", metavar="证书编号")
@click.option("--applied", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="本人通过受聘企业提出延续（延期复核）申请的日期 YYYY-MM-DD；须在有效期届满前3个月内。")
@click.option("--actor", required=True, metavar="姓名", help="办理人（记入审计日志）。")
@click.option("--reason", required=True, metavar="说明", help="办理说明（记入审计日志）。")
@click.option("--reviewed", is_flag=True,
              help="“待核实”的处罚记录已由审核人员按原因核对，确认不属于法定情形。不能越过“不能延续的原因”。")
@today_option
@db_option
def command(cert_no, applied, actor, reason, reviewed, today, db_url) -> None:
    """登记一次准予的证书延续（延期复核），证书有效期自原届满日起延续3年（安管人员，17号令 第十条）
    或2年（特种作业人员，75号 第二十二条）。

    延续申请期按申请日期核对（有效期届满前3个月内）；考核机关在受理之日起20个工作日内决定，
    决定日期（--today，默认今天）可以晚于原届满日。有不能延续的原因时拒绝；有待核实的处罚记录时，
    须审核人员核对后加 --reviewed。申请日期、决定日期记入登记库，有效期变更记入审计日志。"""
    registry = open_from(db_url)
    try:
        result = registry.renew_certificate(cert_no=cert_no, actor=actor, reason=reason,
                                            applied_on=as_date(applied), today=as_date(today),
                                            reviewed=reviewed)
    finally:
        registry.close()
    click.echo(f"证书 {cert_no} 已延续：有效期至 {result['old_expiry']} → {result['new_expiry']}"
               f"（延续申请日期 {result['applied_on']}，决定日期 {result['decided_on']}）。")
    if result["not_checked"]:
        click.echo(result["not_checked"])
