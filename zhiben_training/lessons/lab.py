"""The learner's JupyterLab for the course (``zhiben lessons open``): Chinese menus, no nbgrader panels.

The lessons themselves open ready and show no code by their metadata (``build.py``, read by the
``zhiben-paper:open-ready`` lab plugin, as on the hub). What a notebook cannot say for itself is set
here, in the hidden folder ``.zhiben-lab/`` beside the lessons: the language (``zh_CN``, the installed
``jupyterlab-language-pack-zh-cn``), widget state saved with the notebook, and the lab plugins a
learner has no use for (nbgrader's authoring, grading and assignment panels, the debugger). The
trainer's view is ``zhiben lessons build --trainer --out 讲师版`` opened in any JupyterLab.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LEARNER_DISABLED", "LEARNER_SETTINGS", "LearnerLab", "learner_lab"]

LAB_DIR = ".zhiben-lab"
LEARNER_DISABLED = {
    "@jupyter/nbgrader:formgrader": True, "@jupyter/nbgrader:course-list": True,
    "@jupyter/nbgrader:create-assignment": True, "@jupyter/nbgrader:assignment-list": True,
    "@jupyter/nbgrader:validate-assignment": True, "@jupyter/nbgrader:menu": True,
    "@jupyterlab/debugger-extension": True,
    "@jupyterlab/apputils-extension:announcements": True,
}
LEARNER_SETTINGS = {
    "@jupyterlab/translation-extension:plugin": {"locale": "zh_CN"},
    "@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": True},
    # kernel name, "Cell 1/28", line and column: a programmer's status line, in English
    "@jupyterlab/statusbar-extension:plugin": {"visible": False},
}


@dataclass(frozen=True)
class LearnerLab:
    env: dict[str, str]  # to set for the lab process
    args: tuple[str, ...]  # extra jupyterlab arguments


def learner_lab(folder: Path) -> LearnerLab:
    """Write ``<folder>/.zhiben-lab/`` and return how to start a learner's lab on ``folder``."""
    base = Path(folder).resolve() / LAB_DIR
    (base / "config" / "labconfig").mkdir(parents=True, exist_ok=True)
    (base / "settings").mkdir(parents=True, exist_ok=True)
    (base / "config" / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": LEARNER_DISABLED}, indent=1), encoding="utf-8")
    (base / "settings" / "overrides.json").write_text(
        json.dumps(LEARNER_SETTINGS, indent=1, ensure_ascii=False), encoding="utf-8")
    config_path = os.pathsep.join(p for p in (str(base / "config"), os.environ.get("JUPYTER_CONFIG_PATH", ""))
                                  if p)
    return LearnerLab(env={"JUPYTER_CONFIG_PATH": config_path},
                      args=(f"--LabApp.app_settings_dir={base / 'settings'}",))
