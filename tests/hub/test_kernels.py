"""A trainee server's kernels on Unix sockets (hub/kernels.py), in a real Jupyter server configured as the
trainee config configures it, with its runtime folder as deep as a trainee's home on the test hub: the
kernel runs code, its connection file says ipc, and every socket is a file in that folder whose path fits
the 107-byte limit (jupyter_client's own names would not)."""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
from pathlib import Path
from unittest import mock

from jupyter_client.blocking import BlockingKernelClient

from tests.course.test_browser import _free_port, _server
from tests.hub.test_activity import _request
from zhiben_training.hub.config import _SERVER
from zhiben_training.hub.kernels import SOCKET_PATH_LIMIT


def test_a_trainee_kernel_runs_on_unix_sockets_in_the_trainees_runtime_folder(tmp_path):
    # /tmp/zhiben-hub-xxxxxxxx/home/ztxxxx-<18-digit ID>/.local/share/jupyter/runtime: 84 bytes
    runtime = tmp_path / ("h" * max(1, 84 - len(str(tmp_path)) - 1))
    runtime.mkdir(parents=True)
    runtime.chmod(0o700)
    config, home = tmp_path / "config", tmp_path / "home"
    config.mkdir()
    home.mkdir()
    (config / "jupyter_server_config.json").write_text(json.dumps(
        {"AsyncMappingKernelManager": _SERVER["AsyncMappingKernelManager"]}))
    port, token = _free_port(), secrets.token_hex(16)
    url, seen = f"http://127.0.0.1:{port}", []
    argv = [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={token}", f"--ServerApp.root_dir={home}",
            "--ServerApp.port_retries=0", "--allow-root"]
    with mock.patch.dict(os.environ, {"JUPYTER_CONFIG_PATH": str(config),
                                      "JUPYTER_RUNTIME_DIR": str(runtime)}), \
            _server(argv, cwd=home, status_url=f"{url}/api/status?token={token}",
                    log=tmp_path / "server.log"):
        kernel = _request(f"{url}/api/kernels", token, "POST", {"name": "python3"})
        connection_file = runtime / f"kernel-{kernel['id']}.json"
        client = BlockingKernelClient(connection_file=str(connection_file))
        client.load_connection_file()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            reply = client.execute_interactive(
                "print(6 * 7)", timeout=60, output_hook=lambda msg: seen.append(msg["content"].get("text")))
        finally:
            client.stop_channels()
        assert reply["content"]["status"] == "ok" and "42\n" in seen
        connection = json.loads(connection_file.read_text())
        assert connection["transport"] == "ipc"
        sockets = [f"{connection['ip']}-{connection[name]}" for name in
                   ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")]
        assert all(Path(path).parent == runtime and Path(path).is_socket() for path in sockets), sockets
        assert max(len(path.encode()) for path in sockets) <= SOCKET_PATH_LIMIT
        # jupyter_client's own naming, <runtime>/kernel-<uuid>-ipc-<n>, would not have fitted
        assert len(str(runtime / f"kernel-{kernel['id']}-ipc-1").encode()) > SOCKET_PATH_LIMIT
        _request(f"{url}/api/kernels/{kernel['id']}", token, "DELETE")
        deadline = time.monotonic() + 30
        while any(Path(p).exists() for p in sockets) and time.monotonic() < deadline:
            time.sleep(0.2)  # polling for the kernel's own clean-up, not a wait for the clock
        assert not any(Path(p).exists() for p in sockets)
