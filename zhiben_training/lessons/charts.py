"""Matplotlib charts for the lessons, always with the bundled CJK font (never a system font).

Each function takes data (a DataFrame or the campaign dict) and returns the ``Figure`` so a
notebook shows it and a test can inspect or save it.
"""

from __future__ import annotations

from datetime import date

from zhiben_training.fonts import use_cjk_font

__all__ = ["plot_timeline", "plot_channels", "plot_rectify_days", "plot_closure_by_district", "plot_monthly",
           "plot_chapter_counts"]

STAGE_COLOURS = ["#9ecae1", "#6baed6", "#3182bd", "#08519c"]


def _month_index(key: str) -> int:
    year, month = key.split("-")
    return int(year) * 12 + int(month) - 1


def plot_timeline(stages: list[dict], *, today: date | None = None):
    """The four stages of the plan as horizontal bars on a month axis, with an optional "今天" line."""
    import matplotlib.pyplot as plt

    use_cjk_font()
    fig, ax = plt.subplots(figsize=(9, 2.8))
    base = _month_index(stages[0]["start"])
    for row, stage in enumerate(stages):
        start = _month_index(stage["start"]) - base
        width = _month_index(stage["end"]) - _month_index(stage["start"]) + 1
        ax.barh(row, width, left=start, color=STAGE_COLOURS[row % 4])
        ax.text(start + width / 2, row, f"{stage['name']}\n{stage['period']}", ha="center", va="center",
                fontsize=8, color="white" if row > 1 else "black")
    if today is not None:
        x = today.year * 12 + today.month - 1 - base
        ax.axvline(x, color="#d62728", linestyle="--")
        ax.text(x, -0.55, "今天", color="#d62728", ha="center")
    ticks = list(range(0, _month_index(stages[-1]["end"]) - base + 2, 3))
    ax.set_xticks(ticks, [f"{(base + t) // 12}-{(base + t) % 12 + 1:02d}" for t in ticks], rotation=45,
                  fontsize=7)
    ax.set_yticks([])
    ax.invert_yaxis()
    ax.set_title("治本攻坚三年行动时间进度安排（四个阶段）")
    fig.tight_layout()
    return fig


def plot_channels(table):
    """Two panels: all findings per channel (一般 + 重大 stacked) and major hazards alone, whose bars
    would otherwise be invisible next to thousands of ordinary findings."""
    import matplotlib.pyplot as plt

    use_cjk_font()
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    table.plot.bar(stacked=True, ax=left, rot=0, color=["#9ecae1", "#d62728"][: len(table.columns)])
    left.set_title("各渠道发现的隐患（全部）")
    left.legend(title="隐患级别")
    if "重大" in table.columns:
        table["重大"].plot.bar(ax=right, rot=0, color="#d62728")
    right.set_title("其中：重大事故隐患")
    for ax in (left, right):
        ax.set_xlabel("发现渠道")
        ax.set_ylabel("隐患条数")
    fig.tight_layout()
    return fig


def plot_rectify_days(days, *, deadline_days: int | None = None):
    """Histogram of days from 发现 to 整改完成 for major hazards."""
    import matplotlib.pyplot as plt

    use_cjk_font()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.hist(days.dropna(), bins=20, color="#3182bd")
    if deadline_days is not None:
        ax.axvline(deadline_days, color="#d62728", linestyle="--", label=f"{deadline_days} 天")
        ax.legend()
    ax.set_xlabel("发现至整改完成的天数")
    ax.set_ylabel("重大事故隐患条数")
    ax.set_title("重大事故隐患整改用时分布")
    fig.tight_layout()
    return fig


def plot_closure_by_district(table):
    """Horizontal bars: share of major hazards 销号 per district, lowest first."""
    import matplotlib.pyplot as plt

    use_cjk_font()
    ordered = table.sort_values("销号率")
    fig, ax = plt.subplots(figsize=(6, max(3, 0.3 * len(ordered))))
    ax.barh(ordered.index.astype(str), ordered["销号率"] * 100, color="#31a354")
    ax.set_xlim(0, 100)
    ax.set_xlabel("销号率（%）")
    ax.set_title("各区重大事故隐患销号率")
    fig.tight_layout()
    return fig


def plot_monthly(table):
    """Lines: major hazards found and 销号 per month."""
    import matplotlib.pyplot as plt

    use_cjk_font()
    fig, ax = plt.subplots(figsize=(7, 3.5))
    table.plot(ax=ax, marker="o")
    ax.set_xlabel("月份")
    ax.set_ylabel("条数")
    ax.set_title("重大事故隐患 发现与销号（按月）")
    fig.tight_layout()
    return fig


def plot_chapter_counts(counts):
    """Grouped bars: criteria per chapter, 2022 vs 2024 (``counts`` indexed by 2024 chapter)."""
    import matplotlib.pyplot as plt

    use_cjk_font()
    fig, ax = plt.subplots(figsize=(9, 4))
    counts.plot.bar(ax=ax, rot=45, color=["#bdbdbd", "#3182bd"])
    ax.set_xlabel("")
    ax.set_ylabel("条款数")
    ax.set_title("重大事故隐患判定标准 各章条款数：2022版 与 2024版")
    plt.setp(ax.get_xticklabels(), ha="right", fontsize=8)
    fig.tight_layout()
    return fig
