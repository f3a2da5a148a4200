"""Check a synthetic city against the registry's constraints before a single row is written.

``zhiben db load-synth`` is an import like the others: it checks first and, when anything would break a
constraint, writes nothing and reports in Chinese (table, row, column, value, reason) instead of ending
in the database's IntegrityError. Checked: the registry is empty (or ``--replace``), primary keys and
unique constraints are unique within each table, required columns are filled, and every reference
(person, enterprise, round, training day, paper, site) points at a row of the city.

Only the columns these checks read are typed (``bulk.typed_columns``), so checking a Tianjin-scale city
costs a fraction of loading it and holds one table's keys at a time, not every row.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Connection, ForeignKeyConstraint, Table, UniqueConstraint, func, select

from zhiben_training.errors import ImportValidationError
from zhiben_training.identifiers import mask_id

from .bulk import typed_columns

__all__ = ["TABLE_NAMES_CN", "check_city", "existing_rows", "refuse"]

TABLE_NAMES_CN = {
    "enterprises": "单位", "people": "人员", "certificates": "证书", "rounds": "培训轮次",
    "sessions": "培训日", "attendance": "培训签到", "assessments": "考核", "assessment_results": "考核成绩",
    "continuing_education": "继续教育", "sanctions": "处罚记录", "sites": "项目", "findings": "隐患台账",
}
_LABELS = {"person_id": "身份证号", "uscc": "统一社会信用代码", "cert_no": "证书编号", "round_id": "培训轮次",
           "site_id": "项目编号", "finding_id": "隐患编号", "session_date": "培训日期", "paper": "试卷",
           "date": "日期", "topic": "培训内容"}
_ID_COLUMNS = {"person_id", "legal_rep_id"}
_PER_CHECK = 20  # problems listed per table and check; one more line says how many were left out


def _shown(column: str, value) -> str:
    return mask_id(value) if column in _ID_COLUMNS and isinstance(value, str) and value else str(value)


def _problem(name: str, index: int, columns: Sequence[str], key: tuple, reason: str) -> dict:
    """Row numbers as in the city's CSV file (line 1 is the header)."""
    return {"table": name, "row": index + 2, "column": f"{name}.{'+'.join(columns)}",
            "value": "、".join(_shown(c, v) for c, v in zip(columns, key, strict=True)), "reason": reason}


def _capped(name: str, problems: list[dict]) -> list[dict]:
    if len(problems) <= _PER_CHECK:
        return problems
    return problems[:_PER_CHECK] + [{"table": name, "row": 0, "column": name, "value": "",
                                     "reason": f"另有 {len(problems) - _PER_CHECK} 行同类问题未逐一列出"}]


def _keys(values: dict[str, list], columns: Sequence[str]) -> list[tuple]:
    return list(zip(*(values[c] for c in columns), strict=True))


def _duplicates(name: str, values: dict[str, list], columns: Sequence[str]) -> list[dict]:
    label = "+".join(_LABELS.get(c, c) for c in columns)
    names = values.get("name")
    first: dict[tuple, int] = {}
    out = []
    for index, key in enumerate(_keys(values, columns)):
        if any(v is None for v in key):
            continue
        earlier = first.setdefault(key, index)
        if earlier == index:
            continue
        who = ""
        if names is not None and names[earlier] != names[index]:
            who = f"（第 {earlier + 2} 行是 {names[earlier]}，本行是 {names[index]}）"
        out.append(_problem(name, index, columns, key, f"{label}与第 {earlier + 2} 行重复{who}"))
    return _capped(name, out)


def _missing(name: str, values: dict[str, list], columns: Sequence[str]) -> list[dict]:
    out = [_problem(name, index, [column], ("",), "必填项为空")
           for column in columns for index, v in enumerate(values[column]) if v is None]
    return _capped(name, out)


def _dangling(name: str, values: dict[str, list], fk: ForeignKeyConstraint, target: tuple[list[str], set],
              label: str) -> list[dict]:
    """Rows whose reference (all its columns filled) names no row of the target table."""
    target_pk, target_keys = target
    local_for = {element.column.name: element.parent.name for element in fk.elements}
    columns = [local_for[p] for p in target_pk]  # the reference's columns in the order of the target's key
    out = [_problem(name, index, columns, key, f"引用的{label}不在合成城市中")
           for index, key in enumerate(_keys(values, columns))
           if not any(v is None for v in key) and key not in target_keys]
    return _capped(name, out)


def _checked_columns(table: Table) -> set[str]:
    names = {c.name for c in table.primary_key.columns} | {c.name for c in table.columns if not c.nullable}
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            names |= {c.name for c in constraint.columns}
    names |= {c.name for fk in table.foreign_key_constraints for c in fk.columns}
    return names | ({"name"} if "name" in table.columns else set())


def check_city(frames: dict[str, pd.DataFrame], tables: Sequence[tuple[str, Table]]) -> list[dict]:
    """Problems that would make the load fail (see module docstring), table by table in load order."""
    city_of = {table.name: name for name, table in tables}
    keys: dict[str, tuple[list[str], set]] = {}
    problems: list[dict] = []
    for name, table in tables:
        if name not in frames:
            continue
        values = typed_columns(frames[name], table, _checked_columns(table))
        pk = [c.name for c in table.primary_key.columns if c.name in values]
        required = [c.name for c in table.columns if not c.nullable and c.name in values]
        problems += _missing(name, values, required)
        if pk and len(pk) == len(table.primary_key.columns):
            problems += _duplicates(name, values, pk)
            keys[table.name] = (pk, set(_keys(values, pk)))
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint):
                problems += _duplicates(name, values, [c.name for c in constraint.columns])
        for fk in table.foreign_key_constraints:
            target = fk.referred_table.name
            label = TABLE_NAMES_CN.get(city_of.get(target, ""), target)
            if target in keys:  # a table the city does not have is the database's business, not a row's
                problems += _dangling(name, values, fk, keys[target], label)
            elif target in city_of:
                problems += _dangling(name, values, fk, ([e.column.name for e in fk.elements], set()), label)
    return problems


def existing_rows(conn: Connection, tables: Sequence[tuple[str, Table]]) -> dict[str, int]:
    """Rows already in each city table of the registry (only the non-empty ones)."""
    counts = {}
    for name, table in tables:
        n = conn.execute(select(func.count()).select_from(table)).scalar_one()
        if n:
            counts[name] = int(n)
    return counts


def refuse(source: str, problems: list[dict]) -> ImportValidationError:
    """The error for a city that failed :func:`check_city`: tables named, problems attached."""
    tables = list(dict.fromkeys(TABLE_NAMES_CN.get(p["table"], p["table"]) for p in problems))
    return ImportValidationError(
        f"合成城市 {source} 有问题（{'、'.join(tables)}，共 {sum(1 for p in problems if p['row'])} 处列出），"
        "未写入任何数据。", problems=problems)
