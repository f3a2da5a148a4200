"""Login by ID number and admission code on a real hub at 127.0.0.1: codes, lockout, roles."""

from __future__ import annotations

import json

import pytest

from zhiben_training.hub.codes import MAX_FAILURES

pytestmark = [pytest.mark.slow, pytest.mark.hub]


def test_the_hub_listens_on_loopback_only(hub3):
    config = (hub3.hub_dir / "jupyterhub_config.py").read_text(encoding="utf-8")
    assert 'c.JupyterHub.ip = \'127.0.0.1\'' in config and "0.0.0.0" not in config
    assert hub3.url.startswith("http://127.0.0.1:")


def test_the_login_page_is_in_chinese(hub3):
    page = hub3.session("X", "Y")[0].get(f"{hub3.url}/hub/login", timeout=10).content.decode()
    assert "身份证号" in page and "准考证号" in page


def test_a_trainee_logs_in_with_id_number_and_code(hub3):
    tid, code = sorted(hub3.codes.items())[0]
    session, answer = hub3.session(tid.lower(), code.lower())  # case does not matter
    assert answer.status_code == 302, answer.content.decode()[-500:]
    me = session.get(f"{hub3.url}/hub/api/user", timeout=10,
                     headers={"X-XSRFToken": session.cookies.get("_xsrf", "")}).json()
    assert me["name"] == tid and me["groups"] == ["trainees"]


def test_codes_are_stored_only_as_hashes(hub3):
    stored = (hub3.course / "hub" / "codes.json").read_text(encoding="utf-8")
    assert all(code not in stored for code in [*hub3.codes.values(), *hub3.staff.values()])
    assert (hub3.course / "hub" / "codes.json").stat().st_mode & 0o077 == 0


def test_a_wrong_code_is_refused_in_chinese_and_attempts_are_limited(hub3):
    tid, code = sorted(hub3.codes.items())[1]
    for attempt in range(1, MAX_FAILURES + 1):
        _s, answer = hub3.session(tid, "WRONGCODE2")
        assert answer.status_code == 403
        assert "准考证号不正确" in answer.content.decode(), answer.content.decode()[-800:]
        if attempt < MAX_FAILURES:
            assert f"还可再试 {MAX_FAILURES - attempt} 次" in answer.content.decode()
    assert "已锁定" in answer.content.decode()
    _s, answer = hub3.session(tid, code)  # now even the right code is refused
    assert answer.status_code == 403 and "账号已锁定" in answer.content.decode()
    entry = json.loads((hub3.course / "hub" / "codes.json").read_text(encoding="utf-8"))[tid]
    assert entry["failures"] == MAX_FAILURES and entry["first_login"] is None


def test_an_unknown_id_is_refused_in_chinese(hub3):
    _s, answer = hub3.session("120101199001011234", "ABCDEFGHJK")
    assert answer.status_code == 403 and "身份证号或准考证号不正确" in answer.content.decode()


def test_examiner_and_trainer_have_their_own_roles(hub3):
    examiner, _ = hub3.session("EXAMINER1", hub3.staff["EXAMINER1"])
    trainer, _ = hub3.session("TRAINER1", hub3.staff["TRAINER1"])
    trainee, _ = hub3.session(*sorted(hub3.codes.items())[2])

    def users(session):
        return session.get(f"{hub3.url}/hub/api/users", timeout=10,
                           headers={"X-XSRFToken": session.cookies.get("_xsrf", "")})

    seen_by_examiner = {u["name"] for u in users(examiner).json()}
    assert set(hub3.codes) & seen_by_examiner
    assert {u["name"] for u in users(trainer).json()} <= set(hub3.codes)  # trainees only
    assert users(trainee).status_code == 403
