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
