"""Where the tests find the reference law texts they compare quotes against, in one place.

The texts live beside the repository (``<repo>/../shared/reference``), or in the folder named by
``ZHIBEN_REFERENCE_DIR``. A missing text is a failure, not a skip: a verbatim check that silently
does not run is the same as no check (issue #12).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

REFERENCE_ENV = "ZHIBEN_REFERENCE_DIR"
REPO = Path(__file__).resolve().parent.parent
REGULATIONS = "regulations.md"
ACTION_PLAN = "tianjin_action_plan_2024-2026.txt"


def reference_dir() -> Path:
    """``$ZHIBEN_REFERENCE_DIR`` or ``<repo>/../shared/reference``."""
    explicit = os.environ.get(REFERENCE_ENV)
    return Path(explicit).expanduser() if explicit else (REPO.parent / "shared" / "reference").resolve()


def reference_path(name: str) -> Path:
    """The path of one reference text; fails the calling test when it is not there."""
    path = reference_dir() / name
    if not path.is_file():
        pytest.fail(f"reference text {name} not found at {path}: put the shared reference beside the "
                    f"repository (../shared/reference) or point {REFERENCE_ENV} at its folder", pytrace=False)
    return path


def reference_text(name: str) -> str:
    """One reference text as written (UTF-8)."""
    return reference_path(name).read_text(encoding="utf-8")


def squash(text: str) -> str:
    """Remove all whitespace: the plan's text file breaks lines (and adds spaces) mid-sentence."""
    return re.sub(r"\s+", "", text)
