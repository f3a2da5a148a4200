"""The one exception family of zhiben-training.

Every error a user can cause is a ``ZhibenError`` with a Chinese message that says what went wrong
and what to do next. The CLI turns it into that message and an exit code in one place
(``zhiben_training.cli.main``); nothing else prints tracebacks for user mistakes.

    ZhibenError                      exit 2
    ├── ConfigError                  bad configuration or environment
    │   └── StaleCourseError         exit 1: course/ notebooks differ from a fresh build (like a lint)
    ├── KnowledgeBaseError           package data (law, bank, specs) failed validation
    ├── UnknownItemError             a criterion id the requested version of 判定标准 does not contain
    ├── LessonInputError             a value typed into a lesson calculator or planner is unusable
    ├── RecordFormatError            an inspection record does not match the schema (names the field)
    ├── ImportValidationError        an import had bad rows; carries the per-row report, nothing written
    ├── UnreadableFileError          an import file is unreadable as a whole (→ ImportValidationError)
    ├── RegistryError                the registry cannot do what was asked
    │   ├── NotFoundError            an id / USCC / round that does not exist
    │   └── RegistryBusyError        another writer holds the database; try again
    ├── AssessmentError              assessment generation, release, collection or grading failed
    │   ├── GradingFaultError        the grading machinery failed on a submission (never a score)
    │   ├── GradingIncompleteError   exit 4: submissions remain 未评分（评分系统故障）; rerun autograde
    │   └── LoginRefusedError        the hub refused a login (the Chinese reason shown on its page)
    └── ReportError                  a report could not be validated or written
        └── RosterValidationError    a roster failed validation (rows and columns named), nothing written
"""

from __future__ import annotations

__all__ = [
    "ZhibenError",
    "ConfigError",
    "KnowledgeBaseError",
    "RecordFormatError",
    "ImportValidationError",
    "UnreadableFileError",
    "RegistryError",
    "NotFoundError",
    "RegistryBusyError",
    "AssessmentError",
    "GradingFaultError",
    "GradingIncompleteError",
    "LoginRefusedError",
    "ReportError",
    "RosterValidationError",
    "StaleCourseError",
    "UnknownItemError",
    "LessonInputError",
]


class ZhibenError(Exception):
    """Base of every user-facing error; ``str(err)`` is the Chinese message."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None):
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message}\n提示：{hint}")


class ConfigError(ZhibenError):
    """Configuration or environment is unusable (bad ZHIBEN_DB_URL, missing folder, ...)."""


class StaleCourseError(ConfigError):
    """``zhiben lessons build --check`` found notebooks that differ from a fresh build (exit 1,
    like a failed lint)."""

    exit_code = 1


class UnknownItemError(ZhibenError):
    """A criterion id that the requested version of 判定标准 does not contain."""


class LessonInputError(ZhibenError):
    """A value typed into a lesson calculator or planner is unusable (negative income, bad month…)."""


class KnowledgeBaseError(ZhibenError):
    """Package data failed validation: a bug in the shipped data, not in user input."""


class RecordFormatError(ZhibenError):
    """An inspection record does not follow the documented format; ``field`` names where."""

    def __init__(self, message: str, *, field: str = "", hint: str | None = None):
        self.field = field
        super().__init__(message, hint=hint)


class ImportValidationError(ZhibenError):
    """An import found bad rows. Nothing was written; ``problems`` holds one entry per bad cell.

    Each problem is a dict with keys ``row`` (1-based spreadsheet row), ``column``, ``value``
    and ``reason`` (Chinese).
    """

    def __init__(self, message: str, *, problems: list[dict], report_path: str | None = None):
        self.problems = problems
        self.report_path = report_path
        super().__init__(message)


class UnreadableFileError(ZhibenError):
    """An import file is unreadable as a whole (missing, empty, UTF-16, binary, not .xlsx/.csv). The
    importer reports it as an ImportValidationError whose report names the file; the message is Chinese."""


class RegistryError(ZhibenError):
    """The registry cannot do what was asked."""


class NotFoundError(RegistryError):
    """A person, enterprise, round or other key does not exist."""


class RegistryBusyError(RegistryError):
    """Another process is writing; the caller may retry. Nothing was changed."""

    exit_code = 3


class AssessmentError(ZhibenError):
    """Assessment generation, release, collection or grading failed as a whole."""


class GradingFaultError(AssessmentError):
    """The grading machinery (fork server, kernel start, worker, disk) failed on a submission for
    a reason that is not the trainee's. Never turned into a score: the submission is retried, then
    left 未评分 for a rerun."""


class GradingIncompleteError(AssessmentError):
    """Some submissions are 未评分（评分系统故障）: autograde must be rerun before results count.
    ``ungraded`` maps trainee id -> cause."""

    exit_code = 4

    def __init__(self, message: str, *, ungraded: dict[str, str], hint: str | None = None):
        self.ungraded = dict(ungraded)
        super().__init__(message, hint=hint)


class LoginRefusedError(AssessmentError):
    """The hub refused a login (unknown ID, wrong or expired 准考证号, locked account, window closed);
    the message (Chinese) is shown on the login page."""


class ReportError(ZhibenError):
    """A report could not be validated or written."""


class RosterValidationError(ReportError):
    """The roster failed validation; ``problems`` lists dicts with row, column, value, reason."""

    MAX_LISTED = 10

    def __init__(self, problems: list[dict]):
        self.problems = problems
        shown = problems[:self.MAX_LISTED]
        lines = [f"第 {p['row']} 行「{p['column']}」：{p['reason']}" for p in shown]
        more = f"\n……另有 {len(problems) - len(shown)} 处问题" if len(problems) > len(shown) else ""
        super().__init__(
            f"花名册未通过校验，共 {len(problems)} 处问题，未写出任何文件：\n" + "\n".join(lines) + more,
            hint="行号按表格计（第 1 行为表头）；请在登记库中更正后重新导出",
        )
