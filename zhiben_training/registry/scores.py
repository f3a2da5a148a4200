"""Assessment results arriving from the nbgrader gradebook (``Registry.record_assessment_results``).

Every new or changed score, max score and pass flag goes to the audit log with who and why;
recording the same results again changes nothing and writes no audit rows. The registry owns the
diff: what is new, changed or unchanged against what it holds is said here and nowhere else, and the
item scores behind each result (``items``) are written in the same transaction, so the next import
can name the items changed since and can never disagree with the results.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Connection, delete, select, tuple_

from zhiben_training.errors import NotFoundError, RegistryError
from zhiben_training.identifiers import mask_id
from zhiben_training.values import as_bool, as_date

from . import models as m
from .audit import append_audit, changes
from .bulk import upsert_chunks
from .grades import passes
from .status import load_round

__all__ = ["RecordedResult", "RecordedResults", "record_results", "recorded_item_scores"]

_FIELDS = ("score", "max_score", "passed", "taken_date")
_SAME = 1e-9


@dataclass(frozen=True)
class RecordedResult:
    """One person's result as recorded, with what the registry held before (``old_*`` None: new)."""

    person_id: str
    paper: str
    score: float
    max_score: float
    passed: bool
    old_score: float | None = None
    old_max_score: float | None = None
    old_passed: bool | None = None


@dataclass(frozen=True)
class RecordedResults:
    """What ``record_results`` did: results ``new`` to the registry, ``changed`` in score, maximum or
    pass, and ``unchanged`` in all three; ``counts`` the rows inserted, updated (any field, the taken
    date included) and left as they were."""

    new: tuple[RecordedResult, ...] = ()
    changed: tuple[RecordedResult, ...] = ()
    unchanged: tuple[RecordedResult, ...] = ()
    counts: Mapping[str, int] = field(default_factory=lambda: {"inserted": 0, "updated": 0, "unchanged": 0})


def _taken_date(value) -> dt.date | None:
    if value is not None and not isinstance(value, str | dt.date):
        raise RegistryError(f"考试日期应为日期或 YYYY-MM-DD 文本，实为 {type(value).__name__}")
    try:
        return as_date(value)
    except ValueError as exc:
        raise RegistryError(f"考试日期 {str(value)[:30]!r} 不是有效日期") from exc


def _normalise(row: dict, round_id: str, pass_mark: float | None) -> dict:
    missing = [k for k in ("person_id", "paper", "score", "max_score") if row.get(k) is None]
    if missing:
        raise RegistryError(f"成绩行缺少字段：{'、'.join(missing)}")
    try:
        score, max_score = float(row["score"]), float(row["max_score"])
    except (KeyError, TypeError, ValueError) as exc:
        raise RegistryError(f"成绩行缺少有效的 score / max_score：{exc}") from exc
    finite = math.isfinite(score) and math.isfinite(max_score)
    if not finite or max_score <= 0 or not 0 <= score <= max_score:
        raise RegistryError(f"成绩 {score} / 满分 {max_score} 不合理（应 0 ≤ 得分 ≤ 满分，满分 > 0）")
    taken = _taken_date(row.get("taken_date"))
    passed = row.get("passed")
    if isinstance(passed, str):
        word = as_bool(passed)
        if word is None and passed.strip():
            raise RegistryError(f"是否合格 {passed[:20]!r} 无法识别（应为 是/否、true/false、1/0）")
        passed = word
    if passed is None or (isinstance(passed, float) and math.isnan(passed)):
        if pass_mark is None:
            raise RegistryError("成绩行缺少 passed，且该轮次没有合格分数线")
        passed = passes(score, max_score, pass_mark)
    paper = str(row["paper"]).strip()
    if not paper or len(paper) > 8:
        raise RegistryError(f"试卷代码 {paper[:20]!r} 无效（1–8 个字符，如 A、C）")
    items = row.get("items")
    if items is not None:
        items = {str(item): float(value) for item, value in dict(items).items()}
        if not all(math.isfinite(v) for v in items.values()):
            raise RegistryError("逐题得分中有无效的分数（应为有限数值）")
    return {"person_id": str(row["person_id"]).strip().upper(), "round_id": round_id, "paper": paper,
            "score": score, "max_score": max_score, "passed": bool(passed), "taken_date": taken,
            "reason": str(row["reason"]).strip() if row.get("reason") else None, "items": items}


def _outcome(record: dict, old: dict | None) -> RecordedResult:
    if old is None:
        return RecordedResult(record["person_id"], record["paper"], record["score"], record["max_score"],
                              record["passed"])
    return RecordedResult(record["person_id"], record["paper"], record["score"], record["max_score"],
                          record["passed"], old_score=float(old["score"]),
                          old_max_score=float(old["max_score"]), old_passed=bool(old["passed"]))


def _same_outcome(result: RecordedResult) -> bool:
    """Score, maximum and pass as the registry held them (the taken date aside)."""
    return (result.old_score is not None and result.old_max_score is not None
            and abs(result.old_score - result.score) <= _SAME
            and abs(result.old_max_score - result.max_score) <= _SAME and result.old_passed == result.passed)


def recorded_item_scores(conn: Connection, *, round_id: str,
                         paper: str | None = None) -> dict[str, dict[str, float]]:
    """Per person, the item scores recorded with their result in ``round_id`` (one ``paper``, or all)."""
    t = m.AssessmentItemScore.__table__
    stmt = select(t.c.person_id, t.c.item_id, t.c.score).where(t.c.round_id == round_id)
    if paper is not None:
        stmt = stmt.where(t.c.paper == paper)
    out: dict[str, dict[str, float]] = {}
    for person_id, item_id, score in conn.execute(stmt.order_by(t.c.person_id, t.c.item_id)):
        out.setdefault(person_id, {})[item_id] = float(score)
    return out


def _write_item_scores(conn: Connection, round_id: str, records: list[dict]) -> None:
    """Replace the item scores of each record that carries them, where they differ from those held."""
    t = m.AssessmentItemScore.__table__
    given = {(r["person_id"], r["paper"]): r["items"] for r in records if r["items"] is not None}
    if not given:
        return
    held: dict[tuple[str, str], dict[str, float]] = {}
    keys = list(given)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        stmt = select(t.c.person_id, t.c.paper, t.c.item_id, t.c.score).where(
            t.c.round_id == round_id, tuple_(t.c.person_id, t.c.paper).in_(chunk))
        for person_id, paper, item_id, score in conn.execute(stmt):
            held.setdefault((person_id, paper), {})[item_id] = float(score)
    stale = [key for key, items in given.items() if held.get(key, {}) != items]
    for person_id, paper in stale:
        conn.execute(delete(t).where(t.c.person_id == person_id, t.c.round_id == round_id,
                                     t.c.paper == paper))
    rows = [{"person_id": p, "round_id": round_id, "paper": q, "item_id": item, "score": score}
            for p, q in stale for item, score in sorted(given[(p, q)].items())]
    if rows:
        upsert_chunks(conn, t, rows, keys=("person_id", "round_id", "paper", "item_id"))


def record_results(conn: Connection, *, round_id: str, rows: Iterable[dict] | pd.DataFrame, actor: str,
                   reason: str) -> RecordedResults:
    """Upsert results for ``round_id``; says what was new, changed and unchanged (:class:`RecordedResults`).

    ``passed`` may be left out: it is then the round's pass rule (:func:`.grades.passes`). A row may carry
    its own ``reason`` (e.g. which items an examiner changed); it replaces ``reason`` in that row's audit
    entries. A row may carry ``items`` ({item id: score}): they are stored with the result, in this
    transaction, and :func:`recorded_item_scores` returns them.
    """
    pass_mark = load_round(conn, round_id)["pass_mark"]
    if isinstance(rows, pd.DataFrame):
        rows = rows.to_dict("records")
    # The last row wins when the same person and paper appear twice (one upsert cannot touch a row twice).
    normalised = (_normalise(dict(x), round_id, pass_mark) for x in rows)
    records = list({(r["person_id"], r["paper"]): r for r in normalised}.values())
    people = {r["person_id"] for r in records}
    p = m.Person.__table__
    known = (set(conn.execute(select(p.c.person_id).where(p.c.person_id.in_(people))).scalars())
             if people else set())
    unknown = sorted(people - known)
    if unknown:
        shown = "、".join(mask_id(x) for x in unknown[:5])
        raise NotFoundError(f"{len(unknown)} 名考生不在登记库中：{shown}",
                            hint="请先导入人员（zhiben import people）。")
    res = m.AssessmentResult.__table__
    existing = {
        (row.person_id, row.paper): row._asdict()
        for row in conn.execute(select(res).where(res.c.round_id == round_id, res.c.person_id.in_(people)))
    } if people else {}
    audit: dict[str, list[dict]] = {}
    changed, outcomes = [], []
    for record in records:
        row_reason = record["reason"] or reason
        old = existing.get((record["person_id"], record["paper"]))
        outcomes.append(_outcome(record, old))
        diff = changes(entity="assessment_result", key=f"{record['person_id']}|{round_id}|{record['paper']}",
                       old=old, new=record, fields=_FIELDS)
        if diff:
            audit.setdefault(row_reason, []).extend(diff)
            changed.append({k: v for k, v in record.items() if k not in ("reason", "items")})
    papers = [{"round_id": round_id, "paper": paper} for paper in sorted({r["paper"] for r in changed})]
    if papers:
        upsert_chunks(conn, m.Assessment.__table__, papers, keys=("round_id", "paper"))
        upsert_chunks(conn, res, changed, keys=("person_id", "round_id", "paper"))
    _write_item_scores(conn, round_id, records)
    for row_reason, rows_of_reason in audit.items():
        append_audit(conn, rows_of_reason, actor=actor, reason=row_reason)
    inserted = sum(1 for r in changed if (r["person_id"], r["paper"]) not in existing)
    return RecordedResults(
        new=tuple(o for o in outcomes if o.old_score is None),
        changed=tuple(o for o in outcomes if o.old_score is not None and not _same_outcome(o)),
        unchanged=tuple(o for o in outcomes if _same_outcome(o)),
        counts={"inserted": inserted, "updated": len(changed) - inserted,
                "unchanged": len(records) - len(changed)},
    )
