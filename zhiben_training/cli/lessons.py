"""``zhiben lessons``: build or check the lesson notebooks in course/."""

from __future__ import annotations

from pathlib import Path

import click

from zhiben_training.errors import ConfigError, StaleCourseError


@click.group(name="lessons")
def command() -> None:
    """课程笔记本（course/ 下的 7 课）的生成与检查。"""


@command.command(name="build")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("course"),
              show_default=True, help="笔记本输出目录")
@click.option("--check", is_flag=True, help="只检查已有笔记本是否与生成结果一致，不写文件；不一致时退出码为 1")
def build(out_dir: Path, check: bool) -> None:
    """由 zhiben_training/lessons/notebooks/ 的源代码生成课程笔记本（无输出、单元格编号稳定）。"""
    from zhiben_training.lessons.build import build_course, check_course

    if check:
        if not out_dir.is_dir():
            raise ConfigError(f"目录 {out_dir} 不存在", hint="先运行 zhiben lessons build 生成课程笔记本")
        stale = check_course(out_dir)
        if stale:
            raise StaleCourseError(f"需要重新生成：{'、'.join(stale)}", hint=f"运行 zhiben lessons build --out {out_dir}")
        click.echo("课程笔记本均为最新。")
        return
    for path in build_course(out_dir):
        click.echo(f"已生成：{path}")
