"""The skip summary groups skips by reason and knows which are allowed; missing tools say how to install."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from tests import debian_tools, skip_report

REPO = Path(__file__).resolve().parent.parent


def _skip(nodeid: str, reason: str):
    return SimpleNamespace(nodeid=nodeid,
                           longrepr=(nodeid.split("::")[0], 1, f"Skipped: {reason}"), skipped=True)


def test_a_missing_tool_is_never_an_allowed_skip_and_is_counted_per_reason(monkeypatch):
    line = debian_tools.missing_line(debian_tools.TOOLS["soffice"])
    reports = [_skip("tests/reports/test_roster.py::test_a", line),
               _skip("tests/reports/test_periodic.py::test_b", line),
               _skip("tests/registry/test_store.py::test_postgres_statistics_are_fresh_after_a_bulk_load[sqlite]",
                     "PostgreSQL only: SQLite plans from its indexes")]
    groups = skip_report.group_skips(reports)
    assert [(g.count, bool(g.allowed_because)) for g in groups] == [(2, False), (1, True)]
    monkeypatch.setenv("CI", "true")
    assert "本次运行判为失败" in skip_report.summary_lines(groups)[-1]
    monkeypatch.delenv("CI")
    assert "CI=true" in skip_report.summary_lines(groups)[-1]


def test_an_allowed_reason_on_another_test_is_not_allowed():
    other = _skip("tests/registry/test_store.py::test_something_else[sqlite]",
                  "PostgreSQL only: SQLite plans from its indexes")
    assert skip_report.group_skips([other])[0].allowed_because == ""


def test_every_allowed_skip_names_a_real_test_and_its_real_reason():
    for (node, reason), why in skip_report.ALLOWED_SKIPS.items():
        path, _, name = node.replace("\\", "").partition("::")
        source = (REPO / path).read_text(encoding="utf-8")
        assert f"def {name.split('[')[0]}(" in source and reason.replace("\\", "") in source and why


def test_the_missing_tool_line_names_the_package_the_skipped_tests_and_the_install_command():
    line = debian_tools.missing_line(debian_tools.TOOLS["chromium"])
    assert ("Debian 软件包 chromium" in line and "浏览器测试" in line
            and "sudo apt-get install -y chromium" in line)
