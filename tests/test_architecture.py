"""Rules of the architecture that code review alone would miss."""

from __future__ import annotations

import ast
from pathlib import Path

PLANNER = Path(__file__).resolve().parent.parent / "planner"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_planner_never_imports_flask_or_web():
    """planner is a pure library: no module in it imports flask or the web package."""
    offenders = [str(p) for p in PLANNER.rglob("*.py") if _imports(p) & {"flask", "web"}]
    assert offenders == []


def test_only_the_solver_package_imports_ortools():
    """OR-Tools is imported in planner/solver/ and nowhere else."""
    users = {p.relative_to(PLANNER).parts[0] for p in PLANNER.rglob("*.py")
             if "ortools" in _imports(p)}
    assert users <= {"solver"}
    assert users == {"solver"}, "the solver package should be the one using OR-Tools"


def test_benchmark_peers_are_never_imported_by_the_product():
    """PyVRP and VROOM are benchmark peers only."""
    offenders = [str(p) for p in PLANNER.rglob("*.py") if _imports(p) & {"pyvrp", "vroom"}]
    offenders += [str(p) for p in (PLANNER.parent / "web").rglob("*.py")
                  if _imports(p) & {"pyvrp", "vroom"}]
    assert offenders == []


def test_the_web_app_does_not_load_the_search():
    """Web processes serve pages and queue jobs: OR-Tools and the compiled kernels (about
    150 MB per process) are loaded only where a solve runs."""
    import subprocess
    import sys

    code = ("import sys; from web import create_app; "
            "create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x', "
            "'TESTING': True}); "
            "print(sorted(m for m in ('ortools', 'numba', 'llvmlite') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=PLANNER.parent)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
