"""The registry's rules, read once from ``data/registry_rules.json`` and checked for shape.

Code here interprets the rules; every figure lives in the JSON with its citation. Figures that no
verified text gives carry ``"status": "configurable, not law"`` and are never shown as law.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
from importlib import resources
from pathlib import Path

from zhiben_training.errors import ConfigError, KnowledgeBaseError
from zhiben_training.overrides import checked_number, read_override_file

OVERRIDES_ENV = "ZHIBEN_RULES_OVERRIDES"
CONFIGURABLE = "configurable, not law"

__all__ = ["rules", "apply_overrides", "OVERRIDES_ENV", "status_labels", "audience_for_role",
           "certificate_rule", "add_months", "districts"]

_REQUIRED = ("statuses", "roles", "enterprise_types", "operation_types", "audiences", "certificates",
             "round_defaults", "import_limits")


@functools.cache
def rules() -> dict:
    """The parsed rules file; raises :class:`KnowledgeBaseError` if a key is missing or a figure uncited."""
    raw = resources.files("zhiben_training.data").joinpath("registry_rules.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise KnowledgeBaseError(f"registry_rules.json 缺少：{', '.join(missing)}")
    for name, aud in data["audiences"].items():
        if not aud.get("source") or not aud.get("status"):
            raise KnowledgeBaseError(f"registry_rules.json 受众 {name} 缺少出处或状态")
    for name, cert in data["certificates"].items():
        if not cert.get("source") or cert.get("status") != "verified":
            raise KnowledgeBaseError(f"registry_rules.json 证书规则 {name} 缺少已核实的出处")
        blockers = cert["renewal_blockers"]
        for key, item in blockers.items():
            if (isinstance(item, dict) and ({"value", "values"} & set(item))
                    and item.get("status") != CONFIGURABLE):
                raise KnowledgeBaseError(f"registry_rules.json {name}.renewal_blockers.{key} "
                                         "应标注为可配置而非法规")
    for group in ("round_defaults", "import_limits"):
        for key, item in data[group].items():
            if item.get("status") != CONFIGURABLE:
                raise KnowledgeBaseError(f"registry_rules.json {group}.{key} 应标注为可配置而非法规")
    overrides = os.environ.get(OVERRIDES_ENV)
    if overrides:
        apply_overrides(data, Path(overrides))
    return data


def apply_overrides(data: dict, path: Path) -> None:
    """Apply a local JSON file of ``{"dotted.path": value}`` to the rules, in place.

    Only entries marked ``"configurable, not law"`` can change: a number (``round_defaults.required_hours``),
    a switch 0/1 (``certificates.an_guan.renewal_blockers.failed_annual_assessment``) or a list of
    texts (``certificates.an_guan.renewal_blockers.penalty_sanction_kinds``); a figure taken from a
    verified legal text never can. Each changed entry records ``local_override``.
    """
    wanted = read_override_file(path, what="本地规则配置", env=OVERRIDES_ENV,
                                example='{"round_defaults.required_hours": 24}')
    for dotted, value in wanted.items():
        node = data
        for part in str(dotted).split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict) or not ({"value", "values"} & set(node)):
            raise ConfigError(f"本地规则配置中的 {dotted} 不是可配置项。",
                              hint="可配置项见 docs/configuration.md。")
        if node.get("status") != CONFIGURABLE:
            raise ConfigError(f"{dotted} 取自法规原文，不能通过本地配置修改。")
        if "values" in node:
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise ConfigError(f"本地规则配置中 {dotted} 的值应为文本列表，如 [\"罚款\"]，"
                                  f"实为 {value!r}。")
            node["values"] = [v.strip() for v in value]
        elif node.get("kind") == "switch":
            if isinstance(value, bool) or value not in (0, 1):
                raise ConfigError(f"本地规则配置中 {dotted} 是开关，值应为 0（关）或 1（开），"
                                  f"实为 {value!r}。")
            node["value"] = int(value)
        else:
            node["value"] = checked_number(dotted, value, what="本地规则配置")
        node["local_override"] = str(path)


def status_labels() -> dict[str, str]:
    """English status code → Chinese label (completed → 已完成, ...)."""
    return dict(rules()["statuses"])


def audience_for_role(role: str) -> str | None:
    for name, aud in rules()["audiences"].items():
        if role in aud["roles"]:
            return name
    return None


def certificate_rule(cert_type: str) -> dict:
    """The validity / renewal rule group (an_guan or special) that governs ``cert_type``."""
    for group in rules()["certificates"].values():
        if cert_type in group["types"]:
            return group
    raise KnowledgeBaseError(f"未知的证书类型：{cert_type}")


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar month arithmetic, clamping the day (2025-05-31 − 3 months → 2025-02-28)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@functools.cache
def districts() -> dict[str, str]:
    """District name → GB/T 2260 code for Tianjin's 16 districts."""
    raw = resources.files("zhiben_training.data").joinpath("districts.json").read_text(encoding="utf-8")
    return {d["name"]: d["code"] for d in json.loads(raw)["districts"]}
