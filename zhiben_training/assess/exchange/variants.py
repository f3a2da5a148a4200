"""Generate a round's per-trainee papers into a course root, and release them.

``generate``: one paper per trainee from ``build_paper(..., seed)``; the same notebook structure
for all trainees of a paper kind (checked), the template registered with nbgrader, trainees
registered as nbgrader students. Keys, seeds and the paper spec go to the assignment's keys folder
(examiner-only, 0700), so any paper can be rebuilt for an appeal; its manifest records the registry round
and paper the assignment was made for (``assignment_info``), never parsed back from the id.

``release``: one zip per trainee (notebook + data files) in the assignment's offline folder for
sessions without a server. Where each file lives: ``assess/layout.py``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import nbformat

from zhiben_training.assess import nbgrader_adapter as nbg
from zhiben_training.assess.layout import NOTEBOOK_NAME, CourseRoot, assignment_id
from zhiben_training.assess.papers import build_notebook, cell_ids
from zhiben_training.errors import AssessmentError

__all__ = ["assignment_id", "paper_seed", "generate", "release", "load_keys", "variant_dir",
           "TEMPLATE_TRAINEE", "rebuild_paper", "variant_trainees", "TRAINEE_DISABLED", "lab_plugin_dir",
           "OFFLINE_SETTINGS", "TRAINEE_LAB_SETTINGS", "Assignment", "assignment_info"]

TEMPLATE_TRAINEE = "TEMPLATE"
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def paper_seed(base_seed: int, assignment: str, trainee_id: str) -> int:
    """A recorded, reproducible per-trainee seed (not guessable from the trainee id alone
    without the examiner's base seed)."""
    digest = hashlib.sha256(f"{base_seed}:{assignment}:{trainee_id}".encode()).hexdigest()
    return int(digest[:12], 16)


@dataclasses.dataclass(frozen=True)
class Assignment:
    """What an assignment was generated for, as its manifest records it."""

    assignment_id: str
    round_id: str  # the registry round whose results it yields
    paper: str  # the paper kind (A, C)


def assignment_info(course_root: Path, assignment: str) -> Assignment:
    """The round and paper of a generated assignment, read from its manifest."""
    path = CourseRoot(course_root).manifest(assignment)
    if not path.exists():
        raise AssessmentError(f"考核 {assignment} 尚未在课程目录 {course_root} 中生成。",
                              hint="先运行 zhiben assess generate，或用 --course 指定课程目录。")
    data = json.loads(path.read_text(encoding="utf-8"))
    return Assignment(assignment, str(data["round_id"]), str(data["paper"]))


def variant_dir(course_root: Path, assignment: str, trainee_id: str) -> Path:
    return CourseRoot(course_root).variant_dir(assignment, trainee_id)


def variant_trainees(course_root: Path, assignment: str, *, action: str = "") -> list[str]:
    """The trainee ids of a generated assignment (one variant folder each), sorted."""
    base = CourseRoot(course_root).variants_dir(assignment)
    if not base.is_dir():
        raise AssessmentError(f"考核 {assignment} 尚未生成{('，' + action) if action else ''}。",
                              hint="先运行 zhiben assess generate。")
    return sorted(p.name for p in base.iterdir() if p.is_dir())


def _default_builder() -> Callable:
    from zhiben_training.assess.papers import build_paper

    return build_paper


def _structure(nb) -> list[tuple]:
    return [(gid, c.cell_type, c.metadata["nbgrader"].get("points"))
            for gid, c in zip(cell_ids(nb), nb.cells, strict=True)]


def _write_variant(course_root: Path, assignment: str, paper, spec: dict) -> nbformat.NotebookNode:
    nb = build_notebook(paper, answer_form=spec["answer_form"])
    folder = variant_dir(course_root, assignment, paper.trainee_id)
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{NOTEBOOK_NAME}.ipynb")
    for name, data in sorted(paper.data_files.items()):
        (folder / name).write_bytes(data)
    keys_dir = CourseRoot(course_root).keys_dir(assignment)
    keys_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(keys_dir, 0o700)
    record = {**spec, "trainee_id": paper.trainee_id, "seed": paper.seed, "site_id": paper.site_id,
              "items": [_item_json(item) for item in paper.items]}
    key_file = CourseRoot(course_root).key_file(assignment, paper.trainee_id)
    key_file.write_text(json.dumps(record, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    os.chmod(key_file, 0o600)
    return nb


def _item_json(item) -> dict:
    data = dataclasses.asdict(item) if dataclasses.is_dataclass(item) else dict(vars(item))
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def generate(course_root: Path, *, round_id: str, paper: str, trainees: list[dict], city_dir: Path,
             base_seed: int = 2026, build: Callable | None = None, answer_form: str = "click") -> dict:
    """Build source, per-trainee variants and keys; register everything with nbgrader.
    ``answer_form``: "click" (choice items answered with widgets, read as data) or "typed"."""
    if not trainees:
        raise AssessmentError("考生名单为空，无法生成试卷。", hint="检查轮次或 --trainees 文件。")
    build = build or _default_builder()
    root = nbg.ensure_course(Path(course_root))
    aid = assignment_id(round_id, paper)
    spec = {"round_id": round_id, "paper": paper, "assignment_id": aid, "city_dir": str(city_dir),
            "base_seed": base_seed, "answer_form": answer_form}
    template = build(round_id=round_id, paper=paper, trainee_id=TEMPLATE_TRAINEE,
                     seed=paper_seed(base_seed, aid, TEMPLATE_TRAINEE), city_dir=Path(city_dir))
    template_nb = build_notebook(template, answer_form=answer_form)
    shape = _structure(template_nb)
    manifest = {}
    for trainee in trainees:
        tid = str(trainee["id"])
        built = build(round_id=round_id, paper=paper, trainee_id=tid,
                      seed=paper_seed(base_seed, aid, tid), city_dir=Path(city_dir))
        nb = _write_variant(root, aid, built, spec)
        if _structure(nb) != shape:
            raise AssessmentError(f"考生 {tid} 的试卷结构与模板不一致（题号、题型或分值不同），"
                                  "无法统一评分。")
        manifest[tid] = {"seed": built.seed, "site_id": built.site_id, "name": trainee.get("name", "")}
    CourseRoot(root).manifest(aid).write_text(
        json.dumps({**spec, "trainees": manifest}, ensure_ascii=False, indent=1), encoding="utf-8")
    nbg.register_assignment(root, aid, template_nb, notebook_name=NOTEBOOK_NAME)
    nbg.register_students(root, [{"id": str(t["id"]), "name": t.get("name", "")} for t in trainees])
    return {"assignment_id": aid, "trainees": len(manifest), "course_root": str(root),
            "items": len(template.items), "max_score": sum(i.points for i in template.items)}


def load_keys(course_root: Path, assignment: str, trainee_id: str) -> dict:
    """The examiner-only record of one trainee's paper (seed, spec, items with keys)."""
    path = CourseRoot(course_root).key_file(assignment, trainee_id)
    if not path.exists():
        raise AssessmentError(f"找不到考生 {trainee_id} 在 {assignment} 的答案记录。")
    return json.loads(path.read_text(encoding="utf-8"))


def rebuild_paper(course_root: Path, assignment: str, trainee_id: str, *, build: Callable | None = None):
    """Rebuild a trainee's paper from the recorded seed and spec (appeals)."""
    record = load_keys(course_root, assignment, trainee_id)
    build = build or _default_builder()
    return build(round_id=record["round_id"], paper=record["paper"], trainee_id=trainee_id,
                 seed=record["seed"], city_dir=Path(record["city_dir"]))


_LAUNCHER = ('''"""打开本试卷：python 打开试卷.py

用随卷的设置启动 JupyterLab：中文界面（需安装中文语言包）、打开即可作答、'''
             '''每次作答后自动保存，点击的选项随试卷文件保存。"""
import os
import pathlib
import subprocess
import sys

here = pathlib.Path(__file__).resolve().parent


def _prepend(name, folder):
    os.environ[name] = os.pathsep.join([str(here / folder), *filter(None, [os.environ.get(name)])])


os.environ["JUPYTERLAB_SETTINGS_DIR"] = str(here / "{settings}" / "jupyterlab-settings")
_prepend("JUPYTER_PATH", "{settings}/jupyter-data")  # the paper's lab plugin '''
             '''(opens ready, saves every answer)
_prepend("JUPYTER_CONFIG_PATH", "{settings}/jupyter-config")  # panels a trainee has no use for are hidden
paper = sorted(here.glob("*.ipynb"))[0]
sys.exit(subprocess.call([sys.executable, "-m", "jupyterlab", paper.name], cwd=here))
''')
_README = ("""考核试卷使用说明

1. 需要安装 JupyterLab 4 和 ipywidgets 8："""
           """pip install jupyterlab ipywidgets pandas jupyterlab-language-pack-zh-cn
   （最后一个是中文界面；不装也能作答，只是菜单为英文）。
2. 在本文件夹中运行：python 打开试卷.py。试卷打开后自动准备好，每道题下方就是选项，不需要运行任何代码；
   每次作答后 1 秒内自动保存，工具栏显示“已保存 时:分:秒”。
3. 选择题、判断题、隐患条款题和分级题点击选项作答；简答题在文本框中书写；交卷前点击试卷末尾的“检查作答情况”。
4. 交回试卷文件（.ipynb）。

如果不用“打开试卷.py”、而用自己的 JupyterLab 打开试卷："""
           """题目下方不会自动出现选项，需要点击菜单“运行 → 运行全部单元格”
（Run → Run All Cells）；也不会自动保存，请勾选菜单 Settings（设置）中的 “Save Widget State Automatically”
（保存控件状态），并随时按 Ctrl+S 保存，否则点击的选项不会写入文件。
""")
# Panels and tools a trainee has no use for (nbgrader's authoring and grading panels, its English
# "Nbgrader" menu and Assignment List: on the hub the paper is placed in the home and handed in with
# the paper's own 交卷 button; the debugger): hidden in each offline zip and on the hub's trainee
# servers, never for examiners.
TRAINEE_DISABLED = {"@jupyter/nbgrader:formgrader": True, "@jupyter/nbgrader:course-list": True,
                    "@jupyter/nbgrader:create-assignment": True, "@jupyter/nbgrader:menu": True,
                    "@jupyter/nbgrader:assignment-list": True, "@jupyterlab/debugger-extension": True,
                    "@jupyterlab/apputils-extension:announcements": True,
                    # no link to the classic notebook interface (a trainee server does not run it)
                    "@jupyter-notebook/lab-extension:interface-switcher": True,
                    "@jupyter-notebook/lab-extension:launch-tree": True}
# The lab's settings travel in one dot-folder of the zip: JupyterLab's file browser does not list it,
# so the trainee sees the paper, its data, 打开试卷.py and 使用说明.txt only
OFFLINE_SETTINGS = ".zhiben"
# A trainee's lab settings (plugin id -> settings), offline and on the hub's trainee servers
TRAINEE_LAB_SETTINGS = {
    "@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": True},
    "@jupyterlab/translation-extension:plugin": {"locale": "zh_CN"},
    # no status bar (kernel name, "模式：命令", "Cell 1/136"): nothing in it is for a trainee
    "@jupyterlab/statusbar-extension:plugin": {"visible": False},
}
_TRAINEE_SETTINGS = {
    **{"jupyterlab-settings/{}/{}.jupyterlab-settings".format(*plugin.split(":")): settings
       for plugin, settings in TRAINEE_LAB_SETTINGS.items()},
    "jupyter-config/labconfig/page_config.json": {"disabledExtensions": TRAINEE_DISABLED},
}


def lab_plugin_dir() -> Path:
    """The built ``zhiben-paper`` lab extension: the checkout's ``assessments/lab`` (committed
    prebuilt), else the copy ``make`` installed into this environment."""
    here = Path(__file__).resolve().parents[3] / "assessments" / "lab" / "zhiben-paper" / "prebuilt"
    if (here / "package.json").exists():
        return here
    installed = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "zhiben-paper"
    if (installed / "package.json").exists():
        return installed
    raise AssessmentError("找不到试卷的 JupyterLab 插件 zhiben-paper，无法打包离线试卷。",
                          hint="在项目目录中运行 make，或从源码目录运行本命令。")


def _offline_extras() -> list[tuple[str, bytes]]:
    """Files every offline zip carries besides the paper: launcher, instructions, lab settings and
    the paper's lab plugin (so a plain ``pip install jupyterlab ipywidgets`` opens it ready)."""
    files = [("打开试卷.py", _LAUNCHER.replace("{settings}", OFFLINE_SETTINGS).encode()),
             ("使用说明.txt", _README.encode())]
    files += [(f"{OFFLINE_SETTINGS}/{name}", (json.dumps(data, ensure_ascii=False) + "\n").encode())
              for name, data in _TRAINEE_SETTINGS.items()]
    plugin = lab_plugin_dir()
    files += [(f"{OFFLINE_SETTINGS}/jupyter-data/labextensions/zhiben-paper/"
               f"{f.relative_to(plugin).as_posix()}", f.read_bytes())
              for f in sorted(plugin.rglob("*")) if f.is_file()]
    return files


def release(course_root: Path, assignment: str) -> list[Path]:
    """Write ``<assignment>-<trainee>.zip`` per trainee into the assignment's offline folder (deterministic
    bytes): the paper, its data files and, for click answers, a launcher with the widget-state setting."""
    root = Path(course_root)
    out_dir = CourseRoot(root).offline_dir(assignment)
    names = variant_trainees(root, assignment)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for folder in (variant_dir(root, assignment, name) for name in names):
        target = out_dir / f"{assignment}-{folder.name}.zip"
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            files = [(f"{assignment}-{folder.name}.ipynb" if f.name == f"{NOTEBOOK_NAME}.ipynb" else f.name,
                      f.read_bytes()) for f in sorted(folder.iterdir())]
            if b"_zb_answer(" in (folder / f"{NOTEBOOK_NAME}.ipynb").read_bytes():
                files += _offline_extras()
            for name, data in files:
                info = zipfile.ZipInfo(f"{assignment}-{folder.name}/{name}", date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
        written.append(target)
    return written
