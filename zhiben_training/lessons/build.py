"""Generate the lesson notebooks in ``course/`` from the Python sources in ``lessons/notebooks/``.

Why generate: quotes of the law and the plan are filled in from the package data at build time,
so a notebook can never drift from the data; committed notebooks carry no outputs and stable
cell ids (``l01-00``…), so a rebuild is byte-identical and ``check_course`` can tell stale files.
"""

from __future__ import annotations

import copy
import importlib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LESSON_MODULES", "PRACTICE_MODULE", "Lesson", "lessons", "course_notebooks", "notebook",
           "build_course", "check_course", "render"]

LESSON_MODULES = [f"zhiben_training.lessons.notebooks.lesson0{n}" for n in range(1, 8)]
PRACTICE_MODULE = "zhiben_training.lessons.notebooks.practice"  # 模拟练习: in course/, not a lesson

# Notebook metadata of a learner's lesson, and of each of its code cells (see ready.js)
LEARNER_NOTEBOOK = {"open_ready": True, "validate": False}
LEARNER_CODE_CELL = {"editable": False, "deletable": False, "jupyter": {"source_hidden": True},
                     "zhiben": {"run_on_open": True}}
LEARNER_MARKDOWN_CELL = {"editable": False, "deletable": False}

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


@dataclass(frozen=True)
class Lesson:
    number: str  # "01"
    filename: str  # "01_三年行动导读.ipynb"
    title: str
    cells: tuple[tuple[str, str], ...]  # ("md" | "code", source)


def _lesson(name: str) -> Lesson:
    module = importlib.import_module(name)
    return Lesson(module.NUMBER, module.FILENAME, module.TITLE, tuple(module.cells()))


def lessons() -> list[Lesson]:
    """Every lesson, in order, with its cells rendered from the current package data."""
    return [_lesson(name) for name in LESSON_MODULES]


def course_notebooks() -> list[Lesson]:
    """What ``course/`` holds: the lessons and the 模拟练习 notebook."""
    return lessons() + [_lesson(PRACTICE_MODULE)]


def notebook(lesson: Lesson, *, trainer: bool = False):
    """The ``NotebookNode`` of one lesson: no outputs, ids ``l<NN>-<index>``; the learner's version
    unless ``trainer`` (code on screen, nothing run on open)."""
    import nbformat
    from nbformat import v4

    nb = v4.new_notebook()
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    if not trainer:
        nb.metadata["zhiben"] = dict(LEARNER_NOTEBOOK)
    for index, (kind, source) in enumerate(lesson.cells):
        cell = (v4.new_markdown_cell(source.strip("\n")) if kind == "md"
                else v4.new_code_cell(source.strip("\n")))
        cell["id"] = f"l{lesson.number}-{index:02d}"
        if trainer:
            cell["metadata"] = {}
        else:
            cell["metadata"] = copy.deepcopy(LEARNER_CODE_CELL if kind == "code" else LEARNER_MARKDOWN_CELL)
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def render(lesson: Lesson, *, trainer: bool = False) -> str:
    """The exact text written to disk for a lesson."""
    import nbformat

    return nbformat.writes(notebook(lesson, trainer=trainer)) + "\n"


def build_course(out_dir: Path, *, trainer: bool = False) -> list[Path]:
    """Write every notebook of the course into ``out_dir``; returns the paths written. ``course/``
    holds the learner's version; ``trainer`` writes the trainer's (all code, run by hand)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for lesson in course_notebooks():
        path = out_dir / lesson.filename
        path.write_text(render(lesson, trainer=trainer), encoding="utf-8")
        paths.append(path)
    return paths


def check_course(out_dir: Path) -> list[str]:
    """Names of the course's notebooks in ``out_dir`` that are missing or differ from a fresh build."""
    stale = []
    for lesson in course_notebooks():
        path = Path(out_dir) / lesson.filename
        if not path.exists() or path.read_text(encoding="utf-8") != render(lesson):
            stale.append(lesson.filename)
    return stale
