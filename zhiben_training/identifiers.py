"""Check characters and masking for Chinese identifiers.

* Resident identity numbers, GB 11643-1999: 17 digits + a check character (ISO 7064 MOD 11-2).
* Unified social credit codes (统一社会信用代码), GB 32100-2015: 18 characters from a 31-character
  alphabet, the last one a MOD 31 check character; characters 9–17 are the organisation code of
  GB 11714, whose own last character is a MOD 11 check.

faker has no USCC generator and ~12% of its zh_CN ID area codes are not real, so the synthetic
city and the importers both use this module.
"""

from __future__ import annotations

import datetime as _dt

__all__ = [
    "id_check_char",
    "id_problem",
    "is_valid_id",
    "make_id",
    "id_birth_date",
    "id_sex",
    "uscc_check_char",
    "uscc_problem",
    "is_valid_uscc",
    "make_uscc",
    "org_code_check_char",
    "mask_id",
    "mask_phone",
    "USCC_ALPHABET",
]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id_problem(value: str) -> str | None:
    """Why ``value`` is not a valid resident ID number (Chinese), or None when it is valid."""
    if not isinstance(value, str):
        return "身份证号必须是文本"
    value = value.strip().upper()
    if len(value) != 18:
        return f"身份证号应为18位，实为{len(value)}位"
    if not value.isascii() or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return "身份证号前17位应为数字，最后一位为数字或X"
    try:
        _dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return f"身份证号中的出生日期 {value[6:14]} 不是有效日期"
    expected = id_check_char(value[:17])
    if value[17] != expected:
        return f"身份证号校验位错误：应为 {expected}，实为 {value[17]}"
    return None


def is_valid_id(value: str) -> bool:
    return id_problem(value) is None


def make_id(area_code: str, birth: _dt.date, sequence: int, *, female: bool) -> str:
    """Build a valid ID number; ``sequence`` 0–999 picks the 3-digit order code, whose parity is the sex."""
    order = (sequence % 500) * 2 + (0 if female else 1)
    first17 = f"{area_code}{birth:%Y%m%d}{order:03d}"
    return first17 + id_check_char(first17)


def id_birth_date(value: str) -> _dt.date:
    return _dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def id_sex(value: str) -> str:
    """'男' or '女' from the parity of the 17th digit."""
    return "男" if int(value[16]) % 2 else "女"


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character for an 8-character organisation-code body."""
    total = sum(_char_value36(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else ("0" if check == 11 else str(check))


def _char_value36(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(value: str) -> str | None:
    """Why ``value`` is not a valid 统一社会信用代码 (Chinese), or None when it is valid."""
    if not isinstance(value, str):
        return "统一社会信用代码必须是文本"
    value = value.strip().upper()
    if len(value) != 18:
        return f"统一社会信用代码应为18位，实为{len(value)}位"
    bad = sorted({c for c in value if c not in _USCC_VALUE})
    if bad:
        return f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用 I、O、Z、S、V）"
    if not value[2:8].isdigit():
        return "统一社会信用代码第3–8位应为行政区划代码（6位数字）"
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        return f"统一社会信用代码校验位错误：应为 {expected}，实为 {value[17]}"
    return None


def is_valid_uscc(value: str) -> bool:
    return uscc_problem(value) is None


def make_uscc(area_code: str, body8: str, *, department: str = "9", category: str = "1") -> str:
    """Build a valid USCC: department 9 (市场监管) category 1 (企业) by default.

    ``body8`` must use digits and the USCC alphabet's letters; the organisation-code check is
    appended, then the USCC check character.
    """
    org_check = org_code_check_char(body8)
    first17 = f"{department}{category}{area_code}{body8}{org_check}"
    return first17 + uscc_check_char(first17)


def mask_id(value: str) -> str:
    """1201**********123X: the first 4 and last 4 characters stay visible."""
    value = str(value)
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****1234 for an 11-digit mobile number."""
    value = str(value)
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
