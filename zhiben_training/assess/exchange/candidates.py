"""Who sits a paper: a trainee list a clerk prepares (CSV) or a round's roster in the registry."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from zhiben_training.errors import AssessmentError
from zhiben_training.identifiers import id_problem

if TYPE_CHECKING:
    from zhiben_training.registry import Registry

__all__ = ["read_trainee_list", "roster_trainees"]

_ID_HEADERS = ("身份证号", "考生编号", "id")
_NAME_HEADERS = ("姓名", "name")


def read_trainee_list(path: Path) -> list[dict]:
    """A trainee list CSV with a 身份证号 (or 考生编号 / id) column and optionally 姓名 (or name).
    ID numbers are checked (GB 11643 check character) before any paper is generated."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    id_col = next((h for h in _ID_HEADERS if rows and h in rows[0]), None)
    if id_col is None:
        raise AssessmentError(f"考生名单 {path} 需要表头“身份证号”（或“考生编号”），可选“姓名”。")
    name_col = next((h for h in _NAME_HEADERS if h in rows[0]), None)
    if id_col == "身份证号":
        bad = [f"第 {n} 行：{problem}" for n, r in enumerate(rows, start=2)
               if (problem := id_problem((r[id_col] or "").strip()))]
        if bad:
            raise AssessmentError(f"考生名单 {path} 中有 {len(bad)} 个身份证号无效，未生成任何试卷：\n"
                                  + "\n".join(bad[:20]))
    return [{"id": r[id_col].strip(), "name": (r.get(name_col) or "").strip() if name_col else ""}
            for r in rows if (r[id_col] or "").strip()]


def roster_trainees(registry: Registry, round_id: str) -> list[dict]:
    """The round's roster from the registry, as trainees (id = ID number, name)."""
    roster = registry.roster(round_id=round_id)
    name = "name" if "name" in roster.columns else None
    return [{"id": str(r["person_id"]), "name": str(r[name]) if name else ""} for _, r in roster.iterrows()]
