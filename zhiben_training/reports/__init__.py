"""Reports to regulators: rosters (花名册), quarterly / annual / self-evaluation reports, their writers
and SHA-256 manifests.

Builders are pure functions over DataFrames; ``zhiben_training.reports.sources`` is the thin layer
that fetches those DataFrames from the registry. The CLI (``zhiben report …``) renders.
"""

from __future__ import annotations

from zhiben_training.reports.columns import ColumnSpec, RosterSpec, default_spec, load_spec
from zhiben_training.reports.manifest import MANIFEST_NAME, update_manifest, verify_manifest
from zhiben_training.reports.roster import RosterExport, RosterValidationError, prepare_roster, write_roster

__all__ = [
    "MANIFEST_NAME",
    "ColumnSpec",
    "RosterExport",
    "RosterSpec",
    "RosterValidationError",
    "default_spec",
    "load_spec",
    "prepare_roster",
    "update_manifest",
    "verify_manifest",
    "write_roster",
]
