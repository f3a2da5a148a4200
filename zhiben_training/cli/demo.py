"""``zhiben demo``: run one whole training round end to end and say what happened, in Chinese."""

from __future__ import annotations

from pathlib import Path

import click

from zhiben_training.demo import DemoStep, run_demo


def _print_step(step: DemoStep) -> None:
    click.echo(f"\n[{step.number}/6] {step.title}（用时 {step.seconds:.1f} 秒）")
    for line in step.lines:
        click.echo(f"    {line}")


@click.command("demo")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("demo-out"),
              show_default=True, help="演示输出目录（合成数据、登记库、考核课程目录、报表）。会先清空。")
@click.option("--seed", default=2026, show_default=True,
              help="随机种子：相同种子得到相同的城市、试卷和答卷。")
@click.option("--trainees", "trainees_per_paper", default=20, show_default=True,
              help="每套试卷的考生人数（A、C 两套）。")
@click.option("--workers", default=None, type=int, help="并行评分的内核数（默认等于 CPU 核数）。")
def command(out_dir: Path, seed: int, trainees_per_paper: int, workers: int | None) -> None:
    """演示：在内置 SQLite 上完整跑一轮年度培训考核。

    依次生成演示规模的合成城市，载入培训登记库，生成并下发 A、C 两套试卷，
    模拟学员答卷（含空白卷和恶意答卷），并行自动评分并导入成绩，
    最后输出花名册、季度报告和试题分析。任何一步失败即以非零退出码结束。
    """
    click.echo(f"zhiben 演示：输出目录 {out_dir.resolve()}")
    result = run_demo(out_dir=out_dir, seed=seed, trainees_per_paper=trainees_per_paper, workers=workers,
                      on_step=_print_step)
    total = sum(step.seconds for step in result.steps)
    click.echo(f"\n演示完成，共用时 {total:.0f} 秒。输出文件：")
    for label, path in result.outputs.items():
        click.echo(f"  {label}：{path}")
