"""Assessment results arriving from the nbgrader gradebook (``Registry.record_assessment_results``).

Every new or changed score, max score and pass flag goes to the audit log with who and why;
recording the same results again changes nothing and writes no audit rows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import pandas as pd
from sqlalchemy import Connection, select

from zhiben_training.errors import NotFoundError, RegistryError
from zhiben_training.identifiers import mask_id

from . import models as m
from .audit import append_audit, changes
from .bulk import _to_bool, upsert_chunks
from .status import load_round

__all__ = ["record_results"]

_FIELDS = ("score", "max_score", "passed", "taken_date")


def _taken_date(value) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str | pd.Timestamp):
        raise RegistryError(f"考试日期应为日期或 YYYY-MM-DD 文本，实为 {type(value).__name__}")
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError) as exc:
        raise RegistryError(f"考试日期 {str(value)[:30]!r} 不是有效日期") from exc
    return None if pd.isna(stamp) else stamp.date()


def _normalise(row: dict, round_id: str, pass_mark: float | None) -> dict:
    missing = [k for k in ("person_id", "paper", "score", "max_score") if row.get(k) is None]
    if missing:
        raise RegistryError(f"成绩行缺少字段：{'、'.join(missing)}")
    try:
        score, max_score = float(row["score"]), float(row["max_score"])
    except (KeyError, TypeError, ValueError) as exc:
        raise RegistryError(f"成绩行缺少有效的 score / max_score：{exc}") from exc
    if not (math.isfinite(score) and math.isfinite(max_score)) or max_score <= 0 or not 0 <= score <= max_score:
        raise RegistryError(f"成绩 {score} / 满分 {max_score} 不合理（应 0 ≤ 得分 ≤ 满分，满分 > 0）")
    taken = _taken_date(row.get("taken_date"))
    passed = row.get("passed")
    if isinstance(passed, str):
        passed = _to_bool(passed) if passed.strip() else None
    if passed is None or (isinstance(passed, float) and math.isnan(passed)):
        if pass_mark is None:
            raise RegistryError("成绩行缺少 passed，且该轮次没有合格分数线")
        passed = score * 100.0 / max_score >= pass_mark  # the round's pass mark is a percentage
    paper = str(row["paper"]).strip()
    if not paper or len(paper) > 8:
        raise RegistryError(f"试卷代码 {paper[:20]!r} 无效（1–8 个字符，如 A、C）")
    return {"person_id": str(row["person_id"]).strip().upper(), "round_id": round_id, "paper": paper,
            "score": score, "max_score": max_score, "passed": bool(passed), "taken_date": taken,
            "reason": str(row["reason"]).strip() if row.get("reason") else None}


def record_results(conn: Connection, *, round_id: str, rows: Iterable[dict] | pd.DataFrame, actor: str,
                   reason: str) -> dict[str, int]:
    """Upsert results for ``round_id``; returns counts of inserted, updated and unchanged rows.

    ``passed`` may be left out: it is then score / max_score ≥ the round's pass mark (in percent).
    A row may carry its own ``reason`` (e.g. which items an examiner changed); it replaces ``reason``
    in that row's audit entries.
    """
    pass_mark = load_round(conn, round_id)["pass_mark"]
    if isinstance(rows, pd.DataFrame):
        rows = rows.to_dict("records")
    # The last row wins when the same person and paper appear twice (one upsert cannot touch a row twice).
    records = list({(r["person_id"], r["paper"]): r for r in (_normalise(dict(x), round_id, pass_mark) for x in rows)}.values())
    people = {r["person_id"] for r in records}
    p = m.Person.__table__
    known = set(conn.execute(select(p.c.person_id).where(p.c.person_id.in_(people))).scalars()) if people else set()
    unknown = sorted(people - known)
    if unknown:
        shown = "、".join(mask_id(x) for x in unknown[:5])
        raise NotFoundError(f"{len(unknown)} 名考生不在登记库中：{shown}", hint="请先导入人员（zhiben import people）。")
    res = m.AssessmentResult.__table__
    existing = {
        (row.person_id, row.paper): row._asdict()
        for row in conn.execute(select(res).where(res.c.round_id == round_id, res.c.person_id.in_(people)))
    } if people else {}
    audit: dict[str, list[dict]] = {}
    changed = []
    for record in records:
        row_reason = record.pop("reason") or reason
        old = existing.get((record["person_id"], record["paper"]))
        diff = changes(entity="assessment_result", key=f"{record['person_id']}|{round_id}|{record['paper']}",
                       old=old, new=record, fields=_FIELDS)
        if diff:
            audit.setdefault(row_reason, []).extend(diff)
            changed.append(record)
    papers = [{"round_id": round_id, "paper": paper} for paper in sorted({r["paper"] for r in changed})]
    if papers:
        upsert_chunks(conn, m.Assessment.__table__, papers, keys=("round_id", "paper"))
        upsert_chunks(conn, res, changed, keys=("person_id", "round_id", "paper"))
    for row_reason, rows_of_reason in audit.items():
        append_audit(conn, rows_of_reason, actor=actor, reason=row_reason)
    inserted = sum(1 for r in changed if (r["person_id"], r["paper"]) not in existing)
    return {"inserted": inserted, "updated": len(changed) - inserted, "unchanged": len(records) - len(changed)}
