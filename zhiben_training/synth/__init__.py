"""The seeded synthetic Tianjin: enterprises, people, certificates, training history, sites with
inspection records whose rules-engine verdict is known in advance, and a hazard ledger.

    >>> from zhiben_training.synth import generate_city, load_city
    >>> manifest = generate_city(scale="tiny", seed=1, out_dir=Path("city"))   # doctest: +SKIP
    >>> tables = load_city("city")                                               # doctest: +SKIP

Nothing here contains a real person: names, ID numbers, companies and sites are drawn at random.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import lazy_loader as lazy

from zhiben_training.errors import ConfigError
from zhiben_training.synth._config import DEFAULT_REFERENCE_DATE, DEFAULT_SEED, SCALES, Scale

# the city code (and pandas with it) loads on first use, so `zhiben --help` stays light
# (tests/test_startup.py)
__getattr__, __dir__, _ = lazy.attach(__name__, submod_attrs={
    "_city": ["TABLES", "CityManifest", "generate_city"],
    "_io": ["data_dictionary_markdown"],
})

if TYPE_CHECKING:
    import pandas as pd

    from zhiben_training.synth._city import TABLES, CityManifest, generate_city
    from zhiben_training.synth._io import data_dictionary_markdown

__all__ = [
    "CityManifest",
    "DEFAULT_REFERENCE_DATE",
    "DEFAULT_SEED",
    "SCALES",
    "Scale",
    "TABLES",
    "data_dictionary_markdown",
    "generate_city",
    "load_city",
    "load_site_records",
]


def load_city(directory: str | Path) -> dict[str, pd.DataFrame]:
    """Every table of a generated city as DataFrames with the contract's column types."""
    from zhiben_training.synth._city import TABLES
    from zhiben_training.synth._io import read_table

    return {name: read_table(Path(directory), name) for name in TABLES}


def load_site_records(directory: str | Path) -> Iterator[dict]:
    """The inspection records of ``site_records.jsonl``, one dict per site, streamed."""
    path = Path(directory) / "site_records.jsonl"
    if not path.exists():
        raise ConfigError(f"目录 {directory} 中没有 site_records.jsonl",
                          hint="先运行 zhiben synth --out 目录")
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)
