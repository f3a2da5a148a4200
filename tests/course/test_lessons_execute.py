"""Every lesson runs headless, top to bottom, in a clean kernel with nbclient — no browser, no input.

The lessons execute in parallel (one kernel each, two at a time on this 2-core machine); the
timings go to test-artifacts/course-execution.json. There is no timing assertion.
"""

from __future__ import annotations

import json
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tests.conftest import ARTIFACTS
from tests.course.conftest import COURSE
from zhiben_training.lessons.build import lessons

pytestmark = pytest.mark.slow  # a kernel per lesson, every cell: minutes, so not in `make test-fast`

LESSON_FILES = [lesson.filename for lesson in lessons()]


def _execute(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    client = NotebookClient(nb, timeout=150, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    error = None
    try:
        client.execute()
    except CellExecutionError as err:
        error = str(err)[:3000]
    return {"notebook": nb, "seconds": round(time.perf_counter() - started, 1), "error": error}


@pytest.fixture(scope="session")
def executed(tmp_path_factory, lesson_city_env) -> dict:
    """Copy the course to a temp folder and execute every lesson there, two kernels at a time."""
    work = tmp_path_factory.mktemp("course-run")
    for name in LESSON_FILES:
        shutil.copy(COURSE / name, work / name)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(LESSON_FILES, pool.map(_execute, [work / n for n in LESSON_FILES]), strict=True))
    total = round(time.perf_counter() - started, 1)
    timing = {"total_seconds": total, "lessons": {n: r["seconds"] for n, r in results.items()}}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "course-execution.json").write_text(json.dumps(timing, ensure_ascii=False, indent=1),
                                                     "utf-8")
    return results


def _outputs(nb, output_type: str):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == output_type]


@pytest.mark.parametrize("name", LESSON_FILES)
def test_a_lesson_executes_headless_without_errors(executed, name):
    result = executed[name]
    assert result["error"] is None, result["error"]
    assert _outputs(result["notebook"], "error") == []
    streams = "".join(o.text for o in _outputs(result["notebook"], "stream") if o.name == "stderr")
    assert "Traceback" not in streams


def _widget_states(nb) -> list[dict]:
    return [m["state"]
            for m in nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
            .get("state", {}).values()]


@pytest.mark.parametrize("name", LESSON_FILES)
def test_a_lesson_opened_unanswered_shows_no_answer_and_no_score(executed, name):
    """What a learner sees on open (every cell run once, nothing answered): each exercise's live
    feedback waits for an answer, and the self-check shows no 得分 until its button is clicked."""
    nb = executed[name]["notebook"]
    html = "".join(o.data.get("text/html", "") for o in _outputs(nb, "display_data"))
    text = "".join(o.text for o in _outputs(nb, "stream"))
    assert "得分" not in html + text and "销号率最低的区：" not in text
    live = [s for s in _widget_states(nb) if "zhiben-answer" in s.get("_dom_classes", [])]
    assert all("zhiben-waiting" in s["value"] for s in live), [s["value"][:80] for s in live]
    if name.startswith(("02", "03", "05", "06")):  # the lessons with an exercise
        assert live


@pytest.mark.parametrize("name", LESSON_FILES)
def test_a_lesson_displays_its_widgets_with_labels(executed, name):
    widgets = [o for o in _outputs(executed[name]["notebook"], "display_data")
               if "application/vnd.jupyter.widget-view+json" in o.data]
    assert widgets, "every lesson has interactive parts"


def _visible_text(nb) -> str:
    """What a learner reads: printed text, HTML outputs and HTML widget values, tags and styles removed."""
    import re

    parts = [o.text for o in _outputs(nb, "stream")]
    parts += [o.data.get("text/html", "")
              for o in _outputs(nb, "display_data") + _outputs(nb, "execute_result")
              if "application/vnd.jupyter.widget-view+json" not in o.data]
    parts += [s["value"] for s in _widget_states(nb) if isinstance(s.get("value"), str)]
    parts += [s["description"] for s in _widget_states(nb) if isinstance(s.get("description"), str)]
    text = re.sub(r"<style.*?</style>", " ", "\n".join(parts), flags=re.S)
    return re.sub(r"<[^>]+>", " ", text)


@pytest.mark.parametrize("name", LESSON_FILES)
def test_a_lesson_shows_no_field_name_or_english_statistic(executed, name):
    import re

    text = _visible_text(executed[name]["notebook"])
    assert not re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", text)  # depth_m, work_type, formwork_operation
    english = re.findall(r"\b(?:count|mean|std|dtype|Name|proportion|excavation|removal|failed|SPECIAL)\b",
                         text)
    assert not english, english
