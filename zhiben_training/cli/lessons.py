"""``zhiben lessons``: build or check the course notebooks, copy them into a learner's folder,
export practice."""

from __future__ import annotations

from pathlib import Path

import click

from zhiben_training.errors import ConfigError, StaleCourseError


@click.group(name="lessons")
def command() -> None:
    """课程笔记本（course/ 下的 7 课和模拟练习）：生成与检查、复制到自己的文件夹打开、导出练习题。"""


@command.command(name="build")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("course"),
              show_default=True, help="笔记本输出目录")
@click.option("--check", is_flag=True,
              help="只检查已有笔记本是否与生成结果一致，不写文件；不一致时退出码为 1")
@click.option("--trainer", is_flag=True,
              help="讲师版：显示全部代码、打开时不自动运行（备课用）；请用 --out 写到 course/ 以外的目录")
def build(out_dir: Path, check: bool, trainer: bool) -> None:
    """由 zhiben_training/lessons/notebooks/ 的源代码生成课程笔记本（无输出、单元格编号稳定）。"""
    from zhiben_training.lessons import build_course, check_course

    if check:
        if not out_dir.is_dir():
            raise ConfigError(f"目录 {out_dir} 不存在", hint="先运行 zhiben lessons build 生成课程笔记本")
        stale = check_course(out_dir)
        if stale:
            raise StaleCourseError(f"需要重新生成：{'、'.join(stale)}",
                                   hint=f"运行 zhiben lessons build --out {out_dir}")
        click.echo("课程笔记本均为最新。")
        return
    if trainer and out_dir.resolve() == Path("course").resolve():
        raise ConfigError("讲师版不能写入 course/（那里是学员版）", hint="加 --out 讲师版 指定另一个目录")
    for path in build_course(out_dir, trainer=trainer):
        click.echo(f"已生成：{path}")


def _exam_question_ids(course: Path) -> tuple[set[str], int]:
    """Every bank question id in any generated exam variant of ``course``, and how many variants."""
    import json

    from zhiben_training.assess import CourseRoot
    from zhiben_training.assess.exchange import load_keys

    ids, variants = set(), 0
    for aid in CourseRoot(course).generated_assignments():
        manifest = CourseRoot(course).manifest(aid)
        for tid in json.loads(manifest.read_text(encoding="utf-8"))["trainees"]:
            ids |= {i["source_question_id"] for i in load_keys(course, aid, tid)["items"]
                    if i.get("source_question_id")}
            variants += 1
    return ids, variants


@command.command(name="practice-set")
@click.option("--course", "courses", type=click.Path(exists=True, file_okay=False, path_type=Path),
              multiple=True, required=True,
              help="已生成考核试卷的课程目录（可多次指定）；其中任何一份试卷的题目都不进入练习题。")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="练习题文件，如 安全培训/练习题.json。")
@click.option("--bank", "bank", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="题库目录（默认取环境变量 ZHIBEN_BANK_DIR，否则 assessments/bank）。")
def practice_set(courses: tuple[Path, ...], out: Path, bank: Path | None) -> None:
    """考核人员：从题库导出模拟练习题，排除已生成的考核试卷中出现的全部题目。"""
    from zhiben_training.assess.papers import load_bank
    from zhiben_training.lessons import write_practice_set

    exam_ids, variants = set(), 0
    for course in courses:
        ids, count = _exam_question_ids(course)
        if not count:
            raise ConfigError(f"课程目录 {course} 中还没有生成考核试卷，无法确定要排除哪些题目。",
                              hint="先运行 zhiben assess generate，再导出练习题。")
        exam_ids |= ids
        variants += count
    path, written, left_out = write_practice_set(load_bank(bank), exam_ids, path=out,
                                                 source="、".join(str(c) for c in courses))
    click.echo(f"已导出 {written} 道练习题到 {path}；已排除 {variants} 份考核试卷中出现的 {left_out} 道题。")


@command.command(name="open")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--practice-set", "practice", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="培训机构导出的练习题文件（复制为 练习题.json）。")
@click.option("--copy-only", is_flag=True, help="只复制课程，不打开 JupyterLab。")
@click.option("--no-browser", is_flag=True, help="打开 JupyterLab 但不启动浏览器（显示网址）。")
def open_cmd(folder: Path, practice: Path | None, copy_only: bool, no_browser: bool) -> None:
    """把课程（7 课和模拟练习）复制到自己的文件夹并在那里打开 JupyterLab；已有的文件不会被覆盖。"""
    import os
    import shutil
    import sys
    import tempfile

    from zhiben_training.lessons import PRACTICE_FILE, copy_course

    with tempfile.TemporaryDirectory() as scratch:
        extra = ()
        if practice is not None:
            extra = (Path(shutil.copyfile(practice, Path(scratch) / PRACTICE_FILE)),)
        report = copy_course(folder, extra=extra)
    click.echo(f"课程文件夹：{report.folder.resolve()}")
    if report.copied:
        click.echo(f"已复制 {len(report.copied)} 个文件：{'、'.join(report.copied)}")
    if report.unchanged:
        click.echo(f"已是最新 {len(report.unchanged)} 个文件。")
    for name in report.kept:
        click.echo(f"保留了你的 {name}（与新版不同，未覆盖；要换成新版，先把它改名或移走再运行本命令）。")
    if copy_only:
        return
    from zhiben_training.lessons import learner_lab

    lab = learner_lab(report.folder)  # Chinese menus, no nbgrader panels (see lessons/lab.py)
    os.environ.update(lab.env)
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={report.folder.resolve()}", *lab.args]
    if no_browser:
        argv.append("--no-browser")
    if os.geteuid() == 0:
        argv.append("--allow-root")
    click.echo("正在打开 JupyterLab（Ctrl-C 结束）……")
    os.execv(argv[0], argv)
