"""What makes an export fit to file with a regulator: a title, the reporting unit (报送单位), the period or
round it covers, the generation date, page numbers, and a signature block (填报单位 / 填报人 / 审核人 / 日期).

The writers (``xlsx.py``, ``html.py``) lay these out; this module only holds the texts. Nothing here
reads the clock: the generation date is an input (the CLI's ``--today``), so the same data and the same
date give the same bytes. A unit that was not configured is left as a line to write on, never invented.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from zhiben_training.errors import ReportError

__all__ = ["BLANK", "DATE_BLANK", "NO_DATA", "Filing", "text_width"]

NO_DATA = "本期无数据"
BLANK = "＿" * 8  # full-width low lines: a line to write on by hand
DATE_BLANK = "＿＿＿＿年＿＿月＿＿日"
_MAX_UNIT = 60  # the XLSX page header holds at most 255 characters (unit + title + period)


def text_width(text: str) -> int:
    """Display width in half-width cells: CJK and full-width characters count 2
    (``text_width("合计A") == 5``)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in str(text))


@dataclass(frozen=True)
class Filing:
    """The filing elements of one export.

    ``scope`` is the labelled line saying what the document covers: ``("统计期间", "2026年第三季度（…）")``
    for a periodic report, ``("培训批次", "2026-principal")`` for a roster.
    """

    title: str
    scope: tuple[str, str]
    unit: str | None = None
    generated: dt.date | None = None
    short_scope: str | None = None  # what the printed page header says (default ``scope[1]``)

    def __post_init__(self) -> None:
        unit = (self.unit or "").strip() or None
        if unit is not None and len(unit) > _MAX_UNIT:
            raise ReportError(f"报送单位名称过长（{len(unit)} 个字，最多 {_MAX_UNIT} 个）：{unit[:20]}……",
                              hint="用 --unit 写单位全称即可，如“天津市和平区住房和城乡建设委员会”")
        object.__setattr__(self, "unit", unit)

    @property
    def page_scope(self) -> str:
        return self.short_scope or self.scope[1]

    @property
    def generated_text(self) -> str:
        return f"{self.generated:%Y-%m-%d}" if self.generated else BLANK

    @property
    def items(self) -> list[tuple[str, str]]:
        """The lines under the title: 报送单位, the scope, 生成日期."""
        return [("报送单位", self.unit or BLANK), self.scope, ("生成日期", self.generated_text)]

    @property
    def meta_line(self) -> str:
        return "　　".join(f"{label}：{value}" for label, value in self.items)

    @property
    def signature(self) -> list[tuple[str, str]]:
        """填报单位 (prefilled with the unit when known; stamped beside it), 填报人, 审核人, 日期: lines to
        sign."""
        return [("填报单位（盖章）", self.unit or BLANK), ("填报人", BLANK), ("审核人", BLANK),
                ("日期", DATE_BLANK)]

    @property
    def signature_lines(self) -> list[str]:
        """The signature block as two printed lines, in the order 填报单位, 填报人 / 审核人, 日期."""
        cells = [f"{label}：{value}" for label, value in self.signature]
        return ["　　　　".join(cells[:2]), "　　　　".join(cells[2:])]
