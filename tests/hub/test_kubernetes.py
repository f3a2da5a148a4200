"""The Kubernetes deployment: what `zhiben hub config --kubernetes` writes, and the trainee pod that
KubeSpawner's own code builds from it (no cluster: the pod manifest is made, never sent)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from traitlets.config import Config

from zhiben_training.assess.exchange import gather_pod_handins, outbound_dir, pod_inbound_dir
from zhiben_training.cli import main

pytest.importorskip("kubespawner", reason="pip install 'zhiben-training[kubernetes]'")

REPO = Path(__file__).resolve().parents[2]
TRAINEE, OTHER = "120101198001010011", "120101198202020022"

# a kube config naming a loopback API server that is never contacted (KubeSpawner reads one at start)
KUBECONFIG = """apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:9"}}]
users: [{name: none, user: {token: unused}}]
contexts: [{name: none, context: {cluster: none, user: none, namespace: zhiben}}]
current-context: none
"""


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("k8s") / "deploy"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(REPO)  # the project folder: assessments/lab/ and course/ are read from it
        assert main(["hub", "config", "--kubernetes", "--dir", str(out)]) == 0
    return out


def _course(tmp_path: Path) -> Path:
    course = tmp_path / "course-root"
    for assignment in ("2026-A", "2026-C"):
        for trainee in (TRAINEE, OTHER):
            (outbound_dir(course, assignment) / trainee).mkdir(parents=True)
    (outbound_dir(course, "2026-X") / OTHER).mkdir(parents=True)  # released to the other trainee only
    return course


def _pod(values: dict, course: Path, monkeypatch, tmp_path: Path):
    from zhiben_training.hub.kube_spawner import ZhibenKubeSpawner

    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(KUBECONFIG, encoding="utf-8")
    # kubernetes_asyncio reads $KUBECONFIG once, at import: name the file where it looks
    from kubernetes_asyncio.config import kube_config

    monkeypatch.setattr(kube_config, "KUBE_CONFIG_DEFAULT_LOCATION", str(kubeconfig))
    config = Config(values["hub"]["config"])
    config.ZhibenKubeSpawner.course_root = str(course)
    user = SimpleNamespace(name=TRAINEE, id=7, url=f"/user/{TRAINEE}/", escaped_name=TRAINEE)

    async def build():
        from kubernetes_asyncio.client import ApiClient

        spawner = ZhibenKubeSpawner(config=config, _mock=True, user=user)
        pod = await spawner.get_pod_manifest()
        async with ApiClient() as api:  # the JSON the API server would receive
            return api.sanitize_for_serialization(pod)

    return asyncio.run(build())


def test_the_values_name_our_login_and_spawner_and_close_the_network(deployment):
    values = yaml.safe_load((deployment / "values.yaml").read_text(encoding="utf-8"))
    hub = values["hub"]["config"]["JupyterHub"]
    assert hub["authenticator_class"].endswith("ExamCodeAuthenticator")
    assert hub["spawner_class"] == "zhiben_training.hub.kube_spawner.ZhibenKubeSpawner"
    rules = values["singleuser"]["networkPolicy"]
    assert rules["enabled"] is True
    # no internet and no other pod (trainee pods have private addresses); DNS and the hub stay reachable
    assert rules["egressAllowRules"]["nonPrivateIPs"] is False
    assert rules["egressAllowRules"]["privateIPs"] is False
    assert rules["egressAllowRules"]["cloudMetadataServer"] is False
    assert values["cull"]["enabled"] is True
    assert values["singleuser"]["memory"] == {"guarantee": "165M", "limit": "512M"}


def test_the_trainee_image_carries_the_package_the_course_and_the_chinese_language_pack(deployment):
    dockerfile = (deployment / "Dockerfile").read_text(encoding="utf-8")
    assert "jupyterlab-language-pack-zh-cn" in dockerfile
    assert "COPY course/ /opt/zhiben/course/" in dockerfile
    assert "\nUSER 1000\n" in dockerfile
    assert sorted(p.name for p in (deployment / "course").glob("*.ipynb")) == \
        sorted(p.name for p in (REPO / "course").glob("*.ipynb"))
    nbgrader_config = (deployment / "trainee-config" / "nbgrader_config.py").read_text(encoding="utf-8")
    assert "c.Exchange.root = '/srv/zhiben/exchange'" in nbgrader_config
    assert "PersonalSubmit" in nbgrader_config
    assert (deployment / "lab" / "zhiben-paper" / "package.json").exists()


def test_kubespawner_builds_a_pod_that_sees_only_the_trainees_own_papers(deployment, monkeypatch, tmp_path):
    values = yaml.safe_load((deployment / "values.yaml").read_text(encoding="utf-8"))
    course = _course(tmp_path)
    pod = _pod(values, course, monkeypatch, tmp_path)
    container = pod["spec"]["containers"][0]
    # non-root, no way up, no service-account token
    assert container["securityContext"]["runAsUser"] == 1000
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert pod["spec"]["automountServiceAccountToken"] is False
    # the guarantees and limits from the measured numbers (JupyterHub reads "165M" as 165 MiB)
    assert container["resources"] == {"requests": {"memory": 165 * 2**20, "cpu": 0.1},
                                      "limits": {"memory": 512 * 2**20, "cpu": 1.0}}
    claims = [v["persistentVolumeClaim"]["claimName"] for v in pod["spec"]["volumes"]
              if "persistentVolumeClaim" in v]
    assert claims == ["zhiben-course"]
    mounts = {m["mountPath"]: m for m in container["volumeMounts"] if m["name"] == "zhiben-course"}
    exchange = "/srv/zhiben/exchange/zhiben"
    assert sorted(mounts) == sorted([f"{exchange}/outbound/2026-A/{TRAINEE}",
                                     f"{exchange}/outbound/2026-C/{TRAINEE}", f"{exchange}/windows",
                                     f"{exchange}/inbound"])
    for path, mount in mounts.items():
        assert OTHER not in path and OTHER not in mount["subPath"]
        assert mount.get("readOnly", False) is (path != f"{exchange}/inbound"), path
    assert mounts[f"{exchange}/outbound/2026-A/{TRAINEE}"]["subPath"] == \
        f"exchange/zhiben/outbound/2026-A/{TRAINEE}"
    # hand-ins go to the trainee's own folder of the volume, made by the hub before the pod starts
    assert mounts[f"{exchange}/inbound"]["subPath"] == f"exchange/zhiben/inbound-pods/{TRAINEE}"
    assert pod_inbound_dir(course, TRAINEE).is_dir()
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["JUPYTER_CONFIG_PATH"] == "/etc/zhiben/trainee-config"
    assert env["JUPYTERHUB_USER"] == TRAINEE


def test_a_pods_hand_in_counts_only_for_the_trainee_whose_folder_it_is(tmp_path):
    course = _course(tmp_path)
    own = pod_inbound_dir(course, TRAINEE)
    (own / f"{TRAINEE}+2026-A+2026-06-26 09:30:00.000000 UTC+abc").mkdir(parents=True)
    (own / f"{TRAINEE}+2026-A+2026-06-26 09:30:00.000000 UTC+abc" / "paper.ipynb").write_text("{}")
    forged = own / f"{OTHER}+2026-A+2026-06-26 09:31:00.000000 UTC+def"  # written by TRAINEE's pod
    forged.mkdir()
    (forged / "paper.ipynb").write_text("{}")
    (own / f"{TRAINEE}+2026-C+2026-06-26 09:32:00.000000 UTC+ghi").mkdir()  # another assignment: left
    found = gather_pod_handins(course, "2026-A")
    assert [(h.trainee, h.folder.split("+")[0], h.accepted) for h in found] == [
        (TRAINEE, TRAINEE, True), (TRAINEE, OTHER, False)]
    assert "不予收取" in found[1].reason
    inbound = sorted(p.name for p in (course / "exchange" / "zhiben" / "inbound").iterdir())
    assert inbound == [f"{TRAINEE}+2026-A+2026-06-26 09:30:00.000000 UTC+abc"]
    again = gather_pod_handins(course, "2026-A")  # a second collect moves nothing twice
    assert [h.accepted for h in again] == [False]
    assert sorted(p.name for p in (course / "exchange" / "zhiben" / "inbound").iterdir()) == inbound


def test_without_the_course_folder_the_command_says_so_in_chinese(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # not the project folder: no course/ here
    assert main(["hub", "config", "--kubernetes", "--dir", str(tmp_path / "k")]) == 2
    assert "找不到课程目录" in capsys.readouterr().err


def _hub_config(values: dict, *, loaded_by_the_chart: list[dict]) -> Config:
    """What the chart's jupyterhub_config.py makes of our values: its own roles loaded first (the
    culler's), then hub.services and hub.loadRoles, then each extraConfig snippet in key order."""
    c = Config()
    c.JupyterHub.load_roles = list(loaded_by_the_chart)
    c.JupyterHub.services = []
    for key, service in values["hub"].get("services", {}).items():
        c.JupyterHub.services.append({**service, "name": key})
    for key, role in values["hub"].get("loadRoles", {}).items():
        c.JupyterHub.load_roles.append({**role, "name": key})
    for _key, snippet in sorted(values["hub"]["extraConfig"].items()):
        exec(compile(snippet, "extraConfig", "exec"), {"c": c})  # noqa: S102 - our own generated config
    return c


def test_the_values_run_the_same_prestart_service_over_the_course_volumes_windows(deployment):
    values = yaml.safe_load((deployment / "values.yaml").read_text(encoding="utf-8"))
    command = values["hub"]["services"]["zhiben-prestart"]["command"]
    assert command[:3] == ["python3", "-m", "zhiben_training.hub.prestart"]
    options = dict(zip(command[3::2], command[4::2], strict=True))
    # where the hub pod mounts the exchange and its windows
    assert options["--course"] == "/srv/zhiben/course"
    assert options["--lead-minutes"] == "20"
    # each new pod is warmed through the chart's proxy
    assert options["--public-url"] == "http://proxy-public"
    assert "--session-start" not in options
    role = values["hub"]["loadRoles"]["zhiben-prestart"]
    assert role["services"] == ["zhiben-prestart"] and "admin:servers" in role["scopes"]


def test_the_extra_config_adds_our_roles_and_the_queue_page_without_dropping_the_charts_own(deployment):
    values = yaml.safe_load((deployment / "values.yaml").read_text(encoding="utf-8"))
    culler = {"name": "jupyterhub-idle-culler", "scopes": ["list:users", "admin:servers"]}
    c = _hub_config(values, loaded_by_the_chart=[culler])
    names = [role["name"] for role in c.JupyterHub.load_roles]
    assert names == ["jupyterhub-idle-culler", "zhiben-prestart", "zhiben-examiner", "zhiben-trainer"]
    assert [s["name"] for s in c.JupyterHub.services] == ["zhiben-prestart"]
    assert c.JupyterHub.template_vars["zhiben_queue"](None) == {}


def test_a_lesson_session_on_kubernetes_prestarts_for_its_start_time(tmp_path):
    out = tmp_path / "deploy"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(REPO)
        assert main(["hub", "config", "--kubernetes", "--dir", str(out), "--lessons", "course",
                     "--prestart-minutes", "15", "--session-start", "2026-03-12 09:00",
                     "--session-end", "2026-03-12 17:00"]) == 0
    values = yaml.safe_load((out / "values.yaml").read_text(encoding="utf-8"))
    command = values["hub"]["services"]["zhiben-prestart"]["command"]
    options = dict(zip(command[3::2], command[4::2], strict=True))
    assert options["--lead-minutes"] == "15"
    assert options["--session-start"] == "2026-03-12T01:00:00+00:00"  # 09:00 Beijing time
    assert options["--session-end"] == "2026-03-12T09:00:00+00:00"


def test_with_prestart_off_the_values_have_no_prestart_service(tmp_path):
    out = tmp_path / "deploy"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(REPO)
        assert main(["hub", "config", "--kubernetes", "--dir", str(out), "--no-prestart"]) == 0
    values = yaml.safe_load((out / "values.yaml").read_text(encoding="utf-8"))
    assert "services" not in values["hub"] and "loadRoles" not in values["hub"]
    assert list(values["hub"]["extraConfig"]) == ["zhiben"]
