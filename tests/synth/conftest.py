"""Small synthetic cities generated once per test session (generation is deterministic)."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhiben_training.synth import generate_city, load_city


@pytest.fixture(scope="session")
def tiny_city(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny-city")
    generate_city(scale="tiny", seed=7, out_dir=out)
    return out


@pytest.fixture(scope="session")
def demo_city(tmp_path_factory) -> Path:
    """The demo scale with the default seed, as Parquet."""
    out = tmp_path_factory.mktemp("demo-city")
    generate_city(scale="demo", out_dir=out)
    return out


@pytest.fixture(scope="session")
def demo_tables(demo_city) -> dict:
    return load_city(demo_city)
