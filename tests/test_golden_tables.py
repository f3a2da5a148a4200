"""The CLI's Chinese tables as users read them (golden files; see tests/golden.py): the criteria
list, a registry status summary and one trainee's status, on a tiny synthetic city."""

from __future__ import annotations

import pytest

from tests.golden import check_golden
from zhiben_training.cli import main


@pytest.fixture(scope="module")
def tiny_registry(tmp_path_factory) -> str:
    from zhiben_training.registry import open_registry
    from zhiben_training.synth import generate_city

    base = tmp_path_factory.mktemp("golden")
    generate_city(scale="tiny", seed=3, out_dir=base / "city")
    url = f"sqlite:///{base / 'registry.sqlite'}"
    with open_registry(url) as registry:
        registry.load_synthetic(base / "city")
    return url


def _out(capsys, argv: list[str]) -> str:
    capsys.readouterr()
    assert main(argv) == 0
    return capsys.readouterr().out


def test_the_criteria_list(capsys, request):
    check_golden(request, "hazards-list.txt", _out(capsys, ["hazards", "list"]))


def test_a_round_status_summary(capsys, request, tiny_registry):
    text = _out(capsys, ["status", "--round", "2026-principal", "--today", "2026-11-30",
                         "--db", tiny_registry])
    check_golden(request, "status-2026-principal.txt", text)


def test_one_enterprise_status(capsys, request, tiny_registry):
    from zhiben_training.registry import open_registry

    with open_registry(tiny_registry) as registry:
        uscc = sorted(registry.enterprises()["uscc"])[0]
    text = _out(capsys, ["status", "--enterprise", uscc, "--round", "2026-safety", "--today", "2026-11-30",
                         "--db", tiny_registry])
    check_golden(request, "status-enterprise.txt", text)
