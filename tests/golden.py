"""Golden files for what users read (CLI tables, a report page, a feedback page).

``check_golden(request, name, text)`` compares ``text`` with ``tests/golden/<name>``; run pytest with
``--update-golden`` to (re)write the files after an intended change, then read the diff in git before
committing it. Embedded binary data (the font subset, chart images) is replaced by a placeholder: the
page's words and structure are what a reader sees and what a change must show.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"
_DATA_URI = re.compile(r"data:([a-z]+/[a-z0-9.+-]+);base64,[A-Za-z0-9+/=]+")


def normalise(text: str) -> str:
    return _DATA_URI.sub(lambda m: f"data:{m.group(1)};base64,…", text)


def check_golden(request, name: str, text: str) -> None:
    path = GOLDEN / name
    text = normalise(text)
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path.name}: run pytest --update-golden and review it"
    want = path.read_text(encoding="utf-8")
    if text != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), text.splitlines(True),
                                            "golden", "now", n=1))
        raise AssertionError(f"{name} differs from its golden file (pytest --update-golden if intended):\n"
                             f"{diff[:4000]}")
