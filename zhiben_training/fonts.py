"""The bundled CJK font (Noto Sans CJK from PyPI), so Chinese renders on a fresh machine.

We never rely on a system font: matplotlib, the test browser and the reports all take the font
file from the ``noto-cjk[sans]`` package. Pages (reports, trainee feedback) embed a subset with just
the characters they use (``font_face_css``): browsers on a fresh machine would otherwise draw boxes,
and the full collection is 19 MB. Timestamps are kept from the source font so the same text always
gives the same bytes.
"""

from __future__ import annotations

import base64
import io
from functools import cache
from pathlib import Path

__all__ = ["CJK_FONT_NAME", "cjk_font_path", "font_face_css", "use_cjk_font"]

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


def _font_number() -> int:
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(cjk_font_path()), lazy=True)
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == CJK_FONT_NAME:
            return index
    raise LookupError(CJK_FONT_NAME)


def font_face_css(text: str) -> str:
    """An ``@font-face`` rule for ``CJK_FONT_NAME`` embedding the glyphs of ``text`` (plus ASCII)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(cjk_font_path()), fontNumber=_font_number(), recalcTimestamp=False, recalcBBoxes=False,
                  lazy=False)
    options = subset.Options()
    options.flavor = "woff"
    options.hinting = False  # smaller; screen and print rasterisers do not need CFF hints
    options.name_IDs = ["*"]
    options.notdef_outline = True
    chars = set(text) | {chr(c) for c in range(0x20, 0x7F)}
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff"
    font.save(buffer)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'@font-face {{ font-family: "{CJK_FONT_NAME}"; font-weight: normal; '
            f'src: url("data:font/woff;base64,{data}") format("woff"); }}')
