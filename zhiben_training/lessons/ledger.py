"""Lesson 06: the hazard ledger (``findings`` table of the synthetic city) analysed with pandas.

The functions return DataFrames with Chinese column names, ready to display or chart. They follow
the plan's vocabulary: channels (企业自查 / 督导检查 / 群众举报, 二（六）8), 整改 (rectified_date),
销号 (closed_date), and the annual rule "每年度发现的重大事故隐患必须在年度内整改完毕" (一（二）).
"""

from __future__ import annotations

__all__ = ["MAJOR", "data_date", "major", "channel_table", "rectify_days", "overdue", "closure_by_district",
           "year_end_open", "monthly", "lowest_closure_district", "district_feedback_html", "for_display",
           "COLUMNS_CN"]

MAJOR = "重大"
COLUMNS_CN = {"finding_id": "隐患编号", "site_id": "项目编号", "district": "区", "found_date": "发现日期",
              "channel": "发现渠道", "level": "隐患级别", "item_id": "判定标准条款",
              "description": "隐患描述", "deadline": "整改期限", "rectified_date": "整改完成日期",
              "closed_date": "销号日期"}


def for_display(frame):
    """A copy for learners: Chinese column names, dates as YYYY-MM-DD, rates (0–1) as percentages."""
    import pandas as pd

    out = frame.rename(columns=COLUMNS_CN).copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d").fillna("")
        elif str(column).endswith("率"):
            out[column] = (out[column] * 100).map(lambda v: f"{v:.1f}%")
    return out


def data_date(findings):
    """The ledger's "as of" date: the latest date recorded in it."""
    import pandas as pd

    cols = ["found_date", "rectified_date", "closed_date"]
    return pd.Timestamp(max(findings[c].max() for c in cols if findings[c].notna().any())).normalize()


def major(findings):
    """Only the 重大事故隐患 rows."""
    return findings[findings["level"] == MAJOR]


def channel_table(findings):
    """Rows: 发现渠道; columns: 一般 / 重大; values: number of findings."""
    import pandas as pd

    table = pd.crosstab(findings["channel"], findings["level"])
    table.index.name, table.columns.name = "发现渠道", "隐患级别"
    return table[[c for c in ("一般", MAJOR) if c in table.columns]]


def rectify_days(findings):
    """Days from 发现 to 整改完成 for each rectified finding (a Series named 整改用时（天）)."""
    done = findings.dropna(subset=["rectified_date"])
    return (done["rectified_date"] - done["found_date"]).dt.days.rename("整改用时（天）")


def overdue(findings, *, as_of):
    """Findings past their deadline: still open after it, or rectified late. Adds 逾期天数 and 状态."""
    import pandas as pd

    as_of = pd.Timestamp(as_of)
    open_late = findings["rectified_date"].isna() & (findings["deadline"] < as_of)
    done_late = findings["rectified_date"].notna() & (findings["rectified_date"] > findings["deadline"])
    late = findings[open_late | done_late].copy()
    end = late["rectified_date"].fillna(as_of)
    late["逾期天数"] = (end - late["deadline"]).dt.days
    late["状态"] = late["rectified_date"].isna().map({True: "逾期未整改", False: "逾期后整改"})
    return late.sort_values(["状态", "逾期天数"], ascending=[False, False])


def closure_by_district(findings):
    """Per district, major hazards found / rectified / 销号 and the 销号率 (0–1), lowest rate first."""
    m = major(findings)
    table = m.groupby("district").agg(
        重大隐患数=("finding_id", "count"),
        已整改=("rectified_date", "count"),
        已销号=("closed_date", "count"),
    )
    table["销号率"] = (table["已销号"] / table["重大隐患数"]).round(3)
    table.index.name = "区"
    return table.sort_values(["销号率", "重大隐患数"], ascending=[True, False])


def year_end_open(findings, year: int):
    """Major hazards found in ``year`` and not rectified by 31 December of that year."""
    import pandas as pd

    m = major(findings)
    end = pd.Timestamp(year=year, month=12, day=31)
    found = m[m["found_date"].dt.year == year]
    return found[found["rectified_date"].isna() | (found["rectified_date"] > end)]


def monthly(findings):
    """Per month: major hazards found and 销号 (a DataFrame indexed by "YYYY-MM")."""
    import pandas as pd

    m = major(findings)
    found = m.groupby(m["found_date"].dt.strftime("%Y-%m")).size()
    closed = m.dropna(subset=["closed_date"]).groupby(m["closed_date"].dt.strftime("%Y-%m")).size()
    table = pd.DataFrame({"发现": found, "销号": closed}).fillna(0).astype(int).sort_index()
    table.index.name = "月份"
    return table


def lowest_closure_district(findings) -> list[str]:
    """The district(s) with the lowest 销号率 (ties all returned) — the answer key of the exercise."""
    table = closure_by_district(findings)
    low = table["销号率"].min()
    return sorted(table.index[table["销号率"] == low])


def district_feedback_html(findings, choice: str | None) -> str | None:
    """Feedback on the learner's pick of the lowest-closure district; None before the pick."""
    import html

    if choice is None:
        return None
    answer = lowest_closure_district(findings)
    mark = "✓ 正确" if choice in answer else "× 不正确"
    return f"<p role='status'>{mark}——销号率最低的区：{html.escape('、'.join(answer))}</p>"
