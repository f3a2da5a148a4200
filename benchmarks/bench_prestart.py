"""Exam day with pre-start: N trainees log in at the opening time, with the hub's pre-start on and off,
on 127.0.0.1 only (``python -m benchmarks prestart``; ``ZHIBEN_BENCH_PRESTART_TRAINEES``, default 100).

On: the hub's service has started every admitted trainee's server, with the paper in place, before the
logins (the run waits until it has, bounded). Off: each login starts its server, as before. Measured per
trainee: login → their server returns their own paper (p50/p95), then everyone submits and the hand-ins
are counted. ``ratio``: p95 off over p95 on. Where the logins' time goes: CPU milliseconds per login of
the hub, its proxy, the trainee servers and this client (all on the same cores) during the burst, and
the machine's load average before and after it (other work on a shared machine shows there). Bounded:
free memory is checked first (runs only as many trainees as fit), each phase has a deadline, and the
hubs are stopped by the harness.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urljoin

from benchmarks.bench_hub import PRIOR_SERVER_BYTES, GiB, _available, _pct, fitting_count
from zhiben_training.assess import CourseRoot

TRAINEES = int(os.environ.get("ZHIBEN_BENCH_PRESTART_TRAINEES", "100"))
DEADLINE_SECONDS = 30 * 60  # a phase on a shared 2-core machine: 100 pre-starts took 19 min at load 40
SPAWN_LIMIT = 10  # as bench_hub: servers starting at once when logins start them


def _own_paper(person, assignment: str) -> bool:
    answer = person.api("GET", f"api/contents/{assignment}/paper.ipynb", params={"content": 1})
    return (answer.status_code == 200
            and answer.json()["content"]["metadata"]["zhiben"]["trainee_id"] == person.tid)


def _wait_all_ready(hub, names: list[str], deadline: float) -> float:
    import requests

    session, answer = hub.session("EXAMINER1", hub.staff["EXAMINER1"])
    xsrf = {"X-XSRFToken": session.cookies.get("_xsrf", "")}
    token = session.post(f"{hub.url}/hub/api/users/EXAMINER1/tokens", json={"note": "bench"}, headers=xsrf,
                         timeout=60).json()["token"]
    began = time.monotonic()
    while time.monotonic() < deadline:
        users = requests.get(f"{hub.url}/hub/api/users", headers={"Authorization": f"token {token}"},
                             timeout=60).json()
        ready = {u["name"] for u in users if u.get("servers", {}).get("", {}).get("ready")}
        if ready >= set(names):
            return time.monotonic() - began
        time.sleep(2)
    raise RuntimeError("pre-start did not bring every server up before the deadline")


def _cpu_seconds(hub) -> dict[str, float]:
    """CPU seconds so far of the hub process, its proxy, every trainee server and this client."""
    import psutil

    def used(procs) -> float:
        total = 0.0
        for proc in procs:
            try:
                times = proc.cpu_times()
            except psutil.Error:
                continue
            total += times.user + times.system + times.children_user + times.children_system
        return total

    uids = {e.pw_uid for e in hub.system_users()}
    servers = [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real in uids]
    proxy = int((hub.hub_dir / "jupyterhub-proxy.pid").read_text().strip())
    hub_self = psutil.Process(hub.proc.pid).cpu_times()
    return {"hub": hub_self.user + hub_self.system, "proxy": used([psutil.Process(proxy)]),
            "trainee_servers": used(servers), "benchmark_client": used([psutil.Process()])}


def _phase(count: int, *, prestart: bool) -> dict:
    from tests.hub.harness import AID, Trainee, running_hub

    deadline = time.monotonic() + DEADLINE_SECONDS
    with running_hub(count, start_timeout=DEADLINE_SECONDS // 2, spawn_limit=SPAWN_LIMIT,
                     prestart_minutes=20 if prestart else None, prestart_throttle=os.cpu_count() or 2) as hub:
        people = [Trainee(hub, tid, code) for tid, code in sorted(hub.codes.items())]
        result: dict = {"prestart": prestart, "trainees": count}
        if prestart:
            result["seconds_until_every_server_was_up"] = round(
                _wait_all_ready(hub, [p.tid for p in people], deadline), 1)
        failures: list[str] = []

        def sit(person) -> float | None:
            t0 = time.monotonic()
            try:
                answer = person.login()
                assert answer.status_code == 302
                if not prestart:
                    person.spawn(timeout=deadline - time.monotonic())
                    assert person.fetch().status_code == 200
                else:
                    # the browser follows the login's redirect: the server, the hub's OAuth, the paper's page
                    page = person.session.get(urljoin(hub.url, answer.headers["Location"]), timeout=300)
                    assert page.status_code == 200, page.status_code
                assert _own_paper(person, AID)
                return time.monotonic() - t0
            except (AssertionError, RuntimeError) as exc:
                failures.append(f"{person.tid[-4:]}: {exc}"[:200])
                return None

        load_before, cpu_before = os.getloadavg()[0], _cpu_seconds(hub)
        with ThreadPoolExecutor(max_workers=count) as pool:
            times = [t for t in pool.map(sit, people) if t is not None]
        cpu_after = _cpu_seconds(hub)
        result["cpu_ms_per_login"] = {k: round(1000 * (cpu_after[k] - cpu_before[k]) / count)
                                      for k in cpu_after}
        result["load_average_before_and_after"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
        submitted = sum(1 for p in people if p.submit().status_code == 200)
        inbound = CourseRoot(hub.course).inbound
        handed_in = (len([d for d in inbound.iterdir() if d.name.split("+")[1] == AID])
                     if inbound.is_dir() else 0)
        result.update(login_to_own_paper_p50_s=_pct(times, 0.5), login_to_own_paper_p95_s=_pct(times, 0.95),
                      sat=len(times), failures=failures[:5], submitted=submitted, handed_in=handed_in,
                      lost_submissions=submitted - handed_in)
        return result


def run(out_dir: Path) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    count = fitting_count(TRAINEES, PRIOR_SERVER_BYTES, _available())
    result: dict = {"trainees_requested": TRAINEES, "available_gib_at_start": round(_available() / GiB, 1)}
    if count < 1:
        return {**result, "met": False, "refused": "not enough free memory for one trainee server"}
    on = _phase(count, prestart=True)
    off = _phase(count, prestart=False)
    ratio = off["login_to_own_paper_p95_s"] / on["login_to_own_paper_p95_s"]
    met = on["login_to_own_paper_p95_s"] < 5 and on["lost_submissions"] == 0 and off["lost_submissions"] == 0
    return {**result, "prestart_on": on, "prestart_off": off, "ratio": round(ratio, 1),
            "target": "p95 login → own paper < 5 s with pre-start; 0 lost submissions", "met": met}
