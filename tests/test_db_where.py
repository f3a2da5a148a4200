"""``zhiben db where`` names the registry the commands use and where that choice came from."""

from __future__ import annotations

from zhiben_training.cli import main


def test_where_prints_the_url_and_says_it_came_from_the_environment(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'demo-out' / 'registry.sqlite'}"
    monkeypatch.setenv("ZHIBEN_DB_URL", url)
    assert main(["db", "where"]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == url and "来自环境变量 ZHIBEN_DB_URL" in out.err


def test_where_without_a_setting_names_the_default_and_how_to_reach_the_demo(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("ZHIBEN_DB_URL", raising=False)
    monkeypatch.setenv("ZHIBEN_HOME", str(tmp_path / "home"))
    assert main(["db", "where"]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == f"sqlite:///{tmp_path / 'home' / 'registry.sqlite'}"
    assert ("默认位置" in out.err
            and 'export ZHIBEN_DB_URL="sqlite:///$PWD/demo-out/registry.sqlite"' in out.err)


def test_status_on_an_empty_registry_names_it_and_how_to_reach_the_demo(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("ZHIBEN_DB_URL", raising=False)
    monkeypatch.setenv("ZHIBEN_HOME", str(tmp_path / "home"))
    assert main(["status", "--round", "2026-principal"]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path / "home" / "registry.sqlite") in err and "demo-out/registry.sqlite" in err
