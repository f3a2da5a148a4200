"""The course root's layout: every folder, file and cell-id convention of the assessments, in one place.

A course root is an nbgrader course directory with zhiben's own folders beside nbgrader's. Every stage
asks ``CourseRoot`` for a path instead of spelling a folder name (``tests/assess/test_layout.py`` scans
the package for folder names outside this module). The tree, with who writes and who reads each part,
is drawn once, in ``docs/ARCHITECTURE.md`` ("The course root").

Cell ids (nbgrader ``grade_id``): item ``k03`` has ``k03-answer`` (the answer, where a comment goes),
``k03-test`` (the capture cell that holds an auto-graded score) and, for a written answer, ``k03-text``.
Standard library only: the hub, the CLI and every stage import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePath

__all__ = [
    "CourseRoot",
    "ExchangeRoot",
    "COURSE_ID",
    "NOTEBOOK_NAME",
    "EXAMINER_ONLY",
    "POD_INBOUND",
    "assignment_id",
    "answer_cell_id",
    "test_cell_id",
    "text_cell_id",
    "item_of",
    "comment_cell_id",
]

COURSE_ID = "zhiben"  # nbgrader's course id, and the exchange's folder for it
NOTEBOOK_NAME = "paper"  # every paper is <NOTEBOOK_NAME>.ipynb (nbgrader's notebook id)

_SOURCE, _KEYS, _VARIANTS, _OFFLINE = "source", "keys", "variants", "offline"
_SUBMITTED, _AUTOGRADED, _FEEDBACK = "submitted", "autograded", "feedback"
_RECEIPTS, _AUTOGRADE, _HUB, _EXCHANGE = "receipts", ".autograde", "hub", "exchange"
POD_INBOUND = "inbound-pods"

# Created 0700 by ``ensure_course``: examiner-only, also against kernels running as other uids.
EXAMINER_ONLY = (_SOURCE, _KEYS, _VARIANTS, _SUBMITTED, _AUTOGRADED)

_ANSWER, _TEST, _TEXT = "-answer", "-test", "-text"
_ITEM_SUFFIX = re.compile(f"({_TEST}|{_ANSWER})$")


def assignment_id(round_id: str, paper: str) -> str:
    """The nbgrader assignment id of one paper of one registry round: ``2026-principal`` + ``A`` ->
    ``2026-principal-A``, so two rounds of one year never share a folder or a gradebook assignment.
    Never parsed back: the round and paper are read from the assignment's manifest."""
    return f"{round_id}-{paper}"


def answer_cell_id(item_id: str) -> str:
    """The item's answer cell (a written or code answer; a click item's widgets): comments go here."""
    return f"{item_id}{_ANSWER}"


def test_cell_id(item_id: str) -> str:
    """The item's capture cell, which holds an auto-graded item's score."""
    return f"{item_id}{_TEST}"


def text_cell_id(item_id: str) -> str:
    """The locked cell that shows a written answer's text box."""
    return f"{item_id}{_TEXT}"


def item_of(grade_id: str) -> str:
    """The item id of an answer or capture cell: ``k03-test`` -> ``k03`` (other ids unchanged)."""
    return _ITEM_SUFFIX.sub("", grade_id)


def comment_cell_id(grade_id: str) -> str:
    """Where the comment on a grade cell lives: a capture cell's comment is on its item's answer cell."""
    return answer_cell_id(grade_id[: -len(_TEST)]) if grade_id.endswith(_TEST) else grade_id


@dataclass(frozen=True)
class ExchangeRoot:
    """nbgrader's exchange (``Exchange.root``): inside the course root on one machine, mounted at another
    path in a trainee's pod. Paths only, as ``CourseRoot``; the pure paths a pod's mounts need work too."""

    root: PurePath

    @property
    def course(self) -> PurePath:
        return self.root / COURSE_ID

    @property
    def outbound(self) -> PurePath:
        return self.course / "outbound"

    def outbound_dir(self, assignment: str) -> PurePath:
        return self.outbound / assignment

    def released_dir(self, assignment: str, trainee: str) -> PurePath:
        """One trainee's released paper (the personalised exchange's ``outbound/<assignment>/<trainee>``)."""
        return self.outbound_dir(assignment) / trainee

    @property
    def inbound(self) -> PurePath:
        return self.course / "inbound"

    @property
    def pod_inbound_root(self) -> PurePath:
        return self.course / POD_INBOUND

    def pod_inbound_dir(self, trainee: str) -> PurePath:
        return self.pod_inbound_root / trainee

    @property
    def windows_dir(self) -> PurePath:
        return self.course / "windows"

    def window_file(self, assignment: str) -> PurePath:
        return self.windows_dir / f"{assignment}.json"


@dataclass(frozen=True)
class CourseRoot:
    """The folders and files of one course root (paths only: nothing is created or read here)."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    # nbgrader's own files
    @property
    def config_file(self) -> Path:
        return self.root / "nbgrader_config.py"

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    def source_notebook(self, assignment: str) -> Path:
        return self.root / _SOURCE / assignment / f"{NOTEBOOK_NAME}.ipynb"

    def examiner_only_dirs(self) -> list[Path]:
        return [self.root / name for name in EXAMINER_ONLY]

    # generate: keys and variants
    def keys_dir(self, assignment: str) -> Path:
        return self.root / _KEYS / assignment

    @property
    def all_keys(self) -> Path:
        """The parent of every assignment's keys folder (``keys_dir(a).parent``)."""
        return self.root / _KEYS

    def manifest(self, assignment: str) -> Path:
        """The assignment's record: its registry round, paper, seeds and trainees (written by generate)."""
        return self.keys_dir(assignment) / "manifest.json"

    def generated_assignments(self) -> list[str]:
        """The ids of the assignments generated here (those with a manifest), sorted."""
        if not self.all_keys.is_dir():
            return []
        return sorted(p.name for p in self.all_keys.iterdir() if self.manifest(p.name).is_file())

    def key_file(self, assignment: str, trainee: str) -> Path:
        return self.keys_dir(assignment) / f"{trainee}.json"

    def variants_dir(self, assignment: str) -> Path:
        return self.root / _VARIANTS / assignment

    def variant_dir(self, assignment: str, trainee: str) -> Path:
        return self.variants_dir(assignment) / trainee

    def variant_notebook(self, assignment: str, trainee: str) -> Path:
        return self.variant_dir(assignment, trainee) / f"{NOTEBOOK_NAME}.ipynb"

    # release
    def offline_dir(self, assignment: str) -> Path:
        return self.root / _OFFLINE / assignment

    @property
    def exchange(self) -> Path:
        """nbgrader's exchange root (``Exchange.root``), inside the course root."""
        return self.root / _EXCHANGE

    @property
    def exchange_layout(self) -> ExchangeRoot:
        return ExchangeRoot(self.exchange)

    def outbound_dir(self, assignment: str) -> Path:
        return self.exchange_layout.outbound_dir(assignment)

    @property
    def inbound(self) -> Path:
        return self.exchange_layout.inbound

    @property
    def pod_inbound_root(self) -> Path:
        return self.exchange_layout.pod_inbound_root

    def pod_inbound_dir(self, trainee: str) -> Path:
        return self.exchange_layout.pod_inbound_dir(trainee)

    @property
    def windows_dir(self) -> Path:
        return self.exchange_layout.windows_dir

    def window_file(self, assignment: str) -> Path:
        return self.exchange_layout.window_file(assignment)

    @property
    def hub_dir(self) -> Path:
        return self.root / _HUB

    @property
    def events_log(self) -> Path:
        return self.hub_dir / "events.jsonl"

    # collect
    @property
    def submitted_root(self) -> Path:
        """``submitted/``: one folder per trainee, one per assignment inside."""
        return self.root / _SUBMITTED

    def submission_dir(self, assignment: str, trainee: str) -> Path:
        return self.submitted_root / trainee / assignment

    def submitted_notebook(self, assignment: str, trainee: str) -> Path:
        return self.submission_dir(assignment, trainee) / f"{NOTEBOOK_NAME}.ipynb"

    def submitted_trainees(self, assignment: str) -> list[str]:
        """The trainees with a collected paper of ``assignment``, sorted."""
        base = self.submitted_root
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if (p / assignment / f"{NOTEBOOK_NAME}.ipynb").exists())

    def receipts_log(self, assignment: str) -> Path:
        return self.root / _RECEIPTS / f"{assignment}.jsonl"

    # autograde
    def autograded_dir(self, assignment: str, trainee: str) -> Path:
        return self.root / _AUTOGRADED / trainee / assignment

    def autograded_notebook(self, assignment: str, trainee: str) -> Path:
        return self.autograded_dir(assignment, trainee) / f"{NOTEBOOK_NAME}.ipynb"

    def autograded_trainees(self, assignment: str) -> list[str]:
        """The trainees with a graded copy of ``assignment``, sorted."""
        base = self.root / _AUTOGRADED
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if self.autograded_notebook(assignment, p.name).exists())

    def autograde_state(self, assignment: str) -> Path:
        return self.root / _AUTOGRADE / f"{assignment}.json"

    @property
    def autograde_logs(self) -> Path:
        return self.root / _AUTOGRADE / "logs"

    # results (which item scores were imported is the registry's: registry.scores, one transaction)
    @property
    def feedback_root(self) -> Path:
        return self.root / _FEEDBACK

    def feedback_page(self, assignment: str, trainee: str) -> Path:
        return self.feedback_root / trainee / assignment / f"{NOTEBOOK_NAME}.html"
