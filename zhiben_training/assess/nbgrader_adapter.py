"""The only module that talks to nbgrader, through ``NbGraderAPI`` and ``Gradebook``.

A course root is an nbgrader course directory: ``source/`` (template notebooks), ``release/``,
``submitted/``, ``autograded/``, ``feedback/``, ``gradebook.db`` (its layout: ``assess/layout.py``).
Scores computed by our grader (outside the trainee's kernel) are written into nbgrader's own tables
by the rules of its ``SaveAutoGrades`` and ``AssignLatePenalties`` preprocessors
(``determine_grade``, its late-penalty plugin), so the gradebook rows are those stock autograde
writes, in one transaction per batch.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import sys
import warnings
from pathlib import Path

import nbformat
import nbgrader.api
from nbgrader.api import (
    Assignment,
    BaseCell,
    Comment,
    Grade,
    Gradebook,
    MissingEntry,
    Student,
    SubmittedAssignment,
    SubmittedNotebook,
    new_uuid,
)
from nbgrader.apps.api import NbGraderAPI
from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import AssignLatePenalties, ClearSolutions
from nbgrader.utils import (
    compute_checksum,
    determine_grade,
    is_grade,
    is_locked,
    is_solution,
    is_task,
    parse_utc,
)
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import SAWarning
from sqlalchemy.orm.exc import NoResultFound
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
    "autograde_rows",
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

CONFIG_TEXT = ('''\
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
# Validate (button and `nbgrader validate`) tells the trainee's check: '''
               '''已作答 N / 总数 题, never a test verdict.
try:
    from zhiben_training.assess.papers.validate import install as _zhiben_validate

    _zhiben_validate()
except ImportError:  # a JupyterLab without zhiben_training: stock Validate
    pass
''')

_VALIDATE = "from zhiben_training.assess.papers.validate import install"
_PRE_STAGES_VALIDATE = "from zhiben_training.assess.validate import install"


@functools.cache
def _alembic_head() -> str:
    """The gradebook schema's alembic head, read in this process from nbgrader's own migration scripts.
    nbgrader's ``api.get_alembic_version`` asks the ``alembic heads`` command in a child Python for every
    new gradebook (2.4 s here, most of a course's set-up); ``Gradebook`` calls it through the module
    global that is replaced below. tests/assess/test_gradebook_bulk.py checks both give the same head."""
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    return str(ScriptDirectory(ALEMBIC_DIR).get_current_head())


nbgrader.api.get_alembic_version = _alembic_head


def _alembic_on_path() -> None:
    """nbgrader in a child process (stock ``nbgrader`` commands, formgrader) runs the ``alembic``
    executable from PATH when it creates a gradebook (this process asks ``_alembic_head`` instead);
    make the one next to this Python findable to those children when the venv is not activated."""
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
    "呼延 东郭 淳于 澹台 万俟 闻人 赫连 申屠 太史 公羊 "
    "钟离 濮阳 单于 司空 仲孙 拓跋 左丘 第五 谷梁 梁丘".split())


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


def autograde_rows(graded: nbformat.NotebookNode, comments: dict[str, str] | None = None) -> dict:
    """What stock autograde stores for one graded notebook, as plain data (cheap to send between
    processes): per grade cell ``auto_score`` by nbgrader's own ``determine_grade``; per solution or
    task cell ``auto_comment`` by SaveAutoGrades' rule ("No response." for an untouched solution
    cell, else None), then our per-item ``comments`` over it."""
    scores: dict[str, float | None] = {}
    notes: dict[str, str | None] = {}
    for cell in graded.cells:
        name = cell.metadata.get("nbgrader", {}).get("grade_id")
        if is_grade(cell):
            scores[name], _ = determine_grade(cell)
        if is_solution(cell) or is_task(cell):
            untouched = cell.metadata.nbgrader.get("checksum") == compute_checksum(cell) and not is_task(cell)
            notes[name] = "No response." if untouched else None
    return {"auto_scores": scores, "auto_comments": {**notes, **(comments or {})}}


class AutogradeWriter:
    """Writes autograde results into one course's gradebook: ``record`` stages a graded notebook,
    ``flush`` writes every staged one in ONE transaction, with bulk statements on nbgrader's own
    tables (``Grade.__table__`` …) — the rows stock autograde writes (``update_or_create_student``,
    ``add_submission``'s mirror of the assignment, SaveAutoGrades, AssignLatePenalties), without
    its commit per cell (an fsync each) and its ORM round trips (tests/assess/test_gradebook_bulk.py
    reads both back through nbgrader's Gradebook API and compares)."""

    def __init__(self, course_root: Path):
        self._gb = Gradebook(db_url(course_root), COURSE_ID)
        self._staged: list[dict] = []

    def __enter__(self) -> AutogradeWriter:
        return self

    def __exit__(self, *exc) -> None:
        self._gb.close()

    @property
    def staged(self) -> int:
        return len(self._staged)

    def record(self, *, assignment_id: str, student_id: str, notebook_id: str, rows: dict,
               timestamp: dt.datetime | None, drop_manual: bool = False) -> None:
        """Stage one graded notebook (``rows`` from :func:`autograde_rows`); nothing is written
        before :meth:`flush`. ``drop_manual``: this is a new file for the student, so the
        examiner's manual scores and comments on the previous one are removed at the flush."""
        self._staged.append({"assignment": assignment_id, "student": student_id, "notebook": notebook_id,
                             "rows": rows, "timestamp": timestamp, "drop_manual": drop_manual})

    def flush(self) -> dict[str, list[dict]]:
        """Write every staged notebook in one transaction; returns student -> the manual grades a
        new submission voided ({item, score, comment} each). On an error nothing is written."""
        staged, self._staged = self._staged, []
        if not staged:
            return {}
        db = self._gb.db
        dropped: dict[str, list[dict]] = {}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SAWarning)
                for key in dict.fromkeys((s["assignment"], s["notebook"]) for s in staged):
                    group = [s for s in staged if (s["assignment"], s["notebook"]) == key]
                    dropped.update(_BulkGroup(db, *key).write(group))
            db.commit()
        except BaseException:
            db.rollback()
            raise
        return dropped


class _BulkGroup:
    """The bulk write of one (assignment, notebook) inside ``AutogradeWriter.flush``'s transaction."""

    def __init__(self, db, assignment_id: str, notebook_id: str):
        self.db = db
        try:
            self.assignment = db.query(Assignment).filter(Assignment.name == assignment_id).one()
        except NoResultFound as exc:
            raise MissingEntry(f"No such assignment: {assignment_id}") from exc
        by_name = {nb.name: nb for nb in self.assignment.notebooks}
        if notebook_id not in by_name:
            raise MissingEntry(f"No such notebook: {notebook_id}")
        self.notebook = by_name[notebook_id]

    def _students(self, ids: list[str]) -> None:
        """``update_or_create_student(id)`` for each: the missing ones are added."""
        known = {r[0] for r in self.db.execute(select(Student.id).where(Student.id.in_(ids)))}
        missing = [{"id": s} for s in dict.fromkeys(ids) if s not in known]
        if missing:
            self.db.execute(insert(Student.__table__), missing)

    def _add_submissions(self, students: list[str], stamps: dict) -> None:
        """``add_submission``: the submission, and for every notebook of the assignment a submitted
        notebook with a Grade per grade and task cell and a Comment per solution and task cell."""
        subs, nbs, grades, notes = [], [], [], []
        for student in students:
            sub_id = new_uuid()
            subs.append({"id": sub_id, "assignment_id": self.assignment.id, "student_id": student,
                         "timestamp": stamps.get(student)})
            for notebook in self.assignment.notebooks:
                nb_id = new_uuid()
                nbs.append({"id": nb_id, "assignment_id": sub_id, "notebook_id": notebook.id,
                            "flagged": False})
                cells = {c.id: c for c in notebook.grade_cells + notebook.task_cells}
                grades += [{"id": new_uuid(), "notebook_id": nb_id, "cell_id": c, "needs_manual_grade": True}
                           for c in cells]
                cells = {c.id: c for c in notebook.solution_cells + notebook.task_cells}
                notes += [{"id": new_uuid(), "notebook_id": nb_id, "cell_id": c} for c in cells]
        for table, rows in ((SubmittedAssignment, subs), (SubmittedNotebook, nbs), (Grade, grades),
                            (Comment, notes)):
            if rows:
                self.db.execute(insert(table.__table__), rows)

    def write(self, group: list[dict]) -> dict[str, list[dict]]:
        db, latest = self.db, {}
        for entry in group:  # a student staged twice in one flush: the last one wins, as in sequence
            latest[entry["student"]] = {**entry, "drop_manual": entry["drop_manual"] or
                                        latest.get(entry["student"], {}).get("drop_manual", False)}
        students = list(latest)
        self._students(students)
        subs = dict(db.execute(select(SubmittedAssignment.student_id, SubmittedAssignment.id).where(
            SubmittedAssignment.assignment_id == self.assignment.id,
            SubmittedAssignment.student_id.in_(students))).all())
        stamps = {s: parse_utc(e["timestamp"]) for s, e in latest.items() if e["timestamp"] is not None}
        self._add_submissions([s for s in students if s not in subs], stamps)
        existing = [{"sid": subs[s], "timestamp": stamps[s]} for s in students if s in subs and s in stamps]
        if existing:  # update_or_create_submission(timestamp=…) of a submission already there
            t = SubmittedAssignment.__table__
            db.execute(update(t).where(t.c.id == bindparam("sid"))
                       .values(timestamp=bindparam("timestamp")), existing)
        rows = db.execute(
            select(SubmittedAssignment.student_id, SubmittedNotebook.id)
            .join(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
            .where(SubmittedAssignment.assignment_id == self.assignment.id,
                   SubmittedAssignment.student_id.in_(students),
                   SubmittedNotebook.notebook_id == self.notebook.id)).all()
        notebook_of = {student: nb_id for student, nb_id in rows}
        missing = [s for s in students if s not in notebook_of]
        if missing:
            raise MissingEntry(f"No such submitted notebook: {self.notebook.name} for "
                               f"{', '.join(missing[:5])}")
        dropped = self._scores(latest, notebook_of)
        self._late_penalties(latest, notebook_of)
        return dropped

    def _scores(self, latest: dict, notebook_of: dict) -> dict[str, list[dict]]:
        """SaveAutoGrades (auto_score, needs_manual_grade), the comments, and the dropped manual grades."""
        db, student_of = self.db, {nb: s for s, nb in notebook_of.items()}
        grade_rows = db.execute(select(Grade.id, Grade.notebook_id, Grade.manual_score, BaseCell.name)
                                .join(BaseCell, BaseCell.id == Grade.cell_id)
                                .where(Grade.notebook_id.in_(list(student_of)))).all()
        note_rows = db.execute(select(Comment.id, Comment.notebook_id, Comment.manual_comment, BaseCell.name)
                               .join(BaseCell, BaseCell.id == Comment.cell_id)
                               .where(Comment.notebook_id.in_(list(student_of)))).all()
        manual_notes = {(r.notebook_id, r.name): r.manual_comment for r in note_rows}
        grade_updates, note_updates, dropped = [], [], {}
        for row in sorted(grade_rows, key=lambda r: r.name):
            entry = latest[student_of[row.notebook_id]]
            manual = row.manual_score
            if entry["drop_manual"] and manual is not None:
                comment = manual_notes.get((row.notebook_id, comment_cell_id(row.name)))
                dropped.setdefault(entry["student"], []).append(
                    {"item": item_of(row.name), "score": float(manual), "comment": comment or ""})
                manual = None
            scores = entry["rows"]["auto_scores"]
            if row.name in scores:
                auto = scores[row.name]
                grade_updates.append({"gid": row.id, "auto": auto, "manual": manual,
                                      "needs": manual is not None or auto is None})
            elif manual != row.manual_score:
                grade_updates.append({"gid": row.id, "manual": None, "keep_auto": True})
        for row in note_rows:
            entry = latest[student_of[row.notebook_id]]
            notes = entry["rows"]["auto_comments"]
            manual = None if entry["drop_manual"] else row.manual_comment
            if row.name in notes or manual != row.manual_comment:
                note_updates.append({"cid": row.id, "auto": notes.get(row.name), "manual": manual,
                                     "keep_auto": row.name not in notes})
        self._apply(grade_updates, note_updates)
        return dropped

    def _apply(self, grade_updates: list[dict], note_updates: list[dict]) -> None:
        g, c = Grade.__table__, Comment.__table__
        scored = [u for u in grade_updates if not u.get("keep_auto")]
        if scored:
            self.db.execute(update(g).where(g.c.id == bindparam("gid")).values(
                auto_score=bindparam("auto"), manual_score=bindparam("manual"),
                needs_manual_grade=bindparam("needs")), scored)
        cleared = [u for u in grade_updates if u.get("keep_auto")]
        if cleared:
            self.db.execute(update(g).where(g.c.id == bindparam("gid")).values(manual_score=None), cleared)
        for keep in (False, True):
            rows = [u for u in note_updates if u["keep_auto"] is keep]
            values = {"manual_comment": bindparam("manual")}
            if not keep:
                values["auto_comment"] = bindparam("auto")
            if rows:
                self.db.execute(update(c).where(c.c.id == bindparam("cid")).values(**values), rows)

    def _late_penalties(self, latest: dict, notebook_of: dict) -> None:
        """AssignLatePenalties: reset, then nbgrader's plugin for the late ones (read back through
        the ORM, so ``score`` and ``total_seconds_late`` are nbgrader's own)."""
        db, t = self.db, SubmittedNotebook.__table__
        db.execute(update(t).where(t.c.id.in_(list(notebook_of.values()))).values(late_submission_penalty=None))
        if self.assignment.duedate is None:
            return
        db.expire_all()
        penalties = None
        for student, nb_id in notebook_of.items():
            notebook = db.get(SubmittedNotebook, nb_id)
            late = notebook.assignment.total_seconds_late
            if late > 0:
                if penalties is None:
                    penalties = AssignLatePenalties()
                    penalties.init_plugin()
                penalty = penalties.plugin_inst.late_submission_penalty(student, notebook.score, late)
                if penalty is not None:
                    notebook.late_submission_penalty = penalties._check_late_penalty(notebook, penalty)
        db.flush()


def record_autograde(course_root: Path, *, graded: nbformat.NotebookNode, comments: dict[str, str],
                     **kwargs) -> list[dict]:
    """One graded notebook written at once (:meth:`AutogradeWriter.record` + ``flush``); returns
    the manual grades a new submission voided."""
    with AutogradeWriter(course_root) as writer:
        writer.record(rows=autograde_rows(graded, comments), **kwargs)
        return writer.flush().get(kwargs["student_id"], [])


def gradebook_scores(course_root: Path, assignment_id: str) -> list[dict]:
    """One row per (student, grade cell): auto/manual/final score, max, comment, timestamp."""
    rows: list[dict] = []
    with Gradebook(db_url(course_root), COURSE_ID) as gb:
        try:
            assignment = gb.find_assignment(assignment_id)
        except MissingEntry as exc:
            raise AssessmentError(f"成绩册中没有考核 {assignment_id}。",
                                  hint="先运行 zhiben assess generate。") from exc
        for submission in assignment.submissions:
            for notebook in submission.notebooks:
                comments = {c.name: (c.manual_comment or c.auto_comment or "") for c in notebook.comments}
                for grade in notebook.grades:
                    rows.append({
                        "student_id": submission.student.id,
                        "student_name": student_name(submission.student.last_name,
                                                     submission.student.first_name),
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
        raise AssessmentError(f"从 nbgrader 交换目录收取 {assignment_id} 失败："
                              f"{result.get('error', '')[-800:]}")


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
