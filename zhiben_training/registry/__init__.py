"""The training registry: who must train, who did, whose certificates are in order.

Public API (pinned by tests/registry/test_public_api.py)::

    from zhiben_training.registry import open_registry
    reg = open_registry()                      # $ZHIBEN_DB_URL or ~/.local/share/zhiben/registry.sqlite
    reg.load_synthetic(city_dir)
    reg.status(round_id="2026-principal", district="滨海新区")
    reg.renewals_due(days=90)
"""

from .imports import IMPORT_KINDS, ImportResult, write_template
from .registry import Registry, open_registry

__all__ = ["open_registry", "Registry", "IMPORT_KINDS", "ImportResult", "write_template"]
