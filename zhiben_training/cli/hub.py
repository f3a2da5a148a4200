"""``zhiben hub``: one exam or one lesson session for many people at once, on JupyterHub."""

from __future__ import annotations

import csv
import datetime as dt
import os
import sys
from pathlib import Path

import click

from zhiben_training.errors import ConfigError, ImportValidationError
from zhiben_training.identifiers import mask_id

from ._registry_common import db_option, echo_problems, open_from

_COURSE = click.option("--course", "course", type=click.Path(path_type=Path), default=Path("assessments"),
                       show_default=True, help="nbgrader 课程根目录。")
_ASSIGNMENT = click.option("--assignment", "-a", required=True, help="考核编号，如 2026-principal-A。")
_BY = click.option("--by", default=lambda: os.environ.get("USER", ""), help="操作人（记入日志）。")


def _when(text: str) -> dt.datetime:
    """'2026-06-01 09:00' is Beijing time unless it carries its own offset."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"时间 {text} 无法识别。", hint="写成 2026-06-01 09:00（北京时间）。") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))


@click.group("hub")
def command() -> None:
    """在线考场与多人培训（JupyterHub）：准考证、考试时间、配置与启动。"""


@command.command("release")
@_COURSE
@_ASSIGNMENT
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="准考证名单 CSV（默认 <课程>/hub/准考证-<考核>.csv）。")
def release_cmd(course, assignment, out) -> None:
    """把每位考生自己的试卷发布到在线考场，并为每人生成一次性准考证号（只保存其哈希）。"""
    from zhiben_training.assess.exchange import release_to_exchange
    from zhiben_training.hub import hub_dir, issue_codes

    names = release_to_exchange(course, assignment)
    codes = issue_codes(course, assignment, names)
    out = out or hub_dir(course) / f"准考证-{assignment}.csv"
    with open(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8-sig",
              newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["考核", "身份证号", "准考证号"])
        for tid in names:
            writer.writerow([assignment, tid, codes[tid]])
    click.echo(f"已发布 {len(names)} 份试卷到在线考场，准考证名单（请打印后删除）：{out}")


@command.command("staff")
@_COURSE
@click.argument("username")
@click.option("--role", type=click.Choice(["examiner", "trainer"]), required=True,
              help="examiner 考核人员，trainer 培训讲师。")
def staff_cmd(course, username, role) -> None:
    """添加考核人员或培训讲师账号，登录码只显示这一次。"""
    from zhiben_training.hub import ROLES, add_staff, normalize_id

    code = add_staff(course, username, role)
    click.echo(f"{ROLES[role]} {normalize_id(username)} 的登录码：{code}"
               "（只显示这一次，登录时账号不区分大小写）")


@command.command("window")
@_COURSE
@_ASSIGNMENT
@click.option("--opens", required=True, help="开考时间，如 '2026-06-01 09:00'（北京时间）。")
@click.option("--closes", required=True, help="结束时间。")
@click.option("--late", type=click.Choice(["refuse", "mark"]), default="refuse", show_default=True,
              help="refuse 迟交拒收；mark 迟交接收并标记（到 --late-until 为止）。")
@click.option("--late-until", default=None, help="mark 时最迟接收时间。")
@_BY
def window_cmd(course, assignment, opens, closes, late, late_until, by) -> None:
    """设置考试时间（开考、结束、迟交规则），写入日志。"""
    from zhiben_training.assess.exchange import LATE_POLICIES, beijing, set_window

    window = set_window(course, assignment, opens_at=_when(opens), closes_at=_when(closes), late=late,
                        late_until=_when(late_until) if late_until else None, by=by)
    click.echo(f"{assignment}：{beijing(_when(window.opens_at))} 开考，"
               f"{beijing(_when(window.closes_at))} 结束，"
               f"{LATE_POLICIES[late]}。")
    from zhiben_training.hub import lead_minutes, prestart_time

    start = prestart_time(course, _when(window.opens_at))
    if start is None:
        click.echo("考前预启动未开启：考生登录时才启动其服务器。")
    else:
        click.echo(f"考生服务器将于 {beijing(start)} 起自动预启动（开考前 {lead_minutes(course):g} 分钟），"
                   "试卷已放在考生目录中，登录后直接打开。")


@command.command("extend")
@_COURSE
@_ASSIGNMENT
@click.option("--trainee", required=True, help="考生身份证号。")
@click.option("--until", required=True, help="该考生的新结束时间。")
@_BY
def extend_cmd(course, assignment, trainee, until, by) -> None:
    """为个别考生延长考试时间（如机器故障），写入日志。"""
    from zhiben_training.assess.exchange import beijing, extend
    from zhiben_training.hub import normalize_id

    extend(course, assignment, normalize_id(trainee), until=_when(until), by=by)
    click.echo(f"已为考生 {normalize_id(trainee)} 延长至 {beijing(_when(until))}。")


@command.command("unlock")
@_COURSE
@click.argument("username")
def unlock_cmd(course, username) -> None:
    """解锁连续输错准考证号被锁定的账号。"""
    from zhiben_training.hub import unlock

    unlock(course, username)
    click.echo(f"已解锁 {username}。")


@command.command("config")
@_COURSE
@click.option("--dir", "hub_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("hub-run"),
              show_default=True, help="考场服务器的工作目录（配置、数据库、日志）。")
@click.option("--home-root", type=click.Path(file_okay=False, path_type=Path), default=Path("/home/zhiben"),
              show_default=True, help="考生主目录所在处。")
@click.option("--port", default=8000, show_default=True, help="考生访问的端口（只监听 127.0.0.1）。")
@click.option("--db-url", default=None,
              help="JupyterHub 数据库（默认工作目录下的 SQLite；多机部署用 PostgreSQL）。")
@click.option("--lessons", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="培训场次：复制到每位学员主目录的课程目录（如 course）。")
@click.option("--prestart-minutes", type=click.FloatRange(min=0), default=20, show_default=True,
              help="考前预启动：开考前多少分钟起为每位考生启动服务器并放好试卷（按本机核数限流）。")
@click.option("--no-prestart", is_flag=True, help="不预启动：考生登录时才启动其服务器。")
@click.option("--session-start", default=None,
              help="（--lessons）培训课开始时间，如 '2026-03-12 09:00'（北京时间）："
                   "开课前 --prestart-minutes 分钟起为每位学员启动服务器。")
@click.option("--session-end", default=None,
              help="（--lessons）培训课结束时间：结束 30 分钟后停止学员服务器。")
@click.option("--kubernetes", is_flag=True,
              help="改为生成多机部署（Zero to JupyterHub on Kubernetes）所需文件：Helm values.yaml、"
                   "考生镜像和"
                   "考场镜像的 Dockerfile、考生服务器配置，写入 --dir 指定的目录。")
@click.option("--image", default="zhiben-trainee", show_default=True, help="（--kubernetes）考生镜像名。")
@click.option("--hub-image", default="zhiben-hub", show_default=True,
              help="（--kubernetes）考场（hub）镜像名。")
@click.option("--tag", default="latest", show_default=True, help="（--kubernetes）两个镜像的标签。")
@click.option("--claim", default="zhiben-course", show_default=True,
              help="（--kubernetes）存放考核课程目录的共享存储卷声明（ReadWriteMany）。")
def config_cmd(course, hub_dir, home_root, port, db_url, lessons, prestart_minutes, no_prestart,
               session_start, session_end, kubernetes, image, hub_image, tag, claim) -> None:
    """生成 jupyterhub_config.py（登录、考生服务器、个人化交换目录、角色）。

    加 --kubernetes 时改为生成 Kubernetes 部署文件：每个考生一个容器（Pod），只挂载本人的试卷（只读）、
    考试时间窗（只读）和本人的交卷目录；不挂载服务账号令牌；网络策略只允许访问考场和域名解析。
    """
    lead = None if no_prestart else prestart_minutes
    starts, ends = (_when(t) if t else None for t in (session_start, session_end))
    if kubernetes:
        from zhiben_training.hub import write_kubernetes

        out = hub_dir if hub_dir != Path("hub-run") else Path("k8s")
        write_kubernetes(out, course_dir=lessons or Path("course"), lab_dir=Path("assessments") / "lab",
                         image=image, hub_image=hub_image, tag=tag, claim=claim, prestart_minutes=lead,
                         session_start=starts, session_end=ends)
        click.echo(f"已在 {out}/ 生成 Kubernetes 部署文件"
                   "（values.yaml、Dockerfile、Dockerfile.hub、README.md）；"
                   f"按 {out}/README.md 的步骤构建镜像并用 Helm 部署。")
        return
    from zhiben_training.hub import closed_to_trainees, write_hub_config

    path = write_hub_config(hub_dir, course_root=course, home_root=home_root, port=port, hub_port=port + 81,
                            api_port=port + 1, db_url=db_url, lessons_dir=lessons, prestart_minutes=lead,
                            session_start=starts, session_end=ends)
    click.echo(f"已生成 {path}；启动：zhiben hub start --dir {hub_dir}")
    if lead is None:
        click.echo("考前预启动未开启。")
    elif starts is not None:
        from zhiben_training.assess.exchange import beijing

        click.echo(f"课前预启动：{beijing(starts - dt.timedelta(minutes=lead))} 起"
                   f"（开课前 {lead:g} 分钟）为每位学员"
                   "启动服务器并放好课程（培训场须在此之前启动）。")
    else:
        click.echo(f"考前预启动：开考前 {lead:g} 分钟起为每位考生启动服务器并放好试卷"
                   "（考场须在此之前启动）。")
    blocked = closed_to_trainees(Path(sys.executable), Path(course))
    if blocked:
        click.echo("说明：考生账号无权进入以下目录：" + "、".join(map(str, blocked))
                   + "。每台考生服务器将在各自的挂载命名空间中只看到其中所需的 Python 和课程文件，"
                   "本机的目录权限不作任何改动（需要以 root 启动考场）。", err=True)


@command.command("selfchecks")
@click.option("--dir", "hub_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=Path("hub-run"), show_default=True)
@click.option("--prefix", default="zt-", show_default=True, help="考生系统账号前缀（与 config 一致）。")
def selfchecks_cmd(hub_dir, prefix) -> None:
    """培训讲师：查看每位学员完成了哪几课的自测（得分）。"""
    import pwd

    from zhiben_training.lessons import finished, lesson_label

    def owner(uid: int) -> str:
        try:
            name = pwd.getpwuid(uid).pw_name
        except KeyError:
            return ""
        return name[len(prefix):].upper() if name.startswith(prefix) else ""

    rows = finished(Path(hub_dir) / "selfchecks", owner_to_user=owner)
    for row in rows:
        done = "已完成" if row["all_answered"] else "未答完"
        what = lesson_label(row["lesson"])
        what = what if what == "模拟练习" else f"第 {row['lesson']} 课自测"
        click.echo(f"{row['user']}  {what}  {done}  得分 {row['points']}/{row['total']}")
    click.echo(f"共 {len({r['user'] for r in rows})} 人提交过自测。")


def _owner_map(prefix: str):
    """A file's owner → its trainee: files of the user running this command (root on the hub) are
    trusted as they are; a trainee's system user names its trainee; anyone else names nobody."""
    import pwd

    def owner(uid: int) -> str | None:
        if uid == os.getuid():
            return None
        try:
            name = pwd.getpwuid(uid).pw_name
        except KeyError:
            return ""
        return name[len(prefix):].upper() if name.startswith(prefix) else ""

    return owner


def _clock(moment) -> str:
    from zhiben_training.hub import BEIJING

    return moment.astimezone(BEIJING).strftime("%H:%M") if moment else "—"


@command.command("hours")
@_COURSE
@click.option("--dir", "hub_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=Path("hub-run"), show_default=True)
@click.option("--prefix", default="zt-", show_default=True, help="学员系统账号前缀（与 config 一致）。")
@click.option("--rule", "rule_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="本地学时计算规则（JSON，见 docs/configuration.md）；默认用内置规则。")
@click.option("--round", "round_id", default=None,
              help="记入登记库的培训轮次，如 2026-principal（与 --import 同用）。")
@click.option("--import", "do_import", is_flag=True,
              help="把计得的学时作为签到学时导入登记库（与 zhiben import attendance 同样校验，全部或全不）。")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="签到学时文件（默认 <工作目录>/学时-<轮次>.csv）。")
@db_option
def hours_cmd(course, hub_dir, prefix, rule_path, round_id, do_import, out, db_url) -> None:
    """培训场次的学时：每位学员的登录、退出、有效学习时间、打开的课和自测得分；可导入登记库。"""
    from zhiben_training.hub import (
        credit_rule,
        import_session_hours,
        session_events,
        session_hours,
        trainee_accounts,
    )
    from zhiben_training.lessons import lesson_label

    if do_import and not round_id:
        raise click.UsageError("--import 需要 --round（记入哪一轮培训）。")
    rule = credit_rule(rule_path)
    days = session_hours(session_events(course, hub_dir, owner_to_user=_owner_map(prefix)), rule)
    click.echo(rule.describe())
    for day in days:
        checks = "、".join(f"{lesson_label(n)} {p}/{t}" for n, p, t in day.selfchecks) or "无"
        opened = "、".join(lesson_label(n) for n in day.lessons_opened) or "无"
        logout = f"退出 {_clock(day.last_logout)}" if day.last_logout else "未退出登录"
        click.echo(f"{mask_id(day.user)}  {day.date}  登录 {_clock(day.first_login)}  {logout}  "
                   f"最后操作 {_clock(day.last_action)}  有效 {day.active_minutes:g} 分钟  "
                   f"学时 {day.hours:g}  "
                   f"打开：{opened}  自测：{checks}")
    seen = {day.user for day in days}
    absent = [tid for tid in trainee_accounts(course) if tid not in seen]
    for tid in absent:
        click.echo(f"{mask_id(tid)}  未登录  学时 0")
    click.echo(f"共 {len(seen)} 人有学习记录，{len(absent)} 人未登录；学时按上述规则计算（{rule.label}）。")
    if not do_import:
        return
    if not any(day.hours > 0 for day in days):  # nothing to write: the registry is not even opened
        click.echo("没有计得学时的学员，未导入任何数据。")
        return
    registry = open_from(db_url)
    try:
        path = out or Path(hub_dir) / f"学时-{round_id}.csv"
        result = import_session_hours(registry, days, round_id=round_id, path=path)
    except ImportValidationError as err:
        echo_problems(err)
        raise
    finally:
        registry.close()
    click.echo(f"已导入 {path}（轮次 {round_id}）{result.rows} 行："
               f"新增 {result.inserted}，更新 {result.updated}，"
               f"未变 {result.unchanged}。")


@command.command("start")
@click.option("--dir", "hub_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=Path("hub-run"), show_default=True)
@click.option("--check", is_flag=True,
              help="启动考场、确认登录页可用后立即停止（考前演练；不启动考生服务器）。")
def start_cmd(hub_dir, check) -> None:
    """启动考场服务器（前台运行，Ctrl-C 结束；考生服务器保持运行，重启后继续）。"""
    from zhiben_training.hub import check_hub, hub_command

    if check:
        url = check_hub(hub_dir)
        click.echo(f"考场服务器可以启动：{url}/hub/login 已显示身份证号 + 准考证号登录页，已停止。")
        return
    command = hub_command(hub_dir)
    os.chdir(hub_dir)
    os.execv(command[0], command)
