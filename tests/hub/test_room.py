"""A lesson session: pressing 提交自测 drops the result where the trainer reads it (hub only)."""

from __future__ import annotations

import os

from zhiben_training.lessons import selfcheck
from zhiben_training.lessons.room import DROP_ENV, finished


def test_the_selfcheck_button_drops_a_result_for_the_trainer(tmp_path, monkeypatch):
    monkeypatch.setenv(DROP_ENV, str(tmp_path))
    monkeypatch.setenv("JUPYTERHUB_USER", "120101197001012013")
    items = selfcheck.questions("03")
    choices = {items[0].key: sorted(items[0].answer)}
    panel = selfcheck.check_panel(items, choices)
    panel.children[0].click()
    rows = finished(tmp_path, owner_to_user=lambda uid: "120101197001012013" if uid == os.getuid() else "")
    assert rows == [{**rows[0], "lesson": "03", "user": "120101197001012013", "points": 1,
                     "total": len(items), "all_answered": len(items) == 1}]


def test_a_result_whose_owner_is_someone_else_is_not_counted(tmp_path, monkeypatch):
    monkeypatch.setenv(DROP_ENV, str(tmp_path))
    monkeypatch.setenv("JUPYTERHUB_USER", "SOMEONE-ELSE")
    items = selfcheck.questions("01")
    selfcheck.check_panel(items, {}).children[0].click()
    assert finished(tmp_path, owner_to_user=lambda uid: "ME") == []
    assert len(finished(tmp_path)) == 1


def test_outside_the_hub_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.delenv(DROP_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    selfcheck.check_panel(selfcheck.questions("01"), {}).children[0].click()
    assert list(tmp_path.iterdir()) == []
