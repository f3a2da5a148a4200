"""Reporting periods and their deadlines, from the action plan's 三、时间进度安排.

Quarterly reports cover a calendar quarter and are due in the first week of the next quarter;
annual reports cover a year and are due in January of the next; the self-evaluation covers the
whole campaign (2024年3月至2026年12月).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from zhiben_training.errors import ReportError

__all__ = ["KINDS", "Period", "content", "parse_period"]

KINDS = ("quarterly", "annual", "self-evaluation")
_QUARTER_CN = "一二三四"
_DATA = Path(__file__).resolve().parent.parent / "data" / "report_periodic.json"


@cache
def content() -> dict:
    """The periodic-report content file (titles, schedule quotes, channels), loaded once."""
    return json.loads(_DATA.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Period:
    """One reporting period: ``code`` ("2026Q3"), Chinese ``label``, inclusive dates, and when it is due."""

    kind: str
    code: str
    label: str
    start: dt.date
    end: dt.date
    due: str

    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))

    @property
    def title(self) -> str:
        return content()["kinds"][self.kind]["title"]

    @property
    def file_stem(self) -> str:
        return f"{self.kind}-{self.code}"


def _campaign() -> tuple[dt.date, dt.date]:
    camp = content()["campaign"]
    return dt.date.fromisoformat(camp["start"]), dt.date.fromisoformat(camp["end"])


def _quarter(value: str) -> Period:
    match = re.fullmatch(r"(\d{4})\s*[Qq]([1-4])", value.strip())
    if not match:
        raise ReportError(f"季度写法不对：{value!r}", hint="写作 2026Q3（2026年第三季度）")
    year, quarter = int(match[1]), int(match[2])
    start = dt.date(year, 3 * quarter - 2, 1)
    end = (dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)) - dt.timedelta(days=1)
    camp_start, camp_end = _campaign()
    if end < camp_start or start > camp_end:
        raise ReportError(f"{year}年第{_QUARTER_CN[quarter - 1]}季度"
                          "不在治本攻坚三年行动期间（2024年3月至2026年12月）内")
    due_start = end + dt.timedelta(days=1)
    due_end = due_start + dt.timedelta(days=6)
    due = f"{due_start:%Y-%m-%d} 至 {due_end:%Y-%m-%d}（{content()['kinds']['quarterly']['due_rule']}）"
    label = f"{year}年第{_QUARTER_CN[quarter - 1]}季度"
    return Period("quarterly", f"{year}Q{quarter}", label, start, end, due)


def _annual(value: str) -> Period:
    if not re.fullmatch(r"\d{4}", value.strip()):
        raise ReportError(f"年度写法不对：{value!r}", hint="写作 2026")
    year = int(value)
    camp_start, camp_end = _campaign()
    if not camp_start.year <= year <= camp_end.year:
        raise ReportError(f"{year}年不在治本攻坚三年行动期间（2024–2026年）内")
    start = max(dt.date(year, 1, 1), camp_start)
    due = f"{year + 1}年1月（{content()['kinds']['annual']['due_rule']}）"
    return Period("annual", str(year), f"{year}年度", start, dt.date(year, 12, 31), due)


def _self_evaluation() -> Period:
    start, end = _campaign()
    due = content()["kinds"]["self-evaluation"]["due_rule"]
    return Period("self-evaluation", f"{start.year}-{end.year}",
                  f"{start.year}年3月至{end.year}年12月（三年行动全程）", start, end, due)


def parse_period(kind: str, value: str | None = None) -> Period:
    """``parse_period("quarterly", "2026Q3")`` → 2026-07-01..2026-09-30, due 2026-10-01..10-07."""
    if kind == "quarterly":
        return _quarter(value or "")
    if kind == "annual":
        return _annual(value or "")
    if kind == "self-evaluation":
        return _self_evaluation()
    raise ReportError(f"未知的报告类型：{kind}（可选：{'、'.join(KINDS)}）")
