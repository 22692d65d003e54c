"""The solve process dies with the process that started it, also after a ``kill -9``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from processes import PYTHON, REPO, alive, child_env, descendants, wait_for

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads the process tree from /proc")

#: A caller whose solve child, after a short search, would hang for an hour.
SCRIPT = """
import sys
import time
sys.path.insert(0, {tests!r})
from test_solver import random_instance
from planner.solver.isolated import run_isolated
print("solving", flush=True)
run_isolated(random_instance(2), time_limit_s=0.3, seed=0, fault="hang", margin_s=3600)
"""


def test_solver_child_dies_when_its_caller_is_killed() -> None:
    """``kill -9`` of the caller: the hanging solve process (and the forkserver) end within
    seconds instead of running on to their limit."""
    proc = subprocess.Popen([PYTHON, "-c", SCRIPT.format(tests=str(REPO / "tests"))],
                            cwd=REPO, env=child_env(), stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "solving"
        # forkserver, its solve child (and the resource tracker) are up
        family = wait_for(lambda: len(found := descendants(proc.pid)) >= 3 and found,
                          timeout_s=60)
        assert family, "the solve process never started"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        left = wait_for(lambda: not any(alive(pid) for pid in family), timeout_s=5)
        assert left, f"still running after the caller died: {sorted(p for p in family if alive(p))}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def test_time_limit_counts_from_the_start_of_the_search() -> None:
    """A child slow to start (a loaded machine) is not killed for time it spent before its
    search began: the overrun limit counts from its "started" message."""
    from test_solver import random_instance

    from planner.solution import SolveStatus
    from planner.solver.isolated import run_isolated

    began = time.monotonic()
    sol = run_isolated(random_instance(2), time_limit_s=0.3, seed=0, fault="slow_start",
                       margin_s=6.0)
    assert sol.status is SolveStatus.FEASIBLE, sol.message
    assert time.monotonic() - began > 8.0  # the child's slow start, longer than the margin
