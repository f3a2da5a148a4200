"""Loosely typed cell values read one way everywhere: one date coercer, one list of yes/no words.

Spreadsheets, CSV files, database rows and trainees' answers write a date or a yes/no in many ways;
the registry, the gradebook import, the reports and the paper scorer all read them here, so "是",
"对", "√" or "2026-04-01 00:00:00" mean the same thing wherever they arrive. Standard library only
(pandas is imported only to read a date text ISO 8601 cannot), so any layer may use it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

__all__ = ["FALSE_WORDS", "TRUE_WORDS", "as_bool", "as_date"]

# compared after NFKC normalisation and upper-casing; a trainee's "对。" reads as 对
TRUE_WORDS = frozenset({"TRUE", "T", "YES", "Y", "1", "是", "对", "正确", "√", "✓", "合格"})
FALSE_WORDS = frozenset({"FALSE", "F", "NO", "N", "0", "否", "错", "错误", "×", "✗", "不合格"})


def _missing(value: object) -> bool:
    """None, NaN, NaT, pandas' NA, or blank text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(value != value)  # NaN and NaT are not equal to themselves
    except (TypeError, ValueError):  # pandas.NA refuses to be a bool
        return True


def as_bool(value: object) -> bool | None:
    """True or False from a bool, 0 / 1, or a word of ``TRUE_WORDS`` / ``FALSE_WORDS``; None when missing
    or unreadable (``as_bool("是") is True``, ``as_bool("×") is False``, ``as_bool("也许") is None``)."""
    if _missing(value):
        return None
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value[:100]).strip().upper().rstrip("。.")
        return True if text in TRUE_WORDS else False if text in FALSE_WORDS else None
    try:
        return True if value == 1 else False if value == 0 else None  # bool, numpy bool, 0 / 1
    except (TypeError, ValueError):
        return None


def as_date(value: object) -> dt.date | None:
    """The day of a date, datetime, pandas Timestamp or date text; None when missing.

    Text is ISO 8601 (``2026-04-01``, ``2026-04-01 08:30``) or any form pandas reads (``2026/4/1``).
    Unreadable text raises ``ValueError``: each caller says in its own words what was wrong.
    """
    if _missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if type(value).__name__ == "datetime64":  # a numpy day from a DataFrame column
        import pandas as pd

        return pd.Timestamp(value).date()
    if not isinstance(value, str):
        raise ValueError(f"not a date: {type(value).__name__}")
    text = value.strip()
    if text.lower() in {"nan", "nat", "none"}:  # a missing value written out as text
        return None
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) == 10 else dt.datetime.fromisoformat(text).date()
    except ValueError:
        import pandas as pd

        try:
            stamp = pd.Timestamp(text)
        except (ValueError, TypeError, OverflowError) as exc:
            raise ValueError(f"not a date: {text[:30]!r}") from exc
        if stamp is pd.NaT:
            return None
        return stamp.date()
