"""CPU-seconds of one trainee server start: the trainee config (only what a trainee uses, started by its
launcher, which skips the unused IRI grammars) against the stock start with the config before it (every
installed server extension but formgrader and course list), in the same run.

Each start is a JupyterLab server process with ``JUPYTER_CONFIG_PATH`` at that config (what
``jupyterhub-singleuser`` runs, without the hub's OAuth round-trip), timed until ``/api/status``
answers; CPU is the process's user + system time then. Starts alternate between the two configs.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import requests

from zhiben_training.hub import LAUNCHER, write_trainee_config

ROUNDS = 4
# the trainee server config as it was before the trim (hub/config.py, stop 19)
BEFORE = {"ServerApp": {"jpserver_extensions": {
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.course_list": False,
    "nbgrader.server_extensions.assignment_list": True,
    "nbgrader.server_extensions.validate_assignment": True}}}


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(config: Path, root: Path, *, launcher: bool) -> tuple[float, float]:
    """(CPU-seconds, wall seconds) until the server answers."""
    port, token = _port(), secrets.token_hex(8)
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(config)}
    start = [sys.executable, str(config / LAUNCHER), "jupyterlab"] if launcher else \
        [str(Path(sys.executable).parent / "jupyter-lab")]
    cmd = [*start, "--no-browser", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    began = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        watched = psutil.Process(proc.pid)
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited with {proc.returncode}")
            try:
                if requests.get(f"http://127.0.0.1:{port}/api/status", params={"token": token},
                                timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() - began > 180:
                raise RuntimeError("the server did not answer in 180 s")
            time.sleep(0.05)
        times = watched.cpu_times()
        return times.user + times.system, time.monotonic() - began
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def run(out_dir: Path) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        after = write_trainee_config(base / "after", exchange_root=base / "exchange")
        before = write_trainee_config(base / "before", exchange_root=base / "exchange")
        (before / "jupyter_server_config.json").write_text(json.dumps(BEFORE), encoding="utf-8")
        (base / "home").mkdir()
        samples: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
        for _ in range(ROUNDS):
            for name, config in (("before", before), ("after", after)):
                samples[name].append(_start(config, base / "home", launcher=name == "after"))
    cpu = {k: statistics.median(c for c, _ in v) for k, v in samples.items()}
    wall = {k: statistics.median(w for _, w in v) for k, v in samples.items()}
    ratio = cpu["before"] / cpu["after"]
    return {"cpu_seconds_per_start_before": round(cpu["before"], 2),
            "cpu_seconds_per_start_after": round(cpu["after"], 2),
            "wall_seconds_to_ready_before": round(wall["before"], 2),
            "wall_seconds_to_ready_after": round(wall["after"], 2),
            "rounds": ROUNDS, "ratio": round(ratio, 2),
            "target": "the trainee config starts with less CPU than before (ratio > 1)", "met": ratio > 1}
