"""Load the JSON knowledge base once and check it, so a broken data file fails loudly at first use."""

from __future__ import annotations

import json
import os
from functools import cache
from importlib import resources
from pathlib import Path

from zhiben_training.errors import ConfigError, KnowledgeBaseError
from zhiben_training.law._models import STATUSES, Criterion, Provision, Scope
from zhiben_training.overrides import checked_number, read_override_file

VERSIONS = ("2024", "2022")
_FILES = {"2024": "criteria_2024.json", "2022": "criteria_2022.json"}
_TOP_LEVEL_2024 = 53  # 51 numbered items + 第十六条 + 第十七条 (regulations.md 1.2)
SCOPE_OVERRIDES_ENV = "ZHIBEN_SCOPE_OVERRIDES"
_VERIFIED = "verified"


def read_json(name: str) -> dict:
    """Read one file of ``zhiben_training/data/law``."""
    try:
        text = resources.files("zhiben_training.data").joinpath("law").joinpath(name).read_text("utf-8")
        return json.loads(text)
    except (OSError, json.JSONDecodeError) as err:
        raise KnowledgeBaseError(f"无法读取知识库文件 data/law/{name}：{err}") from err


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise KnowledgeBaseError(f"知识库自检失败：{message}")


def _check_entry(entry: dict, where: str) -> None:
    for key in ("text", "source", "status"):
        _require(bool(entry.get(key)), f"{where} 缺少 {key}")
    _require(entry["status"] in STATUSES, f"{where} 的 status 无效：{entry['status']}")


@cache
def criteria_data(version: str) -> tuple[dict, tuple[Criterion, ...]]:
    """(raw document dict, criteria) for one version, checked: unique ids, parents exist, 53 items in 2024."""
    if version not in _FILES:
        raise KnowledgeBaseError(f"没有 {version} 版判定标准；可用版本：{'、'.join(VERSIONS)}")
    doc = read_json(_FILES[version])
    items = []
    for raw in doc["items"]:
        _check_entry(raw, f"{version}/{raw.get('id')}")
        items.append(Criterion(version=version, **raw))
    ids = [c.id for c in items]
    _require(len(ids) == len(set(ids)), f"{version} 版条目编号重复")
    _require(all(c.parent_id is None or c.parent_id in ids for c in items), f"{version} 版存在无上级的子目")
    if version == "2024":
        top = [c for c in items if c.parent_id is None]
        _require(len(top) == _TOP_LEVEL_2024, f"2024 版应有 {_TOP_LEVEL_2024} 项，实有 {len(top)} 项")
    chapter_ids = [i for ch in doc["chapters"] for i in ch["item_ids"]]
    _require(sorted(chapter_ids) == sorted(ids), f"{version} 版章节目录与条目不一致")
    return doc, tuple(items)


@cache
def record_schema() -> dict:
    """The inspection-record JSON Schema as shipped: the record format of ``hazards`` and the
    vocabulary of the rule parameters here (so it is loaded at this, the lower, layer)."""
    text = (resources.files("zhiben_training.data").joinpath("inspection_record.schema.json")
            .read_text("utf-8"))
    return json.loads(text)


@cache
def scopes_data() -> tuple[dict, tuple[Scope, ...]]:
    """危大 scopes with rules; each names a work type and only parameters defined in the record schema."""
    doc = read_json("wd_scopes.json")
    if os.environ.get(SCOPE_OVERRIDES_ENV):
        apply_scope_overrides(doc, Path(os.environ[SCOPE_OVERRIDES_ENV]))
    work = record_schema()["properties"]["works"]["items"]
    params, work_types = set(work["properties"]), set(work["properties"]["work_type"]["enum"])
    scopes = []
    for raw in doc["scopes"]:
        _check_entry(raw, raw.get("id", "?"))
        _require(raw["work_type"] in work_types, f"{raw['id']} 的 work_type 未在记录格式中定义")
        for name in _rule_params(raw["when"]):
            _require(name in params, f"{raw['id']} 的规则使用了未定义的参数 {name}")
        scopes.append(Scope(**raw))
    ids = [s.id for s in scopes]
    _require(len(ids) == len(set(ids)), "危大工程范围编号重复")
    for duty in doc["duties"]:
        _check_entry(duty, f"义务 {duty.get('id')}")
    return doc, tuple(scopes)


def apply_scope_overrides(doc: dict, path: Path) -> None:
    """Local threshold values for 危大 scopes the reference does NOT verify, in place.

    The file maps a scope id to ``{parameter: value}``, e.g. ``{"W2.3.2": {"crane_capacity_kn": 300}}``.
    A verified scope never changes: its threshold is the law as quoted. Changed scopes keep their
    "unverified" status (results still say 未核实) and record ``local_override``.
    """
    wanted = read_override_file(path, what="危大范围本地配置", env=SCOPE_OVERRIDES_ENV,
                                example='{"W2.3.2": {"crane_capacity_kn": 300}}')
    wanted = {k: v for k, v in wanted.items() if k != MEASURED_KEY}  # read by measured_thresholds_data()
    scopes = {raw["id"]: raw for raw in doc["scopes"]}
    for scope_id, values in wanted.items():
        raw = scopes.get(scope_id)
        if raw is None:
            raise ConfigError(f"危大范围本地配置中没有编号 {scope_id}。",
                              hint="编号见 zhiben hazards 的分级输出，如 W2.3.2。")
        if raw["status"] == _VERIFIED:
            raise ConfigError(f"{scope_id} 的门槛取自已核实的原文，不能通过本地配置修改。")
        conditions = {c["param"]: c for c in _leaves(raw.get("when")) if "value" in c}
        for param, value in (values or {}).items() if isinstance(values, dict) else [(None, values)]:
            if param not in conditions:
                raise ConfigError(f"{scope_id} 的规则中没有参数 {param}；"
                                  f"可配置：{'、'.join(sorted(conditions))}。")
            conditions[param]["value"] = checked_number(f"{scope_id}.{param}", value, what="危大范围本地配置")
        raw["local_override"] = str(path)


def _leaves(rule: dict | None):
    """Every condition ``{"param": …, "op": …, "value": …}`` inside a scope rule's all/any/not tree."""
    if rule is None:
        return
    for key in ("all", "any"):
        for sub in rule.get(key, []):
            yield from _leaves(sub)
    if "not" in rule:
        yield from _leaves(rule["not"])
    if "param" in rule:
        yield rule


def _rule_params(rule: dict | None):
    return (leaf["param"] for leaf in _leaves(rule))


@cache
def provisions_data() -> tuple[Provision, ...]:
    """Duties, penalties, certificate and staffing articles, each with source and status."""
    out = []
    for raw in read_json("provisions.json")["provisions"]:
        _check_entry(raw, f"{raw.get('law')}{raw.get('article_cn')}")
        out.append(Provision(**raw))
    return tuple(out)


@cache
def thresholds_data() -> dict[str, dict]:
    """Numeric thresholds by id (non-危大 ones: a 危大 threshold, e.g. the 深基坑 depth of W2.1, lives
    only in its scope rule)."""
    rows = read_json("thresholds.json")["thresholds"]
    for row in rows:
        _require(row.get("status") in STATUSES and row.get("source"),
                 f"阈值 {row.get('id')} 缺少出处或核实状态")
    out = {row["id"]: row for row in rows}
    _require(len(out) == len(rows), "阈值编号重复")
    return out


MEASURED_KEY = "measured"


@cache
def measured_thresholds_data() -> dict:
    """Limits for measured facts: ``record_limits`` (a limit written in the record) and ``standards``.

    A ``standards`` entry is a technical-standard value the 2024 text defers to: unless verified, it
    is configuration, changeable under ``"measured"`` in the ``ZHIBEN_SCOPE_OVERRIDES`` file, e.g.
    ``{"measured": {"wind_stop_force_beaufort": 6, "lighting_voltage_max_v.special": 36}}``.
    """
    doc = read_json("measured_thresholds.json")
    for row in doc["record_limits"] + doc["standards"]:
        _require(bool(row.get("id") and row.get("item") and row.get("source")),
                 f"测量阈值 {row.get('id')} 缺少编号、条目或出处")
        _require(row["status"] in (*STATUSES, "configurable, not law"),
                 f"测量阈值 {row['id']} 的 status 无效")
    standards = {row["id"]: row for row in doc["standards"]}
    if os.environ.get(SCOPE_OVERRIDES_ENV):
        path = Path(os.environ[SCOPE_OVERRIDES_ENV])
        wanted = (read_override_file(path, what="危大范围本地配置", env=SCOPE_OVERRIDES_ENV,
                                     example='{"measured": {"wind_stop_force_beaufort": 6}}')
                  .get(MEASURED_KEY) or {})
        for key, value in wanted.items():
            _apply_measured_override(standards, key, value, path)
    return {"record_limits": {row["id"]: row for row in doc["record_limits"]}, "standards": standards}


def _apply_measured_override(standards: dict, key: str, value, path: Path) -> None:
    """``wind_stop_force_beaufort`` or ``lighting_voltage_max_v.special`` → a local number."""
    row_id, _, sub = key.partition(".")
    row = standards.get(row_id)
    if row is None:
        raise ConfigError(f"本地配置 measured 中没有测量阈值 {row_id}。",
                          hint="可配置的编号见 data/law/measured_thresholds.json。")
    if row["status"] == _VERIFIED:
        raise ConfigError(f"{row_id} 取自已核实的条文，不能通过本地配置修改。")
    number = checked_number(f"measured.{key}", value, what="危大范围本地配置")
    if sub:
        if not isinstance(row["value"], dict) or not isinstance(row["value"].get(sub), int | float):
            raise ConfigError(f"测量阈值 {row_id} 没有可单独配置的数值 {sub}。")
        row["value"][sub] = number
    elif isinstance(row["value"], int | float):
        row["value"] = number
    else:
        raise ConfigError(f"测量阈值 {row_id} 是一张表，请按 {row_id}.<类别> 配置单个数值。")
    row["local_override"] = str(path)


@cache
def changes_data() -> tuple[dict, ...]:
    """2022 → 2024 change table; every id must exist in its version."""
    changes = read_json("changes_2022_2024.json")["changes"]
    ids24 = {c.id for c in criteria_data("2024")[1]}
    ids22 = {c.id for c in criteria_data("2022")[1]}
    for row in changes:
        _require(row["id_2024"] is None or row["id_2024"] in ids24,
                 f"变化表中 2024 编号 {row['id_2024']} 不存在")
        _require(all(i in ids22 for i in row["ids_2022"]), f"变化表中 2022 编号 {row['ids_2022']} 不存在")
    return tuple(changes)
