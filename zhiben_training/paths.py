"""Default data locations, in one place.

The registry lives in one SQLite file unless ``ZHIBEN_DB_URL`` names another database:

* ``$ZHIBEN_DB_URL`` — any SQLAlchemy URL, e.g. ``postgresql+psycopg://user@host/zhiben`` or
  ``sqlite:////srv/zhiben/registry.sqlite``; wins over everything else.
* ``$ZHIBEN_HOME/registry.sqlite`` when ``ZHIBEN_HOME`` is set;
* otherwise ``$XDG_DATA_HOME/zhiben/registry.sqlite``, i.e. ``~/.local/share/zhiben/registry.sqlite``
  (the XDG base-directory convention that platformdirs follows on Linux).

The folder is created readable by its owner only (0700) and the database file with mode 0600,
because it holds ID numbers and phone numbers.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["zhiben_home", "default_db_path", "default_db_url", "DB_URL_ENV", "HOME_ENV"]

DB_URL_ENV = "ZHIBEN_DB_URL"
HOME_ENV = "ZHIBEN_HOME"
DB_FILE_NAME = "registry.sqlite"


def zhiben_home() -> Path:
    """The folder for zhiben's own data: ``$ZHIBEN_HOME`` or the XDG data folder + ``zhiben``."""
    explicit = os.environ.get(HOME_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "zhiben"


def default_db_path() -> Path:
    """Where the SQLite registry lives when ``ZHIBEN_DB_URL`` is not set."""
    return zhiben_home() / DB_FILE_NAME


def default_db_url() -> str:
    """``$ZHIBEN_DB_URL`` or a ``sqlite:///`` URL for :func:`default_db_path`."""
    explicit = os.environ.get(DB_URL_ENV)
    if explicit:
        return explicit
    return f"sqlite:///{default_db_path()}"
