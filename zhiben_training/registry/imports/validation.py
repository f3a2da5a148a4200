"""Row validation for imports: every cell checked, every problem reported (row, column, value, reason).

Checks: required headers and cells, ID / USCC check characters (``zhiben_training.identifiers``),
dates, enums, districts, hours ranges, cross-field rules, duplicates within the file and references
to people, enterprises and rounds that must already be in the registry.

ID numbers and USCCs are normalised before they are checked, stored or looked up: NFKC (full-width
digits and letters such as ``１２０１…Ｘ`` become ASCII), spaces removed, letters upper-cased — so a
person typed with full-width digits today and ordinary digits tomorrow is one person.

Phone numbers lose their separators first (spaces and dashes: 138-2234-5678, 138 2234 5678, full-width
digits); what is still not 11 digits is refused naming the characters that are not digits. Words that a
column spec lists as ``synonyms`` (岗位 主要负责人 → 实际负责人, 法人代表 → 法定代表人 …) are accepted as the
value they stand for, and every such mapping is noted on its row (``record["_notes"]``) for the report.

Excel date serial numbers (46087, as a number or as text, in a date column) are refused with the
date they stand for ("对应 2026-03-06"): a bare number in a date column is as often a typo as a
date, and the clerk fixes the column format once. Cells Excel formats as dates arrive as dates.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import unicodedata
from importlib import resources

from zhiben_training.identifiers import id_birth_date, id_problem, id_sex, uscc_problem

from ..rules import districts, rules
from .header import locate_header
from .reading import Table

__all__ = ["spec", "parse_rows", "check_references", "Problem", "normalise_code"]

Problem = dict  # {"row": int, "column": str, "value": str, "reason": str}
_PHONE = re.compile(r"^1\d{10}$")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 once Excel's phantom 1900-02-29 is skipped
_SERIAL = re.compile(r"^(\d{1,5})(\.\d+)?$")
_SPACES = re.compile(r"\s+")
_PHONE_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−]+")  # spaces and every kind of dash


def normalise_code(text: str) -> str:
    """An ID number or USCC as stored: NFKC, no whitespace anywhere, upper case
    ('１２０１…ｘ ' → '1201…X')."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).upper()


@functools.cache
def _specs() -> dict:
    raw = resources.files(__package__).joinpath("columns.json").read_text(encoding="utf-8")
    return {k: v for k, v in json.loads(raw).items() if k != "about"}


def spec(kind: str) -> dict:
    return _specs()[kind]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _parse_date(value) -> dt.date | str:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _cell_text(value)
    if len(text) == 10 and text[4] == "-":
        try:  # the common case, ten times faster than strptime
            day = dt.date.fromisoformat(text)
            if 1900 <= day.year <= 2100:
                return day
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if 1900 <= day.year <= 2100:
            return day
        return f"年份 {day.year} 超出范围（1900–2100）"
    serial = _SERIAL.match(text)
    if serial and int(serial.group(1)) > 60:
        day = _EXCEL_EPOCH + dt.timedelta(days=int(serial.group(1)))
        if day.year <= 2100:
            return (f"是 Excel 日期序列号 {serial.group(1)}，对应 {day.isoformat()}：请把该列设为“日期”格式，"
                    f"或直接填写 {day.isoformat()}")
    return "不是有效日期（示例：2026-03-01）"


def _parse(column: dict, raw, limits: dict):
    """(value, reason): reason is None when the cell is fine; value None for an allowed empty cell."""
    text = _cell_text(raw)
    if text == "":
        return None, ("必填项为空" if column["required"] else None)
    if len(text) > limits["max_cell_chars"]:
        return None, f"内容过长（{len(text)} 个字符，最多 {limits['max_cell_chars']} 个）"
    kind = column["type"]
    if kind in {"id", "uscc"} and isinstance(raw, float):
        return None, "被 Excel 存成了数字（精度已丢失）：请把该列设为“文本”格式后重新填写"
    if kind == "id":
        code = normalise_code(text)
        return code, id_problem(code)
    if kind == "uscc":
        code = normalise_code(text)
        return code, uscc_problem(code)
    if kind == "phone":
        return _phone(text)
    if kind == "district":
        return text, None if text in districts() else "不是天津市的区名（示例：滨海新区）"
    if kind == "enum":
        values = column.get("values") or _enum_values(column["values_from"])
        return text, None if text in values else f"不在可选值中：{'、'.join(values)}"
    if kind == "date":
        day = _parse_date(raw)
        return (day, None) if isinstance(day, dt.date) else (None, day)
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            return None, "应为数字"
        top = limits[column["max_limit"]]
        if not math.isfinite(number) or number <= 0 or number > top:
            return None, f"应大于 0 且不超过 {top:g}"
        return number, None
    return text, None


def _phone(text: str) -> tuple[str, str | None]:
    """(number without separators, None) or (the cell as written, the reason naming the odd characters)."""
    number = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    if _PHONE.match(number):
        return number, None
    odd = list(dict.fromkeys(ch for ch in number if not ch.isdigit()))
    if odd:
        shown = "、".join(f"「{ch}」" if ch.isprintable() else f"U+{ord(ch):04X}" for ch in odd)
        return text, f"手机号只能含数字（空格、短横线会自动去掉），本格含有：{shown}"
    return text, f"手机号应为以1开头的11位数字，本格是 {len(number)} 位数字"


def _synonym(column: dict, text: str) -> dict | None:
    """The spec's mapping for a word the column accepts in place of one of its values."""
    return column.get("synonyms", {}).get(text)


def _enum_values(name: str) -> list[str]:
    values = rules()[name]
    return values["values"] if isinstance(values, dict) else values


def _limits() -> dict:
    return {k: v["value"] for k, v in rules()["import_limits"].items()}


def parse_rows(kind: str, table: Table) -> tuple[list[dict], list[Problem]]:
    """Typed records (with ``_row``) and problems for every row; header problems stop the row checks."""
    columns, limits = spec(kind)["columns"], _limits()
    header_row, header, body, problems = locate_header(columns, table,
                                                       search_rows=int(limits["header_search_rows"]))
    if problems:
        return [], problems
    position = {name: i for i, name in reversed(list(enumerate(header))) if name}
    records, seen = [], {}
    for row_no, cells in body:
        if all(_cell_text(c) == "" for c in cells):
            continue
        record, row_problems = {"_row": row_no, "_notes": []}, []
        for column in columns:
            index = position.get(column["header"])
            raw = cells[index] if index is not None and index < len(cells) else None
            mapped = _synonym(column, _cell_text(raw))
            if mapped is not None:
                record["_notes"].append({"row": row_no, "column": column["header"], "value": _cell_text(raw),
                                         "reason": f"按同义词登记为“{mapped['value']}”（{mapped['why']}）"})
                raw = mapped["value"]
            value, reason = _parse(column, raw, limits)
            if reason:
                row_problems.append({"row": row_no, "column": column["header"], "value": _cell_text(raw)[:60],
                                     "reason": reason})
            record[column["field"]] = value
        if not row_problems:
            row_problems = _cross_checks(kind, record)
        if not row_problems:
            key = tuple(record[k] for k in spec(kind)["keys"])
            if key in seen:
                row_problems.append({"row": row_no, "column": columns[0]["header"],
                                     "value": _cell_text(key[0]), "reason": f"与第 {seen[key]} 行重复"})
            else:
                seen[key] = row_no
        problems.extend(row_problems)
        records.append(record)
    if not records and not problems:
        problems.append({"row": header_row + 1, "column": "", "value": "",
                         "reason": "文件只有表头，没有数据行"})
    return records, problems


def _cross_checks(kind: str, record: dict) -> list[Problem]:
    row, out = record["_row"], []
    if kind == "people":
        if record["sex"] and record["sex"] != id_sex(record["person_id"]):
            out.append({"row": row, "column": "性别", "value": record["sex"],
                        "reason": "与身份证号第17位不符"})
        if record["birth_date"] and record["birth_date"] != id_birth_date(record["person_id"]):
            out.append({"row": row, "column": "出生日期", "value": str(record["birth_date"]),
                        "reason": "与身份证号中的出生日期不符"})
        special = record["role"] == "特种作业人员"
        if special != bool(record["operation_type"]):
            out.append({"row": row, "column": "特种作业类别", "value": record["operation_type"] or "",
                        "reason": "特种作业人员必须填写类别；其他岗位应留空"})
        record["sex"] = record["sex"] or id_sex(record["person_id"])
        record["birth_date"] = record["birth_date"] or id_birth_date(record["person_id"])
    elif kind == "enterprises":
        if record["construction_kind"] and record["enterprise_type"] != "施工":
            out.append({"row": row, "column": "施工类别", "value": record["construction_kind"],
                        "reason": "只有施工单位填写施工类别"})
        record["district_code"] = districts()[record["district"]]
    elif kind == "hours":
        record["provider"] = record.get("provider")
    return out


def check_references(kind: str, records: list[dict], known: dict[str, object]) -> list[Problem]:
    """Problems for references missing from the registry. ``known[ref]`` supports ``in``;
    ``known["round_dates"]`` maps round id → (start, end)."""
    columns = [c for c in spec(kind)["columns"] if c.get("ref")]
    labels = {"people": "登记库中没有此人员（请先导入人员）",
              "enterprises": "登记库中没有此单位（请先导入单位）",
              "rounds": "没有此培训轮次（zhiben db open-rounds 可创建）"}
    out = []
    for record in records:
        for column in columns:
            value = record.get(column["field"])
            if value is not None and value not in known[column["ref"]]:
                out.append({"row": record["_row"], "column": column["header"], "value": str(value),
                            "reason": labels[column["ref"]]})
        if kind == "attendance" and record["round_id"] in known["round_dates"]:
            out += _round_fit(record, known)
    return out


def _round_fit(record: dict, known: dict) -> list[Problem]:
    """An attendance row must fall inside the round's dates and belong to the round's audience."""
    out = []
    start, end = known["round_dates"][record["round_id"]]
    if record["session_date"] and not start <= record["session_date"] <= end:
        out.append({"row": record["_row"], "column": "培训日期", "value": str(record["session_date"]),
                    "reason": f"不在该轮次的培训期内（{start} 至 {end}）"})
    audience = rules()["audiences"].get(known["round_audience"][record["round_id"]])
    role = known["people"].get(record["person_id"])
    if audience and role and role not in audience["roles"]:
        out.append({"row": record["_row"], "column": "培训轮次", "value": record["round_id"],
                    "reason": f"该人员岗位为{role}，不属于本轮培训对象（{audience['label']}）"})
    return out
