"""The Tianjin campaign plan as lesson data: ten actions, four stages, and what it asks of people.

Quotes live in ``data/campaign.json`` (verbatim, checked against the reference text by a test);
these functions only shape them for display.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

__all__ = ["campaign", "actions_table", "stages_table", "asks_for", "stage_of"]


@cache
def campaign() -> dict:
    """The whole data file: ``document``, ``goal``, ``actions``, ``stages``, ``asks``."""
    text = resources.files("zhiben_training.lessons").joinpath("data/campaign.json").read_text("utf-8")
    return json.loads(text)


def actions_table():
    """The 十大行动 as a DataFrame: 序号, 行动, 对应任务条目."""
    import pandas as pd

    rows = [{"序号": a["no"], "行动": a["title"], "对应任务条目": "、".join(str(t) for t in a["tasks"])}
            for a in campaign()["actions"]]
    return pd.DataFrame(rows)


def stages_table():
    """The four stages (时间进度安排) as a DataFrame: 阶段, 时间, 要求."""
    import pandas as pd

    rows = [{"阶段": f"{s['no']}{s['name']}", "时间": s["period"], "要求": s["text"]}
            for s in campaign()["stages"]]
    return pd.DataFrame(rows)


def asks_for(audience: str) -> list[dict]:
    """The quoted requirements that concern ``audience`` ("主要负责人" or "安全生产管理人员")."""
    return [a for a in campaign()["asks"] if audience in a["audience"]]


def stage_of(year: int, month: int) -> str:
    """Which stage a month falls in ("夯实基础" for 2024-07); "方案时间范围外" outside 2024-03..2026-12."""
    key = f"{year:04d}-{month:02d}"
    for s in campaign()["stages"]:
        if s["start"] <= key <= s["end"]:
            return s["name"]
    return "方案时间范围外"
