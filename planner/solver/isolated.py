"""Run a solve in its own process and enforce its time limit from outside.

OR-Tools' C++ search never sees Python signals, and a crash inside it would take the caller
down with it.  :func:`solve_isolated` therefore starts a fresh process (``forkserver`` where
available, else ``spawn``: never a plain fork of a threaded web worker), streams every
improvement back through a queue, and kills the process when it overruns its limit by a
margin.  The caller always gets a :class:`~planner.solution.Solution`: the child's own result,
or, when the child crashed or was killed, the best plan it reported so far with status
``FAILED``.  Every plan is checked again here with :func:`~planner.checking.check_routes`.

The child dies with the process that asked for the solve, also when that process is killed
with ``kill -9`` and cannot clean up: on Linux the child asks the kernel for a SIGKILL when
its parent ends (``prctl(PR_SET_PDEATHSIG)``; its parent is the forkserver, which itself ends
when the server's end of its pipe closes), and on every platform a thread of the child waits
on a pipe whose only writing end the caller holds, and ends the child when it reads EOF.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from planner.checking import check_routes
from planner.instance import Instance
from planner.solution import ProgressCallback, Solution, SolveStatus

#: Seconds a child may overrun its limit before it is killed (plus 10 % of the limit); covers
#: process start-up and the final pass.
DEFAULT_MARGIN_S = 5.0
#: Seconds a child may take to start its search (process start, imports) on a busy machine.
STARTUP_LIMIT_S = 120.0
#: ``PR_SET_PDEATHSIG`` of <linux/prctl.h>.
_PR_SET_PDEATHSIG = 1


def _context() -> Any:
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["planner.solver.search"])
        return ctx
    return mp.get_context("spawn")


def start_early() -> None:
    """Start the solver's process server now, on another thread, while the caller goes on.

    The forkserver imports the search (OR-Tools, the compiled kernels) once, which takes
    seconds; a command that reads and classifies files first can overlap the two on a
    second core.  Harmless where there is no forkserver, or when it already runs.
    """
    ctx = _context()
    if ctx.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    threading.Thread(target=forkserver.ensure_running, name="solver-warm-up",
                     daemon=True).start()


def _die_with_parent(alive: Any) -> None:
    """End this process as soon as the caller is gone (see the module's docstring).

    ``alive`` is the reading end of a pipe nobody writes to: it reads EOF only when the
    caller's writing end is closed, by the caller or by the kernel when the caller died.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl: the pipe does
            pass

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            alive.recv_bytes()
        os._exit(70)  # ends every thread at once, also a search inside compiled code

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def _child(instance: Instance, kwargs: dict[str, Any], out: Any, fault: str | None,
           alive: Any = None) -> None:
    """Process entry point: run the search, stream improvements, send the result."""
    if alive is not None:
        _die_with_parent(alive)
    from planner.solver.search import run_search

    if fault == "slow_start":  # a busy machine: imports and unpickling take seconds
        time.sleep(8.0)
    out.put(("started", time.monotonic()))

    def observer(routes: tuple[tuple[int, ...], ...], elapsed_s: float, prize: int,
                 travel_s: int, ends: tuple[int, ...] | None = None) -> None:
        out.put(("progress", routes, elapsed_s, prize, travel_s, ends))

    if fault == "crash":
        os._exit(3)
    if fault == "raise":
        raise RuntimeError("test fault: the solver raised")
    solution = run_search(instance, observer=observer, **kwargs)
    if fault == "hang":  # a stuck search that never returns, after reporting its plans
        time.sleep(3600)
    if fault == "chatty":  # stuck, but still streaming its last plan: the queue never rests
        while True:
            observer(solution.routes, 0.0, solution.prize, solution.travel_s, solution.ends)
            time.sleep(0.005)
    out.put(("done", solution))


def solve_isolated(instance: Instance, *, time_limit_s: float, seed: int,
                   solution_limit: int | None = None, progress: ProgressCallback | None = None,
                   initial_routes: Sequence[Sequence[int]] | None = None,
                   cancelled: Callable[[], bool] | None = None,
                   initial_ends: Sequence[int] | None = None) -> Solution:
    """Like :func:`planner.solver.solve`, in a child process that is killed if it overruns.

    Never raises for a crash or a hang of the search: those return ``FAILED`` with the best
    plan the child reported before (or no routes).  ``cancelled`` is polled about every
    50 ms; when it returns true this solve's own process is killed at once (``FAILED``,
    message "cancelled").
    """
    return run_isolated(instance, time_limit_s=time_limit_s, seed=seed,
                        solution_limit=solution_limit, progress=progress,
                        initial_routes=initial_routes, cancelled=cancelled,
                        initial_ends=initial_ends)


def run_isolated(instance: Instance, *, time_limit_s: float, seed: int,
                 solution_limit: int | None = None, progress: ProgressCallback | None = None,
                 initial_routes: Sequence[Sequence[int]] | None = None,
                 margin_s: float = DEFAULT_MARGIN_S, fault: str | None = None,
                 cancelled: Callable[[], bool] | None = None,
                 initial_ends: Sequence[int] | None = None) -> Solution:
    """:func:`solve_isolated` with the kill margin and a fault to inject (tests only)."""
    started = time.monotonic()
    kwargs = {"time_limit_s": time_limit_s, "seed": seed, "solution_limit": solution_limit,
              "initial_routes": None if initial_routes is None
              else [list(r) for r in initial_routes],
              "initial_ends": None if initial_ends is None else [int(e) for e in initial_ends]}
    ctx = _context()
    out = ctx.Queue()
    # the child's lifeline: this process keeps the only writing end (never written to)
    alive_r, alive_w = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(instance, kwargs, out, fault, alive_r),
                       daemon=True)
    proc.start()
    alive_r.close()
    # the limit counts from the child's "started": starting the forkserver and the child
    # (imports, unpickling) takes seconds on a busy machine, and is not the search's time;
    # a child that never starts is killed after STARTUP_LIMIT_S
    kill_at = time.monotonic() + STARTUP_LIMIT_S + time_limit_s * 1.1 + margin_s
    best: tuple[tuple[tuple[int, ...], ...], int, int, tuple[int, ...] | None] | None = None
    history: list[tuple[float, int, int]] = []
    result: Solution | None = None
    why = ""
    while result is None:
        # Checked before every read, not only when the queue is quiet: a stuck child that
        # keeps streaming must not escape its limit, and a cancel must not wait for silence.
        if cancelled is not None and cancelled():
            proc.kill()
            why = "solver process cancelled"
            break
        if time.monotonic() > kill_at and proc.is_alive():
            proc.kill()
            why = f"solver process killed after overrunning its {time_limit_s:g} s limit"
            break
        try:
            msg = out.get(timeout=0.05)
        except queue.Empty:
            if proc.is_alive():
                continue
            # Drain what the child sent just before it ended.
            try:
                msg = out.get(timeout=0.2)
            except queue.Empty:
                why = f"solver process ended without a result (exit code {proc.exitcode})"
                break
        if msg[0] == "started":
            kill_at = time.monotonic() + time_limit_s * 1.1 + margin_s
        elif msg[0] == "progress":
            _, routes, elapsed_s, prize, travel_s, ends = msg
            best = (routes, prize, travel_s, ends)
            history.append((elapsed_s, prize, travel_s))
            if progress is not None:
                progress(elapsed_s, prize, travel_s)
        else:
            result = msg[1]
    proc.join(timeout=5)
    if proc.is_alive():  # pragma: no cover - join after kill should always succeed
        proc.kill()
        proc.join(timeout=5)
    alive_w.close()
    out.close()
    wall = time.monotonic() - started
    if result is not None:
        report = check_routes(instance, result.routes, ends=result.ends or None)
        if result.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL) and not report.ok:
            return Solution(result.routes, SolveStatus.FAILED, report.prize, report.travel_s,
                            wall, result.first_feasible_s, result.progress, seed,
                            "; ".join(report.violations))
        return result
    empty = tuple(() for _ in instance.vehicles)
    if best is not None and check_routes(instance, best[0], ends=best[3]).ok:
        return Solution(best[0], SolveStatus.FAILED, best[1], best[2], wall,
                        history[0][0] if history else None, tuple(history), seed,
                        f"{why}; returning the best plan it reported", best[3] or ())
    return Solution(empty, SolveStatus.FAILED, wall_s=wall, seed=seed, message=why)
