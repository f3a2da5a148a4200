"""`zhiben hub` on a temporary course: printable admission list, codes only as hashes, the window,
and a generated config that listens on loopback only."""

from __future__ import annotations

import csv
import json

import pytest

from tests.hub.harness import AID
from zhiben_training.assess.exchange.window import load_window
from zhiben_training.cli import main
from zhiben_training.hub.codes import check_login


def test_release_prints_an_admission_list_and_keeps_only_hashes(course, capsys):
    assert main(["hub", "release", "--course", str(course), "-a", AID]) == 0
    listing = course / "hub" / f"准考证-{AID}.csv"
    rows = list(csv.DictReader(listing.open(encoding="utf-8-sig")))
    assert [r["身份证号"] for r in rows] == ["T001", "T002", "T003"]
    assert listing.stat().st_mode & 0o077 == 0
    stored = (course / "hub" / "codes.json").read_text(encoding="utf-8")
    assert all(r["准考证号"] not in stored for r in rows)
    assert check_login(course, "t001", rows[0]["准考证号"]).role == "trainee"
    assert (course / "exchange" / "zhiben" / "outbound" / AID / "T002" / "paper.ipynb").exists()


def test_window_and_extension_are_set_in_beijing_time_and_logged(course, capsys):
    assert main(["hub", "window", "--course", str(course), "-a", AID, "--opens", "2026-06-01 09:00",
                 "--closes", "2026-06-01 11:00", "--by", "考核人员甲"]) == 0
    assert "2026-06-01 09:00（北京时间） 开考" in capsys.readouterr().out
    assert load_window(course, AID).closes_at == "2026-06-01T03:00:00+00:00"
    assert main(["hub", "extend", "--course", str(course), "-a", AID, "--trainee", "T002",
                 "--until", "2026-06-01 11:30"]) == 0
    assert load_window(course, AID).extensions == {"T002": "2026-06-01T03:30:00+00:00"}
    assert main(["hub", "window", "--course", str(course), "-a", AID, "--opens", "2026-06-01 09:00",
                 "--closes", "2026-06-01 08:00"]) == 2
    assert "结束时间必须晚于开始时间" in capsys.readouterr().err


def test_config_listens_on_loopback_and_names_our_classes(course, tmp_path, capsys):
    assert main(["hub", "config", "--course", str(course), "--dir", str(tmp_path / "hub-run"),
                 "--home-root", str(tmp_path / "home"), "--port", "8123"]) == 0
    text = (tmp_path / "hub-run" / "jupyterhub_config.py").read_text(encoding="utf-8")
    assert "c.JupyterHub.ip = '127.0.0.1'" in text and "c.JupyterHub.port = 8123" in text
    assert "ExamCodeAuthenticator" in text and "TraineeSpawner" in text \
        and "zhiben_training.hub.proxy" in text
    compile(text, "jupyterhub_config.py", "exec")
    nbgrader = (tmp_path / "hub-run" / "trainee-config" / "nbgrader_config.py").read_text(encoding="utf-8")
    assert "PersonalFetchAssignment" in nbgrader and str(course.resolve() / "exchange") in nbgrader
    server = json.loads((tmp_path / "hub-run" / "trainee-config" / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is False
    page = json.loads(
        (tmp_path / "hub-run" / "trainee-config" / "labconfig" / "page_config.json").read_text())
    hidden = page["disabledExtensions"]  # the trainee's lab: no authoring panels, no debugger
    assert hidden["@jupyter/nbgrader:create-assignment"] and hidden["@jupyterlab/debugger-extension"]
    # no English "Nbgrader" menu or Assignment List: the paper has its own 交卷 button (lib/handin.js)
    assert hidden["@jupyter/nbgrader:menu"] and hidden["@jupyter/nbgrader:assignment-list"]
    assert json.loads(page["zhibenHandIn"]) == {"course_id": "zhiben", "receipt": "交卷回执-{assignment}.txt"}
    assert server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.assignment_list"] is True
    # the paper's lab plugin as the checkout built it (the 交卷 button), found through JUPYTER_PATH
    from zhiben_training.assess.exchange import lab_plugin_dir

    served = tmp_path / "hub-run" / "trainee-config" / "labextensions" / "zhiben-paper"
    assert (served / "package.json").read_bytes() == (lab_plugin_dir() / "package.json").read_bytes()
    assert f"'JUPYTER_PATH': '{served.parent.parent}'" in text


def test_the_paper_is_placed_in_the_home_with_or_without_prestart(tmp_path):
    """Nobody fetches: the spawner puts the trainee's paper into the home at start either way."""
    from zhiben_training.hub.config import write_hub_config

    for lead in (None, 20):
        config = write_hub_config(tmp_path / f"hub-{lead}", course_root=tmp_path / "course",
                                  home_root=tmp_path / "home", prestart_minutes=lead)
        text = config.read_text(encoding="utf-8")
        assert text.count("c.TraineeSpawner.place_papers = True") == 1, lead


def test_a_lesson_session_gives_trainees_the_learners_lab_and_an_exam_keeps_validate_without_nbgrader_panels(
        course, tmp_path):
    """With --lessons the trainee servers get the learner's lab (no nbgrader menu or panels, no link to
    the classic notebook they do not run, no status bar); an exam's trainees keep Validate (检查作答情况)
    and hand in with the paper's 交卷 button, so they too have no Nbgrader menu, Assignments panel or
    classic-notebook link."""
    lessons = tmp_path / "课程"
    lessons.mkdir()
    for name, extra in (("exam", []), ("session", ["--lessons", str(lessons)])):
        assert main(["hub", "config", "--course", str(course), "--dir", str(tmp_path / name),
                     "--home-root", str(tmp_path / "home"), *extra]) == 0
    config = {name: tmp_path / name / "trainee-config" for name in ("exam", "session")}
    hidden = {name: json.loads((c / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
              for name, c in config.items()}
    assert "@jupyter/nbgrader:validate-assignment" not in hidden["exam"]
    for plugin in ("@jupyter/nbgrader:menu", "@jupyter/nbgrader:assignment-list",
                   "@jupyter-notebook/lab-extension:interface-switcher"):
        assert hidden["exam"][plugin] is True, plugin
    for plugin in ("@jupyter/nbgrader:menu", "@jupyter/nbgrader:assignment-list",
                   "@jupyter/nbgrader:validate-assignment",
                   "@jupyter-notebook/lab-extension:interface-switcher"):
        assert hidden["session"][plugin] is True, plugin
    for c in config.values():  # exam and session: Chinese, no status bar, found beside the config file
        settings = json.loads((c / "lab-settings" / "overrides.json").read_text(encoding="utf-8"))
        assert settings["@jupyterlab/translation-extension:plugin"] == {"locale": "zh_CN"}
        assert settings["@jupyterlab/statusbar-extension:plugin"] == {"visible": False}
        assert settings["@jupyter-widgets/jupyterlab-manager:plugin"] == {"saveState": True}
        from traitlets.config.loader import PyFileConfigLoader

        loaded = PyFileConfigLoader("jupyter_server_config.py", path=str(c)).load_config()
        assert loaded.LabApp.app_settings_dir == str(c / "lab-settings")


@pytest.mark.hub
def test_start_check_brings_the_hub_up_on_loopback_and_stops_it(course, tmp_path, capsys):
    """The examiner's rehearsal: a real hub and proxy start, show the Chinese login page, and stop."""
    import psutil

    from tests.hub.harness import free_port

    hub_dir, port = tmp_path / "hub-run", free_port()
    assert main(["hub", "config", "--course", str(course), "--dir", str(hub_dir),
                 "--home-root", str(tmp_path / "home"), "--port", str(port)]) == 0
    assert main(["hub", "start", "--dir", str(hub_dir), "--check"]) == 0
    assert "已显示身份证号 + 准考证号登录页，已停止" in capsys.readouterr().out
    assert "c.JupyterHub.db_url" in (hub_dir / "jupyterhub_config.py").read_text(encoding="utf-8")
    assert (hub_dir / "jupyterhub.sqlite").exists()  # it really started

    def ours(proc) -> bool:  # the hub (its config path) or its proxy (its API port)
        line = " ".join(proc.info["cmdline"] or [])
        return str(hub_dir) in line or f"--api-port {port + 1}" in line or f"--api-port={port + 1}" in line

    assert [p.pid for p in psutil.process_iter(["cmdline"]) if ours(p)] == []
    assert not (hub_dir / "jupyterhub-proxy.pid").exists()


def test_start_check_without_a_config_says_what_to_run_first(tmp_path, capsys):
    assert main(["hub", "start", "--dir", str(tmp_path), "--check"]) == 2
    assert "先运行 zhiben hub config" in capsys.readouterr().err
