"""``zhiben hazards``: browse 判定标准2024 and check inspection records (a thin shell over hazards/law)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict

import click

from zhiben_training import law
from zhiben_training.cli._table import render_rows

_WORK_TYPE_CN = {
    "excavation": "基坑", "slope": "边坡", "formwork_support": "模板支撑", "tool_formwork": "工具式模板",
    "load_bearing_support": "承重支撑体系", "scaffold": "脚手架", "lifting_operation": "起重吊装",
    "crane_installation": "起重机械安拆", "demolition": "拆除", "tunnel": "隧道/暗挖", "curtain_wall": "幕墙",
    "steel_structure": "钢结构", "manual_dug_pile": "人工挖孔桩", "underwater": "水下作业",
    "prefab_install": "预制构件安装", "jacking": "顶升/平移/转体", "new_tech": "四新", "other": "其他",
}


def _table(headers: list[str], rows: list[list[str]]) -> str:
    return render_rows(headers, [[str(c) for c in r] for r in rows])


def _param_name(err: click.UsageError) -> str:
    param = getattr(err, "param", None)
    if param is None:
        hint = getattr(err, "param_hint", None)
        return hint if isinstance(hint, str) else "、".join(hint) if hint else "参数"
    return param.opts[0] if isinstance(param, click.Option) else param.human_readable_name


def _usage_cn(err: click.UsageError, group: click.Group) -> str:
    """Click's (English) usage errors said in Chinese; a Chinese message of our own is kept."""
    if isinstance(err, click.exceptions.NoSuchOption):
        guess = f"；是否想写 {'、'.join(err.possibilities)}？" if err.possibilities else ""
        return f"没有选项 {err.option_name}{guess}"
    if isinstance(err, click.exceptions.NoSuchCommand):
        return f"没有子命令 {err.command_name}；可用的子命令：{'、'.join(sorted(group.commands))}"
    if isinstance(err, click.exceptions.BadOptionUsage):
        return f"选项 {err.option_name} 缺少取值或用法有误"
    if isinstance(err, click.MissingParameter):
        return f"缺少参数 {_param_name(err)}"
    if isinstance(err, click.BadParameter):
        name, kind = _param_name(err), getattr(err.param, "type", None)
        if isinstance(kind, click.Choice):
            return f"{name} 应为以下之一：{'、'.join(map(str, kind.choices))}"
        if isinstance(kind, click.types.IntParamType):
            return f"{name} 应为整数"
        return f"{name} 的值无效：{err.message}"
    return f"命令用法有误：{err.message}"


class _ChineseUsageGroup(click.Group):
    """Usage mistakes under ``zhiben hazards`` (unknown option, missing or bad value) in Chinese, exit 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as err:
            from zhiben_training.errors import ConfigError

            where = err.ctx.command_path if err.ctx else "zhiben hazards"
            raise ConfigError(_usage_cn(err, self), hint=f"用法见 {where} --help。") from None


@click.group(name="hazards", cls=_ChineseUsageGroup)
def command() -> None:
    """重大事故隐患判定（建质规〔2024〕5号）与危大工程分级（建办质〔2018〕31号）。"""


@command.command(name="list")
@click.option("--chapter", type=int, default=None, help="只列出某一条（章）的条目，按条号，如 5 表示第五条。")
@click.option("--version", "version", type=click.Choice(law.VERSIONS), default="2024", show_default=True,
              help="判定标准版本（2022 版已废止，仅供对照）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
def list_items(chapter: int | None, version: str, as_json: bool) -> None:
    """列出判定标准的全部条目（编号、章节、原文）。"""
    items = [c for c in law.criteria(version) if chapter is None or c.article == chapter]
    if not items:
        articles = "、".join(str(ch["article"]) for ch in law.chapters(version))
        raise click.BadParameter(f"{version} 版没有第 {chapter} 条的条目；可用条号：{articles}",
                                 param_hint="--chapter")
    if as_json:
        click.echo(json.dumps([asdict(c) for c in items], ensure_ascii=False, indent=2))
        return
    title = ("《房屋市政工程生产安全重大事故隐患判定标准（2024版）》" if version == "2024"
             else "《…判定标准（2022版）》（已废止，仅供对照）")
    subs = sum(1 for c in items if c.parent_id)  # 目 under an item (5.4.1–5.4.4): not items themselves
    click.echo(f"{title}，共 {len(items) - subs} 项" + (f"（另有 {subs} 目）" if subs else ""))
    rows = [[c.id, c.chapter, c.text + law.status_note(c.status)] for c in items]
    click.echo(_table(["编号", "章节", "原文"], rows))


@command.command(name="show")
@click.argument("item_id")
@click.option("--version", "version", type=click.Choice(law.VERSIONS), default="2024", show_default=True,
              help="判定标准版本。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
def show(item_id: str, version: str, as_json: bool) -> None:
    """显示一个条目的原文、出处与核实状态，例如：zhiben hazards show 5.4"""
    item = law.criterion(item_id, version=version)
    subs = [c for c in law.criteria(version) if c.parent_id == item.id]
    changes = [ch for ch in law.changes_2022_2024() if ch["id_2024"] == item.id] if version == "2024" else []
    if as_json:
        click.echo(json.dumps({**asdict(item), "sub_items": [asdict(s) for s in subs],
                               "changes_since_2022": changes},
                              ensure_ascii=False, indent=2))
        return
    click.echo(f"{item.id}  {item.article_cn}{item.item_cn}  {item.chapter}")
    click.echo(f"原文：{item.text}{law.status_note(item.status)}")
    for sub in subs:
        click.echo(f"  {sub.id}  {sub.text}")
    click.echo(f"出处：{item.source}")
    if not item.decidable:
        click.echo("说明：本条须结合现场情况人工判断。")
    for change in changes:
        old = "、".join(f"2022版 {i}" for i in change["ids_2022"]) or "无对应条目"
        click.echo(f"与2022版相比：{change['change']}（{old}）{law.status_note(change['status'])}")


EXIT_NONE, EXIT_MAJOR, EXIT_BAD_RECORD, EXIT_UNDETERMINED = 0, 1, 2, 4
_EXIT = {"none": EXIT_NONE, "major": EXIT_MAJOR, "undetermined": EXIT_UNDETERMINED}


def _render(record: dict, verdict) -> None:
    click.echo(f"检查记录 {record['record_id']}（检查日期 {record['inspection_date']}）")
    for note in verdict.notes:
        click.echo(f"\n{note}")
    if verdict.works:
        click.echo("\n危大工程分级：")
        rows = [[w.work_id, _WORK_TYPE_CN.get(w.work_type, w.work_type),
                 w.level + ("（未核实）" if w.level_unverified else "")
                 + (f"（缺少 {'、'.join(w.missing)}）" if w.missing else ""),
                 "、".join(i + ("（未核实）" if i in w.unverified_scope_ids else "")
                          for i in w.scope_ids) or "—"]
                for w in verdict.works]
        click.echo(_table(["编号", "类别", "分级", "范围条目"], rows))
        if any(w.unverified_scope_ids for w in verdict.works):
            click.echo("（未核实）：参考资料中该范围条目凭记忆整理、未见原文，据此得出的分级仅供参考。")
    if not verdict.applicable:
        return
    if verdict.findings:
        click.echo(f"\n发现重大事故隐患 {len(verdict.findings)} 项：")
        rows = []
        for f in verdict.findings:
            flag = "（需人工判断）" if f.needs_judgement else ""
            rows.append([f.item_id, f.text + flag])
            rows += [["", f"  事实：{x}"] for x in f.facts] + [["", f"  说明：{n}"] for n in f.notes]
        click.echo(_table(["条目", "原文与触发事实"], rows))
    else:
        click.echo("\n未发现重大事故隐患。" if not verdict.undetermined else "\n未发现可确定的重大事故隐患。")
    if verdict.undetermined:
        click.echo(f"\n无法判定 {len(verdict.undetermined)} 项"
                   "（缺少所需的测量值或事实，不能据此认为没有隐患）：")
        rows = []
        for u in verdict.undetermined:
            rows.append([u.item_id, u.text])
            rows += [["", f"  缺少：{'、'.join(u.missing)}"]] + [["", f"  说明：{n}"] for n in u.notes]
        click.echo(_table(["条目", "原文与缺少的字段"], rows))
    if verdict.issues:
        click.echo("\n检查发现的问题：")
        rows = [[str(i.index + 1), i.verdict + (f"（{'、'.join(i.item_ids)}）" if i.item_ids else ""),
                 i.description]
                for i in verdict.issues]
        click.echo(_table(["序号", "判定", "问题"], rows))


def _record_path(value: str | None, usage: str) -> str:
    """The record path argument, read by the library (its Chinese messages) rather than by click (English)."""
    from zhiben_training.errors import RecordFormatError

    if not value:
        raise RecordFormatError("缺少检查记录文件的路径", hint=f"用法：{usage}")
    return value


def _today(value: str | None) -> dt.date:
    """``--today`` (YYYY-MM-DD), else the real date: inspection dates after it are refused."""
    if value is None:
        return dt.date.today()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    from zhiben_training.errors import ConfigError

    raise ConfigError(f"--today 应为日期，格式 YYYY-MM-DD，实为 {value!r}")


_today_option = click.option(
    "--today", default=None, metavar="YYYY-MM-DD",
    help="以此日期为“今天”（默认今天的日期）：检查日期晚于它的记录被拒绝（退出码 2）。")


@command.command(name="check")
@click.argument("record_path", metavar="RECORD.json", required=False)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出分级、隐患、无法判定的条目与问题判定。")
@_today_option
def check(record_path: str | None, as_json: bool, today: str | None) -> None:
    """判定一份检查记录中的重大事故隐患并给出危大工程分级。

    退出码：0 未发现重大事故隐患；1 发现重大事故隐患；2 记录格式错误（含检查日期晚于今天、不是普通文件、
    字段名重复）；4 未发现重大事故隐患，但有条目因缺少测量值无法判定（或工程类型不在判定标准适用范围）。
    """
    from zhiben_training import hazards  # imported here: validation pulls in jsonschema (~2 s)

    path = _record_path(record_path, "zhiben hazards check 记录.json")
    record = hazards.load_record_file(path, today=_today(today))
    verdict = hazards.judge_record(record)
    if as_json:
        click.echo(json.dumps({
            "record_id": record["record_id"],
            "applicable": verdict.applicable,
            "outcome": verdict.outcome,
            "notes": list(verdict.notes),
            "works": [asdict(w) for w in verdict.works],
            "findings": [asdict(f) for f in verdict.findings],
            "major_hazard_ids": [f.item_id for f in verdict.findings],
            "undetermined": [asdict(u) for u in verdict.undetermined],
            "undetermined_ids": [u.item_id for u in verdict.undetermined],
            "issues": [asdict(i) for i in verdict.issues],
        }, ensure_ascii=False, indent=2))
    else:
        _render(record, verdict)
    code = _EXIT[verdict.outcome]
    if code:
        # SystemExit, not ctx.exit(code): the shell's main() (standalone_mode=False) drops ctx.exit codes
        raise SystemExit(code)


def _write(output: str, text: str) -> None:
    """Write the migrated record; a folder, a missing folder or no permission is a Chinese error."""
    from pathlib import Path

    from zhiben_training.errors import ConfigError

    target = Path(output)
    if target.is_dir():
        raise ConfigError(f"{output} 是文件夹，不能写入迁移后的记录",
                          hint="请给出文件名，如 -o 新格式记录.json。")
    try:
        target.write_text(text, encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"无法写入 {output}：所在文件夹不存在") from None
    except PermissionError:
        raise ConfigError(f"无法写入 {output}：没有写入权限") from None
    except OSError as err:
        raise ConfigError(f"无法写入 {output}（系统错误 {err.errno}）") from None


def _render_gaps(gaps) -> None:
    """Per record: what became 无法判定 after migration and why (on stderr, beside the notes)."""
    click.echo(f"迁移后无法判定 {len(gaps)} 项：第 1 版把记录未写明的事实当作“未发现”，第 2 版当作“未知”；"
               "补记下列字段后可以判定。", err=True)
    for gap in gaps:
        head = f"{gap.item_id}  {gap.text}" if gap.item_id else f"{gap.work_id}  {gap.text}"
        click.echo(f"  {head}", err=True)
        for reason in gap.reasons:
            click.echo(f"    原因：{reason}", err=True)


@command.command(name="migrate")
@click.argument("record_path", metavar="OLD.json", required=False)
@click.option("-o", "--output", default=None, metavar="NEW.json",
              help="写入迁移后的记录的文件；省略时输出到标准输出。")
@_today_option
def migrate(record_path: str | None, output: str | None, today: str | None) -> None:
    """把旧格式（第 1 版，布尔值）检查记录转换为第 2 版（测量值）格式。

    能一一对应的字段直接改写；其余旧布尔值保留（仍可读取），并列出应补记的测量值。第
    1 版把未写明的事实当作“未发现”，
    第 2 版当作“未知”：迁移后无法判定的条目逐项列出，并说明缺少哪个字段、为什么。说明输出到标准错误。
    """
    from zhiben_training import hazards

    path = _record_path(record_path, "zhiben hazards migrate 旧记录.json [-o 新记录.json]")
    migration = hazards.migrate_record(hazards.load_record_file(path, today=_today(today)))
    text = json.dumps(migration.record, ensure_ascii=False, indent=2) + "\n"
    if output:
        _write(output, text)
        click.echo(f"已写入 {output}", err=True)
    else:
        click.echo(text, nl=False)
    for note in migration.notes:
        click.echo(f"迁移：{note}", err=True)
    if migration.undecidable:
        _render_gaps(migration.undecidable)
