"""Feedback pages for 200 trainees: ``write_feedback`` (one font subset for the batch) vs the page-by-page
way it worked before (each page cut its own subset of the CJK font: ~2 s a page, nearly all of it).

Setup (not timed): the A paper for ``N`` trainees of mixed quality (``assess.simulate``), graded by our
autograde. The old way runs on the first ``OLD_N`` (30) trainees and its time is extrapolated to ``N``
(``ZHIBEN_BENCH_FEEDBACK_OLD_N=200`` runs all). Both must give the same pages but for the embedded
font's bytes. Target (issue #25): ours ≥ 10× the old way.

Measured on the 2-core CI machine under load 8: 200 pages in 51 s (16 s CPU) against 1,166 s extrapolated
from 30 pages (1.9 s CPU a page), ratio 22.8 (CPU 23.8); a page with the batch's font is 430 KB, with its
own subset 301 KB.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import time
from pathlib import Path

from zhiben_training.assess import CourseRoot, simulate_submissions
from zhiben_training.assess.exchange import collect, generate
from zhiben_training.assess.grading import autograde
from zhiben_training.assess.results import item_scores, totals, write_feedback
from zhiben_training.assess.results.feedback import feedback_html  # the page alone: the old way rebuilt below

N = int(os.environ.get("ZHIBEN_BENCH_FEEDBACK_N", "200"))
OLD_N = int(os.environ.get("ZHIBEN_BENCH_FEEDBACK_OLD_N", "30"))
ROUND, PAPER = "2026-principal", "A"
TODAY = dt.date(2026, 11, 28)
_FONT_DATA = re.compile(r"base64,[A-Za-z0-9+/=]+")


def per_page_feedback(course_root: Path, assignment: str, students: list[str], out_dir: Path) -> list[Path]:
    """The feedback writer as it was before the batch font (benchmark only): every page cuts its own
    subset."""
    items = item_scores(course_root, assignment)
    people = totals(course_root, assignment).set_index("student_id")
    written = []
    for student, group in items.groupby("student_id", sort=True):
        if student not in students:
            continue
        person = {**people.loc[student].to_dict(), "student_id": student}
        text = feedback_html(course_root, assignment, student, group.to_dict("records"), person=person,
                             pass_mark=60.0, today=TODAY)
        out = out_dir / student / assignment / "paper.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        written.append(out)
    return written


def _graded_course(out_dir: Path) -> tuple[Path, str]:
    from zhiben_training.synth import generate_city

    city = out_dir / "city"
    generate_city(scale="tiny", seed=2026, out_dir=city)
    root = out_dir / "course"
    trainees = [{"id": f"P{i:04d}", "name": f"考生{i}"} for i in range(N)]
    info = generate(root, round_id=ROUND, paper=PAPER, trainees=trainees, city_dir=city, base_seed=2026)
    aid = info["assignment_id"]
    simulate_submissions(root, aid, out_dir=out_dir / "inbox", seed=7, hostile=0, blank=max(1, N // 20))
    collect(root, aid, source=out_dir / "inbox")
    summary = autograde(root, aid, workers=2, progress=False)
    if summary.ungraded:
        raise RuntimeError(f"setup: {len(summary.ungraded)} submissions left ungraded")
    return root, aid


def _timed(action) -> tuple[object, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def run(out_dir: Path) -> dict:
    out_dir = Path(out_dir).resolve()
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    root, aid = _graded_course(out_dir)
    students = CourseRoot(root).autograded_trainees(aid)

    ours, ours_seconds, ours_cpu = _timed(lambda: write_feedback(root, aid, pass_mark=60.0, today=TODAY))
    subset = students[:OLD_N]
    old, old_seconds, old_cpu = _timed(lambda: per_page_feedback(root, aid, subset, out_dir / "old-feedback"))

    ours_by_student = {p.parent.parent.name: p.read_text(encoding="utf-8") for p in ours}
    old_by_student = {p.parent.parent.name: p.read_text(encoding="utf-8") for p in old}
    different = sorted(s for s, page in old_by_student.items()
                       if _FONT_DATA.sub("", page) != _FONT_DATA.sub("", ours_by_student.get(s, "")))
    old_per = old_seconds / len(subset)
    ratio = old_per * len(students) / ours_seconds
    mean_kb = lambda pages: round(sum(len(p.encode()) for p in pages) / len(pages) / 1024, 1)  # noqa: E731
    return {
        "trainees": len(students), "pages": len(ours),
        "ours_seconds": round(ours_seconds, 2), "ours_cpu_seconds": round(ours_cpu, 2),
        "ours_per_page": round(ours_seconds / len(ours), 3),
        "old_pages_timed": len(subset), "old_seconds": round(old_seconds, 2),
        "old_cpu_seconds": round(old_cpu, 2),
        "old_per_page": round(old_per, 3), "old_extrapolated_seconds": round(old_per * len(students), 1),
        "extrapolated": len(subset) < len(students),
        "ours_page_kb": mean_kb(ours_by_student.values()), "old_page_kb": mean_kb(old_by_student.values()),
        "identical_pages_but_font": not different, "different": different[:10],
        "load_average": round(os.getloadavg()[0], 2),
        "ratio": round(ratio, 2),
        # less inflated by a busy machine
        "cpu_ratio": round(old_cpu / len(subset) * len(students) / ours_cpu, 2),
        "target": "ours ≥ 10× the page-by-page font subsets, same pages but for the embedded font",
        "met": ratio >= 10 and not different and len(ours) == len(students),
    }
