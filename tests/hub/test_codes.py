"""Admission codes without a hub: hashing, lockout, the window's say."""

from __future__ import annotations

import datetime as dt

import pytest

from zhiben_training.assess.exchange.window import login_refusal, set_window, submission_refusal
from zhiben_training.hub.codes import MAX_FAILURES, LoginRefusedError, check_login, issue_codes, unlock


def test_a_new_code_replaces_the_old_one(tmp_path):
    old = issue_codes(tmp_path, "2026-A", ["T1"])["T1"]
    new = issue_codes(tmp_path, "2026-A", ["T1"])["T1"]
    assert check_login(tmp_path, "T1", new).username == "T1"
    with pytest.raises(LoginRefusedError):
        check_login(tmp_path, "T1", old)


def test_codes_hashed_before_the_cost_was_lowered_still_admit(tmp_path):
    """codes.json written with scrypt N = 2**14 and no "scrypt_n" (before 2026-12) keeps working; new
    entries record the N they were hashed with."""
    import hashlib
    import json

    from zhiben_training.hub.codes import SCRYPT_N, hub_dir, normalize_code

    code = issue_codes(tmp_path, "2026-A", ["T1", "T2"])["T1"]
    path = hub_dir(tmp_path) / "codes.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["T2"]["scrypt_n"] == SCRYPT_N < 2**14
    old = data["T1"]
    del old["scrypt_n"]
    old["hash"] = hashlib.scrypt(normalize_code(code).encode(), salt=bytes.fromhex(old["salt"]), n=2**14, r=8,
                                 p=1, dklen=32).hex()
    path.write_text(json.dumps(data), encoding="utf-8")
    assert check_login(tmp_path, "T1", code).username == "T1"
    with pytest.raises(LoginRefusedError, match="还可再试"):
        check_login(tmp_path, "T1", "WRONGCODE2")


def test_lockout_after_max_failures_until_unlocked(tmp_path):
    code = issue_codes(tmp_path, "2026-A", ["T1"])["T1"]
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginRefusedError):
            check_login(tmp_path, "T1", "NOPE")
    with pytest.raises(LoginRefusedError, match="已锁定"):
        check_login(tmp_path, "T1", code)
    unlock(tmp_path, "T1")
    assert check_login(tmp_path, "t1", code.lower()).role == "trainee"


def test_wrong_codes_typed_at_once_lock_the_account_after_exactly_the_limit(tmp_path):
    """The hash is checked outside the file lock; the count of wrong attempts is kept under it."""
    from concurrent.futures import ThreadPoolExecutor

    code = issue_codes(tmp_path, "2026-A", ["T1"])["T1"]

    def attempt(_):
        with pytest.raises(LoginRefusedError) as refused:
            check_login(tmp_path, "T1", "NOPE")
        return refused.value.message

    with ThreadPoolExecutor(max_workers=8) as pool:
        messages = list(pool.map(attempt, range(8)))
    assert sum("还可再试" in m for m in messages) == MAX_FAILURES - 1
    assert sum("已锁定" in m for m in messages) == 8 - (MAX_FAILURES - 1)
    with pytest.raises(LoginRefusedError, match="已锁定"):
        check_login(tmp_path, "T1", code)


def test_codes_of_a_room_logging_in_at_once_are_all_admitted(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    codes = issue_codes(tmp_path, "2026-A", [f"T{i}" for i in range(6)])
    with ThreadPoolExecutor(max_workers=6) as pool:
        admitted = list(pool.map(lambda item: check_login(tmp_path, *item).username, codes.items()))
    assert sorted(admitted) == sorted(codes)


def test_the_window_decides_login_and_submission(tmp_path):
    code = issue_codes(tmp_path, "2026-A", ["T1"])["T1"]
    opens = dt.datetime(2026, 6, 1, 1, tzinfo=dt.UTC)
    window = set_window(tmp_path, "2026-A", opens_at=opens, closes_at=opens + dt.timedelta(hours=2))
    with pytest.raises(LoginRefusedError, match="开始"):
        check_login(tmp_path, "T1", code, now=opens - dt.timedelta(minutes=1),
                    window_open=login_refusal(tmp_path))
    assert check_login(tmp_path, "T1", code, now=opens, window_open=login_refusal(tmp_path))
    after = opens + dt.timedelta(hours=2, seconds=1)
    with pytest.raises(LoginRefusedError, match="准考证已失效"):
        check_login(tmp_path, "T1", code, now=after, window_open=login_refusal(tmp_path))
    assert "考试已于 2026-06-01 11:00（北京时间） 结束" in submission_refusal(window, "T1", after)
    marked = set_window(tmp_path, "2026-A", opens_at=opens, closes_at=opens + dt.timedelta(hours=2),
                        late="mark", late_until=opens + dt.timedelta(hours=3))
    assert submission_refusal(marked, "T1", after) is None
