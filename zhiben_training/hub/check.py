"""Start the hub from its generated folder, see that it answers on 127.0.0.1 with the Chinese login
page, and stop it again (``zhiben hub start --check``): the examiner's rehearsal before exam day,
and what the README walkthrough runs. No trainee server is started."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from zhiben_training.errors import ConfigError

__all__ = ["check_hub", "hub_command"]


def hub_command(hub_dir: Path) -> list[str]:
    config = Path(hub_dir) / "jupyterhub_config.py"
    if not config.exists():
        raise ConfigError(f"{config} 不存在。", hint="先运行 zhiben hub config。")
    return [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(config.resolve())]


def _login_page(url: str) -> str | None:
    try:
        with urllib.request.urlopen(f"{url}/hub/login", timeout=3) as answer:
            return answer.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def _running(log: Path) -> bool:
    """True once the hub has started its proxy, web server and services (its own log line)."""
    return b"JupyterHub is now running" in log.read_bytes()


def _stop(pid: int, timeout: float = 20) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def check_hub(hub_dir: Path, *, timeout: float = 90) -> str:
    """Start the hub and its proxy, wait for the login page, stop both; returns the hub's URL.
    Raises ConfigError (with the end of the hub's log) when it does not come up."""
    hub_dir = Path(hub_dir).resolve()
    command = hub_command(hub_dir)
    url = json.loads((hub_dir / "hub.json").read_text(encoding="utf-8"))["url"]
    if _login_page(url) is not None:
        raise ConfigError(f"{url} 已有服务在运行。",
                          hint="先停止它，或用 zhiben hub config --port 换一个端口。")
    log = hub_dir / "check.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=hub_dir, stdout=out, stderr=subprocess.STDOUT)
    page = None
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and proc.poll() is None:
            # the hub serves its login page before it starts its services; stopped in between, it can
            # leave the pre-start service running, so the rehearsal waits for the hub's own "running"
            if _running(log):
                page = _login_page(url)
                if page is not None:
                    break
            time.sleep(0.5)
    finally:
        _stop(proc.pid)
        proc.wait()
        proxy_pid = hub_dir / "jupyterhub-proxy.pid"  # cleanup_proxy is off: the proxy outlives the hub
        if proxy_pid.exists():
            with contextlib.suppress(ValueError):
                _stop(int(proxy_pid.read_text().strip()))
            proxy_pid.unlink(missing_ok=True)
    if page is None or "准考证号" not in page:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise ConfigError(f"考场服务器未能在 {timeout:.0f} 秒内就绪（{url}）。日志末尾：\n{tail}",
                          hint=f"完整日志：{log}")
    return url
