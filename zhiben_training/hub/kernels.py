"""A trainee's kernels talk to their server over Unix sockets in the trainee's own folder, not TCP ports.

jupyter_client picks a kernel's five TCP ports by binding port 0 and closing the socket; the kernel binds
them a moment later. On a machine where many trainee servers start kernels while the hub and the proxy
open connections, another process can take such a port in between, and the kernel dies at start with
``ZMQError: Address already in use`` (seen in the room test; the known race of papermill#511,
kernel_gateway#131). ipc sockets are named files: nobody else can take them, and a trainee's are in their
own runtime folder (0700), so no other trainee's kernel can connect to them either (a TCP port on
127.0.0.1 is open to every local user, guarded only by the connection key).

jupyter_client names ipc sockets after the connection file (``<runtime>/kernel-<uuid>-ipc-<n>``), which
passes the 107-byte limit of a socket path under a deep home folder; here they are
``<runtime>/k-<12 hex of the uuid>-<n>``; under a runtime folder too deep even for those, the kernel keeps
TCP. Used by trainee servers through the trainee config (``hub/config.py``); a one-trainee pod on
Kubernetes gets the same.
"""

from __future__ import annotations

import os

from jupyter_server.services.kernels.kernelmanager import ServerKernelManager
from traitlets import default

__all__ = ["TraineeKernelManager", "SOCKET_PATH_LIMIT"]

SOCKET_PATH_LIMIT = 107  # sizeof(sockaddr_un.sun_path) - 1 on Linux


class TraineeKernelManager(ServerKernelManager):
    def _socket_prefix(self) -> str | None:
        if not self.connection_file:
            return None
        folder, name = os.path.split(self.connection_file)
        prefix = os.path.join(folder, "k-" + name.removeprefix("kernel-").replace("-", "")[:12])
        return prefix if len(f"{prefix}-99999".encode()) <= SOCKET_PATH_LIMIT else None

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc" if self._socket_prefix() else "tcp"

    def _ip_default(self) -> str:
        prefix = self._socket_prefix()
        return prefix if self.transport == "ipc" and prefix else super()._ip_default()
