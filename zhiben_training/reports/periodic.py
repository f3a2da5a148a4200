"""Quarterly, annual and self-evaluation reports as data: pure functions from DataFrames to tables.

Inputs (``PeriodicInputs``) are plain DataFrames so the same builder serves the registry, a
synthetic city or a test. Each section is a titled table with an optional chart; the writers in
``reports/publish.py`` turn a ``PeriodicReport`` into an XLSX workbook and a printable HTML page.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from zhiben_training.errors import ReportError
from zhiben_training.reports.periods import Period, content

__all__ = ["PeriodicInputs", "PeriodicReport", "Section", "build_periodic_report", "INPUT_COLUMNS", "NO_DATA"]

INPUT_COLUMNS = {
    "training": ["person_id", "round_id", "district", "enterprise_type", "role", "completed_date",
                 "taken_date", "passed"],
    "people": ["person_id", "district", "role"],
    "continuing_education": ["person_id", "date", "hours"],
    "certificates": ["cert_no", "person_id", "cert_type", "expiry_date", "district"],
    "findings": ["finding_id", "district", "found_date", "channel", "level", "deadline", "closed_date"],
}
_DATE_COLUMNS = {"completed_date", "taken_date", "date", "expiry_date", "found_date", "deadline",
                 "closed_date"}
_DISTRICTS = Path(__file__).resolve().parent.parent / "data" / "districts.json"
TOTAL = "合计"
NO_DATA = "本期无数据"


@dataclass(frozen=True)
class PeriodicInputs:
    """What a periodic report reads; column names as in ``INPUT_COLUMNS`` (docs/reports.md)."""

    training: pd.DataFrame
    people: pd.DataFrame
    # dated hours toward the annual minimum: round attendance + CE (75号 第十七条)
    continuing_education: pd.DataFrame
    certificates: pd.DataFrame
    findings: pd.DataFrame
    ce_min_hours: float
    ce_roles: tuple[str, ...]
    ce_source: str


@dataclass(frozen=True)
class Section:
    """A titled table (first column is the row label) with an optional chart spec."""

    key: str
    sheet: str
    title: str
    note: str
    table: pd.DataFrame
    chart: dict | None = None
    empty: bool = False


@dataclass(frozen=True)
class PeriodicReport:
    period: Period
    summary: list[tuple[str, str]]
    sections: list[Section] = field(default_factory=list)


def _districts() -> list[str]:
    return [d["name"] for d in json.loads(_DISTRICTS.read_text(encoding="utf-8"))["districts"]]


def _normalise(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Check the columns and turn date columns into ``datetime.date`` (None when empty); errors name
    row/column."""
    missing = [c for c in INPUT_COLUMNS[name] if c not in frame.columns]
    if missing:
        raise ReportError(f"报告输入表 {name} 缺少列：{'、'.join(missing)}")
    frame = frame.reset_index(drop=True).copy()
    for column in _DATE_COLUMNS & set(INPUT_COLUMNS[name]):
        parsed = pd.to_datetime(frame[column], errors="coerce")
        bad = parsed.isna() & frame[column].notna() & (frame[column].astype(str).str.strip() != "")
        if bad.any():
            row = int(bad.idxmax())
            raise ReportError(f"报告输入表 {name} 第 {row + 2} 行「{column}」不是日期："
                              f"{frame.at[row, column]!r}")
        frame[column] = [None if pd.isna(v) else v.date() for v in parsed]
    return frame


def _check_values(inputs: PeriodicInputs) -> None:
    channels = set(content()["channels"])
    for row, channel in enumerate(inputs.findings["channel"].tolist()):
        if channel not in channels:
            raise ReportError(f"报告输入表 findings 第 {row + 2} 行「channel」应为 "
                              f"{'/'.join(content()['channels'])}，实为 {channel!r}")
    for row, hours in enumerate(pd.to_numeric(inputs.continuing_education["hours"],
                                              errors="coerce").tolist()):
        if not hours >= 0:
            raise ReportError(f"报告输入表 continuing_education 第 {row + 2} 行「hours」应为非负数值")


def _flag(values: pd.Series, test) -> pd.Series:
    """A boolean mask over ``values`` (dates or None). ``astype(bool)`` matters: on an empty table ``map``
    gives an object Series, and ``frame[object_series]`` selects *columns*, leaving a table with none."""
    return values.map(lambda d: d is not None and bool(test(d))).astype(bool)


def _within(values: pd.Series, period: Period) -> pd.Series:
    return _flag(values, lambda d: period.start <= d <= period.end)


def _pick(frame: pd.DataFrame, column: str, key: str) -> pd.DataFrame:
    """Rows of ``frame`` whose ``column`` is ``key``; all rows for the 合计 line."""
    return frame if key == TOTAL else frame[frame[column] == key]


def _rate(numerator: int, denominator: int) -> float | None:
    return round(100.0 * numerator / denominator, 1) if denominator else None


def _training_table(training: pd.DataFrame, period: Period, by: str, order: list[str],
                    label: str) -> pd.DataFrame:
    trained = training[_within(training["completed_date"], period)]
    assessed = training[_within(training["taken_date"], period)]
    passed = assessed[assessed["passed"].fillna(False).astype(bool)]
    keys = order + sorted(set(training[by].dropna()) - set(order))
    rows = []
    for key in [*keys, TOTAL]:
        t, a, p = (len(_pick(f, by, key)) for f in (trained, assessed, passed))
        rows.append({label: key, "完成培训人数": t, "参加考核人数": a, "考核合格人数": p,
                     "合格率（%）": _rate(p, a)})
    return pd.DataFrame(rows)


def _ce_table(inputs: PeriodicInputs, period: Period, as_of: dt.date) -> pd.DataFrame:
    people = inputs.people[inputs.people["role"].isin(inputs.ce_roles)]
    ce = inputs.continuing_education
    ce = ce.assign(hours=pd.to_numeric(ce["hours"]), year=[d.year if d else None for d in ce["date"]])
    rows = []
    for district in [*_districts(), TOTAL]:
        members = people if district == TOTAL else people[people["district"] == district]
        row: dict[str, object] = {"所在区": district, "应参加人数": len(members)}
        for year in period.years:
            until = min(as_of, dt.date(year, 12, 31))
            in_year = ce[(ce["year"] == year) & _flag(ce["date"], lambda d, u=until: d <= u)]
            hours = in_year.groupby("person_id")["hours"].sum()
            met = int((hours.reindex(members["person_id"]).fillna(0) >= inputs.ce_min_hours).sum())
            row[f"{year}年达标人数"] = met
            row[f"{year}年达标率（%）"] = _rate(met, len(members))
        rows.append(row)
    return pd.DataFrame(rows)


def _add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later, clamping the day (2026-11-30 + 3 months → 2027-02-28)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = (dt.date(year + month // 11, (month + 1) % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month + 1, min(day.day, last))


def _renewal_table(certificates: pd.DataFrame, period: Period) -> pd.DataFrame:
    next_day = period.end + dt.timedelta(days=1)
    window_end = _add_months(next_day, content()["renewal_window_months"]) - dt.timedelta(days=1)
    expired = certificates[_within(certificates["expiry_date"], period)]
    due = certificates[_flag(certificates["expiry_date"], lambda d: period.end < d <= window_end)]
    rows = []
    for district in [*_districts(), TOTAL]:
        mine = _pick(expired, "district", district)
        rows.append({
            "所在区": district,
            "期内到期证书数": len(mine),
            "其中特种作业证书": int((mine["cert_type"] == "SPECIAL").sum()),
            f"期末起{content()['renewal_window_months']}个月内到期（应申请延续）":
                len(_pick(due, "district", district)),
        })
    return pd.DataFrame(rows)


def _hazard_counts(findings: pd.DataFrame, period: Period, as_of: dt.date) -> dict[str, pd.Series]:
    """Found / closed inside the period; overdue and open as of ``as_of`` (the period end, or today if
    earlier)."""
    open_at_end = ~_flag(findings["closed_date"], lambda d: d <= as_of)
    found_by_end = _flag(findings["found_date"], lambda d: d <= as_of)
    past_deadline = _flag(findings["deadline"], lambda d: d < as_of)
    return {
        "期内发现": _within(findings["found_date"], period),
        "期内销号": _within(findings["closed_date"], period),
        "期末逾期未销号": found_by_end & open_at_end & past_deadline,
        "期末整改中（未逾期）": found_by_end & open_at_end & ~past_deadline,
    }


def _hazard_table(findings: pd.DataFrame, period: Period, as_of: dt.date, by: str, order: list[str],
                  label: str) -> pd.DataFrame:
    major = findings[findings["level"] == "重大"].reset_index(drop=True)
    counts = _hazard_counts(major, period, as_of)
    rows = []
    for key in [*order, TOTAL]:
        chosen = pd.Series(True, index=major.index) if key == TOTAL else (major[by] == key)
        rows.append({label: key, **{name: int((flag & chosen).sum()) for name, flag in counts.items()}})
    return pd.DataFrame(rows)


def _chart(kind: str, title: str, label: str, values: list[str], unit: str) -> dict:
    return {"kind": kind, "title": title, "label": label, "values": values, "unit": unit}


def _sections(inputs: PeriodicInputs, period: Period, as_of: dt.date) -> list[Section]:
    types = content()["enterprise_types"]
    channels = content()["channels"]
    # rounds by their names in words when the source gives them (round_name), else by id, in id order
    by_round = "round_name" if "round_name" in inputs.training.columns else "round_id"
    ordered = inputs.training.sort_values("round_id", kind="stable")
    rounds = list(dict.fromkeys(ordered[by_round].dropna()))
    window = content()["renewal_window_months"]
    return [
        Section("trained_by_district", "培训-按区", "一、培训考核情况（按区）",
                "完成培训：完成日期在统计期间内；参加考核、合格：考核日期在统计期间内。",
                _training_table(inputs.training, period, "district", _districts(), "所在区"),
                _chart("barh", "各区完成培训人数", "所在区", ["完成培训人数"], "人")),
        Section("trained_by_type", "培训-按企业类型", "二、培训考核情况（按企业类型）", "口径同上。",
                _training_table(inputs.training, period, "enterprise_type", types, "企业类型"),
                _chart("bar", "各类企业考核合格率", "企业类型", ["合格率（%）"], "%")),
        Section("pass_by_round", "考核-按批次", "三、考核合格率（按培训批次）", "口径同上。",
                _training_table(inputs.training, period, by_round, rounds, "培训批次")),
        Section("continuing_education", "继续教育", "四、继续教育达标情况",
                f"对象：{'、'.join(inputs.ce_roles)}；达标：当年参加年度安全教育培训（培训轮次学时）或者继续教育，"
                f"累计（截至期末）不少于{inputs.ce_min_hours:g}小时。"
                f"依据：{inputs.ce_source}",
                _ce_table(inputs, period, as_of)),
        Section("renewals", "证书延续", "五、证书到期与延续",
                f"期末起{window}个月内到期的证书处于延续申请窗口。依据：{content()['renewal_window_source']}",
                _renewal_table(inputs.certificates, period),
                _chart("barh", f"各区期末起{window}个月内到期证书数", "所在区",
                       [f"期末起{window}个月内到期（应申请延续）"], "个")),
        Section("hazards_by_channel", "重大隐患-按渠道", "六、重大事故隐患排查整治（按发现渠道）",
                "销号：整改完成并经核查销号；逾期：期末已过整改期限仍未销号。",
                _hazard_table(inputs.findings, period, as_of, "channel", channels, "发现渠道"),
                _chart("grouped", "重大事故隐患：发现、销号与逾期（按渠道）", "发现渠道",
                       ["期内发现", "期内销号", "期末逾期未销号"], "项")),
        Section("hazards_by_district", "重大隐患-按区", "七、重大事故隐患排查整治（按区）", "口径同上。",
                _hazard_table(inputs.findings, period, as_of, "district", _districts(), "所在区")),
    ]


def _mark_empty(section: Section) -> Section:
    """A section whose 合计 row is all zero says so first (a valid, clearly empty table, not a blank page)."""
    total = pd.to_numeric(section.table.iloc[-1, 1:], errors="coerce").fillna(0)
    if (total != 0).any():
        return section
    return replace(section, empty=True,
                   note=f"{NO_DATA}：统计期间内登记库中没有相关记录，各项计为 0。{section.note}")


def _summary(sections: list[Section], period: Period, as_of: dt.date) -> list[tuple[str, str]]:
    by_key = {s.key: s.table.iloc[-1] for s in sections}
    district, hazards = by_key["trained_by_district"], by_key["hazards_by_channel"]
    rate = district["合格率（%）"]
    lines = [
        ("统计期间", f"{period.label}（{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}）"),
        ("报送时限", period.due),
        ("完成培训人数", f"{district['完成培训人数']} 人"),
        ("考核合格率", "—（期内无考核）" if pd.isna(rate)
         else f"{rate:.1f}%（{district['考核合格人数']}/{district['参加考核人数']}）"),
        ("重大事故隐患", f"期内发现 {hazards['期内发现']} 项，销号 {hazards['期内销号']} 项，"
                      f"期末逾期未销号 {hazards['期末逾期未销号']} 项"),
    ]
    if as_of < period.end:
        lines.insert(1, ("数据截至", f"{as_of:%Y-%m-%d}（统计期间尚未结束；“期末”各项按此日计）"))
    if all(s.empty for s in sections):
        lines.append(("数据情况", f"{NO_DATA}：登记库中没有统计期间内的培训、考核、继续教育、"
                                  "证书到期或重大事故隐患记录"))
    return lines


def build_periodic_report(inputs: PeriodicInputs, period: Period, *,
                          as_of: dt.date | None = None) -> PeriodicReport:
    """All sections of the report for ``period``; raises ``ReportError`` (Chinese, row and column) on
    bad input.

    ``as_of`` (default: the period end) is the day the data describe. When a report is written
    before its period ends (the self-evaluation is due in October 2026), open and overdue hazards
    and continuing-education hours are counted as of that day, not as of a future period end.
    """
    as_of = period.end if as_of is None else min(as_of, period.end)
    inputs = PeriodicInputs(
        **{name: _normalise(name, getattr(inputs, name)) for name in INPUT_COLUMNS},
        ce_min_hours=inputs.ce_min_hours, ce_roles=inputs.ce_roles, ce_source=inputs.ce_source,
    )
    _check_values(inputs)
    sections = [_mark_empty(s) for s in _sections(inputs, period, as_of)]
    return PeriodicReport(period=period, summary=_summary(sections, period, as_of), sections=sections)
