"""The run: checks, the lock on OUT, the manifest, the tasks on their executor,
crashed tasks isolated, the report written (:func:`run_batch`)."""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..cache import _file_sha256, _model_file
from ..config import CleanerConfig
from ..errors import BatchSetupError, CleanerError, MissingExtraError
from ..extras import available
from .discover import InputKind, Task, _tasks, discover
from .executors import _connect, _execute
from .files import _remove_stuck_notes, _remove_temp_files, _stuck_marker
from .isolate import _isolate
from .lock import take_lock
from .manifest import _header, _Manifest
from .options import BatchOptions
from .read import _WARC_FEATURE
from .report import BatchReport, TaskResult, _Progress, _write_summary
from .tasks import _Job

log = logging.getLogger(__name__)


def run_batch(
    in_dir: str | Path,
    out_dir: str | Path,
    *,
    options: BatchOptions | None = None,
    model: str | Path | None = None,
    config: CleanerConfig | None = None,
    on_result: Callable[[TaskResult], None] | None = None,
    trust_pickle: bool = False,
) -> BatchReport:
    """Clean every page under ``in_dir`` into ``out_dir``; see the module docstring.

    Args:
        in_dir: the corpus directory.
        out_dir: where outputs, the manifest, the report and the failures list go;
            empty or missing unless ``options.resume``.
        options: see :class:`BatchOptions`.
        model: a model file path, or None for the shipped model. It is loaded here
            once, before anything is written, so that a file that is no usable
            model stops the run at once (a :class:`~cleaner.errors.ModelError`).
        config: how pages are cleaned; its ``max_chars`` also limits every input.
        on_result: called in this process after each task is recorded.
        trust_pickle: also load a pickle (joblib) model file, in this process and in
            every worker; **loading a pickle runs any code it holds** (see
            :func:`cleaner.model.load_model`).

    Returns:
        The :class:`BatchReport`; ``report.exit_code`` is 0 when all inputs were
        cleaned, 1 when some failed (listed in ``_failures.jsonl``) or the run
        stopped early (``report.aborted`` says why; rerun with ``resume``).

    Raises:
        BatchSetupError: ``in_dir`` is not a directory; ``out_dir`` is a file, cannot
            be written, holds another run, or is in use by a running run (the
            message names its pid and host); resume options, inputs or the model
            file differ; the scheduler address is wrong or cannot be reached; or the
            model file changed during the run.
        MissingExtraError: the inputs hold WARC files and warcio is not installed
            (``cleaner[warc]``), or a scheduler is given without ``cleaner[dask]``.
        ModelError: ``model`` is missing, damaged, of another version, or a pickle
            without ``trust_pickle``.
    """
    options = BatchOptions() if options is None else options
    config = CleanerConfig() if config is None else config
    start = time.perf_counter()
    src, dst = Path(in_dir).resolve(), Path(out_dir).resolve()
    if not src.is_dir():
        raise BatchSetupError(f"the input {in_dir} is not a directory")
    if src == dst or src.is_relative_to(dst):
        raise BatchSetupError(f"the output directory {out_dir} must not contain the input directory")
    if dst.exists() and not dst.is_dir():
        raise BatchSetupError(f"the output {out_dir} is a file; give a directory (new, or empty)")
    if not available("warcio"):  # refuse now: failed WARC inputs would count as done for --resume
        skip = dst if dst.is_relative_to(src) else None
        inputs = discover(src, include=options.include, exclude=options.exclude, skip=skip)
        if any(item.kind is InputKind.WARC for item in inputs):
            raise MissingExtraError(_WARC_FEATURE, "warcio", "warc")
    model_path = None if model is None else str(Path(model).resolve())
    if model_path is not None:  # refused here, before OUT is touched, rather than in every worker
        from ..model import load_model  # numpy and scipy: once a run starts

        load_model(model_path, trust_pickle=trust_pickle)
    model_file = _model_file(model_path)
    try:
        model_sha256 = _file_sha256(model_file)
    except OSError as exc:
        raise BatchSetupError(f"cannot read the model file {model_file}: {exc.strerror or exc}") from exc
    client = None if options.scheduler is None else _connect(options.scheduler)
    try:
        created = not dst.exists()
        lock = take_lock(dst)
        job = _Job(
            str(src),
            str(dst),
            options.format,
            model_path,
            config,
            options.main_only,
            page_timeout=options.page_timeout,
            model_sha256=model_sha256,
            parent=(os.getpid(), socket.gethostname()),
            token=lock.token,
            watch_parent=client is None,
            trust_pickle=trust_pickle,
        )
        try:
            return _run(src, dst, job, options, client, on_result, start)
        finally:
            lock.release()
            if created:  # a run refused before it wrote anything leaves no directory behind
                with contextlib.suppress(OSError):
                    dst.rmdir()
    finally:
        if client is not None:
            client.close()


def _run(
    src: Path,
    dst: Path,
    job: _Job,
    options: BatchOptions,
    client: Any,
    on_result: Callable[[TaskResult], None] | None,
    start: float,
) -> BatchReport:
    header = _header(options, job.model, job.model_sha256 or "", job.config)
    manifest = _Manifest(dst, header, resume=options.resume, retry_failed=options.retry_failed)
    report = BatchReport(out_dir=str(dst))

    def all_tasks() -> Iterator[Task]:
        skip = dst if dst.is_relative_to(src) else None
        inputs = discover(
            src, include=options.include, exclude=options.exclude, skip=skip, output_format=options.format
        )
        return _tasks(inputs, options.batch_size)

    if manifest.recorded:
        for task in all_tasks():
            done = manifest.recorded.get(task.index)
            if done is not None and done.inputs != tuple(i.path for i in task.inputs):
                manifest.close()
                raise BatchSetupError(
                    f"the input tree changed since the run in {dst} began (task {task.index} "
                    f"now holds {task.inputs[0].path}...); resume needs the same inputs, or use a "
                    "new output directory"
                )
    # This run holds OUT's lock: temporary files are a dead run's. Notes of stuck
    # pages are kept for the tasks still to do (the rerun skips those pages), unless
    # failures are to be retried.
    _remove_temp_files(dst)
    _remove_stuck_notes(dst, lambda index: index not in manifest.done and not options.retry_failed)
    try:
        show = sys.stderr.isatty() if options.progress is None else options.progress
        total = sum(len(t.inputs) for t in all_tasks()) if show else None
        progress = _Progress(show, total)
        for done in manifest.done.values():
            report.add(done, resumed=True)
            progress.update(done, resumed=True)
        already = frozenset(manifest.done)
        pending = (t for t in all_tasks() if t.index not in already)

        def record(result: TaskResult) -> None:
            manifest.append(result)
            _stuck_marker(dst, result.index).unlink(missing_ok=True)  # its pages are in the manifest now
            report.add(result)
            progress.update(result)
            if on_result is not None:
                on_result(result)

        crashed = False
        try:
            while True:
                in_flight: dict[int, Task] = {}

                def dispatched(tasks: Iterator[Task], in_flight: dict[int, Task] = in_flight) -> Iterator[Task]:
                    for task in tasks:
                        in_flight[task.index] = task
                        yield task

                def dask_death(message: str) -> None:
                    nonlocal crashed
                    crashed = True
                    report.worker_deaths += 1

                try:
                    for result in _execute(dispatched(pending), job, options, client, dask_death):
                        in_flight.pop(result.index, None)
                        record(result)
                    break
                except concurrent.futures.BrokenExecutor as exc:
                    if client is not None:
                        raise
                    # one of the tasks in flight killed its worker (a crash or out of
                    # memory): run each alone, in a fresh process, then go on with the rest
                    log.warning("a worker process died (%s); running the %d tasks in flight alone", exc, len(in_flight))
                    crashed = True
                    report.worker_deaths += 1
                    for task in sorted(in_flight.values(), key=lambda t: t.index):
                        record(_isolate(task, job))
            if crashed:  # the dead processes' temporary files; no worker writes any more
                _remove_temp_files(dst)
        except concurrent.futures.BrokenExecutor as exc:
            report.aborted = f"a worker process died ({exc})"
        except concurrent.futures.CancelledError as exc:  # Dask: the scheduler cancelled a task (lost, restarted)
            report.aborted = f"the Dask cluster cancelled a task ({type(exc).__name__}: {exc})"
        except OSError as exc:
            report.aborted = f"cannot write the output: {exc}"
        except CleanerError as exc:  # from a worker: the model file changed, or the run lost OUT
            report.aborted = str(exc)
            raise
        except Exception as exc:  # a bug: the report says the run stopped, and the traceback why
            log.exception("the run stopped on an unexpected error")
            report.aborted = f"an unexpected error stopped the run ({type(exc).__name__}: {exc}); please report it"
        finally:
            progress.close()
    finally:
        manifest.close()
        report.elapsed = time.perf_counter() - start
        _write_summary(dst, manifest, report)
    return report
