"""Names in words for what the registry keys by id: training rounds and certificate types.

Documents a regulator or trainee reads (rosters, reports, ``zhiben due``) show these names; the ids
(``2026-principal``, ``SPECIAL``) stay in JSON and CSV columns for programs. The words come from the
rules file's audience and certificate labels, so a renamed label renames every document.
"""

from __future__ import annotations

import re

from .rules import rules

__all__ = ["round_title", "certificate_type_name"]

# 75号 第十七条 calls the special-operation workers' yearly training 年度安全教育培训
_TRAINING_WORD = {"special": "安全教育培训"}


def round_title(*, round_id: str, year: int | None, audience: str | None) -> str:
    """'2026年度主要负责人安全生产培训' for ``2026-principal``; the id itself for an audience the rules
    lack."""
    spec = rules()["audiences"].get(audience or "")
    if spec is None or year is None:
        return round_id
    # 安管人员（项目负责人、…） → 安管人员 (17号令's own term)
    label = re.sub(r"（[^（）]*）$", "", spec["label"])
    return f"{int(year)}年度{label}{_TRAINING_WORD.get(audience, '安全生产培训')}"


def certificate_type_name(cert_type: str, operation_type: str | None = None) -> str:
    """'A证（主要负责人）', 'C2证（专职安全生产管理人员（土建类））',
    '建筑施工特种作业操作资格证书（建筑电工）'."""
    for group, spec in rules()["certificates"].items():
        label = spec.get("labels", {}).get(cert_type)
        if label is None:
            continue
        if group == "special":
            return f"{label}（{operation_type}）" if operation_type else label
        return f"{cert_type}证（{label}）"
    return cert_type
