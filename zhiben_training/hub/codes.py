"""Admission codes (准考证号): one per trainee per exam, printed once, stored only as a hash.

The hub's folder (``<course>/hub/``, 0700) keeps ``codes.json``: for each account its role
(考生 trainee, 考核人员 examiner, 培训讲师 trainer), the assignment a trainee's code admits to, a salt
and the scrypt hash of the code, the count of wrong attempts and the time of the first login. A
trainee's code admits only while that assignment's window is open (``window.py``): once the exam
has closed the same code is refused. After ``MAX_FAILURES`` wrong codes in a row an account is
locked until an examiner unlocks it (``zhiben hub unlock``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from zhiben_training.assess import CourseRoot
from zhiben_training.errors import AssessmentError, LoginRefusedError

__all__ = ["ROLES", "MAX_FAILURES", "Admission", "LoginRefusedError", "admitted", "hub_dir", "issue_codes",
           "add_staff", "check_login", "unlock", "normalize_code", "normalize_id", "trainee_accounts"]

ROLES = {"trainee": "考生", "examiner": "考核人员", "trainer": "培训讲师"}
MAX_FAILURES = 5
# no 0/O, 1/I/L: a code is read off paper and typed
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_CODE_LENGTH = 10
# A code is a random look-up secret of 10 symbols from 31 (49.5 bits), valid only in its exam window
# and locked after MAX_FAILURES wrong tries online. Stored salted and hashed with scrypt, whose cost is
# set to what a room logging in at once allows (NIST SP 800-63B §5.1.2.2 for look-up secrets of under
# 112 bits: a salted one-way key derivation function; §5.1.1.2: its cost as large as the verifier's
# performance allows). N = 2**11 (2 MiB, ~4 ms of CPU) leaves an offline search of one stolen entry
# at years of GPU time for one exam day's code; N = 2**14 (38 ms) was a third of the hub's CPU per login
# (benchmarks/bench_prestart.py). Entries keep the N they were hashed with ("scrypt_n"; none = 2**14).
_SCRYPT = {"r": 8, "p": 1, "dklen": 32}
SCRYPT_N = 2**11
_LEGACY_SCRYPT_N = 2**14


@dataclass(frozen=True)
class Admission:
    username: str
    role: str
    assignment: str | None


def hub_dir(course_root: Path) -> Path:
    folder = CourseRoot(course_root).hub_dir
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def normalize_id(text: str) -> str:
    """ID numbers are stored upper-case (校验位 X), without spaces."""
    return "".join(str(text).split()).upper()


def normalize_code(text: str) -> str:
    return "".join(ch for ch in str(text).upper() if ch.isalnum())


def _hash(code: str, salt: bytes, n: int = SCRYPT_N) -> str:
    return hashlib.scrypt(normalize_code(code).encode(), salt=salt, n=n, **_SCRYPT).hex()


def _matches(code: str, entry: dict) -> bool:
    digest = _hash(code, bytes.fromhex(entry["salt"]), entry.get("scrypt_n", _LEGACY_SCRYPT_N))
    return hmac.compare_digest(digest, entry["hash"])


def _new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_LENGTH))


def _path(course_root: Path) -> Path:
    return hub_dir(course_root) / "codes.json"


def _load(course_root: Path) -> dict:
    path = _path(course_root)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _save(course_root: Path, data: dict) -> None:
    path = _path(course_root)
    tmp = path.with_suffix(".tmp")
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
    os.replace(tmp, path)


def _lock(course_root: Path) -> FileLock:
    return FileLock(str(hub_dir(course_root) / "codes.lock"))


def _entry(role: str, assignment: str | None, code: str) -> dict:
    salt = secrets.token_bytes(16)
    return {"role": role, "assignment": assignment, "salt": salt.hex(), "hash": _hash(code, salt),
            "scrypt_n": SCRYPT_N, "failures": 0, "first_login": None}


def issue_codes(course_root: Path, assignment: str, trainee_ids: list[str]) -> dict[str, str]:
    """New codes for these trainees of ``assignment`` (earlier codes of theirs stop working).
    Returns {ID number: code} once, for printing; only hashes are kept."""
    issued = {}
    with _lock(course_root):
        data = _load(course_root)
        for tid in trainee_ids:
            code = _new_code()
            data[normalize_id(tid)] = _entry("trainee", assignment, code)
            issued[normalize_id(tid)] = code
        _save(course_root, data)
    return issued


def admitted(course_root: Path) -> dict[str, str]:
    """{ID number: assignment} of every trainee account (who sits which exam), for pre-starting."""
    return {name: entry["assignment"] for name, entry in sorted(_load(course_root).items())
            if entry.get("role") == "trainee"}


def add_staff(course_root: Path, username: str, role: str) -> str:
    """An examiner's or trainer's account; returns its code (shown once)."""
    if role not in ("examiner", "trainer"):
        raise AssessmentError(f"未知角色 {role}：工作人员只能是 examiner（考核人员）或 trainer（培训讲师）。")
    code = _new_code() + _new_code()
    with _lock(course_root):
        data = _load(course_root)
        data[normalize_id(username)] = _entry(role, None, code)
        _save(course_root, data)
    return code


def unlock(course_root: Path, username: str) -> None:
    with _lock(course_root):
        data = _load(course_root)
        if normalize_id(username) not in data:
            raise AssessmentError(f"没有账号 {username}。")
        data[normalize_id(username)]["failures"] = 0
        _save(course_root, data)


def check_login(course_root: Path, username: str, code: str, *, now: dt.datetime | None = None,
                window_open=None) -> Admission:
    """Admit ``username`` with ``code`` or raise :class:`LoginRefusedError` with the Chinese reason.

    ``window_open(assignment, username, now) -> str | None`` returns why a trainee's exam is not
    open (None when it is); the hub passes ``window.login_refusal``. The scrypt check (~4 ms of CPU)
    runs outside the file lock, so a room logging in at once hashes on every core instead of one at
    a time; the count of wrong attempts and the lock-out are decided under the lock, on a fresh read."""
    now = now or dt.datetime.now(dt.UTC)
    name = normalize_id(username)
    entry = _load(course_root).get(name)
    matches = entry is not None and _matches(code, entry)
    with _lock(course_root):
        data = _load(course_root)
        current = data.get(name)
        if current is None:
            raise LoginRefusedError("身份证号或准考证号不正确。请核对准考证上的号码后重新输入。")
        if current["failures"] >= MAX_FAILURES:
            raise LoginRefusedError(f"该身份证号已连续 {MAX_FAILURES} 次输错准考证号，账号已锁定。"
                                    "请联系考场工作人员解锁。")
        if entry is None or current["hash"] != entry["hash"]:  # a new code issued meanwhile: check that one
            matches = _matches(code, current)
        entry = current
        if not matches:
            entry["failures"] += 1
            _save(course_root, data)
            left = MAX_FAILURES - entry["failures"]
            if left <= 0:
                raise LoginRefusedError(f"准考证号不正确，已连续输错 {MAX_FAILURES} 次，账号已锁定。"
                                        "请联系考场工作人员解锁。")
            raise LoginRefusedError(f"身份证号或准考证号不正确，还可再试 {left} 次。")
        if entry["role"] == "trainee" and window_open is not None:
            reason = window_open(entry["assignment"], name, now)
            if reason:
                raise LoginRefusedError(reason)
        if entry["failures"] or not entry["first_login"]:  # a repeat login changes nothing: no rewrite
            entry["failures"] = 0
            entry["first_login"] = entry["first_login"] or now.isoformat(timespec="seconds")
            _save(course_root, data)
    return Admission(name, entry["role"], entry["assignment"])


def trainee_accounts(course_root: Path) -> list[str]:
    """ID numbers of every trainee account (with or without a login yet), sorted."""
    return sorted(admitted(course_root))
