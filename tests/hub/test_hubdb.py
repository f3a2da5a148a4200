"""The hub's SQLite database does not sync the disk at every commit of its event loop."""

from __future__ import annotations

import sqlite3

from sqlalchemy import create_engine, text

from zhiben_training.hub.hubdb import hub_db_kwargs


def test_the_hubs_sqlite_engine_writes_ahead_and_syncs_at_checkpoints_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'jupyterhub.sqlite'}"
    engine = create_engine(url, **hub_db_kwargs(url))  # as JupyterHub makes its engine from db_kwargs
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    engine.dispose()


def test_other_sqlite_databases_of_the_process_keep_their_journal(tmp_path):
    url = f"sqlite:///{tmp_path / 'jupyterhub.sqlite'}"
    create_engine(url, **hub_db_kwargs(url)).connect().close()
    other = sqlite3.connect(tmp_path / "registry.sqlite")
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    other.close()


def test_a_database_server_or_memory_gets_no_sqlite_settings():
    assert hub_db_kwargs("postgresql+psycopg://hub@db/jupyterhub") == {}
    assert hub_db_kwargs("sqlite:///:memory:") == {}
