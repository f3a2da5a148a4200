"""The one way into the database: engine, pragmas, write transactions, migrations.

SQLite is the default (one file, WAL journal, foreign keys on, busy timeout); PostgreSQL works through
the same URL. Writers take the database's write lock up front (``BEGIN IMMEDIATE`` on SQLite, a
transaction-level advisory lock on PostgreSQL) so two imports never interleave: the second one waits
up to the busy timeout and then fails cleanly with :class:`RegistryBusyError`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from zhiben_training.errors import ConfigError, RegistryBusyError
from zhiben_training.paths import default_db_url

__all__ = ["make_engine", "write_transaction", "upgrade", "busy_timeout_seconds", "is_sqlite",
           "refresh_statistics"]

BUSY_TIMEOUT_ENV = "ZHIBEN_DB_BUSY_TIMEOUT"
_WRITE_OPTION = "zhiben_write"
_PG_WRITE_LOCK_KEY = 7_204_2026  # any constant: one advisory lock serialises registry writers


def busy_timeout_seconds() -> float:
    """How long a writer waits for another writer (``$ZHIBEN_DB_BUSY_TIMEOUT``, default 30 s)."""
    raw = os.environ.get(BUSY_TIMEOUT_ENV, "30")
    try:
        return max(0.0, float(raw))
    except ValueError as exc:
        raise ConfigError(f"{BUSY_TIMEOUT_ENV} 应为秒数，实为 {raw!r}") from exc


def is_sqlite(engine_or_conn: Engine | Connection) -> bool:
    return engine_or_conn.dialect.name == "sqlite"


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: ``ZHIBEN_DB_URL`` or the documented SQLite file)."""
    url = url or default_db_url()
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"数据库地址无法识别：{url}", hint="例如 sqlite:////路径/registry.sqlite") from exc
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, ModuleNotFoundError) as exc:
        raise ConfigError(f"无法连接数据库 {parsed.render_as_string()}：{exc}") from exc


def _sqlite_engine(parsed) -> Engine:
    database = parsed.database
    if database and database != ":memory:":
        _create_private_file(Path(database))
    timeout = busy_timeout_seconds()
    engine = create_engine(parsed, connect_args={"timeout": timeout})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (the pysqlite recipe), so writers can say
        # IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        if database and database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _create_private_file(path: Path) -> None:
    """Create the database file with mode 0600 (and its folder 0700) before SQLite touches it."""
    path = path.expanduser()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


@contextlib.contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One all-or-nothing write transaction holding the registry's write lock.

    Everything inside commits together or not at all; a process killed inside leaves the database
    as it was before. Waiting longer than the busy timeout raises :class:`RegistryBusyError`.
    """
    try:
        with engine.connect() as conn:
            conn.execution_options(**{_WRITE_OPTION: True})
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    ms = int(busy_timeout_seconds() * 1000)
                    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {ms}")
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_WRITE_LOCK_KEY})
                yield conn
    except OperationalError as exc:
        if _is_busy(exc):
            raise RegistryBusyError(
                "另一个进程正在写入登记库，本次操作未做任何修改。", hint="请稍后重试。"
            ) from exc
        raise


def _is_busy(exc: OperationalError) -> bool:
    message = str(exc.orig).lower()
    return "database is locked" in message or "lock timeout" in message or "locknotavailable" in type(
        exc.orig
    ).__name__.lower()


def refresh_statistics(conn: Connection, tables: list[str]) -> None:
    """ANALYZE the tables after a bulk write on PostgreSQL.

    Without fresh statistics the planner treats freshly loaded tables as tiny and picks nested loops:
    the status of 120,000 people then takes minutes instead of a second. SQLite plans from its
    indexes and needs nothing here.
    """
    if conn.dialect.name == "postgresql":
        for table in tables:
            conn.exec_driver_sql(f'ANALYZE "{table}"')


def upgrade(engine: Engine, *, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with Alembic, inside one write transaction.

    When the database is already at the newest revision nothing is locked, so opening the registry
    to read never waits for a running import.
    """
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    if revision == "head":
        head = ScriptDirectory.from_config(config).get_current_head()
        with engine.connect() as conn:
            if MigrationContext.configure(conn).get_current_revision() == head:
                return
    with write_transaction(engine) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
