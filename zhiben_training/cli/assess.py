"""``zhiben assess``: papers, release, collection, sandboxed autograde, feedback, export, import."""

from __future__ import annotations

from pathlib import Path

import click

from zhiben_training.assess.grading import Limits
from zhiben_training.cli._assess_analyze import analyze
from zhiben_training.cli._assess_answers import answer_sheet_cmd
from zhiben_training.cli._registry_common import db_option, open_from

_COURSE = click.option("--course", "course", type=click.Path(path_type=Path), default=Path("assessments"),
                       show_default=True, help="nbgrader 课程根目录（成绩册、试卷和答卷所在处）。")
_ASSIGNMENT = click.option("--assignment", "-a", required=True,
                           help="考核编号（轮次-试卷），如 2026-principal-A、2026-safety-C。")


@click.group("assess")
def command() -> None:
    """考核：生成试卷、发放、收卷、自动评分、反馈、导出和导入成绩。"""


@command.command("generate")
@_COURSE
@click.option("--round", "round_id", required=True, help="培训轮次，如 2026-principal。")
@click.option("--paper", type=click.Choice(["A", "C"]), required=True,
              help="试卷：A 主要负责人，C 专职安全生产管理人员。")
@click.option("--city", "city_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              required=True, help="合成城市数据目录（zhiben synth 的输出）。")
@click.option("--trainees", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="考生名单 CSV（表头：身份证号,姓名）；省略时从登记库读取该轮次名单。")
@db_option
@click.option("--seed", default=2026, show_default=True,
              help="基础随机种子（记录在 keys/ 中，可重建任一试卷）。")
def generate_cmd(course, round_id, paper, city_dir, trainees, db_url, seed) -> None:
    """为每位考生生成一份试卷变体（结构相同、内容不同），并在 nbgrader 中登记。"""
    from zhiben_training.assess import CourseRoot
    from zhiben_training.assess.exchange import generate, read_trainee_list, roster_trainees

    if trainees:
        people = read_trainee_list(trainees)
    else:
        with open_from(db_url) as registry:
            people = roster_trainees(registry, round_id)
    result = generate(course, round_id=round_id, paper=paper, trainees=people, city_dir=city_dir,
                      base_seed=seed)
    click.echo(f"已生成 {result['assignment_id']}：{result['trainees']} 份试卷，每份 {result['items']} 题，"
               f"满分 {result['max_score']:g} 分。"
               f"答案与种子保存在 {CourseRoot(course).keys_dir(result['assignment_id'])}（仅限考核人员）。")


@command.command("release")
@_COURSE
@_ASSIGNMENT
def release_cmd(course, assignment) -> None:
    """为每位考生打包试卷和数据文件（zip），供无服务器的现场考核使用。"""
    from zhiben_training.assess.exchange import release

    paths = release(course, assignment)
    click.echo(f"已写出 {len(paths)} 个考生压缩包：{paths[0].parent if paths else ''}")


@command.command("collect")
@_COURSE
@_ASSIGNMENT
@click.option("--from", "source", type=click.Path(exists=True, path_type=Path),
              help="交回文件所在的文件夹或 zip；省略时从 nbgrader 交换目录收取。")
@click.option("--assign", "assign", multiple=True, metavar="文件名=考生编号",
              help="考核人员的决定：把该文件（按收卷报告中的写法）收为该考生的答卷，其他认领该考生的文件拒收；可重复。")
def collect_cmd(course, assignment, source, assign) -> None:
    """收卷：每份答卷记录 SHA-256 回执；文件名、元数据和只读单元格须指向同一考生，
    多份文件认领同一考生时都不收取，列出后由考核人员用
    --assign 指定；无法识别或已损坏的文件拒收并说明原因。"""
    from zhiben_training.assess.exchange import collect
    from zhiben_training.errors import AssessmentError

    decisions = {}
    for text in assign:
        name, sep, trainee = text.rpartition("=")
        if not sep or not name or not trainee:
            raise AssessmentError(f"--assign {text} 的写法应为 文件名=考生编号。")
        decisions[name] = trainee
    receipts, rejected = collect(course, assignment, source=source, assign=decisions)
    for r in receipts:
        click.echo(f"回执 {r.trainee_id}  SHA-256 {r.sha256}  {r.size} 字节  {r.source}"
                   + (f"  {r.note}" if r.note else ""))
    for r in rejected:
        click.echo(f"拒收 {r.source}：{r.reason}", err=True)
    contested = sorted({t for r in rejected for t in r.contested})
    click.echo(f"共收取 {len(receipts)} 份，拒收 {len(rejected)} 份。")
    if contested:
        click.echo(f"待考核人员决定（本次未收取）：{'、'.join(contested)}。"
                   "用 --assign 文件名=考生编号 指定后重新收卷。")


@command.command("autograde")
@_COURSE
@_ASSIGNMENT
@click.option("--workers", default=2, show_default=True, help="并行评分的内核数。")
@click.option("--timeout", default=Limits().wall_seconds, show_default=True,
              help="每份答卷的时间上限（秒）。")
@click.option("--memory-mb", default=Limits().address_space // 2**20, show_default=True,
              help="每个内核的内存上限（MB）。")
@click.option("--force", is_flag=True, help="重新评分已评过且未变化的答卷。")
@click.option("--no-bwrap", is_flag=True, help="不使用 bubblewrap 沙箱（隔离级别降低）。")
@click.option("--allow-unsandboxed", is_flag=True,
              help="本机无任何隔离时仍然评分（答卷代码以评分人身份运行；隔离级别写入评分笔记本和导出）。")
def autograde_cmd(course, assignment, workers, timeout, memory_mb, force, no_bwrap,
                  allow_unsandboxed) -> None:
    """在沙箱中并行执行答卷，在内核之外按答案评分，写入 nbgrader 成绩册（可中断后续评）。

    评分系统自身的故障（沙箱或评分进程崩溃、内核无法启动）从不计分：该答卷重试一次，
    仍失败则记为“未评分（评分系统故障）”，命令以退出码 4 结束，重新运行即可补评。"""
    from zhiben_training.assess.grading import (
        UNGRADED_LABEL,
        autograde,
        describe_isolation,
        isolation_level,
        tamper_reports,
    )

    use_bwrap = False if no_bwrap else None
    click.echo(describe_isolation(isolation_level(use_bwrap=use_bwrap)))
    limits = Limits(wall_seconds=timeout, address_space=memory_mb * 2**20)
    summary = autograde(course, assignment, workers=workers, limits=limits, force=force,
                        use_bwrap=use_bwrap, allow_unsandboxed=allow_unsandboxed)
    click.echo(f"评分 {len(summary.graded)} 份，跳过（已评且未变化）{len(summary.skipped)} 份，"
               f"{UNGRADED_LABEL} {len(summary.ungraded)} 份，用时 {summary.seconds:.1f} 秒。")
    for student, reason in sorted(summary.problems.items()):
        click.echo(f"注意 {student}：{reason}")
    for student, text in sorted(summary.manual_dropped.items()):
        click.echo(f"注意 {student}：{text}")
    tampering = dict(summary.tampering)  # the graded ones were checked while grading (one read of each file)
    for report in tamper_reports(course, assignment, students=summary.skipped + sorted(summary.ungraded)):
        tampering[report.trainee_id] = report.findings
    for student, findings in sorted(tampering.items()):
        for finding in findings:
            click.echo(f"篡改 {student}：{finding.detail}")
    summary.require_complete()


@command.command("feedback")
@_COURSE
@_ASSIGNMENT
@click.option("--pass-mark", type=click.FloatRange(0, 100), default=None,
              help="合格分数线（百分制）；省略时取登记库中该轮次的设置。")
@db_option
@click.option("--show-answers", is_flag=True, default=False, help="在反馈中列出正确答案（默认不列出）。")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="反馈页上的生成日期（YYYY-MM-DD，默认今天）。")
def feedback_cmd(course, assignment, pass_mark, db_url, show_answers, today) -> None:
    """生成考生可读的成绩反馈（总分、是否合格、逐题得分；默认不含正确答案，不含答案文件和评分代码）。"""
    from zhiben_training.assess import CourseRoot
    from zhiben_training.assess.results import write_feedback

    _, mark = _round_and_mark(course, assignment, db_url, pass_mark)
    paths = write_feedback(course, assignment, pass_mark=mark, show_answers=show_answers,
                           today=today.date() if today else None)
    shown = "列出正确答案" if show_answers else "不含正确答案"
    click.echo(f"已生成 {len(paths)} 份反馈（{shown}，合格分数线 {mark:g}）："
               f"{CourseRoot(course).feedback_root}")


def _round_and_mark(course: Path, assignment: str, db_url: str | None,
                    pass_mark: float | None) -> tuple[str, float]:
    """The assignment's round and its pass mark (percent): given, else the round's in the registry."""
    from zhiben_training.assess.results import assignment_round, round_pass_mark

    round_id = assignment_round(course, assignment)
    if pass_mark is not None:
        return round_id, pass_mark
    with open_from(db_url) as registry:
        return round_id, round_pass_mark(registry, round_id)


_PASS_MARK_HELP = "合格分数线（百分制，占满分的百分比）；省略时取登记库中该轮次的设置（可配置，非法规）。"


@command.command("export")
@_COURSE
@_ASSIGNMENT
@click.option("--out", type=click.Path(path_type=Path), required=True, help="输出 CSV 文件。")
@click.option("--pass-mark", type=click.FloatRange(0, 100), default=None, help=_PASS_MARK_HELP)
@db_option
def export_cmd(course, assignment, out, pass_mark, db_url) -> None:
    """导出成绩 CSV（UTF-8 BOM，时间为北京时间），可直接用 Excel 打开；是否合格按该轮次的合格分数线判定。"""
    from zhiben_training.assess.results import export_csv

    round_id, mark = _round_and_mark(course, assignment, db_url, pass_mark)
    click.echo(f"已导出：{export_csv(course, assignment, out, pass_mark=mark)}"
               f"（轮次 {round_id}，合格分数线 {mark:g}%）")


def _score_text(score: float, max_score: float, passed: bool) -> str:
    return f"{score:g}/{max_score:g}（{'合格' if passed else '不合格'}）"


@command.command("import")
@_COURSE
@_ASSIGNMENT
@click.option("--round", "round_id", required=True, help="登记库中的培训轮次（须与生成试卷时的轮次一致）。")
@click.option("--pass-mark", type=click.FloatRange(0, 100), default=None, help=_PASS_MARK_HELP)
@click.option("--actor", required=True, help="操作人（写入审计日志）。")
@click.option("--reason", default="考核成绩导入", show_default=True,
              help="原因（写入审计日志；人工评分、复核改分的题号和分值变化自动附在后面）。")
@db_option
def import_cmd(course, assignment, round_id, pass_mark, actor, reason, db_url) -> None:
    """把成绩册中的成绩（含人工评分和复核改分）写入登记库，每项变更记入审计日志，并列出变化。"""
    from zhiben_training.assess.results import import_results

    with open_from(db_url) as registry:
        result = import_results(course, assignment, registry, round_id=round_id, actor=actor,
                                reason=reason, pass_mark=pass_mark)
    click.echo(f"{assignment} → 轮次 {round_id}（合格分数线 {result.pass_mark:g}%）："
               f"新增 {len(result.new)} 人，"
               f"变更 {len(result.changed)} 人，未变 {len(result.unchanged)} 人。")
    for row in result.new:
        click.echo(f"  新增 {row.person_id} {row.name}：{_score_text(row.score, row.max_score, row.passed)}"
                   + (f"；{'；'.join(row.items)}" if row.items else ""))
    for row in result.changed:
        click.echo(f"  变更 {row.person_id} {row.name}："
                   f"{_score_text(row.old_score, row.old_max_score, row.old_passed)}"
                   f" → {_score_text(row.score, row.max_score, row.passed)}"
                   + (f"；{'；'.join(row.items)}" if row.items else ""))
    if result.waiting_manual:
        click.echo(f"尚待人工评分，未导入：{'、'.join(result.waiting_manual)}")


@command.command("simulate")
@_COURSE
@_ASSIGNMENT
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="写出的 zip：每位考生一份交回的答卷 <考核编号>-<考生编号>.ipynb。")
@click.option("--seed", default=2026, show_default=True, help="随机种子：相同种子得到相同的答卷。")
@click.option("--blank", default=0, show_default=True, help="其中空白卷的份数。")
def simulate_cmd(course, assignment, out, seed, blank) -> None:
    """模拟考生交回的答卷（练习和演示用，仅限考核人员：按 keys/ 中的答案写出较好或较差的作答）。"""
    import tempfile

    from zhiben_training.assess import simulate_submissions
    from zhiben_training.assess.exchange import pack_handin

    with tempfile.TemporaryDirectory() as folder:
        handed = simulate_submissions(course, assignment, out_dir=Path(folder), seed=seed, hostile=0,
                                      blank=blank)
        pack_handin(Path(folder), out)
    click.echo(f"已写出 {out}：{len(handed)} 份模拟答卷（考核 {assignment}）。")


command.add_command(analyze)
command.add_command(answer_sheet_cmd)


@command.command("grade")
@_COURSE
@_ASSIGNMENT
@click.option("--trainee", required=True, help="考生编号（身份证号）。")
@click.option("--item", required=True, help="题号，如 w01（简答题）或 k03（复核改分）。")
@click.option("--score", type=float, required=True, help="人工评定的分数。")
@click.option("--comment", default=None, help="评语（反馈中可见）。")
def grade_cmd(course, assignment, trainee, item, score, comment) -> None:
    """人工评分或复核改分（与 formgrader 相同，写入成绩册）；用
    zhiben assess import 写入登记库并记入审计日志。"""
    from zhiben_training.assess.results import grade_item

    change = grade_item(course, assignment, trainee, item, score=score, comment=comment)
    old = "无" if change["old"] is None else f"{change['old']:g}"
    click.echo(f"已评分：{trainee} 第 {item} 题 {old} → {change['new']:g}（满分 {change['max_score']:g}）。"
               "用 zhiben assess import 写入登记库（记入审计日志）。")
