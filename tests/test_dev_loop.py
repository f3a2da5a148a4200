"""``make test-fast`` is the development loop: it leaves out every test a marker says needs root, a
browser, LibreOffice, PostgreSQL, a hub or minutes, and the README tells developers it exists."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _declared_markers() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {line.split(":")[0].strip() for line in config["tool"]["pytest"]["ini_options"]["markers"]}


def _fast_expression() -> str:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^FAST_MARKERS\s*:=\s*(.+)$", makefile, re.MULTILINE)
    assert match, "Makefile has no FAST_MARKERS for make test-fast"
    assert re.search(r'^test-fast:.*\n(\t.*\n)*\t.*pytest.*-m "\$\(FAST_MARKERS\)"', makefile, re.MULTILINE)
    return match.group(1).strip()


def test_make_test_fast_deselects_every_declared_marker():
    """Every marker here names a heavy need; a new one must be left out of the fast loop (or this changed)."""
    excluded = set(re.findall(r"not (\w+)", _fast_expression()))
    assert excluded == _declared_markers()


def test_the_hub_marker_is_declared():
    assert "hub" in _declared_markers()


def test_the_readme_names_make_test_fast_for_developers():
    assert "make test-fast" in (ROOT / "README.md").read_text(encoding="utf-8")
