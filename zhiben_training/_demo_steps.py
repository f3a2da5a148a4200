"""The six steps of ``zhiben demo`` (see ``zhiben_training.demo``). Each returns Chinese lines."""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from zhiben_training.synth import DEFAULT_REFERENCE_DATE

if TYPE_CHECKING:
    from zhiben_training.registry import Registry

ROUNDS = {"A": "2026-principal", "C": "2026-safety"}
EXAMINER = "演示考官"
CLERK = "演示培训管理员"
# Fixed dates, never the wall clock: the synthetic city's "today", the make-up training days and the
# exam session (inside both rounds' windows, 2026-03-01–06-30 and 2026-04-01–10-31). The report
# period is the quarter the exams fall in, so the demo's own exams are in its report.
TODAY = DEFAULT_REFERENCE_DATE
MAKEUP_DAYS = tuple(dt.date(2026, 6, day) for day in (15, 16, 17, 18, 19, 22, 23, 24))
EXAM_CLOSED_AT = dt.datetime(2026, 6, 26, 3, 30, tzinfo=dt.UTC)  # 11:30 北京时间
ENTERPRISE_TYPES = ("勘察", "设计", "施工", "监理")


def exam_quarter() -> str:
    """The quarter of the demo's exam session, e.g. ``2026Q2``."""
    day = EXAM_CLOSED_AT.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def by_type(frame: pd.DataFrame) -> str:
    """"勘察 1、设计 2、施工 15、监理 2" (every type, zeros too)."""
    counts = frame["enterprise_type"].value_counts() if len(frame) else pd.Series(dtype=int)
    return "、".join(f"{kind} {int(counts.get(kind, 0))}" for kind in ENTERPRISE_TYPES)


@dataclass
class DemoContext:
    out_dir: Path
    seed: int
    trainees_per_paper: int
    workers: int | None
    outputs: dict[str, Path] = field(default_factory=dict)
    registry: Registry | None = None
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
        f"2026 年度轮次：{'、'.join(this_year)}"
        + (f"（本次新开设 {'、'.join(opened)}）" if opened else "（均已开设）"),
    ]


def _pick_trainees(ctx: DemoContext, round_id: str) -> pd.DataFrame:
    """Those of the round's audience who have not yet completed it: the make-up session. Each
    enterprise type present among them comes first (so 勘察、设计、监理 principals sit it too)."""
    status = ctx.registry.status(round_id=round_id, today=TODAY)
    pending = status[status["status"] != "completed"].sort_values("person_id")
    if len(pending) < ctx.trainees_per_paper:
        pending = status.sort_values(["status", "person_id"])
    first = pending.groupby("enterprise_type", sort=True).head(1)
    ordered = pd.concat([first, pending.drop(first.index)])
    return ordered.head(ctx.trainees_per_paper).sort_values("person_id")


def _makeup_attendance(ctx: DemoContext, chosen: dict[str, pd.DataFrame]) -> list[str]:
    """A sign-in sheet of make-up training (8 h a day) for those short of the round's hours,
    imported as a clerk imports one (``zhiben import attendance``: same checks, audited)."""
    rows = []
    for round_id, people in chosen.items():
        held = ctx.registry.attendance(round_id=round_id)
        held = held.groupby("person_id")["session_date"].agg(lambda d: set(pd.to_datetime(d).dt.date))
        for r in people.itertuples():
            short = float(r.required_hours) - float(r.counted_hours)
            free = [d for d in MAKEUP_DAYS if d not in held.get(r.person_id, set())]
            rows += [{"身份证号": r.person_id, "培训轮次": round_id, "培训日期": d.isoformat(), "学时": 8}
                     for d in free[:max(0, math.ceil(short / 8))]]
    if not rows:
        return ["补训：本次考生的学时均已达到要求，无需补训"]
    sheet = ctx.out_dir / "补训签到表.csv"
    pd.DataFrame(rows, columns=["身份证号", "培训轮次", "培训日期", "学时"]).to_csv(
        sheet, index=False, encoding="utf-8-sig")
    result = ctx.registry.import_file("attendance", sheet, actor=CLERK)
    people = len({row["身份证号"] for row in rows})
    return [f"补训：{people} 名学时不足的考生于 {MAKEUP_DAYS[0]:%m-%d}—{MAKEUP_DAYS[-1]:%m-%d} 补足学时，"
            f"签到 {result.rows} 条（{sheet.name}，按 zhiben import attendance 的校验导入登记库）"]


def release_papers(ctx: DemoContext) -> list[str]:
    from zhiben_training.assess import exchange

    _fresh(ctx.course_root)
    chosen = {round_id: _pick_trainees(ctx, round_id) for round_id in ROUNDS.values()}
    lines = _makeup_attendance(ctx, chosen)
    for paper, round_id in ROUNDS.items():
        trainees = [{"id": r.person_id, "name": r.name} for r in chosen[round_id].itertuples()]
        info = exchange.generate(ctx.course_root, round_id=round_id, paper=paper, trainees=trainees,
                                city_dir=ctx.city_dir, base_seed=ctx.seed)
        aid = info["assignment_id"]
        ctx.assignments[paper] = aid
        zips = exchange.release(ctx.course_root, aid)
        lines.append(f"{aid}（{round_id}）：{info['trainees']} 名考生（{by_type(chosen[round_id])}），"
                     f"每卷 {info['items']} 题、满分 {info['max_score']:g} 分，每人一份不同的试卷；"
                     f"离线答卷包 {len(zips)} 个")
    ctx.outputs["考核课程目录（nbgrader）"] = ctx.course_root
    return lines


def handin_zip(ctx: DemoContext, aid: str) -> Path:
    return ctx.out_dir / f"交回的答卷-{aid}.zip"


def simulate(ctx: DemoContext) -> list[str]:
    from zhiben_training.assess import simulate_submissions
    from zhiben_training.assess.exchange import pack_handin

    lines = []
    for number, aid in enumerate(ctx.assignments.values()):
        folder = _fresh(ctx.out_dir / "handin" / aid)
        handed = simulate_submissions(ctx.course_root, aid, out_dir=folder,
                                      seed=ctx.seed, hostile=4, blank=2, hostile_offset=4 * number)
        pack_handin(folder, handin_zip(ctx, aid))
        ctx.outputs[f"交回的答卷 {aid}（zip）"] = handin_zip(ctx, aid)
        by_quality = pd.Series([s.quality for s in handed]).value_counts()
        hostile = "、".join(s.detail for s in handed if s.quality == "hostile")
        lines.append(f"{aid}：较好 {by_quality.get('good', 0)} 份、较差 {by_quality.get('weak', 0)} 份、"
                     f"空白 {by_quality.get('blank', 0)} 份、"
                     f"恶意 {by_quality.get('hostile', 0)} 份（{hostile}）；"
                     f"考场收回的答卷打包为 {handin_zip(ctx, aid).name}")
    return lines


def grade_and_import(ctx: DemoContext) -> list[str]:
    from zhiben_training.assess.exchange import collect
    from zhiben_training.assess.grading import UNGRADED_LABEL, autograde
    from zhiben_training.assess.results import import_results

    workers = ctx.workers or max(1, os.cpu_count() or 1)
    lines = []
    for paper, aid in ctx.assignments.items():
        received, rejected = collect(ctx.course_root, aid, source=handin_zip(ctx, aid), now=EXAM_CLOSED_AT)
        summary = autograde(ctx.course_root, aid, workers=workers, progress=True)
        summary.require_complete()  # a paper left 未评分 stops the demo (exit 4), as it stops the examiner
        round_id = ROUNDS[paper]
        lines.append(f"{aid}：收卷 {len(received)} 份（拒收 {len(rejected)} 份），每份都有 SHA-256 回执；"
                     f"{summary.isolation_note}；评分 {len(summary.graded)} 份，{UNGRADED_LABEL} 0 份，"
                     f"其中 {len(summary.problems)} 份答卷自身有问题（按其已得分记录，原因如下）")
        for student, reason in sorted(summary.problems.items()):
            lines.append(f"    {student}：{reason}")
        lines.extend(_grade_written(ctx, aid))
        result = import_results(ctx.course_root, aid, ctx.registry, round_id=round_id, actor=EXAMINER,
                                reason="演示：2026 年度补考成绩导入")
        lines.append(f"{aid}：导入登记库（合格分数线 {result.pass_mark:g}%，轮次设置）："
                     f"新增 {len(result.new)} 人、"
                     f"变更 {len(result.changed)} 人、未变 {len(result.unchanged)} 人；"
                     f"人工评分逐题记入审计日志")
    return lines


_WRITTEN_POINTS = ("每月", "台账", "销号", "责任", "整改")


def _grade_written(ctx: DemoContext, aid: str) -> list[str]:
    """The demo examiner marks each written answer by its key points (2 points each, at most the
    item's points), as an examiner would in formgrader; the marks go into nbgrader's gradebook."""
    from zhiben_training.assess import answer_text, results

    scores = results.item_scores(ctx.course_root, aid)
    written = scores[scores["needs_manual_grade"].astype(bool)]
    for row in written.itertuples():
        text = answer_text(ctx.course_root, assignment_id=aid, student_id=row.student_id,
                               grade_id=row.grade_id)
        hits = [word for word in _WRITTEN_POINTS if word in text]
        mark = min(float(row.max_score), 2.0 * len(hits))
        comment = f"要点：{'、'.join(hits)}" if hits else "未答到要点。"
        results.grade_item(ctx.course_root, aid, row.student_id, row.grade_id, score=mark, comment=comment)
    return [f"{aid}：演示考官按要点人工评阅简答题 {len(written)} 份"]


def summarise(ctx: DemoContext) -> list[str]:
    from zhiben_training.assess import exchange
    from zhiben_training.identifiers import mask_id

    lines: list[str] = [f"（状态按 {TODAY} 计算，即合成城市的“今天”；考试于 {EXAM_CLOSED_AT.date()} 举行）"]
    for paper, round_id in ROUNDS.items():
        aid = ctx.assignments[paper]
        trainees = (set(ctx.registry.assessment_results(round_id=round_id)["person_id"])
                    & set(exchange.variant_trainees(ctx.course_root, aid)))
        status = ctx.registry.status(round_id=round_id, today=TODAY)
        mine = status[status["person_id"].isin(trainees)]
        done = mine[mine["status"] == "completed"]
        passed = mine[mine["passed"].fillna(False).eq(True)]
        failed = mine[mine["passed"].fillna(True).eq(False)]
        lines.append(f"{round_id}：本次考核 {len(mine)} 人，合格 {len(passed)} 人、不合格 {len(failed)} 人；"
                     f"学时和考核均已完成（本轮次已完成）{len(done)} 人（{by_type(done)}）")
        everyone = status[status["status"] == "completed"]
        lines.append(f"    全轮次：{len(status)} 人中已完成 {len(everyone)} 人（{by_type(everyone)}）")
        waiting = passed[~passed["person_id"].isin(done["person_id"])]
        if len(waiting):
            lines.append(f"    考核合格、学时待补足：{'、'.join(waiting.sort_values('person_id')['name'])}")
        for row in failed.sort_values("person_id").itertuples():
            lines.append(f"    不合格：{row.name}（{mask_id(row.person_id)}），"
                         f"{row.enterprise_type}，{row.enterprise_name}，"
                         f"最好成绩 {row.best_score_pct:.0f}%")
    due = ctx.registry.renewals_due(days=90, today=TODAY)
    lines.append(f"90 天内到期、需要延续的证书 {len(due)} 本，"
                 f"其中 {int(due['blocked'].sum())} 本存在不能延续的情形，"
                 f"{int(due['needs_review'].sum())} 本有待核实的处罚记录")
    for row in due.sort_values(["days_left", "cert_no"]).head(5).itertuples():
        reason = ((f"；{row.blockers}" if row.blocked else "")
                  + (f"；待核实：{row.to_review}" if row.needs_review else ""))
        lines.append(f"    {row.cert_no} {row.name}：还有 {row.days_left} 天到期{reason}")
    lines.extend(_write_reports(ctx))
    lines.append(f"用 README 中的命令查看这个登记库：export ZHIBEN_DB_URL={ctx.db_url}")
    return lines


def _write_reports(ctx: DemoContext) -> list[str]:
    from zhiben_training.assess.results import responses_frame, write_item_analysis
    from zhiben_training.reports import export_periodic, export_roster

    reports = _fresh(ctx.out_dir / "reports")
    roster = export_roster(ctx.registry, reports / "roster", round_id=ROUNDS["A"], today=TODAY).export
    quarter = exam_quarter()
    quarterly = export_periodic(ctx.registry, reports / "quarterly", kind="quarterly", period=quarter,
                                as_of=TODAY).export
    responses = pd.concat([responses_frame(ctx.course_root, aid) for aid in ctx.assignments.values()])
    analysis, paths = write_item_analysis(responses, reports / "item-analysis",
                                          round_id="、".join(ROUNDS.values()),
                                          assignments=list(ctx.assignments.values()), min_n=5)
    chart = paths["chart"]
    ctx.outputs.update({
        "花名册（XLSX）": roster.xlsx, "花名册（CSV）": roster.csv,
        f"季度报告 {quarter}（XLSX）": quarterly.xlsx, f"季度报告 {quarter}（HTML）": quarterly.html,
        "试题分析": paths["item_analysis"], "试题分析图": chart,
    })
    alphas = "，".join(f"{r.paper} 卷 α = {r.cronbach_alpha:.2f}" for r in analysis.reliability.itertuples())
    return [f"花名册 {ROUNDS['A']}：{roster.rows} 人；季度报告 {quarter} 已写出；"
            f"试题分析 {len(analysis.items)} 题（{alphas}），"
            f"建议复核 {int(analysis.items['retire'].sum())} 题"]


# The steps in order, each with the title the CLI prints above its lines
STEPS = (
    ("生成演示规模的合成城市", make_city),
    ("载入培训登记库并开设 2026 年度培训轮次", load_registry),
    ("为学时不足的考生补训，生成并下发主要负责人（A）与专职安全生产管理人员（C）试卷", release_papers),
    ("模拟学员提交答卷（优、中、空白及若干恶意答卷）", simulate),
    ("并行自动评分并把成绩导入登记库", grade_and_import),
    ("汇总：完成、不合格、证书待延续，并输出花名册、季度报告和试题分析", summarise),
)
