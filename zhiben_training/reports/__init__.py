"""Reports to regulators: rosters (花名册), quarterly / annual / self-evaluation reports, their writers
and SHA-256 manifests.

``export_roster`` and ``export_periodic`` go from the registry to the written files in one call (the CLI
and the demo call them). Underneath, builders are pure functions over DataFrames (``prepare_roster``,
``build_periodic_report``) and ``roster_frame`` / ``periodic_inputs`` fetch those DataFrames from the
registry. The face is lazy (pandas loads with the first name that needs it); the CLI (``zhiben report …``)
renders.
"""

import lazy_loader as lazy

__getattr__, __dir__, __all__ = lazy.attach(__name__, submod_attrs={
    "columns": ["ColumnSpec", "RosterSpec", "default_spec", "load_spec"],
    "export": ["PeriodicFiling", "RosterFiling", "export_periodic", "export_roster"],
    "manifest": ["MANIFEST_NAME", "update_manifest", "verify_manifest"],
    "periodic": ["PeriodicInputs", "PeriodicReport", "build_periodic_report"],
    "periods": ["Period", "parse_period"],
    "publish": ["PeriodicExport", "write_periodic"],
    "roster": ["RosterExport", "RosterValidationError", "prepare_roster", "write_roster"],
    "sources": ["periodic_inputs", "roster_frame"],
})
