"""Measured facts against their thresholds, three-valued: hazard, no hazard, or 无法判定 (missing).

Two kinds of limit (``data/law/measured_thresholds.json``): a limit the record itself states (设计值,
设计控制值, 额定载重量, 说明书允许值), compared as the 2024 item words it ("超过" → ``>``); and a
technical-standard value the 2024 text defers to, which is configuration marked 未核实 and named in
every verdict that rests on it. An old boolean (format 1) still decides when no measurement is given.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

from zhiben_training.hazards._models import fact
from zhiben_training.law import measured_thresholds_data, status_note

_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
_OP_CN = {">": ">", ">=": "≥", "<": "<", "<=": "≤"}
_NEGATE = {">": "<=", ">=": "<", "<": ">=", "<=": ">"}


@dataclass(frozen=True)
class Hit:
    """What one check says about one item: facts (a hazard), or missing fields (无法判定), never both."""

    item_id: str
    facts: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tri:
    """A three-valued condition: ``state`` True / False / None (unknown), with its evidence."""

    state: bool | None
    facts: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    def hit(self, item_id: str, *, context: tuple[str, ...] = ()) -> Hit | None:
        if self.state is True:
            return Hit(item_id, context + self.facts, self.notes)
        if self.state is None and self.missing:
            return Hit(item_id, (), self.notes, self.missing)
        return None


FALSE = Tri(False)


def both(first: Tri, second: Tri) -> Tri:
    """The law's “且”: Kleene AND (false wins, then unknown)."""
    if first.state is False or second.state is False:
        return FALSE
    if first.state and second.state:
        return Tri(True, first.facts + second.facts, first.notes + second.notes)
    return Tri(None, first.facts + second.facts, first.notes + second.notes, first.missing + second.missing)


def either(*parts: Tri) -> Tri:
    """The law's “或”: Kleene OR (true wins, then unknown)."""
    true = [p for p in parts if p.state is True]
    if true:
        return Tri(True, sum((p.facts for p in true), ()), sum((p.notes for p in true), ()))
    unknown = [p for p in parts if p.state is None]
    if unknown:
        return Tri(None, (), sum((p.notes for p in unknown), ()), sum((p.missing for p in unknown), ()))
    return FALSE


def flag(entry: dict, here: str, key: str, hazard_value) -> Tri:
    """A stated boolean/enum observation: True when it equals ``hazard_value``; unknown when omitted."""
    if key not in entry:
        return Tri(None, missing=(f"{here}.{key}",))
    return Tri(True, (fact(f"{here}.{key}", entry[key]),)) if entry[key] == hazard_value else FALSE


def observed(entry: dict, here: str, key: str, hazard_value) -> Tri:
    """Like ``flag`` but an omitted observation is simply not observed (False), as in format 1."""
    return flag(entry, here, key, hazard_value) if key in entry else FALSE


def _num(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def against_record_limit(entry: dict, here: str, limit_id: str, *, legacy: tuple[str, object] | None = None,
                         required: bool = True) -> Tri:
    """Compare ``measured`` with the limit the record states, e.g. 施工荷载 > 设计值 (6.2).

    Without both numbers: the old boolean ``legacy = (key, hazard value)`` decides if given; else
    unknown (missing fields named) when ``required``, or not observed when not.
    """
    row = measured_thresholds_data()["record_limits"][limit_id]
    measured, limit = row["measured"], row["limit"]
    have_m, have_l = measured in entry, limit in entry
    if have_m and have_l:
        value, bound, op = entry[measured], entry[limit], row["comparator"]
        crossed = _OPS[op](value, bound)
        shown = op if crossed else _NEGATE[op]
        note = (f"{here}.{measured} = {_num(value)} {row['unit']} {_OP_CN[shown]} "
                f"{here}.{limit} = {_num(bound)} {row['unit']}："
                f"{row['what'] if crossed else '未' + row['what']}（{row['source']}）")
        facts = (fact(f"{here}.{measured}", value), fact(f"{here}.{limit}", bound))
        return Tri(True, facts, (note,)) if crossed else Tri(False, (), (note,))
    if legacy and legacy[0] in entry:
        return flag(entry, here, *legacy)
    if not required and not have_m and not have_l:
        return FALSE
    missing = tuple(f"{here}.{k}" for k, present in ((measured, have_m), (limit, have_l)) if not present)
    return Tri(None, missing=missing)


def standard(threshold_id: str) -> dict:
    """One technical-standard (configuration) threshold row."""
    return measured_thresholds_data()["standards"][threshold_id]


def standard_note(row: dict, text: str) -> str:
    """“… （依据：JGJ 46 …；未核实，仅供参考）” — every verdict resting on a configuration value says so."""
    if row["status"] == "verified":
        return f"{text}（{row['source']}）"
    basis = row.get("standard_to_check") or row["source"]
    local = f"；本地配置 {row['local_override']}" if row.get("local_override") else ""
    return f"{text}（阈值为配置值，应核对：{basis}{local}）{status_note(row['status'])}"


def against_standard(value, bound, threshold_id: str, *, label: str, path: str, unit: str) -> Tri:
    """A measured ``value`` against a configured ``bound`` whose comparator says what is SAFE/trigger.

    The row's comparator states the triggering relation (e.g. wind ``>=`` 6 级).
    """
    row = standard(threshold_id)
    op = row["comparator"]
    crossed = _OPS[op](value, bound)
    shown = op if crossed else _NEGATE[op]
    text = f"{label} {path} = {_num(value)} {unit} {_OP_CN[shown]} {_num(bound)} {unit}"
    note = standard_note(row, text + ("" if crossed else "，未达到触发值"))
    return Tri(True, (fact(path, value),), (note,)) if crossed else Tri(False, (), (note,))
