"""Every package the product imports is declared, so a fresh install can run it."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
OWN = {"planner", "web"}


def _top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_modules() -> dict[str, list[str]]:
    """Third-party top-level modules imported by planner/ and web/, with the files using them."""
    users: dict[str, list[str]] = {}
    for package in sorted(OWN):
        for path in sorted((ROOT / package).rglob("*.py")):
            for name in _top_level_imports(path):
                if name in OWN or name in sys.stdlib_module_names or name == "__future__":
                    continue
                users.setdefault(name, []).append(str(path.relative_to(ROOT)))
    return users


def declared_closure(requirements: list[str]) -> set[str]:
    """The distributions that ``requirements`` install: themselves and what they require."""
    seen: set[str] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        name = _normal(req.name)
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(req.name) or []
        except metadata.PackageNotFoundError:
            continue  # not installed here: the import check below then names it
        todo.extend(Requirement(r) for r in requires)
    return seen


def test_every_imported_distribution_is_declared():
    """planner/ and web/ import only distributions [project] dependencies name themselves
    (not only through another package, which may drop them in a later release)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_normal(Requirement(r).name) for r in project["dependencies"]}
    providers = metadata.packages_distributions()
    missing: dict[str, list[str]] = {}
    for module, files in imported_modules().items():
        dists = {_normal(d) for d in providers.get(module, [])}
        if not dists & declared:
            missing[module] = [*sorted(dists), *files[:3]]
    assert missing == {}, f"imported but not declared in [project] dependencies: {missing}"


def test_the_check_sees_an_undeclared_import():
    """The check is not vacuous: a plotting package missing from the list would be caught."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    without = [r for r in project["dependencies"]
               if _normal(Requirement(r).name) != "matplotlib"]
    assert "matplotlib" in imported_modules(), "the simulation plot imports matplotlib"
    assert "matplotlib" not in declared_closure(without)
    assert "matplotlib" in declared_closure(project["dependencies"])
