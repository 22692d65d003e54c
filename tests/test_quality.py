"""Lint and types stay clean: ruff on the repository, mypy --strict on planner."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, check=False)


def test_ruff_is_clean():
    """ruff check finds nothing in the repository (config in pyproject.toml)."""
    if shutil.which("ruff") is None:
        pytest.skip("ruff is not installed: pip install -e '.[test]'")
    result = _run("ruff", "check", "--quiet", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_planner_is_clean():
    """mypy (strict for planner, per pyproject.toml) reports no error."""
    result = _run("mypy", "--no-error-summary")
    assert result.returncode == 0, result.stdout + result.stderr
