"""Crash isolation: a task that was in flight when a worker process died runs again
alone in fresh processes, and the inputs that kill a process even alone are found,
skipped and reported (:func:`_isolate`)."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..cache import cached_cleaner
from .discover import Task
from .files import _TMP_SUFFIX, _stuck_marker
from .read import _Budget, _pages
from .report import WORKER_CRASH, Failure, TaskResult
from .tasks import _cleaned, _Job, run_task
from .watchdog import PageClock, read_stuck

log = logging.getLogger(__name__)


def _probe_inputs(task: Task, first: int, job: _Job, marker: str) -> None:
    """Clean (and drop) the task's inputs from ``first`` on, writing each one's position
    to ``marker`` before it starts: when this process dies, the marker names the input
    that killed it."""
    clock = PageClock.get()
    if job.watch_parent:
        clock.watch_parent(job.parent[0])
    stuck = _stuck_marker(job.out_dir, task.index)
    budget = _Budget(clock, job.page_timeout, stuck, *read_stuck(stuck))
    with clock.alarm_handler():
        cleaner = cached_cleaner(job.model, job.config, sha256=job.model_sha256, trust_pickle=job.trust_pickle)
        for i in range(first, len(task.inputs)):
            if i in task.skip:
                continue
            with open(marker, "w", encoding="utf-8") as f:
                f.write(str(i))
                f.flush()
                os.fsync(f.fileno())
            for _ in _cleaned(_pages(Path(job.in_dir), task, job.config, budget, only=i), cleaner, [], [], budget):
                pass


def _in_fresh_process(fn: Callable[..., Any], *args: Any) -> tuple[bool, Any]:
    """Run ``fn(*args)`` in a new process of its own: ``(True, its result)``, or
    ``(False, None)`` when that process died."""
    import multiprocessing

    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        try:
            return True, pool.submit(fn, *args).result()
        except concurrent.futures.BrokenExecutor:
            return False, None


def _noted(path: Path) -> int:
    """How much ``path`` (a task's notes of stuck pages) holds: it grows with every stop."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


# A task whose pages stop its process this many times in a row is probed as a crash.
# Each stop narrows a group of pages down to one, or skips one, so a task needs at
# most two a stuck page.
_MAX_STOPS = 64


def _isolate(task: Task, job: _Job) -> TaskResult:
    """Run a task that was in flight when a worker process died, alone.

    A process stopped for a page over its time budget (:mod:`cleaner.batch.watchdog`)
    left a note of the page: the task simply runs again, and the rerun skips it. A
    process that dies otherwise makes the task's inputs be cleaned one after
    another in a probe process, restarted after each death, to find the inputs that
    kill it; the task then runs without them, and each is reported as a failure
    (:data:`WORKER_CRASH`). A task that dies even so is reported as failed as a
    whole, with no output.
    """
    job = dataclasses.replace(job, watch_parent=True)  # the fresh processes are children of this one
    stuck = _stuck_marker(job.out_dir, task.index)
    stops = 0
    while True:
        noted = _noted(stuck)
        ok, result = _in_fresh_process(run_task, task, job)
        if ok:
            return result  # type: ignore[no-any-return]
        if _noted(stuck) == noted or stops >= _MAX_STOPS:
            break
        stops += 1  # a page over its budget stopped the process: the rerun skips it
    log.warning("task %d crashed a worker process again when run alone; finding the input", task.index)
    marker = str(Path(job.out_dir) / f".probe-{task.index:05d}{_TMP_SUFFIX}")
    poison: set[int] = set()
    first = 0
    try:
        while first < len(task.inputs):
            Path(marker).unlink(missing_ok=True)
            probe = Task(task.index, task.inputs, frozenset(poison))
            noted = _noted(stuck)
            ok, _ = _in_fresh_process(_probe_inputs, probe, first, job, marker)
            if ok:
                break
            if _noted(stuck) != noted and stops < _MAX_STOPS:
                stops += 1  # stopped for a page over its budget, not a crash: again, skipping it
                continue
            try:
                bad = int(Path(marker).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                break  # died before reaching an input: not an input's fault
            poison.add(bad)
            first = bad + 1
    finally:
        Path(marker).unlink(missing_ok=True)
    while True:
        noted = _noted(stuck)
        ok, result = _in_fresh_process(run_task, Task(task.index, task.inputs, frozenset(poison)), job)
        if ok:
            return result  # type: ignore[no-any-return]
        if _noted(stuck) == noted or stops >= _MAX_STOPS:
            break
        stops += 1
    message = "the worker process died on every attempt at this task, alone too; no output was written"
    return TaskResult(
        task.index,
        tuple(i.path for i in task.inputs),
        0,
        0,
        tuple(Failure(i.path, None, WORKER_CRASH, message) for i in task.inputs),
        0.0,
    )
