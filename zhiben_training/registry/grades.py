"""What a score means: its share of the paper's maximum, and whether it passes the round's mark.

The one owner of the pass rule. A round's ``pass_mark`` is a percentage of the paper's maximum
(configurable, not law: docs/configuration.md). The gradebook's totals, the registry's results and
status, and the reports all ask these two functions. Both work on numbers, pandas Series and SQLAlchemy
column expressions alike (``score_percent(t.c.score, t.c.max_score)`` is SQL), so the rule is written
once whatever evaluates it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["passes", "score_percent"]


def score_percent(score: Any, max_score: Any) -> Any:
    """``score`` as a percentage of ``max_score``: ``score_percent(12, 16) == 75.0``."""
    return score * 100.0 / max_score


def passes(score: Any, max_score: Any, pass_mark: float) -> Any:
    """The pass rule: the score's percentage of the maximum is at least the round's pass mark.

    ``passes(12, 16, 75) is True``; at exactly the mark the result passes."""
    return score_percent(score, max_score) >= pass_mark
