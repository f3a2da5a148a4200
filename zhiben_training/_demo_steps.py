"""The six steps of ``zhiben demo`` (see ``zhiben_training.demo``). Each returns Chinese lines."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

ROUNDS = {"A": "2026-principal", "C": "2026-safety"}
EXAMINER = "演示考官"
REFERENCE_QUARTER = "2026Q3"


@dataclass
class DemoContext:
    out_dir: Path
    seed: int
    trainees_per_paper: int
    workers: int | None
    outputs: dict[str, Path] = field(default_factory=dict)
    registry: object | None = None
    assignments: dict[str, str] = field(default_factory=dict)

    @property
    def city_dir(self) -> Path:
        return self.out_dir / "city"

    @property
    def course_root(self) -> Path:
        return self.out_dir / "assessments"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{(self.out_dir / 'registry.sqlite').resolve()}"


def _fresh(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    return path


def make_city(ctx: DemoContext) -> list[str]:
    from zhiben_training.synth import generate_city, load_city

    generate_city(scale="demo", seed=ctx.seed, out_dir=_fresh(ctx.city_dir), progress=True)
    tables = load_city(ctx.city_dir)
    ctx.outputs["合成城市"] = ctx.city_dir
    sites = tables["sites"]
    major = int((sites["label_major_hazard_ids"].fillna("") != "").sum())
    return [
        f"企业 {len(tables['enterprises']):,} 家，人员 {len(tables['people']):,} 人，"
        f"证书 {len(tables['certificates']):,} 本，项目 {len(sites):,} 个（其中 {major} 个存在重大事故隐患）",
        f"隐患台账 {len(tables['findings']):,} 条（企业自查、督导检查、群众举报三个渠道）",
    ]


def load_registry(ctx: DemoContext) -> list[str]:
    from zhiben_training.registry import open_registry

    for suffix in ("", "-wal", "-shm"):
        _fresh(Path(str(ctx.out_dir / "registry.sqlite") + suffix))
    ctx.registry = open_registry(ctx.db_url)
    counts = ctx.registry.load_synthetic(ctx.city_dir)
    opened = ctx.registry.open_rounds(year=2026)
    rounds = ctx.registry.rounds()
    this_year = rounds[rounds["year"] == 2026]["round_id"].tolist()
    ctx.outputs["培训登记库"] = ctx.out_dir / "registry.sqlite"
    return [
        f"已载入：企业 {counts['enterprises']:,}、人员 {counts['people']:,}、签到 {counts['attendance']:,}、"
        f"继续教育 {counts['continuing_education']:,}、隐患 {counts['findings']:,} 条",
        f"2026 年度轮次：{'、'.join(this_year)}" + (f"（本次新开设 {'、'.join(opened)}）" if opened else "（均已开设）"),
    ]


def _pick_trainees(ctx: DemoContext, round_id: str) -> list[dict]:
    """Those of the round's audience who have not yet passed this year: the make-up session."""
    status = ctx.registry.status(round_id=round_id)
    pending = status[status["status"] != "completed"].sort_values("person_id")
    if len(pending) < ctx.trainees_per_paper:
        pending = status.sort_values(["status", "person_id"])
    chosen = pending.head(ctx.trainees_per_paper)
    return [{"id": r.person_id, "name": r.name} for r in chosen.itertuples()]


def release_papers(ctx: DemoContext) -> list[str]:
    from zhiben_training.assess import release

    _fresh(ctx.course_root)
    lines = []
    for paper, round_id in ROUNDS.items():
        trainees = _pick_trainees(ctx, round_id)
        info = release.generate(ctx.course_root, round_id=round_id, paper=paper, trainees=trainees,
                                city_dir=ctx.city_dir, base_seed=ctx.seed)
        aid = info["assignment_id"]
        ctx.assignments[paper] = aid
        zips = release.release(ctx.course_root, aid)
        lines.append(f"{aid}（{round_id}）：{info['trainees']} 名考生，每卷 {info['items']} 题、"
                     f"满分 {info['max_score']:g} 分，每人一份不同的试卷；离线答卷包 {len(zips)} 个")
    ctx.outputs["考核课程目录（nbgrader）"] = ctx.course_root
    return lines


def simulate(ctx: DemoContext) -> list[str]:
    from zhiben_training.assess.simulate import simulate_submissions

    lines = []
    for number, aid in enumerate(ctx.assignments.values()):
        handed = simulate_submissions(ctx.course_root, aid, out_dir=_fresh(ctx.out_dir / "handin" / aid),
                                      seed=ctx.seed, hostile=4, blank=2, hostile_offset=4 * number)
        by_quality = pd.Series([s.quality for s in handed]).value_counts()
        hostile = "、".join(s.detail for s in handed if s.quality == "hostile")
        lines.append(f"{aid}：较好 {by_quality.get('good', 0)} 份、较差 {by_quality.get('weak', 0)} 份、"
                     f"空白 {by_quality.get('blank', 0)} 份、恶意 {by_quality.get('hostile', 0)} 份（{hostile}）")
    return lines


def grade_and_import(ctx: DemoContext) -> list[str]:
    from zhiben_training.assess.autograde import UNGRADED_LABEL, autograde
    from zhiben_training.assess.collect import collect
    from zhiben_training.assess.results import import_results
    from zhiben_training.errors import GradingIncompleteError

    workers = ctx.workers or max(1, os.cpu_count() or 1)
    rounds = ctx.registry.rounds().set_index("round_id")
    lines = []
    for paper, aid in ctx.assignments.items():
        received, rejected = collect(ctx.course_root, aid, source=ctx.out_dir / "handin" / aid)
        summary = autograde(ctx.course_root, aid, workers=workers, progress=True)
        if summary.ungraded:
            raise GradingIncompleteError(f"{aid}：{len(summary.ungraded)} 份答卷{UNGRADED_LABEL}，演示中止。",
                                         ungraded=summary.ungraded)
        round_id = ROUNDS[paper]
        pass_mark_pct = float(rounds.loc[round_id, "pass_mark"])
        lines.append(f"{aid}：收卷 {len(received)} 份（拒收 {len(rejected)} 份），每份都有 SHA-256 回执；"
                     f"{summary.isolation_note}；评分 {len(summary.graded)} 份，{UNGRADED_LABEL} 0 份，"
                     f"其中 {len(summary.problems)} 份答卷自身有问题（按其已得分记录，原因如下）")
        for student, reason in sorted(summary.problems.items()):
            lines.append(f"    {student}：{reason}")
        lines.extend(_grade_written(ctx, aid))
        result = import_results(ctx.course_root, aid, ctx.registry, round_id=round_id, actor=EXAMINER,
                                reason="演示：2026 年度补考成绩导入", pass_mark=_pass_points(ctx, aid, pass_mark_pct))
        lines.append(f"{aid}：已导入登记库 {result['imported']} 人（审计日志已记录）")
    return lines


_WRITTEN_POINTS = ("每月", "台账", "销号", "责任", "整改")


def _grade_written(ctx: DemoContext, aid: str) -> list[str]:
    """The demo examiner marks each written answer by its key points (2 points each, at most the
    item's points), as an examiner would in formgrader; the marks go into nbgrader's gradebook."""
    from zhiben_training.assess import nbgrader_adapter as nbg
    from zhiben_training.assess import results

    scores = results.item_scores(ctx.course_root, aid)
    written = scores[scores["needs_manual_grade"].astype(bool)]
    for row in written.itertuples():
        text = nbg.answer_text(ctx.course_root, assignment_id=aid, student_id=row.student_id,
                               grade_id=row.grade_id)
        hits = [word for word in _WRITTEN_POINTS if word in text]
        mark = min(float(row.max_score), 2.0 * len(hits))
        comment = f"要点：{'、'.join(hits)}" if hits else "未答到要点。"
        nbg.set_manual_grade(ctx.course_root, assignment_id=aid, student_id=row.student_id,
                             grade_id=row.grade_id, score=mark, comment=comment)
    return [f"{aid}：演示考官按要点人工评阅简答题 {len(written)} 份"]


def _pass_points(ctx: DemoContext, aid: str, pass_mark_pct: float) -> float:
    """The round's pass mark (a percentage, configuration) in points of this paper."""
    from zhiben_training.assess import results

    max_score = float(results.totals(ctx.course_root, aid)["max_score"].max())
    return round(max_score * pass_mark_pct / 100.0, 2)


def summarise(ctx: DemoContext) -> list[str]:
    from zhiben_training.assess import release
    from zhiben_training.identifiers import mask_id

    lines: list[str] = []
    for paper, round_id in ROUNDS.items():
        aid = ctx.assignments[paper]
        trainees = set(ctx.registry.assessment_results(round_id=round_id)["person_id"]) & set(release.trainees(ctx.course_root, aid))
        status = ctx.registry.status(round_id=round_id)
        mine = status[status["person_id"].isin(trainees)]
        done = mine[mine["status"] == "completed"]
        passed = mine[mine["passed"].fillna(False).eq(True)]
        failed = mine[mine["passed"].fillna(True).eq(False)]
        lines.append(f"{round_id}：本次考核 {len(mine)} 人，合格 {len(passed)} 人、不合格 {len(failed)} 人；"
                     f"学时和考核均已完成（本轮次已完成）{len(done)} 人")
        if len(done):
            lines.append(f"    本轮次已完成：{'、'.join(done.sort_values('person_id')['name'])}")
        waiting = passed[~passed["person_id"].isin(done["person_id"])]
        if len(waiting):
            lines.append(f"    考核合格、学时待补足：{'、'.join(waiting.sort_values('person_id')['name'])}")
        for row in failed.sort_values("person_id").itertuples():
            lines.append(f"    不合格：{row.name}（{mask_id(row.person_id)}），{row.enterprise_name}，"
                         f"最好成绩 {row.best_score_pct:.0f}%")
    due = ctx.registry.renewals_due(days=90)
    lines.append(f"90 天内到期、需要延续的证书 {len(due)} 本，其中 {int(due['blocked'].sum())} 本存在阻碍延续的情形")
    for row in due.sort_values(["days_left", "cert_no"]).head(5).itertuples():
        reason = f"；{row.blockers}" if row.blocked else ""
        lines.append(f"    {row.cert_no} {row.name}：还有 {row.days_left} 天到期{reason}")
    lines.extend(_write_reports(ctx))
    return lines


def _write_reports(ctx: DemoContext) -> list[str]:
    from zhiben_training.assess.analysis import item_analysis, plot_item_analysis
    from zhiben_training.assess.responses import responses_frame
    from zhiben_training.reports.columns import default_spec
    from zhiben_training.reports.export import write_periodic
    from zhiben_training.reports.periodic import build_periodic_report
    from zhiben_training.reports.periods import parse_period
    from zhiben_training.reports.roster import write_roster
    from zhiben_training.reports.sources import periodic_inputs, roster_frame

    reports = _fresh(ctx.out_dir / "reports")
    roster = write_roster(roster_frame(ctx.registry, round_id=ROUNDS["A"]), reports / "roster",
                          round_id=ROUNDS["A"], spec=default_spec(), masked=False)
    period = parse_period("quarterly", REFERENCE_QUARTER)
    quarterly = write_periodic(build_periodic_report(periodic_inputs(ctx.registry, period), period),
                               reports / "quarterly")
    responses = pd.concat([responses_frame(ctx.course_root, aid) for aid in ctx.assignments.values()])
    analysis = item_analysis(responses, min_n=5)
    analysis_dir = reports / "item-analysis"
    analysis_dir.mkdir(parents=True)
    analysis.items.to_csv(analysis_dir / "item_analysis.csv", index=False, encoding="utf-8-sig")
    analysis.reliability.to_csv(analysis_dir / "reliability.csv", index=False, encoding="utf-8-sig")
    chart = plot_item_analysis(analysis, analysis_dir / "item_analysis.png")
    ctx.outputs.update({
        "花名册（XLSX）": roster.xlsx, "花名册（CSV）": roster.csv,
        f"季度报告 {REFERENCE_QUARTER}（XLSX）": quarterly.xlsx, f"季度报告 {REFERENCE_QUARTER}（HTML）": quarterly.html,
        "试题分析": analysis_dir / "item_analysis.csv", "试题分析图": chart,
    })
    alphas = "，".join(f"{r.paper} 卷 α = {r.cronbach_alpha:.2f}" for r in analysis.reliability.itertuples())
    return [f"花名册 {ROUNDS['A']}：{roster.rows} 人；季度报告 {REFERENCE_QUARTER} 已写出；"
            f"试题分析 {len(analysis.items)} 题（{alphas}），建议复核 {int(analysis.items['retire'].sum())} 题"]


STEP_FUNCTIONS = (make_city, load_registry, release_papers, simulate, grade_and_import, summarise)
