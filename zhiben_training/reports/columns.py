"""The roster column spec: which columns a roster has, where each comes from, how it is typed and masked.

The spec is data (``zhiben_training/data/report_columns.json``, documented in docs/reports.md) so a
district can reorder, rename, drop or add columns with ``--spec F.json`` without touching code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from zhiben_training.errors import KnowledgeBaseError, ReportError

__all__ = ["COLUMN_TYPES", "MASK_RULES", "ColumnSpec", "RosterSpec", "default_spec", "load_spec"]

_DATA_DIR = Path(__file__).resolve().parent.parent / "data"

COLUMN_TYPES = ("sequence", "text", "id_number", "uscc", "phone", "number", "integer", "boolean", "date")
MASK_RULES = (None, "id", "phone", "name", "drop")

_SCHEMA = {
    "type": "object",
    "required": ["spec_version", "title", "sheet_name", "columns"],
    "properties": {
        "spec_version": {"const": 1},
        "title": {"type": "string", "minLength": 1},
        "sheet_name": {"type": "string", "minLength": 1, "maxLength": 31, "pattern": r"^[^\[\]:*?/\\]+$"},
        "source": {"type": "string"},
        "unique": {"type": "array", "items": {"type": "string"}},
        "columns": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["header", "source", "type", "width"],
                "additionalProperties": False,
                "properties": {
                    "header": {"type": "string", "minLength": 1},
                    "source": {"type": ["string", "null"]},
                    "type": {"enum": list(COLUMN_TYPES)},
                    "width": {"type": "number", "exclusiveMinimum": 0, "maximum": 255},
                    "decimals": {"type": "integer", "minimum": 0, "maximum": 6},
                    "mask": {"enum": list(MASK_RULES)},
                    "required": {"type": "boolean"},
                    "labels": {
                        "type": "object",
                        "required": ["true", "false"],
                        "properties": {"true": {"type": "string"}, "false": {"type": "string"}},
                    },
                    "note": {"type": "string"},
                },
            },
        },
    },
}


@dataclass(frozen=True)
class ColumnSpec:
    """One output column: Chinese ``header``, the roster field it reads, its type, width and mask rule."""

    header: str
    source: str | None
    type: str
    width: float
    mask: str | None = None
    required: bool = True
    decimals: int = 1
    true_label: str = "是"
    false_label: str = "否"


@dataclass(frozen=True)
class RosterSpec:
    """A whole roster layout; ``unique`` lists source fields that must not repeat (one row per person)."""

    title: str
    sheet_name: str
    columns: tuple[ColumnSpec, ...]
    unique: tuple[str, ...] = ()

    @property
    def source_fields(self) -> list[str]:
        return [c.source for c in self.columns if c.source]

    def public(self) -> RosterSpec:
        """The public-notice layout: columns whose mask rule is ``drop`` are left out."""
        kept = tuple(c for c in self.columns if c.mask != "drop")
        return RosterSpec(self.title, self.sheet_name, kept, self.unique)


def _parse(raw: dict, *, where: str, error: type[Exception]) -> RosterSpec:
    import jsonschema  # here, not at import: importing it costs ~2 s (its format checkers)

    try:
        jsonschema.validate(raw, _SCHEMA)
    except jsonschema.ValidationError as exc:
        path = "/".join(str(p) for p in exc.absolute_path) or "（根）"
        raise error(f"列规格 {where} 不合格：{path}：{exc.message}") from None
    columns = []
    for col in raw["columns"]:
        if col["type"] == "sequence" and col["source"] is not None:
            raise error(f"列规格 {where}：序号列「{col['header']}」的 source 必须为 null")
        if col["type"] != "sequence" and not col["source"]:
            raise error(f"列规格 {where}：列「{col['header']}」缺少 source（来源字段）")
        labels = col.get("labels", {"true": "是", "false": "否"})
        columns.append(
            ColumnSpec(
                header=col["header"], source=col["source"], type=col["type"], width=float(col["width"]),
                mask=col.get("mask"), required=col.get("required", True), decimals=col.get("decimals", 1),
                true_label=labels["true"], false_label=labels["false"],
            )
        )
    headers = [c.header for c in columns]
    duplicated = sorted({h for h in headers if headers.count(h) > 1})
    if duplicated:
        raise error(f"列规格 {where}：列名重复：{'、'.join(duplicated)}")
    unknown = [u for u in raw.get("unique", []) if u not in {c.source for c in columns}]
    if unknown:
        raise error(f"列规格 {where}：unique 中的字段 {'、'.join(unknown)} 不是任何列的 source")
    return RosterSpec(raw["title"], raw["sheet_name"], tuple(columns), tuple(raw.get("unique", [])))


@cache
def default_spec() -> RosterSpec:
    """The packaged spec (13 columns, 序号 … 完成日期); a broken packaged file is a bug, not user error."""
    text = (_DATA_DIR / "report_columns.json").read_text(encoding="utf-8")
    return _parse(json.loads(text), where="report_columns.json", error=KnowledgeBaseError)


def load_spec(path: Path | str | None = None) -> RosterSpec:
    """The spec in ``path`` (a user's JSON file), or the packaged default when ``path`` is None."""
    if path is None:
        return default_spec()
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"找不到列规格文件：{path}",
                          hint="用 --spec 指向一个 JSON 文件，格式见 docs/reports.md") from None
    except json.JSONDecodeError as exc:
        raise ReportError(f"列规格文件 {path} 不是有效的 JSON："
                          f"第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}") from None
    return _parse(raw, where=str(path), error=ReportError)
