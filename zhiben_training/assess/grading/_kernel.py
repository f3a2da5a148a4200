"""One trainee kernel: forked by the zygote into its own scratch folder, driven cell by cell over
ZeroMQ (ipc sockets in the scratch folder, since the sandbox has no network), killed afterwards.

We drive the kernel ourselves instead of through nbclient so that every wait has a deadline, a
dead kernel is noticed within half a second (the zygote reaps it), output is capped, and the kernel
is killed rather than shut down gracefully (shutdown costs ~0.4 s and gives nothing to grading).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from dataclasses import dataclass, field

import zmq
from jupyter_client.connect import write_connection_file
from jupyter_client.session import Session
from nbformat import NotebookNode

from zhiben_training.assess.grading.sandbox import Limits, Zygote, make_scratch, remove_uid_files

__all__ = ["TrainingKernel", "CellRun"]

_POLL = 0.25
# What jupyter_client raises on a message the kernel mangled (bad JSON, wrong types, bad signature).
_GARBLED = (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError)


def _output(kind: str, content: dict) -> NotebookNode:
    """An nbformat output from an iopub message, built directly (nbformat's output_from_msg
    validates each output against the JSON schema, which was a tenth of the grading time)."""
    if kind == "stream":
        return NotebookNode(output_type="stream", name=str(content.get("name", "stdout")),
                            text=str(content.get("text", "")))
    if kind == "error":
        return NotebookNode(output_type="error", ename=str(content.get("ename", "")),
                            evalue=str(content.get("evalue", "")),
                            traceback=[str(t) for t in content.get("traceback", [])][:200])
    data = content.get("data") if isinstance(content.get("data"), dict) else {}
    out = NotebookNode(output_type=kind, data=NotebookNode(data), metadata=NotebookNode(
        content.get("metadata") if isinstance(content.get("metadata"), dict) else {}))
    if kind == "execute_result":
        out["execution_count"] = content.get("execution_count")
    return out


@dataclass
class CellRun:
    """Outputs of one executed cell; ``status`` is ok | error | timeout (over the cell's own limit) |
    overtime (the paper's total time ran out first) | dead | garbled."""

    status: str
    outputs: list = field(default_factory=list)
    truncated: bool = False
    cause: str = ""  # how a dead kernel ended ("信号 9"), for the examiner's log


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
        self._shell: zmq.Socket | None = None
        self._iopub: zmq.Socket | None = None
        self.session: Session | None = None
        self.dead_reason = ""

    def connect(self, *, timeout: float = 30.0) -> bool:
        """Open plain (synchronous) ZeroMQ sockets and handshake until iopub delivers, which
        avoids the slow-joiner problem of losing the first outputs. We bypass jupyter_client's
        blocking client: it wraps every receive in an asyncio loop, which cost more CPU per
        submission than executing the cells."""
        info = json.loads(self.connection_file.read_text(encoding="utf-8"))
        self.session = Session(key=info["key"].encode(), signature_scheme=info["signature_scheme"])
        context = zmq.Context.instance()
        url = f"ipc://{info['ip']}-{{}}"
        self._shell = context.socket(zmq.DEALER)
        self._shell.linger = 0
        self._shell.connect(url.format(info["shell_port"]))
        self._iopub = context.socket(zmq.SUB)
        self._iopub.linger = 0
        self._iopub.setsockopt(zmq.SUBSCRIBE, b"")
        self._iopub.connect(url.format(info["iopub_port"]))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.session.send(self._shell, "kernel_info_request", {})
            try:
                msg = self._receive(0.02)
            except _GARBLED:
                self.dead_reason = "内核消息无法解析"
                return False
            if msg is None:
                if not self.zygote.alive(self.pid):
                    self.dead_reason = "内核启动失败"
                    return False
                continue
            while self._receive(0.01) is not None:
                pass
            return True
        self.dead_reason = "内核启动超时"
        return False

    def _receive(self, timeout: float) -> dict | None:
        """One iopub message, or None after ``timeout`` seconds."""
        if not self._iopub.poll(int(timeout * 1000)):
            return None
        _, parts = self.session.feed_identities(self._iopub.recv_multipart(copy=True))
        return self.session.deserialize(parts)

    def _execute(self, code: str) -> str:
        content = {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                   "allow_stdin": False, "stop_on_error": False}
        return self.session.send(self._shell, "execute_request", content)["header"]["msg_id"]

    def run_cells(self, codes: list[str], *, deadline: float,
                  barriers: frozenset[int] = frozenset()) -> list[CellRun]:
        """Execute cells in order; stop at the deadline, a cell over its own time limit, or the
        kernel's death. Returns one CellRun per cell that started (the last may be timeout, dead or
        garbled). Requests are sent ahead (the kernel queues them, no round trip per cell) up to the
        next barrier: a barrier cell must finish before later cells are sent, because a kernel that
        dies (``os._exit``) loses whatever its IOPub thread had not sent yet, and the barrier
        cells' outputs (the captured answers) must survive a later cell killing the kernel."""
        ids: list[str] = []
        index: dict[str, int] = {}

        def send_batch() -> None:
            while len(ids) < len(codes):
                index[self._execute(codes[len(ids)])] = len(ids)
                ids.append("")  # placeholder: only the position matters
                if len(ids) - 1 in barriers:
                    return

        send_batch()
        runs = [CellRun("ok")]
        sizes = [0]
        cell_start = time.monotonic()
        cell_deadline = min(deadline, cell_start + self.limits.cell_seconds)
        while len(runs) <= len(codes):
            current = len(runs) - 1
            now = time.monotonic()
            if now >= cell_deadline:
                # over its own limit: the cell's doing; only over the paper's total: the budget ran out
                over = now - cell_start >= self.limits.cell_seconds
                runs[current].status = "timeout" if over else "overtime"
                return runs
            remaining = cell_deadline - now
            try:
                msg = self._receive(min(_POLL, remaining))
            except _GARBLED:  # e.g. the trainee replaced json.dumps inside the kernel
                runs[current].status = "garbled"
                return runs
            if msg is None:
                if not self.zygote.alive(self.pid):
                    runs[current].status = "dead"
                    runs[current].cause = self.zygote.exit_cause(self.pid)
                    return runs
                continue
            if (not isinstance(msg.get("parent_header"), dict)
                    or index.get(msg["parent_header"].get("msg_id")) != current):
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content.get("execution_state") == "idle":
                if len(runs) == len(codes):
                    return runs
                if current in barriers:
                    send_batch()
                runs.append(CellRun("ok"))
                sizes.append(0)
                cell_start = time.monotonic()
                cell_deadline = min(deadline, cell_start + self.limits.cell_seconds)
            elif kind in ("stream", "display_data", "execute_result", "error"):
                run = runs[current]
                if kind == "error":
                    run.status = "error"
                sizes[current] += len(str(content))
                if sizes[current] > self.limits.output_bytes:
                    run.truncated = True
                else:
                    run.outputs.append(_output(kind, content))
        return runs

    def kill(self) -> None:
        """Kill the kernel and everything of its uid; close sockets (no graceful shutdown). Without
        bubblewrap the uid shares the host's /tmp, /var/tmp and /dev/shm: what it left there goes too."""
        try:
            self.zygote.kill(self.pid, uid=self.uid)
            if self.zygote.per_uid and not self.zygote.use_bwrap:
                remove_uid_files(self.uid)
        finally:
            for sock in (self._shell, self._iopub):
                if sock is not None:
                    sock.close(linger=0)
            self._shell = self._iopub = None
            shutil.rmtree(self.scratch, ignore_errors=True)
