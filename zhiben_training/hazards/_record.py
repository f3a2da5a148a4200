"""Validate an inspection record against the shipped JSON Schema, with Chinese messages.

The schema (``zhiben_training/data/inspection_record.schema.json``) is the documented record
format; every error names the field path (``works[2].depth_m``) so a user can fix the file.
"""

from __future__ import annotations

import difflib
import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhiben_training.errors import KnowledgeBaseError, RecordFormatError
from zhiben_training.hazards._reading import check_values, parse_record_text, read_record_text
from zhiben_training.law import record_schema

_TYPE_CN = {
    "number": "数字",
    "integer": "整数",
    "string": "字符串",
    "boolean": "布尔值（true 或 false）",
    "object": "对象（{…}）",
    "array": "数组（[…]）",
    "null": "null",
}


if TYPE_CHECKING:
    import jsonschema


@cache
def _validator() -> jsonschema.Draft202012Validator:
    """The schema checked once; jsonschema is imported here because importing it takes ~2 s."""
    import jsonschema

    try:
        jsonschema.Draft202012Validator.check_schema(record_schema())
    except jsonschema.SchemaError as err:  # a bug in the shipped data, not user input
        raise KnowledgeBaseError(f"内置检查记录格式文件有误：{err.message}") from err
    return jsonschema.Draft202012Validator(record_schema())


def format_path(parts) -> str:
    """``["works", 2, "depth_m"]`` → ``works[2].depth_m`` (the form used in every message)."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _json_type_cn(value: Any) -> str:
    if isinstance(value, bool):
        return "布尔值"
    if isinstance(value, (int, float)):
        return "数字"
    if isinstance(value, str):
        return "字符串"
    if isinstance(value, list):
        return "数组"
    if isinstance(value, dict):
        return "对象"
    return "null"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _message(error: jsonschema.ValidationError) -> tuple[str, str, str | None]:
    """(field path, Chinese message, hint) for one jsonschema error."""
    path = format_path(error.absolute_path)
    kind, value, inst = error.validator, error.validator_value, error.instance
    if kind == "type":
        wanted = "或".join(_TYPE_CN.get(t, t) for t in ([value] if isinstance(value, str) else value))
        where = f"字段 {path}" if path else "检查记录"
        return path, f"{where} 应为{wanted}，实为 {_show(inst)}", None
    if kind == "required":
        missing = [name for name in value if isinstance(inst, dict) and name not in inst]
        field = _join(path, missing[0] if missing else "?")
        return field, f"缺少必填字段 {field}", "请补上该字段后重试，格式见 docs/record-format.md。"
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(k for k in inst if k not in allowed)
        field = _join(path, extra[0]) if extra else path
        guess = difflib.get_close_matches(extra[0], allowed, n=1) if extra else []
        hint = f"是否想写 {guess[0]}？" if guess else "可用字段：" + "、".join(allowed)
        return field, f"字段 {field} 不是检查记录格式中的字段（拼写错误？）", hint
    if kind == "enum":
        return path, f"字段 {path} 应为以下之一：{'、'.join(map(str, value))}，实为 {_show(inst)}", None
    if kind == "const":
        return path, f"字段 {path} 应为 {_show(value)}，实为 {_show(inst)}", None
    if kind == "minimum":
        return path, f"字段 {path} 应 ≥ {value}，实为 {_show(inst)}", None
    if kind == "maximum":
        return path, f"字段 {path} 应 ≤ {value}（超出合理范围），实为 {_show(inst)}", None
    if kind == "pattern" and "about" in path:
        return path, (f"字段 {path} 应为记录对象的路径，如 works[0]、equipment[1]、enterprise，"
                      f"实为 {_show(inst)}"), None
    if kind == "pattern":
        return path, f"字段 {path} 应为日期，格式 YYYY-MM-DD，实为 {_show(inst)}", None
    if kind == "minLength":
        return path, f"字段 {path} 不能为空", None
    if kind == "uniqueItems":
        return path, f"字段 {path} 含有重复项", None
    return path, f"字段 {path} 不符合检查记录格式：{error.message}", None


def _duplicate_ids(record: dict) -> None:
    """Work and equipment ids must be unique: findings and classifications refer to them."""
    for section, key in (("works", "work_id"), ("equipment", "equipment_id")):
        seen: dict[str, int] = {}
        for index, item in enumerate(record.get(section, [])):
            ident = item[key]
            if ident in seen:
                field = f"{section}[{index}].{key}"
                raise RecordFormatError(
                    f"字段 {field} 的编号 {_show(ident)} 与 {section}[{seen[ident]}] 重复", field=field
                )
            seen[ident] = index


def _dates(record: dict) -> None:
    """The schema checks the YYYY-MM-DD shape; this rejects impossible days such as 2026-02-30."""
    where = [("inspection_date", record["inspection_date"])]
    if "safety_licence_valid_until" in record.get("enterprise", {}):
        where.append(("enterprise.safety_licence_valid_until",
                      record["enterprise"]["safety_licence_valid_until"]))
    for i, person in enumerate(record.get("personnel", [])):
        for k, cert in enumerate(person.get("certificates", [])):
            where.append((f"personnel[{i}].certificates[{k}].valid_until", cert["valid_until"]))
    for field, value in where:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise RecordFormatError(f"字段 {field} 不是有效日期，实为 {_show(value)}", field=field) from None


def _not_after(record: dict, today: date) -> None:
    """An inspection cannot have happened after ``today``: a future date would make valid certificates
    expired."""
    day = record["inspection_date"]
    if date.fromisoformat(day) > today:
        raise RecordFormatError(
            f"字段 inspection_date 为 {day}，晚于今天（{today.isoformat()}）：检查日期不能是将来的日期",
            field="inspection_date",
            hint="请填写实际检查的日期；若要按另一日期作为“今天”，命令行可用 --today YYYY-MM-DD。")


def _deformation_statement(record: dict) -> None:
    """``deformation_limit_applies: false`` says there is no design control value: a stated one
    contradicts it."""
    for index, work in enumerate(record.get("works", [])):
        if work.get("deformation_limit_applies") is not False:
            continue
        for key in ("deformation_limit_mm", "deformation_exceeds_design"):
            if key in work:
                field = f"works[{index}].deformation_limit_applies"
                raise RecordFormatError(
                    f"字段 {field} = false（没有设计变形控制值）与 works[{index}].{key} 矛盾",
                    field=field,
                    hint="有设计变形控制值时删去 deformation_limit_applies；没有时删去 " + key + "。")


def load_record_file(path: str | Path, *, today: date | None = None) -> dict:
    """Read and validate one record file; every problem is a ``RecordFormatError`` in Chinese
    (limits in ``_reading``).

    With ``today``, an ``inspection_date`` after it is refused (the CLI passes the real date or ``--today``).
    """
    path = Path(path)
    record = parse_record_text(read_record_text(path), source=str(path))
    validate_record(record, today=today)
    return record


def validate_record(record: Any, *, today: date | None = None) -> None:
    """Raise ``RecordFormatError`` (Chinese message, ``field`` = path) unless ``record`` follows the format.

    With ``today``, an ``inspection_date`` after it is refused too.
    """
    if not isinstance(record, dict):
        raise RecordFormatError(f"检查记录应为 JSON 对象（{{…}}），实为{_json_type_cn(record)}", field="")
    check_values(record)  # NaN, ±inf, huge numbers and deep nesting, which the schema lets through
    # report the first error in document order and say how many more there are
    errors = sorted(_validator().iter_errors(record), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        field, message, hint = _message(errors[0])
        if len(errors) > 1:
            message += f"（另有 {len(errors) - 1} 处错误）"
        raise RecordFormatError(message, field=field, hint=hint)
    _duplicate_ids(record)
    _dates(record)
    _deformation_statement(record)
    if today is not None:
        _not_after(record, today)
