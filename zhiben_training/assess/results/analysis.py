"""Classical item analysis of one round, so examiners can retire bad questions.

Per question (bank id for knowledge items, slot id for tasks): facility *p* (mean fraction of the
item's points earned), point-biserial *r_pb* (Pearson correlation of the item score with the rest
of the paper, i.e. the total minus this item — the "corrected" item-total correlation), the
upper–lower 27 % discrimination index *D* (Kelley: facility in the top 27 % of totals minus the
bottom 27 %) and distractor counts for choice items. Per paper: Cronbach's α over the slots
(every trainee of a paper kind has the same slots) and KR-20 over the dichotomously scored slots.

The two are deliberately kept on their own bases and the difference is explained, not hidden: α uses
every slot with its points (partial credit on tasks and written answers, so high-point items weigh most),
KR-20 only the choice/true-false slots scored right/wrong. KR-20 above α is then no contradiction (often
the tasks correlate less with the rest than the objective items do); on the same 0/1 items the two are
equal. ``reliability["note"]`` says this in Chinese for each paper, and the CLI prints it.

Options are shuffled per trainee, so distractor counts use the column ``answer_original`` (the
answer in the bank's own letters, see :func:`zhiben_training.assess.papers.paper.bank_letters`) when present,
and otherwise count the letters as shown to each trainee (then only the key count is meaningful).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from zhiben_training.assess.papers import normalise_choice, normalise_truefalse
from zhiben_training.errors import AssessmentError

__all__ = ["ItemAnalysis", "item_analysis", "write_item_analysis", "analysis_title", "cronbach_alpha", "kr20",
           "plot_item_analysis", "item_analysis_figure", "reliability_note"]

REQUIRED_COLUMNS = ("trainee_id", "paper", "item_id", "source_question_id", "kind", "answer", "key", "points",
                    "max_points")
_CHOICE = ("single", "multiple", "truefalse")


@dataclass(frozen=True)
class ItemAnalysis:
    """``items``: one row per (paper, question); ``reliability``: one row per paper;
    ``distractors``: long table (paper, question_id, option, count, is_key)."""

    items: pd.DataFrame
    reliability: pd.DataFrame
    distractors: pd.DataFrame


def cronbach_alpha(matrix: np.ndarray) -> float:
    """α = k/(k−1)·(1 − Σ var(item) / var(total)) for a trainees × items score matrix."""
    matrix = np.asarray(matrix, dtype=float)
    n, k = matrix.shape
    if n < 2 or k < 2:
        return float("nan")
    total_var = matrix.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / total_var))


def kr20(matrix: np.ndarray) -> float:
    """KR-20 = k/(k−1)·(1 − Σ p·q / σ²(total)) for a 0/1 matrix (population variance, as Kuder and
    Richardson)."""
    matrix = np.asarray(matrix, dtype=float)
    n, k = matrix.shape
    if n < 2 or k < 2:
        return float("nan")
    p = matrix.mean(axis=0)
    total_var = matrix.sum(axis=1).var(ddof=0)
    if total_var == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - (p * (1 - p)).sum() / total_var))


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 3 or np.std(x) == 0 or np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def _prepare(responses: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in REQUIRED_COLUMNS if c not in responses.columns]
    if missing:
        raise AssessmentError(f"作答数据缺少列：{', '.join(missing)}")
    frame = responses.copy()
    frame["points"] = pd.to_numeric(frame["points"], errors="coerce").fillna(0.0)
    frame["max_points"] = pd.to_numeric(frame["max_points"], errors="coerce")
    frame = frame[frame["max_points"] > 0]
    if frame.empty:
        raise AssessmentError("作答数据为空，无法进行题目分析")
    frame["score"] = (frame["points"] / frame["max_points"]).clip(0, 1)
    sqid = frame["source_question_id"].astype("string").fillna("").str.strip()
    frame["question_id"] = sqid.where(~sqid.isin(["", "None", "nan", "<NA>"]), frame["item_id"].astype(str))
    totals = frame.groupby(["paper", "trainee_id"])["points"].sum().rename("total")
    return frame.join(totals, on=["paper", "trainee_id"])


def _groups(frame: pd.DataFrame, fraction: float) -> dict[str, tuple[set, set]]:
    """Per paper: (upper, lower) sets of trainees by total score, 27 % each (at least one)."""
    out = {}
    for paper, totals in frame.groupby("paper")[["trainee_id", "total"]]:
        ranked = totals.drop_duplicates("trainee_id").sort_values(["total", "trainee_id"])
        size = max(1, int(round(fraction * len(ranked))))
        out[paper] = (set(ranked["trainee_id"].iloc[-size:]), set(ranked["trainee_id"].iloc[:size]))
    return out


def _chosen(kind: str, value: object) -> str:
    if kind == "truefalse":
        got = normalise_truefalse(value)
        return "未作答/无效" if got is None else ("正确" if got else "错误")
    got = normalise_choice(value)
    return got if got else "未作答/无效"


def _distractors(frame: pd.DataFrame) -> pd.DataFrame:
    choice = frame[frame["kind"].isin(_CHOICE)]
    if choice.empty:
        return pd.DataFrame(columns=["paper", "question_id", "option", "count", "is_key"])
    column = "answer_original" if "answer_original" in choice.columns else "answer"
    key_column = "key_original" if "key_original" in choice.columns else "key"
    rows = []
    for (paper, qid), group in choice.groupby(["paper", "question_id"], sort=True):
        kind = group["kind"].iloc[0]
        picks = [_chosen(kind, v) for v in group[column]]
        keys = {_chosen(kind, v) for v in group[key_column]}
        for option, count in pd.Series(picks).value_counts().sort_index().items():
            rows.append({"paper": paper, "question_id": qid, "option": option, "count": int(count),
                         "is_key": option in keys and len(keys) == 1})
    return pd.DataFrame(rows)


def _flags(p: float, r: float, n: int, *, easy: float, hard: float, low_r: float, min_n: int) -> str:
    if n < min_n:
        return "样本不足"
    flags = []
    if p > easy:
        flags.append(f"过易（p>{easy:g}）")
    if p < hard:
        flags.append(f"过难（p<{hard:g}）")
    if not np.isnan(r) and r < low_r:
        flags.append(f"区分度低（r_pb<{low_r:g}）")
    return "；".join(flags)


def _question_rows(frame, groups, **limits) -> pd.DataFrame:
    rows = []
    for (paper, qid), group in frame.groupby(["paper", "question_id"], sort=True):
        upper, lower = groups[paper]
        score = group["score"].to_numpy()
        rest = (group["total"] - group["points"]).to_numpy()
        up = group[group["trainee_id"].isin(upper)]["score"]
        low = group[group["trainee_id"].isin(lower)]["score"]
        p, r = float(score.mean()), _pearson(score, rest)
        flag = _flags(p, r, len(group), **limits)
        rows.append({"paper": paper, "question_id": qid, "kind": group["kind"].iloc[0],
                     "slots": ",".join(sorted(group["item_id"].astype(str).unique())), "n": len(group),
                     "facility": p, "point_biserial": r,
                     "discrimination_27": (float(up.mean() - low.mean()) if len(up) and len(low)
                                           else float("nan")),
                     "flags": flag, "retire": bool(flag) and flag != "样本不足"})
    return pd.DataFrame(rows)


def reliability_note(*, n_items: int, n_dichotomous: int, alpha: float, kr: float) -> str:
    """Why α and KR-20 of one paper differ, in Chinese (printed by ``zhiben assess analyze``)."""
    if n_dichotomous < 2:
        return f"客观题不足 2 道，无法计算 KR-20；Cronbach α 按全部 {n_items} 道题的得分计算。"
    basis = (f"KR-20 只计 {n_dichotomous} 道客观题（单选、多选、判断），"
             "每题按对/错记 0 或 1（得分率不低于一半记对）；"
             f"Cronbach α 计全部 {n_items} 道题，按各题实得分计算"
             "（实操题、简答题可得部分分，分值大的题目对总分方差影响大）。")
    if n_dichotomous == n_items:
        return basis + ("本卷全部为客观题，两者题目相同；"
                        "各题分值相同时两者相等，分值不同时 α 按分值加权，数值略有差异。")
    if not (np.isnan(alpha) or np.isnan(kr)) and kr > alpha:
        return basis + ("两者题目范围和计分方式不同，KR-20 高于 α 并不矛盾："
                        "通常是实操题、简答题分值大而与其余题目"
                        "的相关较弱，拉低了整卷的 α；在同一组 0/1 计分的题目上，两者相等。")
    return basis + "两者题目范围和计分方式不同，数值不可直接比较；在同一组 0/1 计分的题目上，两者相等。"


def _reliability(frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for paper, group in frame.groupby("paper", sort=True):
        wide = group.pivot_table(index="trainee_id", columns="item_id", values="points",
                                 aggfunc="sum").dropna()
        binary = group[group["kind"].isin(_CHOICE)].pivot_table(
            index="trainee_id", columns="item_id", values="score", aggfunc="sum").dropna()
        alpha, kr = cronbach_alpha(wide.to_numpy()), kr20(binary.round().to_numpy())
        rows.append({"paper": paper, "n_trainees": len(wide), "n_items": wide.shape[1],
                     "cronbach_alpha": alpha, "n_dichotomous": binary.shape[1], "kr20": kr,
                     "note": reliability_note(n_items=wide.shape[1], n_dichotomous=binary.shape[1],
                                              alpha=alpha, kr=kr)})
    return pd.DataFrame(rows)


def item_analysis(responses: pd.DataFrame, *, upper_lower: float = 0.27, easy: float = 0.95,
                  hard: float = 0.2, low_r: float = 0.1, min_n: int = 10) -> ItemAnalysis:
    """Facility, discrimination, distractors and reliability from long-format responses (one row
    per answer)."""
    frame = _prepare(responses)
    groups = _groups(frame, upper_lower)
    items = _question_rows(frame, groups, easy=easy, hard=hard, low_r=low_r, min_n=min_n)
    return ItemAnalysis(items=items, reliability=_reliability(frame), distractors=_distractors(frame))


def _label_points(ax, part: pd.DataFrame, *, limit: int = 30, spacing: float = 0.04) -> None:
    """Name flagged questions, one label per neighbourhood so labels at the same spot don't overlap."""
    placed: list[tuple[float, float, int]] = []
    for _, row in part.head(limit).iterrows():
        x, y = float(row["facility"]), float(0 if pd.isna(row["point_biserial"]) else row["point_biserial"])
        near = next((i for i, (px, py, _) in enumerate(placed)
                     if abs(px - x) < spacing and abs(py - y) < spacing), None)
        if near is None:
            placed.append((x, y, 1))
            ax.annotate(row["question_id"], (x, y), fontsize=7, xytext=(3, 3), textcoords="offset points")
        else:
            px, py, count = placed[near]
            placed[near] = (px, py, count + 1)
    for px, py, count in placed:
        if count > 1:
            ax.annotate(f"（另 {count - 1} 题）", (px, py), fontsize=7, xytext=(3, -9),
                        textcoords="offset points")


def item_analysis_figure(result: ItemAnalysis, *, title: str | None = None):
    """The chart as a matplotlib ``Figure``: facility vs point-biserial per question (flagged ones labelled)
    and α / KR-20 per paper. ``title`` names what was analysed (e.g. "考核轮次 2026-principal（A 卷）");
    legends sit below the plot areas, so they never cover a point or a bar."""
    from matplotlib.figure import Figure

    from zhiben_training.fonts import use_cjk_font

    use_cjk_font()
    fig = Figure(figsize=(12, 5.6))
    ax, bx = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 1]})
    items = result.items
    few = items["flags"].eq("样本不足")
    groups = (("保留", "#2b6cb0", ~items["retire"] & ~few), ("样本不足（不评价）", "#a0aec0", few),
              ("建议复核/淘汰", "#c53030", items["retire"]))
    for label, colour, mask in groups:
        part = items[mask]
        ax.scatter(part["facility"], part["point_biserial"].fillna(0), s=18, c=colour, label=label, alpha=0.8)
    _label_points(ax, items[items["retire"]])
    ax.axvline(0.2, color="grey", ls="--", lw=0.8)
    ax.axvline(0.95, color="grey", ls="--", lw=0.8)
    ax.axhline(0.1, color="grey", ls="--", lw=0.8)
    ax.set(xlabel="难度（通过率 p）", ylabel="区分度（点二列相关 r_pb）", title="难度与区分度",
           xlim=(-0.02, 1.02))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=3, frameon=False)
    rel = result.reliability
    x = np.arange(len(rel))
    bars = (bx.bar(x - 0.2, rel["cronbach_alpha"].fillna(0), 0.4, label="Cronbach α（全部题目，按得分）"),
            bx.bar(x + 0.2, rel["kr20"].fillna(0), 0.4, label="KR-20（仅客观题，按对/错）"))
    for group in bars:
        bx.bar_label(group, fmt="%.2f", fontsize=8)
    bx.set_xticks(x, [f"{p} 卷" for p in rel["paper"]])
    bx.set(ylim=(0, 1.05), title="信度")
    bx.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=1, frameon=False, fontsize=8)
    fig.suptitle(f"题目分析：{title}" if title else "题目分析", fontsize=13)
    fig.tight_layout()
    return fig


def plot_item_analysis(result: ItemAnalysis, path: Path | str, *, title: str | None = None) -> Path:
    """Write :func:`item_analysis_figure` to ``path`` as PNG."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    item_analysis_figure(result, title=title).savefig(path, dpi=120)
    return path


def analysis_title(round_id: str, assignments: tuple[str, ...] | list[str] = ()) -> str:
    """The chart title and heading: which round (and papers) the analysis is of."""
    return f"考核轮次 {round_id}" + (f"（{'、'.join(assignments)}）" if assignments else "")


def write_item_analysis(responses: pd.DataFrame, out_dir: Path | str, *, round_id: str,
                        assignments: tuple[str, ...] | list[str] = (),
                        min_n: int = 5) -> tuple[ItemAnalysis, dict]:
    """Analyse and write the item table, reliability, distractors (CSV with BOM) and the chart;
    one place for the CLI and the demo. Returns the analysis and the written paths by name."""
    result = item_analysis(responses, min_n=min_n)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / f"{name}.csv" for name in ("item_analysis", "reliability", "distractors")}
    result.items.to_csv(paths["item_analysis"], index=False, encoding="utf-8-sig")
    result.reliability.to_csv(paths["reliability"], index=False, encoding="utf-8-sig")
    result.distractors.to_csv(paths["distractors"], index=False, encoding="utf-8-sig")
    paths["chart"] = plot_item_analysis(result, out_dir / "item_analysis.png",
                                        title=analysis_title(round_id, assignments))
    return result, paths
