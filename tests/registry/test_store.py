"""The store: where the database lives, how it is opened, and the append-only audit log."""

from __future__ import annotations

import datetime as dt
import stat

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from zhiben_training import paths
from zhiben_training.errors import ConfigError, RegistryError
from zhiben_training.registry import open_registry
from zhiben_training.registry.models import AuditEntry
from zhiben_training.registry.store import make_engine


def test_default_database_is_a_private_sqlite_file_under_zhiben_home(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHIBEN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ZHIBEN_DB_URL", raising=False)
    assert paths.default_db_path() == tmp_path / "home" / "registry.sqlite"
    registry = open_registry()
    registry.open_rounds(year=2026)
    for name in ("registry.sqlite", "registry.sqlite-wal"):
        assert stat.S_IMODE((tmp_path / "home" / name).stat().st_mode) == 0o600, name
    registry.close()
    assert stat.S_IMODE((tmp_path / "home").stat().st_mode) == 0o700


def test_without_zhiben_home_the_default_follows_xdg_data_home(tmp_path, monkeypatch):
    monkeypatch.delenv("ZHIBEN_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert paths.default_db_path() == tmp_path / "xdg" / "zhiben" / "registry.sqlite"


def test_zhiben_db_url_overrides_the_default_path(tmp_path, monkeypatch):
    target = tmp_path / "elsewhere.sqlite"
    monkeypatch.setenv("ZHIBEN_DB_URL", f"sqlite:///{target}")
    open_registry().close()
    assert target.exists()


def test_an_unparseable_url_is_a_config_error():
    with pytest.raises(ConfigError):
        make_engine("not a url at all")


def test_sqlite_runs_in_wal_mode_with_foreign_keys_on(tmp_path):
    registry = open_registry(f"sqlite:///{tmp_path / 'r.sqlite'}")
    with registry.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    registry.close()


def test_migrations_reach_head_and_are_idempotent(db_url):
    open_registry(db_url).close()
    registry = open_registry(db_url)
    with registry.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0004"
    registry.close()


def test_a_person_pointing_at_an_unknown_enterprise_is_refused_by_the_database(registry):
    with pytest.raises(DBAPIError), registry.engine.begin() as conn:
        conn.execute(text("INSERT INTO people (person_id, name, role, enterprise_uscc) "
                          "VALUES ('110101199003070018', 'x', '项目负责人', 'NOPE')"))


def _one_entry(registry) -> None:
    with registry.engine.begin() as conn:
        conn.execute(AuditEntry.__table__.insert(), [{
            "at": dt.datetime.now(dt.UTC), "actor": "t", "entity": "assessment_result", "entity_key": "k",
            "field": "score", "old_value": "1", "new_value": "2", "reason": "test"}])


@pytest.mark.parametrize("sql", ["UPDATE audit_log SET new_value = '99'", "DELETE FROM audit_log"])
def test_the_database_rejects_rewriting_the_audit_log(registry, sql):
    _one_entry(registry)
    with pytest.raises(DBAPIError, match="append-only"), registry.engine.begin() as conn:
        conn.execute(text(sql))
    assert len(registry.audit_log()) == 1
    assert registry.audit_log()["new_value"].tolist() == ["2"]


def test_the_orm_refuses_to_modify_or_delete_an_audit_entry(registry):
    _one_entry(registry)
    with Session(registry.engine) as session:
        entry = session.query(AuditEntry).one()
        entry.new_value = "tampered"
        with pytest.raises(RegistryError):
            session.flush()
        session.rollback()
        session.delete(session.query(AuditEntry).one())
        with pytest.raises(RegistryError):
            session.flush()
    assert registry.audit_log()["new_value"].tolist() == ["2"]


def test_postgres_statistics_are_fresh_after_a_bulk_load(db_url, tiny_city):
    """Without ANALYZE the planner treats freshly loaded tables as empty and status takes minutes."""
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite plans from its indexes")
    registry = open_registry(db_url)
    registry.load_synthetic(tiny_city)
    with registry.engine.connect() as conn:
        analysed = conn.execute(
            text("SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")).scalars()
        assert {"people", "attendance", "assessment_results", "continuing_education"} <= set(analysed)
    registry.close()
