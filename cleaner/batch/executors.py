"""Executors: the tasks run on local worker processes (joblib) or on a Dask cluster
(its futures), results as they finish (:func:`_execute`)."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import BatchSetupError
from ..extras import require
from .discover import Task
from .isolate import _isolate
from .options import BatchOptions
from .report import TaskResult
from .tasks import _Job, run_task

log = logging.getLogger(__name__)


def _connect(scheduler: str) -> Any:
    """A ``distributed.Client`` for the scheduler at ``scheduler``."""
    require("distributed", extra="dask", feature="cleaner batch --scheduler")
    from distributed import Client
    from distributed.comm.addressing import parse_address
    from distributed.comm.registry import get_backend

    try:  # an unknown scheme would otherwise wait for the connect timeout (60 s) to fail
        get_backend(parse_address(scheduler)[0])
    except (ValueError, TypeError) as exc:
        raise BatchSetupError(
            f"not a Dask scheduler address: {scheduler!r} ({exc}); give one like tcp://host:8786"
        ) from exc
    try:
        return Client(scheduler, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, ValueError) as exc:  # TimeoutError is an OSError
        raise BatchSetupError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc


def _execute(
    tasks: Iterator[Task], job: _Job, options: BatchOptions, client: Any, on_death: Callable[[str], None]
) -> Iterator[TaskResult]:
    """Run the tasks on local worker processes or a Dask cluster; results as they finish.

    ``on_death`` is called when a Dask task killed its workers and was run again alone
    here (a dead local worker breaks the pool instead, and the caller handles it).
    """
    import joblib

    if client is None:
        calls = (joblib.delayed(run_task)(t, job) for t in tasks)
        n_jobs = -1 if options.jobs is None else options.jobs
        parallel = joblib.Parallel(
            n_jobs=n_jobs, return_as="generator_unordered", batch_size=1, pre_dispatch="2*n_jobs"
        )
        yield from parallel(calls)
        return
    yield from _execute_on_dask(tasks, job, client, on_death)


# How often (in finished tasks) the cluster's size is asked again, for an adaptive cluster.
_DASK_RESIZE_EVERY = 32


def _execute_on_dask(
    tasks: Iterator[Task], job: _Job, client: Any, on_death: Callable[[str], None]
) -> Iterator[TaskResult]:
    """Run the tasks on a Dask cluster, about two a worker thread in flight; results as
    they finish.

    The client's futures are used directly: joblib's Dask backend sizes its work to the
    cluster's threads and, with one thread, runs every task in the calling process.
    A task the cluster gives up on (``KilledWorker``: its workers died, as many times
    as the scheduler allows) runs again alone here (:func:`_isolate`), and the others
    go on. Tasks still in flight when this stops early (an error) are cancelled.
    """
    from distributed import KilledWorker, as_completed

    def window() -> int:
        return max(2, 2 * int(sum(client.nthreads().values())))

    running: Any = as_completed(loop=client.loop)  # type: ignore[no-untyped-call]
    in_flight: dict[Any, Task] = {}

    def submit(count: int) -> None:
        for task in itertools.islice(tasks, max(count, 0)):
            future = client.submit(run_task, task, job, pure=False)
            in_flight[future] = task
            running.add(future)

    try:
        submit(window())
        finished = 0
        for future in running:
            task = in_flight.pop(future)
            try:
                result = future.result()  # a task's own error is raised here
            except KilledWorker as exc:
                on_death(str(exc))
                log.warning("task %d killed the Dask workers that ran it (%s); running it alone here", task.index, exc)
                result = _isolate(task, job)
            finished += 1
            # keep about two tasks a worker thread in flight; an adaptive cluster may grow
            submit(window() - len(in_flight) if finished % _DASK_RESIZE_EVERY == 0 else 1)
            yield result
    finally:
        if in_flight:
            client.cancel(list(in_flight))
