"""Peak memory of the current process, measured so that a parent's size never leaks in.

``getrusage(RUSAGE_SELF).ru_maxrss`` is not enough in a child started by a large parent: Linux keeps
the high-water mark of the forked copy of the parent's memory across ``execve``, so a small child of
a 650 MB parent reports 650 MB. ``VmHWM`` in ``/proc/self/status`` belongs to the current address
space only, which ``execve`` replaces.
"""

from __future__ import annotations

import resource
from pathlib import Path


def peak_rss_mb() -> float:
    """Peak resident set size of this process's own address space, in MB."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
