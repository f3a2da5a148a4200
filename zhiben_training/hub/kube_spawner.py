"""Trainee pods on Kubernetes (Zero to JupyterHub): KubeSpawner with the trainee's own exchange.

Every pod runs as the same non-root uid, so the isolation that Unix users give on one machine comes
from what is mounted: the course volume (one ReadWriteMany claim, mounted whole only in the hub pod)
reaches a trainee pod as ``subPath`` mounts of exactly

- each released paper of *this* trainee, ``outbound/<assignment>/<trainee>``, read-only;
- the exam windows, read-only (submission refuses hand-ins outside the window);
- this trainee's own hand-in folder ``inbound-pods/<trainee>``, where nbgrader submits
  (``assess collect`` gathers it, ``exchange/pods.py``).

No service-account token is mounted; the pod's uid, limits and guarantees come from the generated
Helm values (``hub/kubernetes.py``). Needs the optional ``jupyterhub-kubespawner`` package.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from kubespawner import KubeSpawner
from traitlets import Unicode

from zhiben_training.assess import CourseRoot, ExchangeRoot

__all__ = ["ZhibenKubeSpawner", "trainee_mounts"]

VOLUME = "zhiben-course"


def trainee_mounts(course_root: str, trainee: str, *, pod_exchange: str,
                   assignments: list[str]) -> list[dict]:
    """The volume mounts of one trainee's pod: (``subPath`` below the course volume → path in the pod)."""
    root = PurePosixPath(course_root)
    volume = CourseRoot(root).exchange_layout  # the exchange on the course volume
    pod = ExchangeRoot(PurePosixPath(pod_exchange))  # the same exchange as the pod sees it

    def below(path) -> str:
        return str(PurePosixPath(path).relative_to(root))

    mounts = [{"name": VOLUME, "subPath": below(volume.released_dir(a, trainee)),
               "mountPath": str(pod.released_dir(a, trainee)), "readOnly": True}
              for a in assignments]
    mounts.append({"name": VOLUME, "subPath": below(volume.windows_dir),
                   "mountPath": str(pod.windows_dir), "readOnly": True})
    mounts.append({"name": VOLUME, "subPath": below(volume.pod_inbound_dir(trainee)),
                   "mountPath": str(pod.inbound), "readOnly": False})
    return mounts


class ZhibenKubeSpawner(KubeSpawner):
    course_root = Unicode("/srv/zhiben/course",
                          help="Where the hub pod mounts the course volume "
                               "(claim course_claim).").tag(config=True)
    course_claim = Unicode("zhiben-course", help="The ReadWriteMany claim holding the course "
                           "root.").tag(config=True)
    pod_exchange = Unicode("/srv/zhiben/exchange",
                           help="The exchange path inside trainee pods "
                                "(the image's nbgrader_config).").tag(config=True)

    def _released_to(self, trainee: str) -> list[str]:
        outbound = CourseRoot(self.course_root).exchange_layout.outbound
        if not outbound.is_dir():
            return []
        return sorted(a.name for a in outbound.iterdir() if (a / trainee).is_dir())

    async def get_pod_manifest(self):
        trainee = self.user.name
        own_inbound = CourseRoot(self.course_root).pod_inbound_dir(trainee)
        # the hub pod: make the trainee's hand-in folder, owned by the pods' uid
        if Path(self.course_root).is_dir():
            own_inbound.mkdir(parents=True, exist_ok=True)
        self.volumes = [v for v in self._sorted_dict_values(self.volumes) if v.get("name") != VOLUME] + [
            {"name": VOLUME, "persistentVolumeClaim": {"claimName": self.course_claim}}]
        self.volume_mounts = [m for m in self._sorted_dict_values(self.volume_mounts)
                              if m.get("name") != VOLUME] + \
            trainee_mounts(self.course_root, trainee, pod_exchange=self.pod_exchange,
                           assignments=self._released_to(trainee))
        return await super().get_pod_manifest()
