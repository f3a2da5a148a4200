"""Interpret the small rule language of ``wd_scopes.json``.

A rule is ``null`` (always), ``{"all": [...]}``, ``{"any": [...]}``, ``{"not": rule}`` or an atom
``{"param": "depth_m", "op": ">=", "value": 5}`` (ops ``>=``, ``==``, ``in``). A missing parameter
never satisfies an atom: only facts written in the record count.
"""

from __future__ import annotations

import numbers
import re
from functools import cache

from zhiben_training.law._load import record_schema


@cache
def param_labels() -> dict[str, tuple[str, str]]:
    """Chinese label and unit of each work parameter, read from the record schema."""
    props = record_schema()["properties"]["works"]["items"]["properties"]
    out = {}
    for name, spec in props.items():
        unit = re.search(r"（单位：(.+?)）$", spec.get("description", ""))
        out[name] = (spec.get("title", name), unit.group(1) if unit else "")
    return out


def _atom(rule: dict, params: dict) -> bool:
    value = params.get(rule["param"])
    if value is None:
        return False
    op, limit = rule["op"], rule["value"]
    if op == ">=":
        # numbers.Real also admits numpy scalars coming from widgets or DataFrames
        return isinstance(value, numbers.Real) and not isinstance(value, bool) and value >= limit
    if op == "==":
        return value == limit
    if op == "in":
        return value in limit
    raise ValueError(f"unknown operator {op}")


def _describe(rule: dict, params: dict, *, negated: bool = False) -> str:
    label, unit = param_labels().get(rule["param"], (rule["param"], ""))
    name, limit, value = rule["param"], rule["value"], params.get(rule["param"])
    if rule["op"] == ">=":
        if negated:
            shown = "未填写" if value is None else f"{value} {unit}".strip()
            return f"{label} {name} = {shown}，未达到 {limit} {unit}".strip()
        return f"{label} {name} = {value} {unit} ≥ {limit} {unit}".replace("  ", " ")
    if rule["op"] == "in":
        return f"{label} {name} = {value}（属于 {'、'.join(map(str, limit))}）"
    shown = {True: "true", False: "false"}.get(value, value)
    return f"{label} {name} = {shown}"


def evaluate(rule: dict | None, params: dict) -> tuple[bool, list[str]]:
    """Whether ``params`` satisfy ``rule``, and the Chinese reasons (one per satisfied condition)."""
    if rule is None:
        return True, []
    if "all" in rule:
        results = [evaluate(sub, params) for sub in rule["all"]]
        ok = all(r[0] for r in results)
        return ok, [reason for r in results for reason in r[1]] if ok else []
    if "any" in rule:
        results = [evaluate(sub, params) for sub in rule["any"]]
        return any(r[0] for r in results), [reason for r in results if r[0] for reason in r[1]]
    if "not" in rule:
        inner, _ = evaluate(rule["not"], params)
        if inner:
            return False, []
        atom = rule["not"]
        return True, [_describe(atom, params, negated=True)] if "param" in atom else []
    ok = _atom(rule, params)
    return ok, [_describe(rule, params)] if ok else []


def _atoms(rule: dict | None):
    if not rule:
        return
    for key in ("all", "any"):
        for sub in rule.get(key, []):
            yield from _atoms(sub)
    if "param" in rule:
        yield rule


def scope_thresholds(scopes) -> list[dict]:
    """The numeric thresholds of the 危大 scopes, in the shape of ``thresholds.json`` rows."""
    rows = []
    for scope in scopes:
        for atom in _atoms(scope.when):
            if atom["op"] != ">=":
                continue
            label, unit = param_labels().get(atom["param"], (atom["param"], ""))
            rows.append({
                "id": f"{scope.id}:{atom['param']}>={atom['value']}",
                "what": f"{scope.level}（{scope.id}）{label}",
                "value": atom["value"],
                "comparator": ">=",
                "unit": unit,
                "source": f"{scope.source} {scope.id}",
                "status": scope.status,
                "scope_id": scope.id,
            })
    return rows
