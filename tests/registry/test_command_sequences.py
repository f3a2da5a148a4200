"""Stateful property test: any sequence of the README's registry commands ends in an exit code of the
README's table, never a traceback.

Hypothesis draws sequences of ``zhiben db upgrade | where | load-synth [--replace] | open-rounds``,
``zhiben import people|enterprises|attendance|hours`` (good and bad files), ``zhiben status``, ``zhiben due``,
``zhiben template`` and ``zhiben report roster|quarterly|annual`` on a temporary SQLite registry and runs each
through ``zhiben_training.cli.main`` as the ``zhiben`` script does. A ``ZhibenError`` is the documented
refusal (exit 2, Chinese message); any other exception propagates and fails the test with the sequence
that caused it (``zhiben db load-synth`` after ``zhiben db open-rounds`` once ended in an IntegrityError).
Bounded (``max_examples`` × ``stateful_step_count``) so it runs in ``make test`` in well under a minute.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from zhiben_training.cli import main

from .conftest import ENTERPRISES, P_DONE, P_HALF, WORKER, write_tiny_city
from .filemaker import (
    ATTENDANCE_HEADER,
    ENTERPRISE_HEADER,
    HOURS_HEADER,
    PEOPLE_HEADER,
    people_rows,
    write_file,
)

# README "Grading you can defend, and exit codes": 0 done, 1 a finding, 2 bad input (nothing written),
# 3 busy, 4 undetermined. Registry, import and report commands have no findings and nothing undetermined,
# and one process is never busy with itself: 0 or 2 is all they may return.
EXIT_TABLE = {0, 1, 2, 3, 4}
REGISTRY_CODES = {0, 2}
TODAY = "2026-11-28"
IMPORT_KINDS = ["people", "enterprises", "attendance", "hours"]
ROUNDS = ["2026-principal", "2026-safety", "2026-special", "2025-safety", "2030-principal"]


def _files(folder: Path) -> dict[str, Path]:
    """Import files, good and bad, made once per module."""
    e1 = ENTERPRISES[0][0]
    return {
        "people-good": write_file(folder / "people.csv", PEOPLE_HEADER, people_rows(3, uscc=e1)),
        "people-bad": write_file(folder / "people-bad.csv", PEOPLE_HEADER,
                                 [[P_DONE[:17] + "0", "张一", "", "", "138-2234-5678", "滨海新区", e1,
                                   "主要负责人", ""]]),
        "enterprises-good": write_file(folder / "enterprises.xlsx", ENTERPRISE_HEADER,
                                       [[e1, "滨海建工（合成）", "施工", "总承包", "一级", "滨海新区",
                                         "某路1号", "", "", ""]]),
        "attendance-good": write_file(folder / "attendance.csv", ATTENDANCE_HEADER,
                                      [[P_HALF, "2026-principal", "2026-03-12", "8"]]),
        "attendance-bad": write_file(folder / "attendance-bad.csv", ATTENDANCE_HEADER,
                                     [[P_HALF, "2031-principal", "46087", "99"]]),
        "hours-good": write_file(folder / "hours.csv", HOURS_HEADER,
                                 [[WORKER, "2026-06-01", "8", "施工临时用电安全", "企业内部培训"]]),
    }


class RegistryCommands(RuleBasedStateMachine):
    """One temporary registry per example; each rule is one documented command line."""

    fixtures: Path  # set by the test below: the tiny city and import files, shared by every example

    def __init__(self) -> None:
        super().__init__()
        self.work = Path(tempfile.mkdtemp(prefix="zhiben-seq-"))
        self.db = f"sqlite:///{self.work / 'registry.sqlite'}"
        self.files = _files(self.fixtures)
        self.log: list[str] = []

    def teardown(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)

    def run(self, *argv: str, allowed: set[int] = REGISTRY_CODES) -> int:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
        self.log.append(f"zhiben {' '.join(argv)} -> {code}")
        assert code in EXIT_TABLE, f"exit code {code} is not in the README's table\n" + "\n".join(self.log)
        assert code in allowed, f"exit code {code} for {argv}\n{err.getvalue()}\n" + "\n".join(self.log)
        assert "Traceback" not in out.getvalue() + err.getvalue()
        if code:
            assert err.getvalue().strip(), "a refusal says why"
        return code

    @initialize(first=st.sampled_from(["nothing", "upgrade", "load", "rounds"]))
    def start(self, first: str) -> None:
        if first == "upgrade":
            self.run("db", "upgrade", "--db", self.db)
        elif first == "load":
            self.run("db", "load-synth", str(self.fixtures / "city"), "--db", self.db)
        elif first == "rounds":
            self.run("db", "open-rounds", "--year", "2026", "--db", self.db)

    @rule(replace=st.sampled_from([False, False, True]))
    def load_synth(self, replace: bool) -> None:
        self.run("db", "load-synth", str(self.fixtures / "city"), *(["--replace"] if replace else []),
                 "--db", self.db)

    @rule(year=st.sampled_from([2025, 2026]), hours=st.sampled_from([None, "16", "0"]))
    def open_rounds(self, year: int, hours: str | None) -> None:
        self.run("db", "open-rounds", "--year", str(year), *(["--required-hours", hours] if hours else []),
                 "--db", self.db)

    @rule(file=st.sampled_from(["people-good", "people-bad", "enterprises-good", "attendance-good",
                                "attendance-bad", "hours-good"]))
    def import_file(self, file: str) -> None:
        kind = file.split("-")[0]
        copy = self.work / self.files[file].name  # the import writes its report next to the file
        shutil.copy(self.files[file], copy)
        self.run("import", kind, str(copy), "--db", self.db)

    # The read-only commands share one rule, so that the writing ones (load, open, import) come up often
    # enough in a short sequence to meet each other in every order.
    @rule(command=st.sampled_from(["where", "status", "due", "template", "roster", "quarterly", "annual"]),
          round_id=st.sampled_from(ROUNDS),
          scope=st.sampled_from(["city", "district", "person", "enterprise", "all"]), variant=st.booleans(),
          days=st.sampled_from(["0", "90", "400"]), period=st.sampled_from(["2026Q2", "2026Q4", "2025Q1"]),
          kind=st.sampled_from(IMPORT_KINDS))
    def read(self, command, round_id, scope, variant, days, period, kind) -> None:
        db, out = ["--db", self.db], ["--out", str(self.work / "报送")]
        if command == "where":
            self.run("db", "where", *db)
        elif command == "status":
            argv = ["status", "--today", TODAY, *db, *(["--json"] if variant else [])]
            argv += [] if scope == "all" else ["--round", round_id]
            argv += {"district": ["--district", "滨海新区"], "person": ["--person", P_DONE],
                     "enterprise": ["--enterprise", ENTERPRISES[0][0]]}.get(scope, [])
            self.run(*argv)
        elif command == "due":
            self.run("due", "--renewal", "--days", days, "--today", TODAY, *db,
                     *(["--json"] if variant else []))
        elif command == "template":
            self.run("template", kind, "--out", str(self.work / f"{kind}-模板.xlsx"))
        elif command == "roster":
            self.run("report", "roster", "--round", round_id, *(["--masked"] if variant else []), *out,
                     "--today", TODAY, *db)
        elif command == "quarterly":
            self.run("report", "quarterly", period, *out, "--today", TODAY, *db)
        else:
            self.run("report", "annual", period[:4], *out, "--today", TODAY, *db)


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sequences")
    write_tiny_city(folder / "city")
    return folder


def test_no_sequence_of_registry_commands_ends_in_a_traceback(fixtures):
    RegistryCommands.fixtures = fixtures
    run_state_machine_as_test(RegistryCommands, settings=settings(
        max_examples=20, stateful_step_count=6, deadline=None, suppress_health_check=[HealthCheck.too_slow]))
