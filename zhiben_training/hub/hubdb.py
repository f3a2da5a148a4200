"""The hub's own SQLite database, tuned for a room logging in at once.

JupyterHub commits to its database on its event loop (a login, an OAuth code, a token: several
commits each), and SQLite's default rollback journal syncs the disk at every commit: with 100
trainees logging in at once the hub's only thread spent 22 % of the burst waiting in ``commit``
(py-spy, docs/deployment.md). In write-ahead-log mode with ``synchronous=NORMAL`` a commit is a
write to the log, synced at checkpoints: a crash of the hub loses nothing committed; a power cut may
lose the last moments of logins (people log in again), never the database. The trainees' answers
are files in their homes, not in this database.
"""

from __future__ import annotations

import functools
import sqlite3

__all__ = ["hub_db_kwargs", "connect_with_write_ahead_log"]


def connect_with_write_ahead_log(path: str) -> sqlite3.Connection:
    """A connection to the SQLite file ``path`` in WAL mode, synced at checkpoints only."""
    # as JupyterHub connects: one thread at a time
    connection = sqlite3.connect(path, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


def hub_db_kwargs(db_url: str) -> dict:
    """``c.JupyterHub.db_kwargs`` for ``db_url``: for an SQLite file, connections in WAL mode (only the
    hub's own engine: other SQLite databases of the process are left alone); otherwise nothing."""
    from sqlalchemy.engine import make_url

    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return {}
    return {"creator": functools.partial(connect_with_write_ahead_log, url.database)}
