"""Read an inspection-record file within stated limits, so no file can crash the engine.

Limits (docs/record-format.md “记录文件的限制”): a regular file (no directory, device, FIFO or socket),
≤ 5 MiB, UTF-8, no key twice in one object, nesting ≤ 16 levels, integers ≤ 15 digits, every number
finite with |x| ≤ 10¹², strings ≤ 10 000 characters, arrays ≤ 10 000 items.
Each violation is a ``RecordFormatError`` in Chinese that names the field (or line) — exit code 2.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

from zhiben_training.errors import RecordFormatError

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 16
MAX_INT_DIGITS = 15
MAX_MAGNITUDE = 1e12
MAX_STRING = 10_000
MAX_ITEMS = 10_000
_SURROGATE = re.compile("[\ud800-\udfff]")
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"(\s*:)?|[\[\]{}]')


class _Rejected:
    """A number the JSON parser met that the format refuses; reported with its field path after parsing."""

    def __init__(self, text: str, why: str):
        self.text, self.why = text, why


class _DuplicateKey:
    """An object that names one key twice: JSON readers disagree on which value wins, so the format
    refuses it."""

    def __init__(self, key: str, count: int):
        self.key, self.count = key, count


def _object(pairs: list[tuple[str, Any]]):
    """``object_pairs_hook``: a dict, or a ``_DuplicateKey`` marker reported with its path after parsing."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            return _DuplicateKey(key, sum(1 for k, _ in pairs if k == key))
        out[key] = value
    return out


def _parse_int(text: str):
    return (_Rejected(text, f"整数位数超过 {MAX_INT_DIGITS} 位") if len(text.lstrip("-")) > MAX_INT_DIGITS
            else int(text))


def _parse_float(text: str):
    value = float(text)
    return value if math.isfinite(value) else _Rejected(text, "超出数值范围（会被读作无穷大）")


def _parse_constant(text: str):
    return _Rejected(text, "不是有效的数值（NaN、Infinity 不是 JSON 数字）")


def _depth_check(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before parsing (deep nesting would exhaust the parser)."""
    stack: list[list] = []  # [bracket, current key]
    for match in _TOKENS.finditer(text):
        token = match.group(0)
        if match.group(1):  # an object key
            if stack:
                stack[-1][1] = token[1: token.rindex(":")].rstrip()[:-1]  # raw key text: only for the message
        elif token in "[{":
            stack.append([token, None])
            if len(stack) > MAX_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                where = "".join(f".{k}" if b == "{" and k is not None else "[…]" if b == "[" else ""
                                for b, k in stack[:4])
                raise RecordFormatError(
                    f"检查记录嵌套过深：字段 {where.lstrip('.') or '（顶层）'}… "
                    f"在第 {line} 行已超过 {MAX_DEPTH} 层",
                    field=where.lstrip("."),
                    hint="检查记录格式最多嵌套约 6 层；限制见 docs/record-format.md。")
        elif token in "]}" and stack:
            stack.pop()


def parse_record_text(text: str, *, source: str) -> Any:
    """JSON text → Python value, refusing deep nesting, huge integers, NaN and ±inf with named fields."""
    _depth_check(text)
    try:
        value = json.loads(text, parse_int=_parse_int, parse_float=_parse_float,
                           parse_constant=_parse_constant, object_pairs_hook=_object)
    except json.JSONDecodeError as err:
        raise RecordFormatError(
            f"检查记录文件 {source} 不是有效的 JSON："
            f"第 {err.lineno} 行第 {err.colno} 列附近有错误（{err.msg}）",
            hint="常见原因：多余或缺少逗号、使用了中文引号、属性名未加双引号。",
        ) from None
    check_values(value)
    return value


def _path(parts: tuple) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")


def check_values(value: Any) -> None:
    """Walk a parsed record (or a Python dict) and refuse what the schema cannot see: NaN, ±inf, huge
    magnitudes, rejected numbers, over-long strings and arrays, non-text keys, excessive depth."""
    todo: list[tuple[tuple, Any]] = [((), value)]
    while todo:
        parts, node = todo.pop()
        field = _path(parts) or "（顶层）"
        if len(parts) > MAX_DEPTH:
            raise RecordFormatError(f"检查记录嵌套过深：字段 {field} 超过 {MAX_DEPTH} 层", field=field)
        if isinstance(node, _DuplicateKey):
            where = _path((*parts, node.key))
            raise RecordFormatError(
                f"字段 {where} 在同一对象中出现了 {node.count} 次："
                "重复的字段名会让不同程序读出不同的值，检查记录不接受",
                field=where, hint="请删去多余的一处，只保留检查人确认的那个值。")
        if isinstance(node, _Rejected):
            raise RecordFormatError(f"字段 {field} 的数值 {node.text[:40]}"
                                    f"{'…' if len(node.text) > 40 else ''} "
                                    f"{node.why}", field=field, hint="请填写实际测得的有限数值。")
        if isinstance(node, bool) or node is None:
            continue
        if isinstance(node, int | float):
            if isinstance(node, float) and not math.isfinite(node):
                raise RecordFormatError(f"字段 {field} 的数值 {node} 不是有限数（NaN、无穷大不能作为测量值）",
                                        field=field)
            if abs(node) > MAX_MAGNITUDE:
                raise RecordFormatError(f"字段 {field} 的数值 {node:.6g} 超出合理范围（绝对值不超过 10¹²）",
                                        field=field)
        elif isinstance(node, str):
            if len(node) > MAX_STRING:
                raise RecordFormatError(f"字段 {field} 的文字过长（{len(node)} 字，上限 {MAX_STRING}）",
                                        field=field)
            if _SURROGATE.search(node):
                raise RecordFormatError(f"字段 {field} 含有无效的 Unicode 字符（单独的代理项，如 \\ud800）",
                                        field=field)
        elif isinstance(node, list):
            if len(node) > MAX_ITEMS:
                raise RecordFormatError(f"字段 {field} 的条目过多（{len(node)} 条，上限 {MAX_ITEMS}）",
                                        field=field)
            todo.extend(((*parts, i), v) for i, v in enumerate(node))
        elif isinstance(node, dict):
            for key, sub in node.items():
                if not isinstance(key, str) or _SURROGATE.search(key):
                    raise RecordFormatError(f"字段 {field} 含有无效的字段名 {key!r}", field=field)
                todo.append(((*parts, key), sub))


def _open_regular(path: Path) -> int:
    """A read-only descriptor of ``path`` if it is a regular file; anything else is refused in Chinese.

    ``O_NONBLOCK`` keeps a FIFO from blocking the open; the type is checked on the open descriptor,
    so a path swapped after a first look is still caught.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise RecordFormatError(f"找不到检查记录文件：{path}", hint="请检查路径是否正确。") from None
    except IsADirectoryError:
        raise RecordFormatError(f"{path} 是文件夹，不是检查记录文件",
                                hint="请给出文件夹中的某个 .json 记录文件。") from None
    except OSError as err:  # a socket (ENXIO), no permission, a dangling link …
        raise RecordFormatError(f"无法读取检查记录文件 {path}（{_os_reason(err)}）") from None
    mode = os.fstat(fd).st_mode
    if stat.S_ISREG(mode):
        return fd
    os.close(fd)
    if stat.S_ISDIR(mode):
        raise RecordFormatError(f"{path} 是文件夹，不是检查记录文件",
                                hint="请给出文件夹中的某个 .json 记录文件。")
    kind = ("字符设备" if stat.S_ISCHR(mode) else "块设备" if stat.S_ISBLK(mode) else
            "命名管道（FIFO）" if stat.S_ISFIFO(mode) else "套接字" if stat.S_ISSOCK(mode) else "特殊文件")
    raise RecordFormatError(f"{path} 是{kind}，不是普通文件：检查记录只从普通文件读取",
                            hint="请先把记录保存为 .json 文件，再给出该文件的路径。")


def _os_reason(err: OSError) -> str:
    reasons = {"EACCES": "没有读取权限", "EPERM": "没有读取权限", "ENXIO": "不是可读取的文件（如套接字）",
               "ELOOP": "符号链接循环", "ENAMETOOLONG": "路径过长", "ENOTDIR": "路径中的某一级不是文件夹"}
    return reasons.get(errno.errorcode.get(err.errno or 0, ""), "系统错误")


def read_record_text(path: Path) -> str:
    """The file's text: a regular file of at most MAX_FILE_BYTES, UTF-8 (a BOM is allowed), with
    Chinese errors."""
    fd = _open_regular(path)
    try:
        size = os.fstat(fd).st_size
        if size > MAX_FILE_BYTES:
            raise RecordFormatError(f"检查记录文件 {path} 过大（{size} 字节，上限 {MAX_FILE_BYTES} 字节）",
                                    hint="一份检查记录对应一次检查；请拆分文件。")
        chunks, total = [], 0
        while total <= MAX_FILE_BYTES:  # never more than the limit + 1 byte, even if the file grows meanwhile
            chunk = os.read(fd, MAX_FILE_BYTES + 1 - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > MAX_FILE_BYTES:
            raise RecordFormatError(f"检查记录文件 {path} 过大（超过上限 {MAX_FILE_BYTES} 字节）",
                                    hint="一份检查记录对应一次检查；请拆分文件。")
    except OSError as err:
        raise RecordFormatError(f"无法读取检查记录文件 {path}（{_os_reason(err)}）") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise RecordFormatError(
            f"检查记录文件 {path} 不是 UTF-8 编码："
            f"第 {line} 行（第 {err.start + 1} 个字节 0x{data[err.start]:02X}）无法按 UTF-8 解码",
            hint="请用 UTF-8 编码另存该文件（如 GBK 编码的文件须先转换）。") from None
