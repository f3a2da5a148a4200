"""The management-ability tasks on a trainee's own synthetic site (examiner-side).

* t01 ``hazard_ids``: a Chinese narrative inspection report (never the machine-readable record);
  key = ``zhiben_training.hazards.find_hazards(record)`` item ids.
* t02 ``classify_works``: the site's sub-works with their parameters; key = ``classify_works(record)``.

Neither key hinges on a figure the reference gives only from memory: ``unverified_basis`` keeps such
measurements out of t01's record and such works out of t02, and both prompts and keys say so.
* t03 ``ledger``: a hazard-ledger CSV for the site's district as of a stated date; key computed with
  pandas from the very bytes the trainee receives. By default (``ledger_read``) the trainee reads the
  ledger as a table on the paper and answers by choosing (overdue 重大 count, channel with the
  lowest 销号率); the blueprint's ``"code": true`` asks for pandas code instead (``ledger``).

Keys are built here and travel only in :class:`~zhiben_training.assess.papers.paper.PaperItem.key`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from zhiben_training.assess.papers.site_report import (
    SiteLabels,
    render_site_report,
    work_parameters,
)
from zhiben_training.assess.papers.unverified_basis import level_rests_on_unverified, without_unverified_basis
from zhiben_training.errors import AssessmentError

__all__ = ["LEDGER_FILE", "SiteTask", "choose_site", "hazard_task", "classify_task", "ledger_task",
           "ledger_read_task", "item_citation"]

# The ledger handed out with the paper (a Chinese name: the trainee sees it beside the paper)
LEDGER_FILE = "隐患台账.csv"
D24 = "《房屋市政工程生产安全重大事故隐患判定标准（2024版）》"
_CN = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
       "十一", "十二", "十三", "十四", "十五", "十六", "十七"]
_LEDGER_COLUMNS = {"finding_id": "隐患编号", "site_id": "项目编号", "district": "所在区",
                   "found_date": "发现日期", "channel": "发现渠道", "level": "隐患级别",
                   "item_id": "判定条款", "description": "隐患描述", "deadline": "整改期限",
                   "rectified_date": "整改完成日期", "closed_date": "销号日期"}
_LEDGER_ROWS = 150
_MAX_CLASSIFY = 6
# what the trainee and the examiner are told about the unverified figures kept out of t01 / t02
# (unverified_basis)
EXCLUDED_T01 = ("说明：参考资料中凭记忆整理、未核实的技术标准数值（"
                "塔式起重机安全距离、外电架空线路安全距离、大风风力、"
                "照明安全电压、模板拆除混凝土强度）和超规模范围条目（起重机械安拆、拆除、暗挖）不作为本题评分依据，"
                "检查记录中不列出只有依据这些数值才能判定的测量值。")
EXCLUDED_T02 = ("说明：分级取决于未核实范围条目"
                "（建办质〔2018〕31号 附件2 三（二）起重机械安拆、五 拆除、六 暗挖，参考资料凭记忆整理）"
                "的分部分项工程不在本题之列。")
EXCLUDED_KEY = "（依据未核实数值或条目才能判定的情形不计分，已从本题排除）"


@dataclass(frozen=True)
class SiteTask:
    """What a task contributes to a paper: prompt, template, key, citation and data files."""

    prompt_md: str
    answer_template: str
    key: object
    citation: str
    data_files: dict[str, bytes]
    choices: dict | None = None  # what a click task's widgets offer (no key)


def item_citation(item_id: str) -> str:
    """"5.4.2" → "第五条第（四）项第2目"."""
    parts = item_id.split(".")
    text = f"第{_CN[int(parts[0])]}条"
    if len(parts) > 1:
        text += f"第（{_CN[int(parts[1])]}）项"
    if len(parts) > 2:
        text += f"第{parts[2]}目"
    return text


@lru_cache(maxsize=2)
def _city(city_dir: str) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, dict]]:
    from zhiben_training.synth import load_city, load_site_records

    tables = load_city(city_dir)
    records = {r["site_id"]: r for r in load_site_records(city_dir)}
    if not records:
        raise AssessmentError(f"合成城市 {city_dir} 中没有检查记录（site_records.jsonl）",
                              hint="请先运行 zhiben synth")
    return tables["sites"], tables["findings"], records


def _scorable_works(record: dict) -> list[dict]:
    """The sub-works whose level no unverified 附件2 entry decides (see ``unverified_basis``)."""
    from zhiben_training.hazards import classify_work

    return [w for w in record.get("works", []) if not level_rests_on_unverified(w, classify_work(w))]


@lru_cache(maxsize=2)
def _usable_sites(city_dir: str) -> pd.DataFrame:
    sites, _findings, records = _city(city_dir)
    usable = sites[sites["site_id"].isin(records.keys())].sort_values("site_id")
    return usable[[len(_scorable_works(records[s])) >= 2 for s in usable["site_id"]]]


def choose_site(city_dir: Path, rng: np.random.Generator) -> tuple[dict, str]:
    """(record, district) of the trainee's site: 80 % of draws come from sites with a planted hazard.

    Only sites with at least 2 sub-works whose level rests on verified text alone are drawn (t02).
    """
    _sites, _findings, records = _city(str(Path(city_dir).resolve()))
    usable = _usable_sites(str(Path(city_dir).resolve()))
    if usable.empty:
        raise AssessmentError("合成城市中没有可用于出题的工地"
                              "（至少需要 2 个分级不依赖未核实条目的分部分项工程）")
    flagged = usable[usable["label_major_hazard_ids"].fillna("") != ""]
    pool = flagged if len(flagged) and rng.random() < 0.8 else usable
    row = pool.iloc[int(rng.integers(0, len(pool)))]
    return records[row["site_id"]], str(row["district"])


def hazard_task(record: dict, labels: SiteLabels, rng: np.random.Generator, *, bank: str) -> SiteTask:
    """t01: find the major hazards in the narrative and cite the 2024 item ids."""
    from zhiben_training.hazards import find_hazards

    # the key and the report rest on verified figures only
    record, _removed = without_unverified_basis(record)
    ids = sorted({f.item_id for f in find_hazards(record) if not f.needs_judgement},
                 key=lambda i: [int(p) for p in i.split(".")])
    report = render_site_report(record, labels, rng, bank=bank)
    prompt = (
        "### 现场管理能力：重大事故隐患判定\n\n"
        "下面是你所负责项目的一份现场检查记录。请依据《房屋市政工程生产安全重大事故隐患判定标准（2024版）》，"
        "找出其中**全部**应判定为重大事故隐患的情形，给出对应的条款：第X条第（Y）项记作 X.Y，"
        "第X条第（Y）项第Z目记作 X.Y.Z，只有一段的条文记作 X。"
        "每找对一项得分，每多选一项错误的条款扣同样的分，最低 0 分。\n\n"
        f"{EXCLUDED_T01}\n\n"
        + report
    )
    template = ('answer_t01 = None  # 填写条款编号（字符串）的列表，格式如 ["X.Y", "X.Y.Z"]；'
                '没有重大事故隐患时填 []')
    citation = (D24 + ("、".join(item_citation(i) for i in ids) if ids else "（本现场无重大事故隐患）")
                + EXCLUDED_KEY)
    return SiteTask(prompt, template, ids, citation, {})


def classify_task(record: dict, labels: SiteLabels, rng: np.random.Generator, *, bank: str) -> SiteTask:
    """t02: level of each listed sub-work (一般/危大/超规模) and one requirement that follows from it."""
    from zhiben_training.hazards import classify_works

    verdicts = {c.work_id: c for c in classify_works(record)}
    works = sorted(_scorable_works(record), key=lambda w: int(labels.works[w["work_id"]][1:]))[:_MAX_CLASSIFY]
    rows, key, template = [], {}, ["answer_t02 = {"]
    for work in works:
        label = labels.works[work["work_id"]]
        name, params = work_parameters(work, rng, bank)
        rows.append(f"| {label} | {name} | {params} |")
        level = verdicts[work["work_id"]].level
        key[label] = {"level": level, "hint": "专家论证" if level == "超规模" else "专项施工方案"}
        template.append(f'    "{label}": {{"level": "", "requirement": ""}},')
    template.append('}  # level 填 "一般"、"危大" 或 "超规模"；requirement 写出一项由此产生的管理要求')
    prompt = (
        "### 现场管理能力：危大工程分级\n\n"
        "依据建办质〔2018〕31号附件1、附件2，判断下列分部分项工程属于一般工程、危大工程还是超过一定规模的危大工程"
        "（填 \"超规模\"），并对危大和超规模工程各写出一项由此产生的管理要求"
        "（如专项施工方案的编制审批、专家论证、"
        "验收、第三方监测等）。\n\n| 编号 | 分部分项工程 | 主要参数 |\n|---|---|---|\n" + "\n".join(rows)
        + f"\n\n{EXCLUDED_T02}"
    )
    citation = ("建办质〔2018〕31号 附件1、附件2；《建设工程安全生产管理条例》第二十六条；"
                "住房和城乡建设部令第37号 第十二条"
                + EXCLUDED_KEY)
    return SiteTask(prompt, "\n".join(template), key, citation, {})


@lru_cache(maxsize=64)
def _district_rows(city_dir: str, district: str) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """(all findings, major findings, candidate as-of dates) of one district, computed once per city."""
    findings = _city(city_dir)[1]
    rows = findings[findings["district"] == district]
    if rows.empty:
        rows = findings
    dates = rows["found_date"].sort_values().reset_index(drop=True)
    candidates = dates.iloc[int(len(dates) * 0.4):].drop_duplicates().to_numpy()
    return rows, rows[rows["level"] == "重大"], candidates


def _ledger_frame(city_dir: str, district: str,
                  rng: np.random.Generator) -> tuple[pd.DataFrame, pd.Timestamp]:
    rows, majors_all, candidates = _district_rows(city_dir, district)
    as_of = pd.Timestamp(candidates[int(rng.integers(0, len(candidates)))]).normalize()
    # prefer a date at which some major hazard is overdue, so the count is not trivially 0
    for _ in range(20):
        major = majors_all[(majors_all["found_date"] <= as_of) & (majors_all["deadline"] < as_of)]
        if ((major["closed_date"].isna()) | (major["closed_date"] > as_of)).any():
            break
        as_of = pd.Timestamp(candidates[int(rng.integers(0, len(candidates)))]).normalize()
    seen = rows[rows["found_date"] <= as_of]
    majors, others = seen[seen["level"] == "重大"], seen[seen["level"] != "重大"]
    take = min(len(others), max(0, _LEDGER_ROWS - len(majors)))
    picked = pd.concat([majors, others.iloc[np.sort(rng.choice(len(others), size=take, replace=False))]])
    picked = picked.sort_values(["found_date", "finding_id"]).copy()
    for column in ("rectified_date", "closed_date"):  # as of the stated date, later events are unknown
        picked.loc[picked[column] > as_of, column] = pd.NaT
    return picked, as_of


def ledger_key(csv_bytes: bytes, as_of: str) -> dict:
    """Examiner-side answer for t03, computed with pandas from the CSV the trainee receives."""
    frame = pd.read_csv(io.BytesIO(csv_bytes), dtype=str, keep_default_na=False)
    deadline = pd.to_datetime(frame["整改期限"])
    open_ = frame["销号日期"].str.strip() == ""
    overdue = int(((frame["隐患级别"] == "重大") & (deadline < pd.Timestamp(as_of)) & open_).sum())
    rate = (~open_).groupby(frame["发现渠道"]).mean().mul(100).round(1)
    return {"as_of": as_of, "overdue_major": overdue,
            "closure_rate_by_channel": {k: float(v) for k, v in rate.items()}}


def _ledger_csv(city_dir: Path, district: str, rng: np.random.Generator) -> tuple[bytes, str]:
    frame, as_of = _ledger_frame(str(Path(city_dir).resolve()), district, rng)
    out = frame[list(_LEDGER_COLUMNS)].rename(columns=_LEDGER_COLUMNS)
    for column in ("发现日期", "整改期限", "整改完成日期", "销号日期"):
        out[column] = out[column].dt.strftime("%Y-%m-%d").fillna("")
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8"), as_of.strftime("%Y-%m-%d")


_LEDGER_CITATION = ("《天津市住建领域安全生产治本攻坚三年行动方案（2024-2026年）》"
                    "二（六）8（清单制管理、照单整改销号）")


def ledger_read_task(city_dir: Path, district: str, rng: np.random.Generator) -> SiteTask:
    """t03 without code: read the ledger table on the paper and choose the overdue 重大 count and
    the channel with the lowest 销号率 (ties: any of them is right), both checked against the CSV."""
    csv_bytes, day = _ledger_csv(city_dir, district, rng)
    key = ledger_key(csv_bytes, day)
    rates = {c: round(r, 1) for c, r in key["closure_rate_by_channel"].items()}
    key["lowest_channels"] = sorted(c for c, r in rates.items() if r == min(rates.values()))
    frame = pd.read_csv(io.BytesIO(csv_bytes), dtype=str, keep_default_na=False)
    majors = int((frame["隐患级别"] == "重大").sum())
    # counts up to at least 10: a ledger with few 重大 rows must not give the count away
    choices = {"counts": [str(n) for n in range(max(majors, 10) + 1)], "channels": sorted(rates),
               "file": LEDGER_FILE, "as_of": day}
    prompt = (
        "### 现场管理能力：隐患台账查阅\n\n"
        f"下方表格是{district}截至 **{day}** 的隐患排查治理台账"
        f"（共 {len(frame)} 条，随卷文件 `{LEDGER_FILE}`），"
        "可按隐患级别、发现渠道、销号状态筛选，按日期排序。销号日期为空表示截至该日尚未销号。"
        "请查阅台账，在表格下方选择：\n\n"
        f"1. 截至 {day}，整改期限早于 {day} 且尚未销号的**重大**事故隐患有几条；\n"
        "2. 哪个发现渠道的销号率（已销号条数 ÷ 该渠道隐患总条数）最低。\n\n"
        "两小题各占本题分值的一半。\n"
    )
    template = ('answer_t03 = {"overdue_major": None, "lowest_channel": None}'
                '  # 整数；发现渠道名称，如 "' + choices["channels"][0] + '"')
    return SiteTask(prompt, template, key, _LEDGER_CITATION, {LEDGER_FILE: csv_bytes}, choices)


def ledger_task(city_dir: Path, district: str, rng: np.random.Generator) -> SiteTask:
    """t03 with code (blueprint ``"code": true``): overdue 重大 items and 销号 rate by channel from
    ``LEDGER_FILE``, computed by the trainee with pandas."""
    csv_bytes, day = _ledger_csv(city_dir, district, rng)
    key = ledger_key(csv_bytes, day)
    channels = sorted(key["closure_rate_by_channel"])
    prompt = (
        "### 现场管理能力：隐患台账分析\n\n"
        f"文件 `{LEDGER_FILE}` 是{district}截至 **{day}** 的隐患排查治理台账（UTF-8 编码），"
        "销号日期为空表示截至该日尚未销号。请用 pandas 读取并计算：\n\n"
        f"1. `overdue_major`：截至 {day}，整改期限早于 {day} 且尚未销号的**重大**事故隐患条数（整数）；\n"
        "2. `closure_rate_by_channel`：按发现渠道统计的销号率（已销号条数 ÷ 该渠道隐患总条数 × 100，"
        "保留 1 位小数的百分数，如 85.3），填成 {渠道: 销号率} 的字典"
        "（pandas 的 Series 可用 .to_dict() 转换）。\n"
    )
    rates = ", ".join(f'"{c}": None' for c in channels)
    template = ("answer_t03 = {\n    \"overdue_major\": None,  # 整数\n"
                f"    \"closure_rate_by_channel\": {{{rates}}},  # 百分数，保留 1 位小数\n}}")
    return SiteTask(prompt, template, key, _LEDGER_CITATION, {LEDGER_FILE: csv_bytes})
