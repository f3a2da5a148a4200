"""The gradebook written in one bulk transaction per batch is nbgrader's own gradebook with the
rows stock autograde writes: read back through nbgrader's Gradebook API and exported with
``nbgrader export``'s CSV plugin, it equals the same results written the stock way (student,
``update_or_create_submission``, ``SaveAutoGrades``, ``AssignLatePenalties``, one commit per cell)."""

from __future__ import annotations

import datetime as dt
import shutil

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.plugins.export import CsvExportPlugin
from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades

from tests.assess.conftest import AID, variant
from zhiben_training.assess import nbgrader_adapter as nbg
from zhiben_training.assess.papers.notebooks import NOTEBOOK_NAME

DUE = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
ON_TIME = dt.datetime(2026, 6, 1, 3, 0)  # naive UTC, as parse_timestamp gives them
LATE = dt.datetime(2026, 6, 1, 13, 30)


def _graded(root, trainee: str, *, fraction: float, touched: bool) -> nbformat.NotebookNode:
    """A graded notebook as autograde leaves it: test cells scored ``fraction`` of their points,
    answer cells changed (``touched``) or left as released (nbgrader's "No response.")."""
    nb = variant(root, trainee)
    for cell in nb.cells:
        meta = cell.metadata["nbgrader"]
        if meta.get("solution") and touched:
            cell.source += "\n答"
        elif meta.get("grade") and cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output(
                "execute_result", {"text/plain": repr(round(float(meta["points"]) * fraction, 2))},
                execution_count=1)]
    return nb


def _comments(nb) -> dict[str, str]:
    return {c.metadata["nbgrader"]["grade_id"].replace("-test", "-answer"): f"本题得分（{i}）"
            for i, c in enumerate(nb.cells) if c.metadata["nbgrader"].get("grade") and c.cell_type == "code"}


def _stock_write(root, student: str, nb, comments: dict, timestamp, *, drop_manual: bool = False) -> None:
    """What stock ``nbgrader autograde`` does with a graded notebook, through nbgrader's own API."""
    with Gradebook(nbg.db_url(root), "zhiben") as gb:
        gb.update_or_create_student(student)
        gb.update_or_create_submission(AID, student, **({"timestamp": timestamp} if timestamp else {}))
        if drop_manual:
            notebook = gb.find_submission_notebook(NOTEBOOK_NAME, AID, student)
            for grade in notebook.grades:
                grade.manual_score = None
            for note in notebook.comments:
                note.manual_comment = None
            gb.db.commit()
    resources = {"nbgrader": {"notebook": NOTEBOOK_NAME, "assignment": AID, "student": student,
                              "db_url": nbg.db_url(root)}}
    SaveAutoGrades().preprocess(nb, resources)
    with Gradebook(nbg.db_url(root), "zhiben") as gb:
        for name, text in comments.items():
            gb.find_comment(name, NOTEBOOK_NAME, AID, student).auto_comment = text
        gb.db.commit()
    AssignLatePenalties().preprocess(nb, resources)


def _bulk_write(root, batch: list[tuple]) -> dict:
    with nbg.AutogradeWriter(root) as writer:
        for student, nb, comments, timestamp, drop in batch:
            writer.record(assignment_id=AID, student_id=student, notebook_id=NOTEBOOK_NAME,
                          rows=nbg.autograde_rows(nb, comments), timestamp=timestamp, drop_manual=drop)
        assert writer.staged == len(batch)
        return writer.flush()


def _read_back(root, tmp_path) -> tuple[dict, str]:
    """Everything formgrader shows of the assignment, through nbgrader's Gradebook API, and the
    CSV ``nbgrader export`` writes."""
    out = {}
    with Gradebook(nbg.db_url(root), "zhiben") as gb:
        for sub in gb.find_assignment(AID).submissions:
            nb = gb.find_submission_notebook(NOTEBOOK_NAME, AID, sub.student.id)
            out[sub.student.id] = {
                "timestamp": sub.timestamp, "score": sub.score, "max_score": sub.max_score,
                "late": nb.late_submission_penalty, "needs_manual_grade": nb.needs_manual_grade,
                "flagged": nb.flagged,
                "grades": {g.name: (g.auto_score, g.manual_score, g.score, g.max_score, g.needs_manual_grade,
                                    g.extra_credit) for g in nb.grades},
                "comments": {c.name: (c.auto_comment, c.manual_comment, c.comment) for c in nb.comments},
            }
        csv = tmp_path / f"{root.name}.csv"
        CsvExportPlugin(to=str(csv)).export(gb)
    return out, csv.read_text(encoding="utf-8")


def _set_manual(root, student: str, grade_id: str, score: float, comment: str) -> None:
    nbg.set_manual_grade(root, assignment_id=AID, student_id=student, grade_id=grade_id, score=score,
                         comment=comment)


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's own add_submission warns
def test_bulk_gradebook_rows_equal_what_stock_autograde_writes(course, tmp_path):
    stock = tmp_path / "stock"
    shutil.copytree(course, stock)
    for root in (course, stock):
        nbg.set_due_date(root, AID, DUE)
    first = [("T001", _graded(course, "T001", fraction=1.0, touched=True), ON_TIME),
             ("T002", _graded(course, "T002", fraction=0.5, touched=True), LATE),
             ("T003", _graded(course, "T003", fraction=0.0, touched=False), None)]
    batch = [(s, nb, _comments(nb), ts, False) for s, nb, ts in first]
    assert _bulk_write(course, batch) == {}
    for student, nb, comments, ts, _ in batch:
        _stock_write(stock, student, nb, comments, ts)
    ours, ours_csv = _read_back(course, tmp_path)
    theirs, theirs_csv = _read_back(stock, tmp_path)
    assert ours == theirs
    assert ours_csv == theirs_csv
    assert set(ours) == {"T001", "T002", "T003"} and ours["T002"]["timestamp"] == LATE
    assert any(g[0] is None for g in ours["T001"]["grades"].values())  # a written answer awaits the examiner
    assert any(c[0] == "No response." for c in ours["T003"]["comments"].values())

    # The examiner grades by hand; T001 is re-graded on the same file (manual marks kept, flagged
    # for review), T002 handed in a new file (its manual marks are void and returned).
    grade_id = next(g for g in ours["T001"]["grades"] if g.endswith("-test"))
    for root in (course, stock):
        _set_manual(root, "T001", grade_id, 0.5, "复核")
        _set_manual(root, "T002", grade_id, 1.0, "很好")
    again = [("T001", _graded(course, "T001", fraction=0.5, touched=True), ON_TIME, False),
             ("T002", _graded(course, "T002", fraction=1.0, touched=True), ON_TIME, True)]
    batch = [(s, nb, _comments(nb), ts, drop) for s, nb, ts, drop in again]
    dropped = _bulk_write(course, batch)
    assert dropped == {"T002": [{"item": grade_id.removesuffix("-test"), "score": 1.0, "comment": "很好"}]}
    for student, nb, comments, ts, drop in batch:
        _stock_write(stock, student, nb, comments, ts, drop_manual=drop)
    ours, ours_csv = _read_back(course, tmp_path)
    theirs, theirs_csv = _read_back(stock, tmp_path)
    assert ours == theirs
    assert ours_csv == theirs_csv
    assert ours["T001"]["grades"][grade_id][1] == 0.5 and ours["T001"]["grades"][grade_id][4] is True
    assert ours["T002"]["grades"][grade_id][1] is None and ours["T002"]["timestamp"] == ON_TIME


def test_nothing_staged_is_written_until_the_flush_and_a_failed_flush_writes_nothing(course, tmp_path):
    nb = _graded(course, "T001", fraction=1.0, touched=True)
    with nbg.AutogradeWriter(course) as writer:
        writer.record(assignment_id=AID, student_id="T001", notebook_id=NOTEBOOK_NAME,
                      rows=nbg.autograde_rows(nb, {}), timestamp=ON_TIME)
        with Gradebook(nbg.db_url(course), "zhiben") as gb:
            assert gb.find_assignment(AID).num_submissions == 0
        writer.record(assignment_id="no-such-assignment", student_id="T002", notebook_id=NOTEBOOK_NAME,
                      rows=nbg.autograde_rows(nb, {}), timestamp=ON_TIME)
        with pytest.raises(nbg.MissingEntry):
            writer.flush()
    with Gradebook(nbg.db_url(course), "zhiben") as gb:
        assert gb.find_assignment(AID).num_submissions == 0


def test_a_new_gradebook_records_the_alembic_head_that_nbgrader_would_ask_the_alembic_command_for(tmp_path):
    """nbgrader runs ``alembic heads`` in a child Python for every new gradebook; the adapter reads the
    same head in-process. Both answers, and the version a new gradebook records, must agree, or
    ``nbgrader db upgrade`` would later migrate a gradebook from the wrong revision."""
    import os
    import sqlite3
    import subprocess
    import sys
    from pathlib import Path

    from nbgrader.dbutil import _temp_alembic_ini

    with _temp_alembic_ini("sqlite:///" + str(tmp_path / "unused.db")) as ini:
        env = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]}
        command_head = subprocess.check_output(["alembic", "-c", ini, "heads"], env=env).decode().split()[0]
    assert nbg._alembic_head() == command_head
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}", "zhiben"):
        pass
    with sqlite3.connect(tmp_path / "gradebook.db") as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(command_head,)]
