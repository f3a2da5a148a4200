"""What the online exam refuses, each with a Chinese message and nothing written: another trainee's
URL, a submission after closing, the same code after the exam; and an examiner's extension."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.hub.harness import AID, Trainee, running_hub
from zhiben_training.assess.exchange.nbgrader_exchange import receipt_name
from zhiben_training.assess.exchange.window import events, extend, set_window

pytestmark = [pytest.mark.slow, pytest.mark.hub]


@pytest.fixture(scope="module")
def two():
    with running_hub(2) as hub:
        people = [Trainee(hub, tid, code) for tid, code in sorted(hub.codes.items())]
        for person in people:
            assert person.login().status_code == 302
            person.spawn()
            assert person.fetch().status_code == 200
        yield hub, people


def _inbound(hub) -> list[str]:
    return sorted(p.name for p in (hub.course / "exchange" / "zhiben" / "inbound").iterdir())


def _home(hub, person) -> list[str]:
    from zhiben_training.hub.spawner import system_user_name

    return sorted(str(p.relative_to(hub.base))
                  for p in (hub.base / "home" / system_user_name(person.tid, hub.prefix)).rglob("*")
                  if ".ipynb_checkpoints" not in p.parts and ".local" not in p.parts
                  and ".cache" not in p.parts)


def test_a_trainee_opening_another_trainees_url_is_refused_in_chinese(two):
    hub, (a, b) = two
    before = _home(hub, b)
    for path in ("lab", f"api/contents/{AID}/paper.ipynb"):
        answer = a.session.get(f"{hub.url}/user/{b.tid}/{path}", timeout=60)
        assert answer.status_code == 403, (path, answer.status_code)
        if path == "lab":
            assert "每位考生只能打开自己的考试页面" in answer.content.decode()
    assert _home(hub, b) == before


def test_a_submission_after_closing_is_refused_and_nothing_is_written(two):
    hub, (a, b) = two
    now = dt.datetime.now(dt.UTC)
    set_window(hub.course, AID, opens_at=now - dt.timedelta(hours=2), closes_at=now - dt.timedelta(seconds=1),
               by="pytest")
    inbound, home = _inbound(hub), _home(hub, a)
    answer = a.submit().json()
    assert answer["success"] is False and "考试已于" in answer["value"] \
        and "没有保存任何文件" in answer["value"]
    assert _inbound(hub) == inbound and _home(hub, a) == home
    assert receipt_name(AID) not in " ".join(home)


def test_the_same_code_after_the_exam_is_refused_in_chinese(two):
    hub, (a, _b) = two
    answer = a.hub.session(a.tid, a.code)[1]
    assert answer.status_code == 403 and "准考证已失效" in answer.content.decode()


def test_an_examiners_extension_lets_one_trainee_submit_and_is_logged(two):
    hub, (a, b) = two
    extend(hub.course, AID, a.tid, until=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30), by="考核人员甲")
    assert a.submit().json()["success"] is True
    assert b.submit().json()["success"] is False
    inbound = _inbound(hub)
    assert any(name.startswith(a.tid + "+") for name in inbound)
    assert not any(name.startswith(b.tid + "+") for name in inbound)
    logged = [e for e in events(hub.course) if e["event"] == "extension"]
    assert logged[-1]["trainee"] == a.tid and logged[-1]["by"] == "考核人员甲"
