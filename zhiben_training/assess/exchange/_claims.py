"""Whose paper a handed-in file is: three witnesses that must agree.

A file names a trainee by a registered id in its name (or folder), by the ``zhiben.trainee_id``
notebook metadata, and by its read-only cells, which match the trainee's own variant better than
anyone else's (variants differ in their prompts). A file counts for a trainee only when every
witness it has names that trainee and its name or metadata does. Any witness naming a trainee makes
the file a claimant for that trainee, so when two files claim one trainee neither is taken: the
examiner decides (``collect(assign=...)``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from zhiben_training.assess.layout import CourseRoot


@dataclass(frozen=True)
class Witnesses:
    name: str | None  # registered id found in the file name
    metadata: str | None  # zhiben.trainee_id as written in the file (may be an unknown id)
    cells: str | None  # the one trainee whose variant the read-only cells match best
    known: frozenset[str]

    @property
    def claimed(self) -> set[str]:
        """Every registered trainee some witness names."""
        return {t for t in (self.name, self.metadata, self.cells) if t in self.known}

    @property
    def trainee(self) -> str | None:
        """The trainee all witnesses agree on (name or metadata among them), else None."""
        named = {t for t in (self.name, self.metadata, self.cells) if t is not None}
        if len(named) == 1 and (self.name or self.metadata) and named <= self.known:
            return next(iter(named))
        return None

    def describe(self) -> str:
        """The witnesses in Chinese, e.g. "文件名为考生 B，元数据为考生 A，只读单元格与考生 A 的试卷相同"."""
        parts = [f"文件名为考生 {self.name}" if self.name else "文件名中没有考生编号"]
        if self.metadata is None:
            parts.append("元数据中没有考生编号")
        elif self.metadata in self.known:
            parts.append(f"元数据为考生 {self.metadata}")
        else:
            parts.append(f"元数据为 {self.metadata}（不是本次考核的考生）")
        parts.append(f"只读单元格与考生 {self.cells} 的试卷相同" if self.cells
                     else "只读单元格不能确定是谁的试卷")
        return "，".join(parts)


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


class Identifier:
    """Built once per collection: every trainee's read-only cells, indexed by (grade_id, text)."""

    def __init__(self, course_root: Path, assignment: str, known: list[str]):
        self.known = frozenset(known)
        self._by_length = sorted(known, key=len, reverse=True)
        self._cells: dict[tuple[str, str], set[str]] = {}
        for tid in known:
            path = CourseRoot(course_root).variant_notebook(assignment, tid)
            for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
                meta = cell.get("metadata", {}).get("nbgrader", {})
                if meta.get("locked"):
                    self._cells.setdefault((meta["grade_id"], _text(cell.get("source", ""))), set()).add(tid)

    def _from_name(self, name: str) -> str | None:
        parts = re.split(r"[/\\]", name)
        for tid in self._by_length:
            pattern = re.compile(rf"(^|[^0-9A-Za-z]){re.escape(tid)}([^0-9A-Za-z]|$)")
            if any(pattern.search(part) for part in parts):
                return tid
        return None

    def _from_cells(self, cells: list) -> str | None:
        votes: Counter[str] = Counter()
        for cell in cells:
            meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
            gid = meta.get("grade_id") if isinstance(meta, dict) else None
            if isinstance(gid, str):
                votes.update(self._cells.get((gid, _text(cell.get("source", ""))), ()))
        ranked = votes.most_common(2)
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]

    def witnesses(self, name: str, data: bytes) -> Witnesses:
        metadata, cells = None, None
        try:
            nb = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            nb = None  # unreadable content is no witness either way (it scores 0 at autograde)
        if isinstance(nb, dict):
            meta = nb.get("metadata", {})
            meta = meta.get("zhiben", {}) if isinstance(meta, dict) else {}
            owner = meta.get("trainee_id") if isinstance(meta, dict) else None
            metadata = owner if isinstance(owner, str) and owner else None
            if isinstance(nb.get("cells"), list):
                cells = self._from_cells(nb["cells"])
        return Witnesses(self._from_name(name), metadata, cells, self.known)
