"""``zhiben due --renewal --days 90``."""

from __future__ import annotations

import click

from ._registry_common import as_date, db_option, echo_json, mask_frame, open_from, render_table, today_option

HEADERS = {"period_start": "本期有效期自", "expiry_date": "有效期至", "days_left": "剩余天数",
           "cert_type_name": "证书类型", "cert_no": "证书编号",
           "person_id": "身份证号", "name": "姓名", "enterprise_name": "单位", "window_opens": "可申请延续自",
           "blockers": "不能延续的原因"}


@click.command(name="due")
@click.option("--renewal", is_flag=True, help="列出将到期、需要延续（延期复核）的证书。")
@click.option("--days", default=90, show_default=True, type=click.IntRange(0, 3650),
              help="未来多少天内到期。")
@click.option("--district", default=None, metavar="区名", help="只看某区的单位。")
@click.option("--enterprise", "enterprise_uscc", default=None, metavar="USCC", help="只看某单位。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（身份证号、手机号已脱敏）。")
@today_option
@db_option
def command(renewal, days, district, enterprise_uscc, as_json, today, db_url) -> None:
    """即将到期的证书：安管人员证书（17号令 第十条，期满前3个月内申请延续）和
    特种作业操作资格证书（75号 第二十二条，期满前3个月内申请延期复核），并列出阻碍延续的原因，
    待审核人员核实的处罚记录（“待核实”：处罚种类按配置规则列入，原因是否属于法定情形须人工判断），
    以及登记库没有数据、未能核查的延续条件（“未核查（无数据）”）。"""
    if not renewal:
        raise click.UsageError("目前只支持 --renewal（证书延续）。")
    registry = open_from(db_url)
    try:
        frame = registry.renewals_due(days=days, today=as_date(today), district=district,
                                      enterprise_uscc=enterprise_uscc)
    finally:
        registry.close()
    frame = mask_frame(frame)
    if as_json:
        echo_json(frame[list(HEADERS) + ["cert_type", "window_open", "blocked", "to_review", "needs_review",
                                          "not_checked"]])
        return
    if frame.empty:
        click.echo(f"未来 {days} 天内没有到期的证书。")
        return
    blocked = int(frame["blocked"].sum())
    review = int(frame["needs_review"].sum())
    click.echo(f"未来 {days} 天内到期 {len(frame)} 本，其中 {blocked} 本存在不能延续的情形，"
               f"{review} 本有待核实的处罚记录。")
    click.echo(render_table(frame, HEADERS))
    review = frame[frame["needs_review"]]
    if len(review):  # not a reason in law: the examiner judges each from its recorded cause
        click.echo("待核实（须审核人员按处罚原因判断，不是不能延续的法定结论）：")
        for row in review.itertuples(index=False):
            click.echo(f"  {row.cert_no} {row.name}：{row.to_review}")
    for line in sorted(set(frame["not_checked"]) - {""}):  # one line per certificate group, never hidden
        click.echo(line)
