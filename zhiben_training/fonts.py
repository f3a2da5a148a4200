"""The bundled CJK font (Noto Sans CJK from PyPI), so Chinese renders on a fresh machine.

We never rely on a system font: matplotlib, the test browser and the reports all take the font
file from the ``noto-cjk[sans]`` package.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["CJK_FONT_NAME", "cjk_font_path", "use_cjk_font"]

CJK_FONT_NAME = "Noto Sans CJK SC"


@cache
def cjk_font_path() -> Path:
    """Path of the Noto Sans CJK collection shipped by the ``noto-cjk-sans-otc`` package."""
    import noto_cjk

    return Path(noto_cjk.otc_path("sans"))


def use_cjk_font() -> str:
    """Register the bundled font with matplotlib and make it the default; returns its family name."""
    import matplotlib
    from matplotlib import font_manager

    path = str(cjk_font_path())
    if path not in {f.fname for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [CJK_FONT_NAME, *matplotlib.rcParams["font.sans-serif"]]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return CJK_FONT_NAME
