"""Fixtures of the hub tests; the hub itself is started by ``tests/hub/harness.py``."""

from __future__ import annotations

import pytest

from tests.assess.conftest import _course_template, course  # noqa: F401  (a generated course root)
from tests.hub.harness import running_hub


@pytest.fixture(scope="module")
def hub3():
    with running_hub(3) as hub:
        yield hub
