"""Hand-ins from trainee pods (a Kubernetes hub): each pod writes only into its own folder.

On one machine the inbound folder is shared and kept write-only by Unix permissions (2733). Pods
all run as the same uid, so there each trainee pod gets its own folder of the shared volume,
``CourseRoot.pod_inbound_dir(trainee)``, mounted (``subPath``) where nbgrader submits
(``inbound/``); a pod sees its own hand-ins and nobody else's. Before nbgrader's collect, the
examiner gathers them into ``inbound/``. A folder counts for a trainee only when it lies in that
trainee's own pod folder *and* its name names that trainee — the pod could have written any name,
but only into its own folder, so a name claiming someone else is refused, never moved.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from zhiben_training.assess.layout import POD_INBOUND, CourseRoot

__all__ = ["POD_INBOUND", "PodHandin", "gather_pod_handins", "pod_inbound_dir"]


@dataclass(frozen=True)
class PodHandin:
    trainee: str
    folder: str
    accepted: bool
    reason: str = ""


def pod_inbound_dir(course_root: Path, trainee: str) -> Path:
    """The folder of the shared volume that trainee's pod mounts as its ``inbound``."""
    return CourseRoot(course_root).pod_inbound_dir(trainee)


def gather_pod_handins(course_root: Path, assignment: str) -> list[PodHandin]:
    """Move each pod's hand-ins of ``assignment`` into the exchange's ``inbound/`` (nbgrader's
    layout ``<trainee>+<assignment>+<timestamp>+<random>``); returns what was moved or refused."""
    pods = CourseRoot(course_root).pod_inbound_root
    inbound = CourseRoot(course_root).inbound
    found: list[PodHandin] = []
    if not pods.is_dir():
        return found
    for own in sorted(p for p in pods.iterdir() if p.is_dir() and not p.is_symlink()):
        for folder in sorted(own.iterdir()):
            parts = folder.name.split("+")
            if len(parts) < 3 or parts[1] != assignment:
                continue
            if parts[0] != own.name or folder.is_symlink() or not folder.is_dir():
                found.append(PodHandin(own.name, folder.name, False,
                                       f"考生 {own.name} 的交卷目录中出现了以 {parts[0]} 名义交的卷，"
                                       "不予收取。"))
                continue
            inbound.mkdir(parents=True, exist_ok=True)
            target = inbound / folder.name
            if target.exists():
                continue  # gathered by an earlier collect
            shutil.copytree(folder, target, symlinks=True)
            found.append(PodHandin(own.name, folder.name, True))
    return found
