"""Charts for the periodic reports as PNG bytes, drawn with the bundled CJK font.

PNG metadata (matplotlib's Software tag) is dropped, so the same table always gives the same bytes.
"""

from __future__ import annotations

import io

import pandas as pd

from zhiben_training.fonts import use_cjk_font

__all__ = ["chart_png"]

_COLOURS = ["#2F5597", "#70AD47", "#C00000", "#ED7D31"]


def chart_png(table: pd.DataFrame, spec: dict, *, total_label: str = "合计",
              no_data: str = "本期无数据") -> bytes:
    """Draw ``spec`` (kind bar/barh/grouped, label column, value columns) from ``table`` without its
    total row; a chart of nothing but zeros says ``no_data`` across its plot area."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    use_cjk_font()
    data = table[table[spec["label"]] != total_label]
    labels = data[spec["label"]].astype(str).tolist()
    values = [pd.to_numeric(data[c], errors="coerce").fillna(0).tolist() for c in spec["values"]]
    height = max(3.0, 0.32 * len(labels) + 1.2) if spec["kind"] == "barh" else 3.6
    fig = Figure(figsize=(7.0, height), dpi=110)
    ax = fig.add_subplot()
    if spec["kind"] == "barh":
        positions = list(range(len(labels)))[::-1]
        ax.barh(positions, values[0], color=_COLOURS[0])
        ax.set_yticks(positions, labels)
        ax.set_xlabel(spec["unit"])
        for y, v in zip(positions, values[0], strict=True):
            ax.text(v, y, f" {v:g}", va="center", fontsize=8)
    else:
        width = 0.8 / len(values)
        for i, (column, series) in enumerate(zip(spec["values"], values, strict=True)):
            xs = [x + (i - (len(values) - 1) / 2) * width for x in range(len(labels))]
            ax.bar(xs, series, width=width, color=_COLOURS[i % len(_COLOURS)], label=column)
            for x, v in zip(xs, series, strict=True):
                ax.text(x, v, f"{v:g}", ha="center", va="bottom", fontsize=8)
        ax.set_xticks(range(len(labels)), labels)
        ax.set_ylabel(spec["unit"])
        if len(values) > 1:  # above the plot area, so it never covers a bar
            ax.legend(fontsize=8, ncols=len(values), loc="lower center", bbox_to_anchor=(0.5, 1.0),
                      frameon=False)
    if spec["unit"] != "%":
        (ax.xaxis if spec["kind"] == "barh" else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
    if not any(v for series in values for v in series):
        (ax.set_xlim if spec["kind"] == "barh" else ax.set_ylim)(0, 1)  # not a ±0.04 axis around nothing
        ax.text(0.5, 0.5, no_data, transform=ax.transAxes, ha="center", va="center", fontsize=16,
                color="#888888")
    ax.set_title(spec["title"], pad=22 if spec["kind"] != "barh" and len(values) > 1 else 6)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
