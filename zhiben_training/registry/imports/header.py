"""Finding the header row of an import file, and saying clearly when it is not there.

Clerks put a title ("2026年度培训签到表"), a unit name or a blank line above the header. The header is
the first of the first ``import_limits.header_search_rows`` rows that holds every required column of
the kind; rows above it are ignored. When no row does, the report names the columns that are missing,
the columns the best candidate row holds, and a close match ("是否为…") for each missing one.
"""

from __future__ import annotations

import difflib
import unicodedata

from zhiben_training.identifiers import mask_id, mask_phone

from .reading import Table

__all__ = ["header_text", "locate_header"]


def header_text(cell) -> str:
    """A header cell as compared: NFKC (full-width letters, brackets and spaces folded), no BOM, trimmed."""
    if cell is None:
        return ""
    return unicodedata.normalize("NFKC", str(cell)).replace("\ufeff", "").strip()


def locate_header(columns: list[dict], table: Table, *,
                  search_rows: int) -> tuple[int, list[str], Table, list[dict]]:
    """(header row number, header cells, rows below it, problems); problems is empty when found."""
    required = [c["header"] for c in columns if c["required"]]
    best: tuple[int, int, list[str]] | None = None  # (matches, row number, header cells)
    for index, (row_no, cells) in enumerate(table[:search_rows]):
        header = [header_text(c) for c in cells]
        present = sum(1 for name in required if name in header)
        if present == len(required):
            return row_no, header, table[index + 1:], []
        if best is None or present > best[0]:
            best = (present, row_no, header)
    assert best is not None  # the reader never returns an empty table
    _matches, row_no, header = best
    return row_no, header, [], _missing_columns(columns, row_no, header, search_rows=search_rows)


def _masked(cell: str) -> str:
    """A data row mistaken for a header must not put ID or phone numbers into the report."""
    if len(cell) >= 15 and cell[:14].isdigit():
        return mask_id(cell)
    if len(cell) == 11 and cell.isdigit():
        return mask_phone(cell)
    return cell


def _missing_columns(columns: list[dict], row_no: int, header: list[str], *, search_rows: int) -> list[dict]:
    found = [_masked(h) for h in header if h]
    expected = [c["header"] for c in columns]
    problems = []
    for column in columns:
        if not column["required"] or column["header"] in found:
            continue
        close = difflib.get_close_matches(column["header"], [f for f in found if f not in expected], n=1,
                                          cutoff=0.5)
        hint = f"，是否为“{close[0]}”？" if close else ""
        problems.append({"row": row_no, "column": column["header"], "value": "",
                         "reason": f"缺少此列{hint}（请用 zhiben template 生成模板）"})
    shown = "、".join(found) if found else "（空行）"
    problems.append({
        "row": row_no, "column": "（表头）", "value": shown[:200],
        "reason": (f"前 {search_rows} 行中没有完整的表头；最接近的是第 {row_no} 行，其中的列为：{shown}。"
                   f"应有的列：{'、'.join(expected)}"
                   f"（必填：{'、'.join(c['header'] for c in columns if c['required'])}）"),
    })
    return problems
