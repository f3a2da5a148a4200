"""Tampering report per submission, against the trainee's OWN released variant.

nbgrader compares every read-only cell with the single source notebook, so with per-trainee
variants its checksum warning fires for every student (jupyter/nbgrader#1961) and real tampering
is lost in the noise. Here each locked cell (header, setup, prompts, capture cells) of a
submission is compared with the same grade_id in what that trainee received; the report names the
cells that were changed, deleted or duplicated, and metadata edits (points, flags, grade_ids).
Tampering never changes a score (those cells are overwritten at autograde); it is reported so an
examiner can look at it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from zhiben_training.assess.grading.submission import load_submission, read_own
from zhiben_training.assess.layout import CourseRoot

__all__ = ["CellFinding", "TamperReport", "tamper_report", "tamper_reports", "tamper_findings", "find_leaks"]

_FLAGS = ("grade", "solution", "locked", "points", "task")


@dataclass(frozen=True)
class CellFinding:
    grade_id: str
    problem: str  # "modified" | "deleted" | "duplicated" | "metadata" | "foreign_paper" | "unreadable"
    detail: str  # Chinese


@dataclass
class TamperReport:
    trainee_id: str
    findings: list[CellFinding] = field(default_factory=list)

    @property
    def tampered(self) -> bool:
        return bool(self.findings)


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def _meta(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def tamper_report(course_root: Path, assignment: str, trainee_id: str) -> TamperReport:
    """Compare one submission with the trainee's released variant, cell by cell."""
    data = CourseRoot(course_root).submitted_notebook(assignment, trainee_id).read_bytes()
    submitted, problem = load_submission(data)
    variant = None
    if submitted is not None:
        variant = read_own(CourseRoot(course_root).variant_notebook(assignment, trainee_id))
    return TamperReport(trainee_id, tamper_findings(variant, submitted, problem, trainee_id))


def tamper_findings(variant, submitted, problem: str, trainee_id: str) -> list[CellFinding]:
    """The findings of ``tamper_report`` from a variant and a submission already read (autograde
    reads each file once, for grading and this report; ``submitted`` None: unreadable, ``problem``
    says why)."""
    if submitted is None:
        return [CellFinding("", "unreadable", problem)]
    findings = []
    owner = submitted.metadata.get("zhiben", {}).get("trainee_id") if isinstance(
        submitted.metadata.get("zhiben"), dict) else None
    if owner not in (None, trainee_id):
        findings.append(CellFinding("", "foreign_paper", f"文件元数据显示这是考生 {owner} 的试卷"))
    by_id: dict[str, list] = {}
    for cell in submitted.cells:
        gid = _meta(cell).get("grade_id")
        if isinstance(gid, str):
            by_id.setdefault(gid, []).append(cell)
    counts = Counter({gid: len(cells) for gid, cells in by_id.items()})
    for cell in variant.cells:
        meta = cell.metadata["nbgrader"]
        gid = meta["grade_id"]
        if counts[gid] > 1:
            findings.append(CellFinding(gid, "duplicated", f"单元格 {gid} 出现 {counts[gid]} 次"))
        mine = by_id.get(gid, [None])[0]
        if mine is None:
            if meta.get("locked") or meta.get("grade"):
                findings.append(CellFinding(gid, "deleted", f"只读单元格 {gid} 被删除"))
            continue
        changed = [f for f in _FLAGS if _meta(mine).get(f) != meta.get(f)]
        if changed:
            findings.append(CellFinding(gid, "metadata",
                                        f"单元格 {gid} 的评分元数据被修改：{'、'.join(changed)}"))
        if meta.get("locked") and (_text(mine.get("source", "")) != cell.source
                                   or mine.get("cell_type") != cell.cell_type):
            findings.append(CellFinding(gid, "modified", f"只读单元格 {gid} 的内容被修改"))
    return findings


def tamper_reports(course_root: Path, assignment: str, *,
                   students: list[str] | None = None) -> list[TamperReport]:
    """Reports of every collected submission (or of ``students``), by trainee id."""
    everyone = CourseRoot(course_root).submitted_trainees(assignment)
    return [tamper_report(course_root, assignment, s) for s in everyone if students is None or s in students]


def find_leaks(text: str, secrets: list[str]) -> list[str]:
    """Which of ``secrets`` (key renderings, hidden-test snippets) occur in ``text``."""
    return [s for s in secrets if s and s in text]
