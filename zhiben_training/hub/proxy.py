"""The hub's proxy: PyPI's pure-Python ``configurable-http-proxy`` with room for a room full of people.

That proxy forwards every request through tornado's ``AsyncHTTPClient`` with tornado's defaults:
at most 10 requests in flight, later ones queued and dropped with 503 "Timeout in request queue"
after 20 s. With 100 trainees logging in at once (measured: ``benchmarks/bench_hub.py``) most logins
were dropped that way. Run as the hub's proxy command (``python -m zhiben_training.hub.proxy``,
JupyterHub appends its own arguments), it allows ``MAX_IN_FLIGHT`` requests at once and waits up to
``REQUEST_TIMEOUT`` seconds for the hub or a trainee server (a login or a server start under load).
"""

from __future__ import annotations

import sys

MAX_IN_FLIGHT = 1000
REQUEST_TIMEOUT = 300.0


def main() -> int:
    from configurable_http_proxy.cli import main as proxy_main
    from tornado.httpclient import AsyncHTTPClient

    AsyncHTTPClient.configure(None, max_clients=MAX_IN_FLIGHT,
                              defaults={"request_timeout": REQUEST_TIMEOUT, "connect_timeout": 30.0})
    sys.argv[0] = "configurable-http-proxy"
    return proxy_main()


if __name__ == "__main__":
    sys.exit(main())
