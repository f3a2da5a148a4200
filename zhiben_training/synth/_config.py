"""Scales, package data and random streams of the synthetic city.

Every table draws from its own ``numpy.random.Generator(PCG64(...))`` stream, keyed by the seed and
the table name, so tables are independent of each other's draw counts and the same seed gives the
same files. Nothing here reads the clock: the reference date is a parameter.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from zhiben_training.errors import ConfigError, KnowledgeBaseError

DEFAULT_SEED = 2026
DEFAULT_REFERENCE_DATE = dt.date(2026, 11, 28)
FIRST_FINDING_DATE = dt.date(2024, 1, 1)


@dataclass(frozen=True)
class Scale:
    """Row targets for one scale; people and findings are exact, the rest derive from them."""

    name: str
    enterprises: int
    people: int
    sites: int
    findings: int


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", enterprises=30, people=300, sites=40, findings=1_500),
    "demo": Scale("demo", enterprises=200, people=2_400, sites=300, findings=12_000),
    "tianjin": Scale("tianjin", enterprises=10_000, people=120_000, sites=20_000, findings=1_000_000),
}

# Stable stream keys: adding a table never changes the draws of the others.
_STREAM_KEYS = {
    "enterprises": 1, "people": 2, "certificates": 3, "training": 4, "continuing_education": 5,
    "sanctions": 6, "sites": 7, "findings": 8, "names": 9, "records": 10,
}


def scale_named(name: str) -> Scale:
    try:
        return SCALES[name]
    except KeyError:
        raise ConfigError(f"未知的规模：{name}", hint=f"可选：{'、'.join(SCALES)}") from None


def stream(seed: int, table: str) -> np.random.Generator:
    """The random stream of one table: PCG64 seeded by (seed, table key)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), _STREAM_KEYS[table]])))


def _data_path(name: str):
    return resources.files("zhiben_training").joinpath("data", "synth", name)


@cache
def load_json(name: str) -> dict:
    """Load one of the synth data files once; a broken file is a bug in the package data."""
    try:
        data = json.loads(_data_path(name).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise KnowledgeBaseError(f"合成数据文件 {name} 无法读取：{err}") from err
    if "source" not in data or "status" not in data:
        raise KnowledgeBaseError(f"合成数据文件 {name} 缺少 source 或 status")
    return data


@cache
def surnames() -> tuple[np.ndarray, np.ndarray]:
    """Surnames and their sampling probabilities (faker zh_CN frequency list, saved as data)."""
    with _data_path("surnames.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    names = np.array([r["surname"] for r in rows])
    weights = np.array([float(r["weight"]) for r in rows])
    return names, weights / weights.sum()


@cache
def districts() -> list[dict]:
    """The 16 districts with their GB/T 2260 codes (shared foundation data)."""
    path = resources.files("zhiben_training").joinpath("data", "districts.json")
    return json.loads(path.read_text(encoding="utf-8"))["districts"]


def weighted_choice(rng: np.random.Generator, table: dict[str, float], size: int) -> np.ndarray:
    """Indices into ``list(table)`` drawn with the table's weights."""
    weights = np.array(list(table.values()), dtype=float)
    return rng.choice(len(weights), size=size, p=weights / weights.sum())


def to_day(value: dt.date) -> np.datetime64:
    return np.datetime64(value, "D")


def add_years(days: np.ndarray, years: np.ndarray | int) -> np.ndarray:
    """Calendar arithmetic on datetime64[D]: same month and day ``years`` later (29 Feb → 28 Feb)."""
    months = days.astype("datetime64[M]")
    day_of_month = (days - months.astype("datetime64[D]")).astype(int)
    shifted = months + np.asarray(years) * 12
    month_len = ((shifted + 1).astype("datetime64[D]") - shifted.astype("datetime64[D]")).astype(int)
    return shifted.astype("datetime64[D]") + np.minimum(day_of_month, month_len - 1)
