"""One trainee kernel: forked by the zygote into its own scratch folder, driven cell by cell over
ZeroMQ (ipc sockets in the scratch folder, since the sandbox has no network), killed afterwards.

We drive the kernel ourselves instead of through nbclient so that every wait has a deadline, a
dead kernel is noticed within half a second (the zygote reaps it), output is capped, and the kernel
is killed rather than shut down gracefully (shutdown costs ~0.4 s and gives nothing to grading).
"""

from __future__ import annotations

import os
import queue
import secrets
import time
from dataclasses import dataclass, field

from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file
from nbformat.v4 import output_from_msg

from zhiben_training.assess.sandbox import Limits, Zygote, make_scratch

__all__ = ["TrainingKernel", "CellRun"]

_POLL = 0.25
# What jupyter_client raises on a message the kernel mangled (bad JSON, wrong types, bad signature).
_GARBLED = (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError)


@dataclass
class CellRun:
    """Outputs of one executed cell; ``status`` is ok | error | timeout | dead | garbled."""

    status: str
    outputs: list = field(default_factory=list)
    truncated: bool = False


class TrainingKernel:
    """A kernel process for exactly one submission. ``spawn`` is cheap and asynchronous (the
    process boots while the previous submission is still running); ``connect`` waits for it."""

    def __init__(self, zygote: Zygote, *, uid: int | None, limits: Limits):
        self.zygote = zygote
        self.uid = uid
        self.limits = limits
        self.scratch = make_scratch(zygote.work_root, "sub", uid=uid if zygote.per_uid else None)
        conn = self.scratch / ".conn.json"
        write_connection_file(str(conn), transport="ipc", ip=str(self.scratch / "k"),
                              key=secrets.token_hex(16).encode())
        if zygote.per_uid and uid is not None:
            os.chown(conn, uid, uid)
        self.connection_file = conn
        self.pid = zygote.spawn(conn=conn, cwd=self.scratch, uid=uid, limits=limits)
        self.client: BlockingKernelClient | None = None
        self.dead_reason = ""

    def connect(self, *, timeout: float = 30.0) -> bool:
        """Handshake until iopub delivers (avoids the ZeroMQ slow-joiner losing first outputs)."""
        kc = BlockingKernelClient(connection_file=str(self.connection_file))
        kc.load_connection_file()
        kc.start_channels(hb=False)
        self.client = kc
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            kc.kernel_info()
            try:
                kc.get_iopub_msg(timeout=0.1)
            except _GARBLED:
                self.dead_reason = "内核消息无法解析"
                return False
            except queue.Empty:
                if not self.zygote.alive(self.pid):
                    self.dead_reason = "内核启动失败"
                    return False
                continue
            self._drain()
            return True
        self.dead_reason = "内核启动超时"
        return False

    def _drain(self) -> None:
        for get in (self.client.get_shell_msg, self.client.get_iopub_msg):
            while True:
                try:
                    get(timeout=0.01)
                except queue.Empty:
                    break

    def run_cells(self, codes: list[str], *, deadline: float) -> list[CellRun]:
        """Execute cells in order, all requests sent at once (the kernel queues them, so there is no
        round trip per cell); stop at the deadline, a cell over its own time limit, or the kernel's
        death. Returns one CellRun per cell that started; the last may be timeout/dead/garbled."""
        kc = self.client
        ids = [kc.execute(code, store_history=False, allow_stdin=False, stop_on_error=False) for code in codes]
        index = {msg_id: i for i, msg_id in enumerate(ids)}
        runs = [CellRun("ok")]
        sizes = [0]
        cell_deadline = min(deadline, time.monotonic() + self.limits.cell_seconds)
        while len(runs) <= len(ids):
            current = len(runs) - 1
            remaining = cell_deadline - time.monotonic()
            if remaining <= 0:
                runs[current].status = "timeout"
                return runs
            try:
                msg = kc.get_iopub_msg(timeout=min(_POLL, remaining))
            except queue.Empty:
                if not self.zygote.alive(self.pid):
                    runs[current].status = "dead"
                    return runs
                continue
            except _GARBLED:  # e.g. the trainee replaced json.dumps inside the kernel
                runs[current].status = "garbled"
                return runs
            position = index.get(msg["parent_header"].get("msg_id"))
            if position != current:
                continue
            kind = msg["msg_type"]
            if kind == "status" and msg["content"].get("execution_state") == "idle":
                if len(runs) == len(ids):
                    return runs
                runs.append(CellRun("ok"))
                sizes.append(0)
                cell_deadline = min(deadline, time.monotonic() + self.limits.cell_seconds)
            elif kind in ("stream", "display_data", "execute_result", "error"):
                run = runs[current]
                if kind == "error":
                    run.status = "error"
                sizes[current] += len(str(msg["content"]))
                if sizes[current] > self.limits.output_bytes:
                    run.truncated = True
                else:
                    run.outputs.append(output_from_msg(msg))
        return runs

    def kill(self) -> None:
        """Kill the kernel and everything of its uid; close sockets (no graceful shutdown)."""
        try:
            self.zygote.kill(self.pid, uid=self.uid)
        finally:
            if self.client is not None:
                self.client.stop_channels()
                self.client = None
