"""The one plain-text table renderer of the CLI: columns aligned by display width (a Chinese
character takes two columns), a rule under the header, trailing spaces trimmed."""

from __future__ import annotations

import unicodedata

__all__ = ["display_width", "render_rows"]


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render_rows(headers: list[str], rows: list[list[str]]) -> str:
    """``headers`` and ``rows`` (already text) as an aligned table with a rule under the header."""
    widths = [max([display_width(h)] + [display_width(str(r[i])) for r in rows])
              for i, h in enumerate(headers)]

    def line(cells) -> str:
        return "  ".join(str(c) + " " * (w - display_width(str(c)))
                         for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])
