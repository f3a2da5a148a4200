"""The only module that talks to nbgrader, through ``NbGraderAPI`` and ``Gradebook``.

A course root is an nbgrader course directory (its layout: ``assess/layout.py``). Scores computed by
our grader (outside the trainee's kernel) are written with nbgrader's own ``SaveAutoGrades`` and
``AssignLatePenalties`` preprocessors, so the gradebook rows are those stock autograde writes.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import warnings
from pathlib import Path

import nbformat
from nbgrader.api import Comment, Grade, Gradebook, MissingEntry
from nbgrader.apps.api import NbGraderAPI
from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import AssignLatePenalties, ClearSolutions
from nbgrader.utils import compute_checksum, determine_grade, is_grade, is_locked, is_solution, parse_utc
from sqlalchemy.exc import SAWarning
from sqlalchemy.orm import joinedload
from traitlets.config import Config

from zhiben_training.assess.layout import COURSE_ID, NOTEBOOK_NAME, CourseRoot, comment_cell_id, item_of
from zhiben_training.errors import AssessmentError

__all__ = [
    "CONFIG_TEXT",
    "db_url",
    "parse_timestamp",
    "nbgrader_api",
    "ensure_course",
    "register_assignment",
    "register_students",
    "split_name",
    "student_name",
    "record_autograde",
    "AutogradeWriter",
    "gradebook_scores",
    "collect_exchange",
    "set_due_date",
    "answer_text",
    "set_manual_grade",
    "compute_checksum",
    "is_grade",
    "is_locked",
    "is_solution",
    "determine_grade",
    "MissingEntry",
]

CONFIG_TEXT = '''\
"""nbgrader configuration of the zhiben assessments course root (generated; safe to edit)."""
import os
import re

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "zhiben"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# The exchange lives inside the course root (created by zhiben, mode 1777), not nbgrader's default
# /srv/nbgrader/exchange, so formgrader and `nbgrader collect` find it without a system folder.
c.Exchange.root = os.path.join(c.CourseDirectory.root, "exchange")
# Our own autograde writes the gradebook; stock `nbgrader autograde` remains usable for comparison.
c.Execute.timeout = 60
c.ClearSolutions.code_stub = {"python": "# 在此作答"}
# Validate (button and `nbgrader validate`) tells the trainee's check: 已作答 N / 总数 题, never a test verdict.
try:
    from zhiben_training.assess.papers.validate import install as _zhiben_validate

    _zhiben_validate()
except ImportError:  # a JupyterLab without zhiben_training: stock Validate
    pass
'''

_VALIDATE = "from zhiben_training.assess.papers.validate import install"
_PRE_STAGES_VALIDATE = "from zhiben_training.assess.validate import install"


def _alembic_on_path() -> None:
    """nbgrader's Gradebook runs the ``alembic`` executable from PATH when it creates a database;
    make the one next to this Python findable when the venv is not activated."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def parse_timestamp(text: str) -> dt.datetime | None:
    """A submission's ``timestamp.txt`` as nbgrader reads it (UTC), or None when unreadable."""
    try:
        return parse_utc(text.strip())
    except (ValueError, TypeError, OverflowError):
        return None


def db_url(course_root: Path) -> str:
    _alembic_on_path()
    return f"sqlite:///{CourseRoot(Path(course_root).resolve()).gradebook}"


def _coursedir(course_root: Path) -> CourseDirectory:
    config = Config()
    config.CourseDirectory.root = str(Path(course_root).resolve())
    config.CourseDirectory.course_id = COURSE_ID
    config.Exchange.root = str(CourseRoot(Path(course_root).resolve()).exchange)
    # Our sources hold no solutions: the answer cells carry the starter text the trainee receives,
    # so ClearSolutions must not replace it with a stub (the gradebook checksums would then differ
    # from what trainees got, and untouched answers would not read as "No response.").
    config.GenerateAssignment.preprocessors = [
        pp for pp in GenerateAssignment.class_traits()["preprocessors"].default() if pp is not ClearSolutions]
    return CourseDirectory(config=config)


def nbgrader_api(course_root: Path) -> NbGraderAPI:
    """An ``NbGraderAPI`` bound to this course root (exchange under ``<root>/exchange``)."""
    _alembic_on_path()
    coursedir = _coursedir(course_root)
    api = NbGraderAPI(coursedir=coursedir, config=coursedir.config)
    api.log.setLevel(logging.ERROR)
    return api


def ensure_course(course_root: Path) -> Path:
    """Create the course root folders and ``nbgrader_config.py`` when missing."""
    root = Path(course_root)
    layout = CourseRoot(root)
    for folder in layout.examiner_only_dirs():
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)  # examiner-only, also against kernels running as other uids
    exchange = layout.exchange
    if not exchange.exists():
        exchange.mkdir()
        exchange.chmod(0o1777)  # nbgrader's exchange convention: world-writable with sticky bit
    config = layout.config_file
    if not config.exists():
        config.write_text(CONFIG_TEXT, encoding="utf-8")
    else:  # a course root from before assess/ was split by stage: its Validate import would fail quietly
        text = config.read_text(encoding="utf-8")
        if _PRE_STAGES_VALIDATE in text:
            config.write_text(text.replace(_PRE_STAGES_VALIDATE, _VALIDATE), encoding="utf-8")
    return root


def register_assignment(course_root: Path, assignment_id: str, template: nbformat.NotebookNode,
                        *, notebook_name: str) -> None:
    """Write the template as nbgrader's source and run nbgrader's generate_assignment, which
    records the assignment, notebook, grade/solution/source cells in the gradebook."""
    source = CourseRoot(course_root).source_notebook(assignment_id).with_stem(notebook_name)
    source.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(template, source)
    result = nbgrader_api(course_root).generate_assignment(assignment_id, force=True, create=True)
    gradebook = CourseRoot(course_root).gradebook
    if gradebook.exists():
        gradebook.chmod(0o600)
    if not result.get("success"):
        raise AssessmentError(f"nbgrader 生成作业 {assignment_id} 失败：{result.get('log', '')[-1500:]}")


# 复姓 (two-character surnames): the rest of Chinese surnames are one character.
_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕 端木 西门 南宫 独孤 百里 "
    "呼延 东郭 淳于 澹台 万俟 闻人 赫连 申屠 太史 公羊 钟离 濮阳 单于 司空 仲孙 拓跋 左丘 第五 谷梁 梁丘".split())


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name) of a Chinese name, for nbgrader's last_name / first_name.

    formgrader shows a student as "last_name, first_name" and only when both are set (else the
    id), so "乔志阳" is stored as ("乔", "志阳") and shown "乔, 志阳", not ", 乔志阳". A name that
    is not Chinese (or is a single character) is kept whole as the surname."""
    name = (name or "").strip()
    if len(name) < 2 or not all("\u4e00" <= ch <= "\u9fff" or ch == "·" for ch in name):
        return name, ""
    cut = 2 if name[:2] in _COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:cut], name[cut:]


def student_name(last_name: str | None, first_name: str | None) -> str:
    """The whole name back from nbgrader's two fields (Chinese order: surname first)."""
    return f"{last_name or ''}{first_name or ''}"


def register_students(course_root: Path, students: list[dict]) -> None:
    """Students are trainees: id = person_id / trainee id; the name split into surname (last_name)
    and given name (first_name) so formgrader, which shows "last, first", shows it correctly."""
    with Gradebook(db_url(course_root), COURSE_ID) as gb:
        for student in students:
            last, first = split_name(student.get("name", ""))
            gb.update_or_create_student(student["id"], last_name=last or None, first_name=first or None,
                                        email=None)


class AutogradeWriter:
    """Writes autograde results into one course's gradebook, keeping one connection open for a
    whole run (opening nbgrader's Gradebook inspects and creates the schema each time)."""

    def __init__(self, course_root: Path):
        self._gb = Gradebook(db_url(course_root), COURSE_ID)

    def __enter__(self) -> AutogradeWriter:
        return self

    def __exit__(self, *exc) -> None:
        self._gb.close()

    def record(self, *, assignment_id: str, student_id: str, notebook_id: str, graded: nbformat.NotebookNode,
               comments: dict[str, str], timestamp: dt.datetime | None, drop_manual: bool = False) -> list[dict]:
        """Store one graded notebook the way stock autograde does: student, submission with
        timestamp, per grade cell ``auto_score`` from nbgrader's own ``determine_grade`` and
        ``needs_manual_grade`` by SaveAutoGrades' rule, "No response." for untouched solution
        cells, the late penalty by AssignLatePenalties' rule and plugin; then our per-item
        comments. One transaction instead of SaveAutoGrades' commit per cell (same rows).

        ``drop_manual``: this is a new file for the student, so the examiner's manual scores and
        comments on the previous one are removed; returns them ({item, score, comment} each)."""
        gb = self._gb
        with warnings.catch_warnings():
            # nbgrader's add_submission walks relationships before the new row is in the session
            # and SQLAlchemy warns about it; stock autograde triggers the same warning.
            warnings.simplefilter("ignore", SAWarning)
            gb.update_or_create_student(student_id)
            if timestamp is not None:
                submission = gb.update_or_create_submission(assignment_id, student_id, timestamp=timestamp)
            else:
                submission = gb.update_or_create_submission(assignment_id, student_id)
        notebook = gb.find_submission_notebook(notebook_id, assignment_id, student_id)
        grades = {g.name: g for g in gb.db.query(Grade).options(joinedload(Grade.cell))
                  .filter(Grade.notebook_id == notebook.id)}
        notes = {c.name: c for c in gb.db.query(Comment).options(joinedload(Comment.cell))
                 .filter(Comment.notebook_id == notebook.id)}
        dropped = _drop_manual(grades, notes) if drop_manual else []
        for cell in graded.cells:
            name = cell.metadata.get("nbgrader", {}).get("grade_id")
            if is_grade(cell) and name in grades:
                grade = grades[name]
                grade.auto_score, _ = determine_grade(cell)
                grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
            if is_solution(cell) and name in notes:
                untouched = cell.metadata.nbgrader.get("checksum") == compute_checksum(cell)
                notes[name].auto_comment = "No response." if untouched else None
        for name, text in comments.items():
            if name in notes:
                notes[name].auto_comment = text
        notebook.late_submission_penalty = None
        if submission.total_seconds_late > 0:
            penalties = AssignLatePenalties()
            penalties.init_plugin()
            penalty = penalties.plugin_inst.late_submission_penalty(
                student_id, notebook.score, submission.total_seconds_late)
            if penalty is not None:
                notebook.late_submission_penalty = penalties._check_late_penalty(notebook, penalty)
        gb.db.commit()
        return dropped


def _drop_manual(grades: dict, notes: dict) -> list[dict]:
    """Clear every manual score and manual comment of one notebook; what was there, per item."""
    dropped = []
    for name, grade in sorted(grades.items()):
        note = notes.get(comment_cell_id(name))
        comment = note.manual_comment if note is not None else None
        if grade.manual_score is not None:
            dropped.append({"item": item_of(name), "score": float(grade.manual_score),
                            "comment": comment or ""})
            grade.manual_score = None
    for note in notes.values():
        note.manual_comment = None
    return dropped


def record_autograde(course_root: Path, **kwargs) -> list[dict]:
    """One-off :meth:`AutogradeWriter.record`."""
    with AutogradeWriter(course_root) as writer:
        return writer.record(**kwargs)


def gradebook_scores(course_root: Path, assignment_id: str) -> list[dict]:
    """One row per (student, grade cell): auto/manual/final score, max, comment, timestamp."""
    rows: list[dict] = []
    with Gradebook(db_url(course_root), COURSE_ID) as gb:
        try:
            assignment = gb.find_assignment(assignment_id)
        except MissingEntry as exc:
            raise AssessmentError(f"成绩册中没有考核 {assignment_id}。", hint="先运行 zhiben assess generate。") from exc
        for submission in assignment.submissions:
            for notebook in submission.notebooks:
                comments = {c.name: (c.manual_comment or c.auto_comment or "") for c in notebook.comments}
                for grade in notebook.grades:
                    rows.append({
                        "student_id": submission.student.id,
                        "student_name": student_name(submission.student.last_name, submission.student.first_name),
                        "notebook": notebook.name, "grade_id": grade.name,
                        "auto_score": grade.auto_score, "manual_score": grade.manual_score,
                        "score": grade.score, "max_score": grade.max_score,
                        "needs_manual_grade": grade.needs_manual_grade,
                        "comment": comments.get(comment_cell_id(grade.name), ""),
                        "timestamp": submission.timestamp,
                        "late_penalty": submission.late_submission_penalty,
                    })
    return rows


def set_due_date(course_root: Path, assignment_id: str, due: dt.datetime) -> None:
    """The exam's closing time as nbgrader's due date, so a paper taken late (late policy "mark")
    is marked late in the gradebook by nbgrader's own seconds-late rule."""
    with Gradebook(db_url(course_root), COURSE_ID) as gb:
        gb.update_or_create_assignment(assignment_id, duedate=due.astimezone(dt.UTC).replace(tzinfo=None))


def collect_exchange(course_root: Path, assignment_id: str) -> None:
    """nbgrader's own collect: the exchange's inbound -> the course root's submission folders."""
    result = nbgrader_api(course_root).collect(assignment_id, update=True)
    if not result.get("success"):
        raise AssessmentError(f"从 nbgrader 交换目录收取 {assignment_id} 失败：{result.get('error', '')[-800:]}")


def answer_text(course_root: Path, *, assignment_id: str, student_id: str, grade_id: str,
                notebook_id: str = NOTEBOOK_NAME) -> str:
    """The text of a trainee's answer cell as autograded (what an examiner reads in formgrader)."""
    path = CourseRoot(course_root).autograded_notebook(assignment_id, student_id).with_stem(notebook_id)
    if not path.exists():
        raise AssessmentError(f"考生 {student_id} 的 {assignment_id} 答卷尚未自动评分，无法人工评阅。")
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return "".join(cell.source) if isinstance(cell.source, list) else str(cell.source)
    raise AssessmentError(f"答卷中没有评分单元 {grade_id}。")


def set_manual_grade(course_root: Path, *, assignment_id: str, student_id: str, grade_id: str, score: float,
                     comment: str | None = None, notebook_id: str = NOTEBOOK_NAME) -> dict:
    """Set an examiner's score for one grade cell, as formgrader does (``manual_score`` wins over
    ``auto_score``; ``needs_manual_grade`` cleared). Returns the old and new score for the audit."""
    with Gradebook(db_url(course_root), COURSE_ID) as gb:
        try:
            grade = gb.find_grade(grade_id, notebook_id, assignment_id, student_id)
        except MissingEntry as exc:
            raise AssessmentError(f"成绩册中没有 {student_id} 在 {assignment_id} 的评分单元 {grade_id}。",
                                  hint="题号形如 w01-answer 或 k03-test。") from exc
        if not 0 <= score <= grade.max_score:
            raise AssessmentError(f"分数 {score:g} 超出本题范围 0–{grade.max_score:g}。")
        note = None
        if comment is not None:  # found first: a comment that cannot be kept must not leave a bare score
            note_id = comment_cell_id(grade_id)
            try:
                note = gb.find_comment(note_id, notebook_id, assignment_id, student_id)
            except MissingEntry as exc:
                raise AssessmentError(f"{grade_id} 没有可写评语的答题单元（{note_id}），分数和评语均未保存。",
                                      hint="去掉 --comment 只改分数，或指定带答题单元的题号。") from exc
        old = grade.score
        grade.manual_score = float(score)
        grade.needs_manual_grade = False
        if note is not None:
            note.manual_comment = comment
        gb.db.commit()
        return {"old": old, "new": float(score), "max_score": grade.max_score}
