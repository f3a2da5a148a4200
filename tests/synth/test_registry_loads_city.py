"""The registry (the main consumer of the city) loads a generated city without losing rows."""

from __future__ import annotations

from zhiben_training.registry import open_registry


def test_the_registry_loads_every_row_of_the_demo_city(tmp_path, demo_city, demo_tables):
    registry = open_registry(f"sqlite:///{tmp_path / 'registry.db'}")
    counts = registry.load_synthetic(demo_city)
    for table in ("enterprises", "people", "certificates", "attendance", "assessment_results",
                  "continuing_education", "sites", "findings"):
        assert counts[table] == len(demo_tables[table]), table
