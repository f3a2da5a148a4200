"""The layers run one way (law → hazards → synth → registry → assess / lessons → reports → cli, demo)
and no package reaches into another's private modules: checked on every ``make test``."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "zhiben_training"


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []


def _package_of(path: Path) -> str:
    """The package a module belongs to; a module directly in zhiben_training (demo.py) is its own."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts if len(parts) == 2 else parts[:-1])


def _private_reach(path: Path) -> list[str]:
    """Imports of a private module (``_name``) or private names from outside the package that holds
    them: ``assess.grading._worker`` is grading's own, not results' or the CLI's."""
    own = _package_of(path)
    found = []
    for line, module, names in _imports(path):
        parts = module.split(".")
        if parts[0] != "zhiben_training" or len(parts) < 2 or module == own or module.startswith(own + "."):
            continue
        private = [p for p in parts[1:] if p.startswith("_") and not p.startswith("__")] or (
            [n for n in names if n.startswith("_") and not n.startswith("__")])
        if private:
            found.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module} {names}")
    return found


def test_no_package_imports_another_packages_private_modules():
    offences = [o for path in sorted(PACKAGE.rglob("*.py")) for o in _private_reach(path)]
    assert offences == []


def test_the_import_contract_holds():
    """import-linter's contracts in pyproject.toml: the package layers, the assessment stages, nbgrader only
    through its adapters (hidden function-level imports count too)."""
    exe = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(exe)], cwd=PACKAGE.parent, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "3 kept, 0 broken" in result.stdout


def _exception_classes() -> list[tuple[Path, ast.ClassDef]]:
    """Every class in the package deriving, directly or through other classes here, from a built-in
    exception (``Exception``, ``ValueError``, …) or one of errors.py's."""
    import builtins

    import zhiben_training.errors as errors

    known = {name for name, value in vars(builtins).items()
             if isinstance(value, type) and issubclass(value, BaseException)} | set(errors.__all__)
    classes = [(path, node) for path in sorted(PACKAGE.rglob("*.py"))
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.ClassDef)]
    found: dict[int, tuple[Path, ast.ClassDef]] = {}
    while True:
        new = {id(node): (path, node) for path, node in classes if id(node) not in found and any(
            (b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else "") in known
            for b in node.bases)}
        if not new:
            return list(found.values())
        found |= new
        known |= {node.name for _, node in new.values()}


def test_the_exception_scan_finds_subclasses_of_any_exception():
    assert any(node.name == "ZhibenError" for _, node in _exception_classes())  # class ZhibenError(Exception)
    assert any(node.name == "StaleCourseError" for _, node in _exception_classes())  # through ConfigError


def test_every_error_class_lives_in_errors_py_and_its_tree():
    """One exception family, in one module, each class drawn in the module docstring's tree: any class
    deriving from an exception counts, whatever its name."""
    import zhiben_training.errors as errors

    outside = [f"{path.relative_to(PACKAGE.parent)}: class {node.name}"
               for path, node in _exception_classes() if path.name != "errors.py"]
    assert outside == []
    family = [name for name in errors.__all__ if isinstance(getattr(errors, name), type)]
    assert all(f"── {name}" in errors.__doc__ or name == "ZhibenError" for name in family)


# Every package's face (assess's stages among them) is pinned by tests/test_faces.py.
