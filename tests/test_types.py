"""The typed seams (issue #25): mypy runs in ``make test``, ``make test-fast`` and ``make lint`` over the
files ``[tool.mypy]`` lists, and every listed file exists (a renamed module must not drop out silently)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _recipe(target: str) -> str:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert match, f"Makefile has no target {target}"
    return match.group(1)


def test_make_test_test_fast_and_lint_run_mypy_before_the_tests():
    for target in ("test", "test-fast", "lint"):
        assert "$(PY) -m mypy\n" in _recipe(target), target


def test_every_file_mypy_checks_exists_and_the_registry_face_is_among_them():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    missing = [name for name in config["files"] if not (ROOT / name).exists()]
    assert missing == []
    seams = {"zhiben_training/registry/__init__.py", "zhiben_training/registry/api.py",
             "zhiben_training/assess/results/gradebook.py", "zhiben_training/reports/sources.py"}
    assert seams <= set(config["files"])


# E501 at the project's line length ([tool.ruff] line-length, CJK characters counting two columns) holds
# for these files; the rest of the code base still has longer lines (E501 is ignored project-wide until
# they are fixed). Add a file here once it is within the limit.
WITHIN_LINE_LENGTH = [
    "zhiben_training/values.py",
    "zhiben_training/registry/__init__.py",
    "zhiben_training/registry/api.py",
    "zhiben_training/registry/audit.py",
    "zhiben_training/registry/bulk.py",
    "zhiben_training/registry/completion.py",
    "zhiben_training/registry/grades.py",
    "zhiben_training/registry/scores.py",
    "zhiben_training/registry/status.py",
    "zhiben_training/registry/models",
    "zhiben_training/registry/migrations/versions/0004_assessment_item_scores.py",
    "zhiben_training/assess/results/gradebook.py",
    "zhiben_training/reports/sources.py",
    "tests/test_types.py",
    "tests/test_values.py",
    "tests/registry/test_one_owner.py",
]


def test_the_typed_seams_keep_within_the_projects_line_length():
    import subprocess
    import sys

    command = [sys.executable, "-m", "ruff", "check", "--select", "E501", "--output-format", "concise"]
    done = subprocess.run([*command, *WITHIN_LINE_LENGTH], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout
