"""``zhiben assess analyze ROUND``: item analysis table, CSV and chart (added to the group by the
pipeline)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import click

from zhiben_training.cli._table import render_rows
from zhiben_training.errors import AssessmentError

if TYPE_CHECKING:  # pandas is imported when the command runs, not for --help
    import pandas as pd

_HEADERS = {"paper": "试卷", "question_id": "题目", "kind": "题型", "n": "作答人数", "facility": "难度p",
            "point_biserial": "点二列r", "discrimination_27": "高低分组D", "flags": "提示"}


_KINDS = {"single": "单选", "multiple": "多选", "truefalse": "判断", "hazard_ids": "隐患判定",
          "classify_works": "危大分级", "ledger": "台账分析",
          "ledger_read": "台账查阅", "written": "简答"}


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return "—" if math.isnan(value) else f"{value:.2f}"
    return str(value)


def render_table(items: pd.DataFrame) -> str:
    """Plain-text table of the per-question statistics (Chinese headers, aligned by display width)."""
    header = list(_HEADERS.values())
    rows = [[_fmt(_KINDS.get(r[c], r[c]) if c == "kind" else r[c]) for c in _HEADERS]
            for _, r in items.iterrows()]
    return render_rows(header, rows)


@click.command("analyze")
@click.argument("round_id", metavar="ROUND")
@click.option("--course", type=click.Path(path_type=Path), default=Path("assessments"), show_default=True,
              help="nbgrader 课程根目录：与 --assignment 一起，直接从成绩册和已评答卷读取作答明细。")
@click.option("--assignment", "-a", "assignments", multiple=True,
              help="考核编号（可重复），如 -a 2026-principal-A -a 2026-safety-C；省略 --responses 时必填。")
@click.option("--responses", "responses_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="作答明细 CSV（列：trainee_id, paper, item_id, source_question_id, kind, "
                                 "answer, key, points, max_points）")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出目录，写入 item_analysis.csv、reliability.csv、distractors.csv 和图表 PNG"
                   "（默认 ./item-analysis-ROUND）")
@click.option("--min-n", default=10, show_default=True, help="作答人数少于此值的题目只提示“样本不足”")
def analyze(round_id: str, course: Path, assignments: tuple[str, ...], responses_path: Path | None,
            out_dir: Path | None, min_n: int) -> None:
    """题目分析：每题难度、区分度（点二列相关、高低分组 27%）、干扰项统计，每卷 Cronbach α / KR-20。

    作答明细可直接取自课程目录（--course、-a），也可以是导出的 CSV（--responses）。
    """
    responses = (_read_responses(responses_path) if responses_path
                 else _course_responses(round_id, course, assignments))
    _analyze(round_id, responses, out_dir, min_n, assignments=assignments)


def _course_responses(round_id: str, course: Path, assignments: tuple[str, ...]) -> pd.DataFrame:
    """Responses of the assignments, each of which must have been generated for ``round_id``
    (checked before anything is read or written)."""
    import pandas as pd

    from zhiben_training.assess.results import assignment_round, responses_frame

    if not assignments:
        raise AssessmentError("请用 -a 指定考核编号（如 -a 2026-principal-A），"
                              "或用 --responses 指定作答明细 CSV。")
    made_for = {aid: assignment_round(course, aid) for aid in assignments}
    wrong = {aid: r for aid, r in made_for.items() if r != round_id}
    if wrong:
        shown = "；".join(f"{aid} 属于轮次 {r}" for aid, r in wrong.items())
        raise AssessmentError(f"考核轮次 {round_id} 与所选考核不符：{shown}。未写出任何文件。",
                              hint=f"改用 zhiben assess analyze {next(iter(wrong.values()))} ……")
    return pd.concat([responses_frame(course, aid) for aid in assignments], ignore_index=True)


def _read_responses(responses_path: Path) -> pd.DataFrame:
    import pandas as pd

    try:
        return pd.read_csv(responses_path, dtype={"answer": str, "key": str, "source_question_id": str,
                                                       "trainee_id": str}, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise AssessmentError(f"无法读取作答明细 {responses_path}：{err}") from err


def _analyze(round_id: str, responses: pd.DataFrame, out_dir: Path | None, min_n: int, *,
             assignments: tuple[str, ...] = ()) -> None:
    from zhiben_training.assess.results import write_item_analysis

    out_dir = out_dir or Path(f"item-analysis-{round_id}")
    result, paths = write_item_analysis(responses, out_dir, round_id=round_id, assignments=assignments,
                                        min_n=min_n)
    chart = paths["chart"]
    click.echo(f"考核轮次 {round_id} 题目分析（共 {len(result.items)} 题）")
    click.echo(render_table(result.items))
    for _, row in result.reliability.iterrows():
        click.echo(f"{row['paper']} 卷：{row['n_trainees']} 人、{row['n_items']} 题，"
                   f"Cronbach α = {_fmt(row['cronbach_alpha'])}，KR-20 = {_fmt(row['kr20'])}")
        click.echo(f"    说明：{row['note']}")
    flagged = int(result.items["retire"].sum())
    click.echo(f"建议复核或淘汰的题目：{flagged} 道。结果已写入 {out_dir}（图表 {chart.name}）")
