"""The course root's layout has one owner (``assess/layout.py``): no other module spells a course folder
or the cell-id convention, and an assignment carries its registry round instead of packing it into its id."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.assess import standin
from tests.assess.conftest import answered, hand_in, run_autograde
from zhiben_training.assess import layout
from zhiben_training.assess.exchange import variants
from zhiben_training.assess.exchange.handin import collect
from zhiben_training.assess.layout import CourseRoot
from zhiben_training.assess.papers import answer_state
from zhiben_training.assess.papers._widgets import _cell_id
from zhiben_training.assess.results.gradebook import grade_item, import_results, totals

PACKAGE = Path(layout.__file__).resolve().parents[1]
FOLDERS = ("submitted", "keys", "variants", "autograded", ".autograde", "imported", "receipts", "feedback",
           "source", "offline", "exchange", "inbound-pods")
_SEGMENT = re.compile(rf"(^|/)({'|'.join(map(re.escape, FOLDERS))})/")
_PATH_CALLS = {"Path", "PurePath", "PurePosixPath", "join", "joinpath"}
# Kernel-side code (embedded in the paper's setup cell, no package there) keeps its own copy, pinned below.
_KERNEL_SIDE = {"answer_state.py", "_widgets.py"}


def _docstrings(tree: ast.AST) -> set[int]:
    return {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)}


def _path_literals(tree: ast.AST) -> list[tuple[int, str]]:
    """String constants naming a course folder as a path: an operand of ``/``, an argument of ``Path``
    or ``os.path.join``, an element of a loop's folder list, or text with the name as a path segment."""
    skip = _docstrings(tree)
    in_path = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            in_path |= {id(node.left), id(node.right)}
        elif isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in _PATH_CALLS:
                in_path |= {id(a) for a in node.args}
        elif isinstance(node, ast.For | ast.comprehension) and isinstance(node.iter, ast.Tuple | ast.List):
            names = [e for e in node.iter.elts if isinstance(e, ast.Constant) and e.value in FOLDERS]
            if len(names) > 1:  # a list of course folders (one name among other words is not)
                in_path |= {id(e) for e in names}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            if (id(node) in in_path and node.value in FOLDERS) or _SEGMENT.search(node.value):
                found.append((node.lineno, node.value))
    return found


def _cell_suffixes(tree: ast.AST) -> list[tuple[int, str]]:
    """String constants spelling the cell-id convention: the suffix ``-answer`` / ``-test`` of a grade id
    (an f-string's ``"-answer"`` part, ``"k03-test"``, a pattern ``-(test|answer)``); CSS classes such as
    ``zb-answer`` are not grade ids."""
    skip = _docstrings(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
            and re.search(r"(^|[0-9}])-(answer|test)$|-\((answer|test)\|", node.value)]


def _offences(scan) -> list[str]:
    return [f"{path.relative_to(PACKAGE.parent)}:{line} {text!r}"
            for path in sorted(PACKAGE.rglob("*.py")) if path != Path(layout.__file__).resolve()
            for line, text in scan(ast.parse(path.read_text(encoding="utf-8")))]


def test_course_folder_names_appear_as_paths_only_in_the_layout_module():
    assert _offences(_path_literals) == []


def test_the_scan_finds_the_spellings_it_forbids():
    code = ('p = root / "submitted" / tid\nq = Path(root, "keys")\nfor sub in ("source", "variants"): pass\n'
            'hint = f"{course}/.autograde/logs/"\nok = {"feedback": 1}["feedback"]\n'
            'for key in ("text", "source", "status"): pass\nPOD = "/srv/zhiben/exchange"\n')
    assert sorted(text for _, text in _path_literals(ast.parse(code))) == [
        "/.autograde/logs/", "keys", "source", "submitted", "variants"]


def test_the_cell_id_scan_finds_suffixes_and_not_css_classes():
    code = ('a = f"{item}-answer"\nb = "k03-test"\nc = re.sub(r"-(test|answer)$", "", g)\n'
            'd = "zb-answer"\ne = "zhiben-answer"\n')
    found = sorted(text for _, text in _cell_suffixes(ast.parse(code)))
    assert found == ["-(test|answer)$", "-answer", "k03-test"]


def test_the_cell_id_convention_is_spelled_only_in_the_layout_module():
    offences = [o for o in _offences(_cell_suffixes) if Path(o.split(":")[0]).name not in _KERNEL_SIDE]
    assert offences == []


def test_the_kernel_side_copy_of_the_answer_cell_id_is_the_layouts():
    assert layout.answer_cell_id("k03") == "k03" + answer_state.ANSWER_SUFFIX == _cell_id({"item": "k03"})
    assert layout.item_of(layout.test_cell_id("k03")) == layout.item_of(layout.answer_cell_id("k03")) == "k03"
    assert layout.comment_cell_id(layout.test_cell_id("w01")) == layout.answer_cell_id("w01")


def test_every_stage_writes_where_the_layout_says(course, tmp_path, scorer):
    """One assignment generated, collected and graded: each file is at the owner's path."""
    aid = variants.assignment_id("2026-principal", "A")
    hand_in(tmp_path / "inbox", "T001", answered(course, "T001", {}))
    collect(course, aid, source=tmp_path / "inbox")
    run_autograde(course, scorer)
    root = CourseRoot(course)
    assert root.generated_assignments() == [aid]
    assert root.manifest(aid).is_file() and root.key_file(aid, "T001").is_file()
    assert root.variant_notebook(aid, "T002").is_file() and root.source_notebook(aid).is_file()
    assert root.submitted_trainees(aid) == ["T001"] and root.receipts_log(aid).is_file()
    assert root.autograded_trainees(aid) == ["T001"] and root.autograde_state(aid).is_file()
    assert root.gradebook.is_file() and root.config_file.is_file()


def _graded_round(course: Path, tmp_path: Path, scorer, *, round_id: str, trainee: str) -> str:
    """Paper A generated for ``round_id`` with one trainee, handed in blank, graded, written item marked."""
    info = variants.generate(course, round_id=round_id, paper="A",
                             trainees=[{"id": trainee, "name": trainee}], city_dir=tmp_path / "city",
                             base_seed=11, build=standin.build_paper, answer_form="typed")
    aid = info["assignment_id"]
    inbox = tmp_path / f"inbox-{round_id}"
    hand_in(inbox, trainee, answered(course, trainee, {}, assignment=aid))
    collect(course, aid, source=inbox)
    run_autograde(course, scorer, assignment=aid)
    grade_item(course, aid, trainee, "w01", score=1.0)
    return aid


# slow: two rounds generated, graded and imported end to end
@pytest.mark.slow
def test_two_rounds_of_one_year_with_the_same_paper_each_import_into_their_own_round(tmp_path, scorer):
    from zhiben_training.registry import open_registry
    from zhiben_training.synth import generate_city

    generate_city(scale="tiny", seed=3, out_dir=tmp_path / "city")
    registry = open_registry(f"sqlite:///{tmp_path / 'registry.sqlite'}")
    registry.load_synthetic(tmp_path / "city")
    principal = registry.roster(round_id="2026-principal")["person_id"].iloc[0]
    special = registry.roster(round_id="2026-special")["person_id"].iloc[0]
    course = tmp_path / "course"
    first = _graded_round(course, tmp_path, scorer, round_id="2026-principal", trainee=principal)
    second = _graded_round(course, tmp_path, scorer, round_id="2026-special", trainee=special)
    assert first != second
    assert variants.assignment_info(course, first).round_id == "2026-principal"
    assert variants.assignment_info(course, second).round_id == "2026-special"
    assert totals(course, first)["paper"].tolist() == totals(course, second)["paper"].tolist() == ["A"]
    for aid, round_id, person in ((first, "2026-principal", principal), (second, "2026-special", special)):
        result = import_results(course, aid, registry, round_id=round_id, actor="考核员甲", pass_mark=10)
        assert result.imported == 1
        stored = registry.assessment_results(round_id=round_id).set_index(["person_id", "paper"])
        assert float(stored.loc[(person, "A"), "score"]) == 1.0
