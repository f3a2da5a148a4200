"""One convention for every package's face (issue #25), pinned for all packages at once.

Each package's ``__init__`` names its whole public face in a sorted ``__all__`` (lazy where importing
would be heavy); code outside a package — the CLI, the demo, the benchmarks, another package —
imports only names of that face (``from zhiben_training.reports import export_roster``), never its
submodules. A face may offer a subpackage (``assess`` offers its four stages) or a module meant as a
namespace (the lesson helpers the notebooks import). Tests may reach in; they are not scanned.
"""

from __future__ import annotations

import ast
import importlib
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "zhiben_training"
PACKAGES = sorted(".".join(p.parent.relative_to(ROOT).parts) for p in PACKAGE.rglob("__init__.py"))
MODULES = {".".join(p.relative_to(ROOT).with_suffix("").parts) for p in PACKAGE.rglob("*.py")} | set(PACKAGES)

# Benchmarks that time one internal step, or rebuild the old way to compare with, reach in on purpose;
# each module they may reach is listed here (and nothing else).
BENCHMARK_REACH = {
    "benchmarks/bench_autograde.py": {"zhiben_training.assess.exchange.variants",
                                      "zhiben_training.assess.grading._kernel",
                                      "zhiben_training.assess.grading.sandbox",
                                      "zhiben_training.assess.nbgrader_adapter"},
    "benchmarks/bench_browser_room.py": {"zhiben_training.assess.nbgrader_adapter"},
    "benchmarks/bench_feedback.py": {"zhiben_training.assess.results.feedback"},
    "benchmarks/bench_registry.py": {"zhiben_training.registry.models"},
    "benchmarks/bench_roster.py": {"zhiben_training.reports.xlsx"},
    "benchmarks/bench_synth.py": {"zhiben_training.synth._config", "zhiben_training.synth._enterprises",
                                  "zhiben_training.synth._io", "zhiben_training.synth._people"},
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path):
    """(line, absolute module, imported names) for every import in ``path``, relative ones resolved; a
    ``from package import module`` also as the import of that module."""
    me = _module_name(path)
    here = me if path.name == "__init__.py" else me.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = here.split(".")[: len(here.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield node.lineno, module, [a.name for a in node.names]
            for alias in node.names:
                if f"{module}.{alias.name}" in MODULES:
                    yield node.lineno, f"{module}.{alias.name}", None
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, None


def face(package: str) -> list[str]:
    return list(getattr(importlib.import_module(package), "__all__", ()))


def reach_problems(importer: str, module: str, names: list[str] | None) -> list[str]:
    """Why ``importer`` may not import ``names`` from ``module`` (empty when it may): the module must be
    the face of the outermost package that does not hold the importer (or a subpackage or module that face
    offers), and each name one the face lists."""
    if not module.startswith("zhiben_training."):
        return []
    held = [p for p in PACKAGES if p != "zhiben_training" and (module == p or module.startswith(p + "."))]
    outside = [p for p in held if not (importer == p or importer.startswith(p + "."))]
    if not outside:
        return []
    current = outside[0]
    while current != module:
        step = module[len(current) + 1:].split(".")[0]
        if f"{current}.{step}" not in MODULES or step not in face(current):
            return [f"{module} is not on the face of {current}"]
        current = f"{current}.{step}"
    return [f"{module} has no {name} on its face" for name in names or () if name not in face(module)]


def _offences() -> list[str]:
    files = sorted(PACKAGE.rglob("*.py")) + sorted((ROOT / "benchmarks").rglob("*.py"))
    offences = []
    for path in files:
        where = str(path.relative_to(ROOT))
        allowed = BENCHMARK_REACH.get(where, set())
        for line, module, names in _imports(path):
            if module in allowed:
                continue
            names = [n for n in names or () if f"{module}.{n}" not in allowed] if names is not None else None
            offences += [f"{where}:{line} {p}" for p in reach_problems(_module_name(path), module, names)]
    return offences


def test_code_outside_a_package_imports_only_names_of_its_face():
    assert _offences() == []


def test_the_scan_sees_a_reach_into_a_submodule_and_a_name_off_the_face():
    zt = "zhiben_training"
    assert reach_problems(f"{zt}.cli.report", f"{zt}.reports.roster", ["write_roster"]) == [
        f"{zt}.reports.roster is not on the face of {zt}.reports"]
    assert reach_problems(f"{zt}.cli.report", f"{zt}.reports", ["PreparedRoster"]) == [
        f"{zt}.reports has no PreparedRoster on its face"]
    assert reach_problems(f"{zt}.cli.assess", f"{zt}.assess.grading", ["autograde"]) == []
    assert reach_problems(f"{zt}.registry.api", f"{zt}.registry.status", ["summarise"]) == []
    assert reach_problems("benchmarks.bench_city", f"{zt}.registry.imports", ["write_template"]) == [
        f"{zt}.registry.imports is not on the face of {zt}.registry"]


def test_each_benchmark_reach_listed_is_still_used():
    """The benchmark list above names only reaches that exist (a stale entry would hide a new one)."""
    used = {(str(p.relative_to(ROOT)), module) for p in (ROOT / "benchmarks").rglob("*.py")
            for _, module, _names in _imports(p)}
    assert {(f, m) for f, modules in BENCHMARK_REACH.items() for m in modules} <= used


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_names_its_face_in_a_sorted_all_whose_names_resolve(package):
    """``__all__`` exists, is sorted, and every name imports; a name that is also a module's name must be
    that module (else, once anything imported the module, the package attribute would be the module)."""
    module = importlib.import_module(package)
    names = module.__all__
    assert list(names) == sorted(names)
    folder = Path(module.__file__).parent
    submodules = {p.stem for p in folder.glob("*.py")} | {p.parent.name for p in folder.glob("*/__init__.py")}
    for name in names:
        value = getattr(module, name)
        if name in submodules:
            assert isinstance(value, types.ModuleType) and value.__name__ == f"{package}.{name}", name
