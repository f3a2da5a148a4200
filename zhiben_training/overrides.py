"""Reading local override files (``ZHIBEN_RULES_OVERRIDES``, ``ZHIBEN_SCOPE_OVERRIDES``).

Both kinds are a JSON object of local values for figures no verified text gives; each caller decides
which figures may change. Here: reading the file and checking a value, with one set of Chinese errors.
"""

from __future__ import annotations

import json
from pathlib import Path

from zhiben_training.errors import ConfigError

__all__ = ["read_override_file", "checked_number"]


def read_override_file(path: Path, *, what: str, env: str, example: str) -> dict:
    """The JSON object in ``path``; ``what`` names the file in errors (e.g. 本地规则配置)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ConfigError(f"无法读取{what} {path}（环境变量 {env}）：{err}") from err
    if not isinstance(data, dict):
        raise ConfigError(f"{what} {path} 应为 JSON 对象，形如 {example}。")
    return data


def checked_number(label: str, value: object, *, what: str) -> float | int:
    """A local value must be a non-negative number (not a bool, not text)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{what}中 {label} 的值应为非负数，实为 {value!r}。")
    return value
