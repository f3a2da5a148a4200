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


def _private_reach(path: Path) -> list[str]:
    """Imports of ``zhiben_training.<package>._<module>`` (or its private names) from outside <package>."""
    own = path.relative_to(PACKAGE).parts[0]
    found = []
    for line, module, names in _imports(path):
        parts = module.split(".")
        if parts[0] != "zhiben_training" or len(parts) < 2 or parts[1] == own:
            continue
        private = [p for p in parts[2:] if p.startswith("_")] or (
            [n for n in names if n.startswith("_") and not n.startswith("__")] if len(parts) == 2 else [])
        if private:
            found.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module} {names}")
    return found


def test_no_package_imports_another_packages_private_modules():
    offences = [o for path in sorted(PACKAGE.rglob("*.py")) for o in _private_reach(path)]
    assert offences == []


def test_the_import_contract_holds():
    """import-linter's layers contract in pyproject.toml (hidden function-level imports count too)."""
    exe = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(exe)], cwd=PACKAGE.parent, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 kept, 0 broken" in result.stdout


def test_every_error_class_lives_in_errors_py_and_its_tree():
    """One exception family, in one module, each class drawn in the module docstring's tree."""
    import zhiben_training.errors as errors

    outside = [f"{path.relative_to(PACKAGE.parent)}: class {node.name}"
               for path in sorted(PACKAGE.rglob("*.py")) if path.name != "errors.py"
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.ClassDef) and any(
                   isinstance(b, ast.Name) and b.id.endswith("Error") for b in node.bases)]
    assert outside == []
    family = [name for name in errors.__all__ if isinstance(getattr(errors, name), type)]
    assert all(f"── {name}" in errors.__doc__ or name == "ZhibenError" for name in family)
