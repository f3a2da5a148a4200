"""What a Zero-to-JupyterHub deployment of the exam hub needs, written as files.

``write_kubernetes`` writes a folder with

- ``values.yaml``: Helm values for the ``jupyterhub`` chart — the 准考证号 authenticator and the
  examiner/trainer roles, the pre-start service (``hub.services``: the same ``hub/prestart.py`` as on one
  machine, run in the hub pod over the course volume's exam windows or a lesson session's start, with its
  role in ``hub.loadRoles``), ``ZhibenKubeSpawner`` (each pod mounts only its own papers and hand-in
  folder, ``hub/kube_spawner.py``), the pods' uid, guarantees and limits, culling, and a
  NetworkPolicy that lets trainee pods reach the hub and DNS only (not each other, not the internet);
- ``Dockerfile`` (trainee image: this package, the course, the lab settings and the Chinese language
  pack) and ``Dockerfile.hub`` (the chart's hub image plus this package);
- ``trainee-config/`` baked into the trainee image, the same files a one-machine hub writes;
- ``README.md``: the commands, in order.

Nothing here talks to a cluster. The figures come from the one-machine measurements
(docs/deployment.md); change them with the options when the cluster's own numbers are known.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from zhiben_training.assess import CourseRoot
from zhiben_training.errors import ConfigError
from zhiben_training.hub.config import LAUNCHER, PRESTART_ROLE, prestart_command, write_trainee_config

__all__ = ["PodSize", "write_kubernetes", "COURSE_MOUNT", "POD_EXCHANGE", "TRAINEE_CONFIG"]

COURSE_MOUNT = "/srv/zhiben/course"  # the course volume in the hub pod
POD_EXCHANGE = "/srv/zhiben/exchange"  # where a trainee pod sees its part of the exchange
TRAINEE_CONFIG = "/etc/zhiben/trainee-config"
TRAINEE_UID, TRAINEE_GID = 1000, 100
# the chart's proxy service, from the hub pod: the service warms each new pod
PUBLIC_URL = "http://proxy-public"
# the hub pod's own volume (the chart's hub database folder)
PRESTART_STATUS = "/srv/jupyterhub/prestart.json"


@dataclass(frozen=True)
class PodSize:
    """A trainee pod's resources. The guarantee is the measured USS of one trainee with the paper
    open (165 MB: 130 MB server + 35 MB kernel, docs/deployment.md); the limit leaves room for a
    lesson kernel with pandas and matplotlib."""

    mem_guarantee: str = "165M"
    mem_limit: str = "512M"
    cpu_guarantee: float = 0.1
    cpu_limit: float = 1.0


_EXTRA_CONFIG = '''\
# written by `zhiben hub config --kubernetes`: the hub's pages in Chinese and the staff roles (added to
# the roles the chart loads: the culler's and hub.loadRoles)
from zhiben_training.hub.config import GROUP_ROLES, TEMPLATES
c.JupyterHub.template_paths = [str(TEMPLATES)]
c.JupyterHub.load_roles.extend(GROUP_ROLES)
'''

# the waiting page's place in the pre-start queue (templates/spawn_pending.html), as on one machine
_EXTRA_PRESTART = '''\
from zhiben_training.hub.prestart import queue_place
c.JupyterHub.template_vars = {{"zhiben_queue": \
lambda user: queue_place({status!r}, user.name) if user else {{}}}}
'''

_DOCKERFILE = '''\
# The trainee image (written by `zhiben hub config --kubernetes`). Build context: this folder, after
# `python -m pip wheel --no-deps -w wheels <the zhiben-training checkout>`.
FROM python:3.11-slim
ENV LANG=C.UTF-8 JUPYTER_CONFIG_PATH={trainee_config}
RUN useradd --create-home --uid {uid} --gid {gid} jovyan
COPY wheels/ /tmp/wheels/
RUN pip install --no-cache-dir /tmp/wheels/*.whl "jupyterhub>=5.2,<7" jupyterlab-language-pack-zh-cn \\
 && rm -rf /tmp/wheels
COPY trainee-config/ {trainee_config}/
COPY lab/overrides.json /usr/local/share/jupyter/lab/settings/overrides.json
COPY lab/jupyter_server_config.json /usr/local/etc/jupyter/jupyter_server_config.d/zhiben.json
COPY lab/zhiben-paper/ /usr/local/share/jupyter/labextensions/zhiben-paper/
COPY course/ /opt/zhiben/course/
USER {uid}
WORKDIR /home/jovyan
'''

_DOCKERFILE_HUB = '''\
# The hub image (written by `zhiben hub config --kubernetes`): the chart's own hub image plus this
# package (the 准考证号 authenticator, ZhibenKubeSpawner, the Chinese pages). Same build context.
FROM quay.io/jupyterhub/k8s-hub:{chart_version}
COPY wheels/ /tmp/wheels/
RUN pip install --no-cache-dir /tmp/wheels/*.whl && rm -rf /tmp/wheels
'''

_README = '''\
# zhiben exam hub on Kubernetes (Zero to JupyterHub {chart_version})

1. A ReadWriteMany volume claim `{claim}` (NFS, CephFS …) in namespace `{namespace}` holds the course
   root (`assessments/`): the examiner generates and releases papers into it as on one machine.
2. `python -m pip wheel --no-deps -w wheels <zhiben-training checkout>`, then build and push both images:
   `docker build -t {image}:{tag} .` and `docker build -f Dockerfile.hub -t {hub_image}:{tag} .`
3. `helm upgrade --install zhiben jupyterhub --repo https://hub.jupyter.org/helm-chart/
   --version {chart_version} --namespace {namespace} --values values.yaml`
4. Trainees log in with ID number and 准考证号 as on one machine; `assess collect` gathers each pod's
   hand-in folder (`{pod_inbound}/`) before nbgrader's collect.

Each trainee pod mounts only its own released paper (read-only), the exam windows (read-only) and its
own hand-in folder; it has no service-account token, runs as uid {uid}, and its NetworkPolicy allows the
hub and DNS only. Pod size: {size}.
'''


def _prestart(minutes: float | None, throttle: int, session_start, session_end) -> dict:
    """The chart's ``hub.services`` / ``hub.loadRoles`` entries and extra config of the pre-start service."""
    if minutes is None:
        return {}
    command = prestart_command("python3", course=COURSE_MOUNT, status=PRESTART_STATUS, lead_minutes=minutes,
                               throttle=throttle, session_start=session_start, session_end=session_end,
                               public_url=PUBLIC_URL)
    role = {k: v for k, v in PRESTART_ROLE.items() if k != "name"}
    return {"services": {PRESTART_ROLE["name"]: {"command": command}},
            "loadRoles": {PRESTART_ROLE["name"]: role},
            "extraConfig": {"zhiben-prestart": _EXTRA_PRESTART.format(status=PRESTART_STATUS)}}


def _values(*, image: str, tag: str, hub_image: str, claim: str, size: PodSize, cull_timeout: int,
            spawn_limit: int, prestart: dict) -> dict:
    spawner = {
        "course_root": COURSE_MOUNT, "course_claim": claim, "pod_exchange": POD_EXCHANGE,
        "uid": TRAINEE_UID, "gid": TRAINEE_GID, "fs_gid": TRAINEE_GID,
        "automount_service_account_token": False, "allow_privilege_escalation": False,
        "mem_guarantee": size.mem_guarantee, "mem_limit": size.mem_limit,
        "cpu_guarantee": size.cpu_guarantee, "cpu_limit": size.cpu_limit,
        "default_url": "/lab",
        "cmd": ["python", f"{TRAINEE_CONFIG}/{LAUNCHER}", "jupyterhub.singleuser"],
        "environment": {"JUPYTER_CONFIG_PATH": TRAINEE_CONFIG, "LANG": "C.UTF-8"},
    }
    volume = {"name": "zhiben-course", "persistentVolumeClaim": {"claimName": claim}}
    return {
        "hub": {
            "image": {"name": hub_image, "tag": tag},
            "config": {
                "JupyterHub": {
                    "authenticator_class": "zhiben_training.hub.authenticator.ExamCodeAuthenticator",
                    "spawner_class": "zhiben_training.hub.kube_spawner.ZhibenKubeSpawner",
                    "concurrent_spawn_limit": spawn_limit,
                },
                "ExamCodeAuthenticator": {"course_root": COURSE_MOUNT},
                "ZhibenKubeSpawner": spawner,
            },
            **{k: v for k, v in prestart.items() if k != "extraConfig"},
            "extraConfig": {"zhiben": _EXTRA_CONFIG, **prestart.get("extraConfig", {})},
            "extraVolumes": [volume],
            "extraVolumeMounts": [{"name": "zhiben-course", "mountPath": COURSE_MOUNT}],
        },
        "singleuser": {
            "image": {"name": image, "tag": tag},
            "uid": TRAINEE_UID,
            "fsGid": TRAINEE_GID,
            "cmd": ["python", f"{TRAINEE_CONFIG}/{LAUNCHER}", "jupyterhub.singleuser"],
            "defaultUrl": "/lab",
            "memory": {"guarantee": size.mem_guarantee, "limit": size.mem_limit},
            "cpu": {"guarantee": size.cpu_guarantee, "limit": size.cpu_limit},
            "extraEnv": {"JUPYTER_CONFIG_PATH": TRAINEE_CONFIG, "LANG": "C.UTF-8"},
            # the trainee's home: answers saved in the paper survive a pod that dies
            "storage": {"type": "dynamic", "capacity": "1Gi", "homeMountPath": "/home/jovyan"},
            "networkPolicy": {
                "enabled": True,
                # ingress: the chart lets only the hub and the proxy in (not other trainee pods)
                "egressAllowRules": {
                    "cloudMetadataServer": False, "dnsPortsCloudMetadataServer": True,
                    "dnsPortsKubeSystemNamespace": True, "dnsPortsPrivateIPs": True,
                    "nonPrivateIPs": False, "privateIPs": False,
                },
            },
        },
        "cull": {"enabled": True, "users": False, "timeout": cull_timeout, "every": 300},
    }


def write_kubernetes(out: Path, *, course_dir: Path, lab_dir: Path, image: str = "zhiben-trainee",
                     hub_image: str = "zhiben-hub", tag: str = "latest", claim: str = "zhiben-course",
                     namespace: str = "zhiben", chart_version: str = "4.4.0", size: PodSize | None = None,
                     cull_timeout: int = 7200, spawn_limit: int = 100, prestart_minutes: float | None = 20,
                     prestart_throttle: int = 10, session_start: dt.datetime | None = None,
                     session_end: dt.datetime | None = None) -> list[Path]:
    """Write the deployment folder ``out``; returns the files written. ``course_dir`` (the lessons) and
    ``lab_dir`` (``assessments/lab``) are copied into the image's build context. The pre-start options
    are those of ``write_hub_config``; ``prestart_throttle`` pods start at once (a cluster's figure, not
    measured here: set it from the cluster's pod start rate)."""
    import yaml

    class _Dumper(yaml.SafeDumper):  # Python snippets as literal blocks, readable in the file
        pass

    _Dumper.add_representer(str, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v,
                                                                 style="|" if "\n" in v else None))
    lab = Path(lab_dir)
    for needed, what in ((Path(course_dir), "课程目录"), (lab / "zhiben-paper" / "prebuilt", "试卷界面扩展")):
        if not needed.is_dir():
            raise ConfigError(f"找不到{what} {needed}，无法生成考生镜像。",
                              hint="请在 zhiben-training 项目目录中运行，或用 --lessons 指定课程目录。")
    size = size or PodSize()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    values = _values(image=image, tag=tag, hub_image=hub_image, claim=claim, size=size,
                     cull_timeout=cull_timeout, spawn_limit=spawn_limit,
                     prestart=_prestart(prestart_minutes, prestart_throttle, session_start, session_end))
    written = [out / "values.yaml", out / "Dockerfile", out / "Dockerfile.hub", out / "README.md"]
    written[0].write_text("# Zero to JupyterHub values for the zhiben exam hub "
                          "(zhiben hub config --kubernetes)\n"
                          + yaml.dump(values, Dumper=_Dumper, allow_unicode=True, sort_keys=False),
                          encoding="utf-8")
    written[1].write_text(_DOCKERFILE.format(trainee_config=TRAINEE_CONFIG, uid=TRAINEE_UID, gid=TRAINEE_GID),
                          encoding="utf-8")
    written[2].write_text(_DOCKERFILE_HUB.format(chart_version=chart_version), encoding="utf-8")
    written[3].write_text(_README.format(chart_version=chart_version, claim=claim, namespace=namespace,
                                         pod_inbound=CourseRoot(Path()).pod_inbound_dir("<trainee>"),
                                         image=image, hub_image=hub_image, tag=tag, uid=TRAINEE_UID,
                                         size=asdict(size)), encoding="utf-8")
    write_trainee_config(out / "trainee-config", exchange_root=POD_EXCHANGE)
    for source, target in ((Path(course_dir), out / "course"),
                           (lab / "zhiben-paper" / "prebuilt", out / "lab" / "zhiben-paper")):
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns(".*", "__pycache__"))
    for name in ("overrides.json", "jupyter_server_config.json"):
        shutil.copy2(lab / name, out / "lab" / name)
    return written
