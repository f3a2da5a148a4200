"""The one-step entry's choice of page (hub/entry.py): only a page of the trainee's own server."""

from __future__ import annotations

import pytest

from zhiben_training.hub.entry import _safe_next

BASE, DEFAULT = "/user/T1/", "/user/T1/lab/tree/2026-principal-A/paper.ipynb"


@pytest.mark.parametrize(("asked", "target"), [
    ("", DEFAULT),
    ("lab/tree/2026-principal-A/paper.ipynb", DEFAULT),
    ("lab?reset", "/user/T1/lab?reset"),
    ("/hub/admin", DEFAULT),
    ("//evil.example/x", DEFAULT),
    ("https://evil.example/", DEFAULT),
    ("../../hub/admin", DEFAULT),
    ("lab/../../../hub/admin", DEFAULT),
    ("\\\\evil.example", DEFAULT),
])
def test_the_entry_goes_only_to_a_page_of_this_server(asked, target):
    assert _safe_next(BASE, DEFAULT, asked) == target
