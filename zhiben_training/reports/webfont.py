"""A subset of the bundled Noto Sans CJK SC with just the characters a page uses, as a WOFF data URI.

Browsers on a fresh machine (no system CJK font) would otherwise draw boxes; the full collection is
19 MB, a subset for one report is a few hundred KB. Timestamps are kept from the source font so the
same text always gives the same bytes.
"""

from __future__ import annotations

import base64
import io

from zhiben_training.fonts import CJK_FONT_NAME, cjk_font_path

__all__ = ["font_face_css"]


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
