"""``zhiben status [--person ID | --enterprise USCC | --district 区] [--round R] [--json]``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from zhiben_training.errors import NotFoundError
from zhiben_training.identifiers import mask_id

from ._registry_common import as_date, db_option, echo_json, mask_frame, open_from, render_table, today_option

if TYPE_CHECKING:  # pandas is imported when the command runs, not for --help
    import pandas as pd

    from zhiben_training.registry import Registry

PERSON_HEADERS = {"round_id": "轮次", "person_id": "身份证号", "name": "姓名", "role": "岗位",
                  "enterprise_name": "单位", "counted_hours": "学时", "required_hours": "要求学时",
                  "passed": "考核合格", "status_cn": "状态"}
SUMMARY_HEADERS = {"district": "区", "enterprise_uscc": "统一社会信用代码", "enterprise_name": "单位",
                   "completed": "已完成", "in_progress": "进行中", "overdue": "已逾期",
                   "not_enrolled": "未报名", "total": "合计", "completion_rate": "完成率"}


@click.command(name="status")
@click.option("--person", "person_id", default=None, metavar="ID", help="某人（身份证号）在各轮次的状态。")
@click.option("--enterprise", "enterprise_uscc", default=None, metavar="USCC", help="某单位全部人员的状态。")
@click.option("--district", default=None, metavar="区名", help="某区按单位汇总，如 滨海新区。")
@click.option("--round", "round_id", default=None, metavar="ROUND",
              help="培训轮次，如 2026-principal（默认：最新一轮主要负责人培训；--person 时为全部轮次）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（身份证号、手机号已脱敏）。")
@today_option
@db_option
def command(person_id, enterprise_uscc, district, round_id, as_json, today, db_url) -> None:
    """培训完成情况：已完成 / 进行中 / 已逾期 / 未报名（按人、单位、区或全市）。"""
    if sum(x is not None for x in (person_id, enterprise_uscc, district)) > 1:
        raise click.UsageError("--person、--enterprise、--district 只能选一个。")
    today = as_date(today)
    registry = open_from(db_url)
    try:
        if person_id is not None:
            _person(registry, person_id.strip().upper(), round_id, today, as_json)
            return
        round_id = _check_round(registry, round_id) if round_id else _default_round(registry)
        if enterprise_uscc is not None:
            frame = registry.status(round_id=round_id, enterprise_uscc=enterprise_uscc.strip().upper(),
                                    today=today)
            if frame.empty:
                raise NotFoundError(f"单位 {enterprise_uscc} 在轮次 {round_id} 中没有培训对象"
                                    "（或单位不存在）。")
            _emit(frame, PERSON_HEADERS, as_json,
                  title=f"{frame['enterprise_name'].iloc[0]}  轮次 {round_id}")
            return
        by = "enterprise_uscc" if district else "district"
        summary = registry.status_summary(round_id=round_id, by=by, district=district, today=today)
        if summary.empty:
            raise NotFoundError(f"轮次 {round_id}{'在' + district if district else ''}没有培训对象。")
        people = int(summary["total"].sum())
        if not as_json:
            summary["completion_rate"] = summary["completion_rate"].map(lambda r: f"{r:.1%}")
        _emit(summary, SUMMARY_HEADERS, as_json,
              title=f"轮次 {round_id}  {district or '全市'}  共 {people} 人")
    finally:
        registry.close()


_EMPTY_HINT = ('要查看 make demo 的登记库：export ZHIBEN_DB_URL="sqlite:///$PWD/demo-out/registry.sqlite"；'
               "新建登记库：zhiben db load-synth DIR 或 zhiben db open-rounds --year 2026")


def _check_round(registry: Registry, round_id: str) -> str:
    """An empty registry is usually the wrong one (the default instead of the demo's): say which."""
    if registry.rounds().empty:
        raise NotFoundError(f"登记库 {registry.url} 中还没有培训轮次，没有 {round_id}。", hint=_EMPTY_HINT)
    return round_id


def _default_round(registry: Registry) -> str:
    round_id = registry.default_round()
    if round_id is None:
        raise NotFoundError(f"登记库 {registry.url} 中还没有培训轮次。", hint=_EMPTY_HINT)
    return round_id


def _person(registry: Registry, person_id: str, round_id: str | None, today, as_json: bool) -> None:
    row, frame = registry.person_status(person_id, round_id=round_id, today=today)
    title = f"{mask_id(person_id)} {row['name']}（{row['role']}）"
    if frame.empty:
        click.echo(f"{title}：不属于所选轮次的培训对象。")
        return
    _emit(frame, PERSON_HEADERS, as_json, title=title)


def _emit(frame: pd.DataFrame, headers: dict, as_json: bool, *, title: str) -> None:
    frame = mask_frame(frame)
    if as_json:
        echo_json(frame[[c for c in headers if c in frame.columns]
                        + (["status"] if "status" in frame else [])])
        return
    click.echo(title)
    click.echo(render_table(frame, headers))
