"""A roster or a periodic report, from the registry to the files a regulator receives, in one call each.

``zhiben report …`` and ``zhiben demo`` both call these; the pure builders (``roster``, ``periodic``) stay
free of the registry, and ``sources`` is the only module that knows the registry's methods.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zhiben_training.reports.columns import RosterSpec
from zhiben_training.reports.periodic import PeriodicReport, build_periodic_report
from zhiben_training.reports.periods import parse_period
from zhiben_training.reports.publish import PeriodicExport, write_periodic
from zhiben_training.reports.roster import RosterExport, write_roster
from zhiben_training.reports.sources import periodic_inputs, roster_frame

if TYPE_CHECKING:
    from zhiben_training.registry import Registry

__all__ = ["PeriodicFiling", "RosterFiling", "export_periodic", "export_roster"]


@dataclass(frozen=True)
class RosterFiling:
    """A written roster: its files and row count (``export``) and the round's name in words (``title``)."""

    export: RosterExport
    title: str


@dataclass(frozen=True)
class PeriodicFiling:
    """A written periodic report: the report (its ``summary`` lines) and its files."""

    report: PeriodicReport
    export: PeriodicExport


def export_roster(registry: Registry, out_dir: Path | str, *, round_id: str, today: dt.date,
                  spec: RosterSpec | None = None, masked: bool = False,
                  unit: str | None = None) -> RosterFiling:
    """The roster of ``round_id`` as of ``today`` (also its 生成日期), validated and written into ``out_dir``
    (XLSX + CSV, manifest updated), titled with the round's name in words."""
    frame = roster_frame(registry, round_id=round_id, today=today)
    title = registry.round_title(round_id)
    export = write_roster(frame, out_dir, round_id=round_id, spec=spec, masked=masked, unit=unit,
                          generated=today, round_title=title)
    return RosterFiling(export=export, title=title)


def export_periodic(registry: Registry, out_dir: Path | str, *, kind: str, period: str | None, as_of: dt.date,
                    unit: str | None = None) -> PeriodicFiling:
    """The ``kind`` report (quarterly ``2026Q3``, annual ``2026``, or self-evaluation with ``period`` None)
    with data as of ``as_of`` (also its 生成日期), written into ``out_dir`` (XLSX + HTML, manifest
    updated)."""
    parsed = parse_period(kind, period)
    report = build_periodic_report(periodic_inputs(registry, parsed, as_of=as_of), parsed, as_of=as_of)
    return PeriodicFiling(report=report, export=write_periodic(report, out_dir, unit=unit, generated=as_of))
