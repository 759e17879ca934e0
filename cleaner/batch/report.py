"""What a batch run reports: failures and skipped records, each task's result, and the
run's tally (:class:`BatchReport`, which owns the exit code), written to
``OUT/_report.json``, ``OUT/_failures.jsonl`` and ``OUT/_skipped.jsonl``."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .files import _AtomicFile, _json_line

if TYPE_CHECKING:
    from .manifest import _Manifest

log = logging.getLogger(__name__)


REPORT_FILE = "_report.json"


FAILURES_FILE = "_failures.jsonl"


SKIPPED_FILE = "_skipped.jsonl"


PAGE_TIMEOUT = "PageTimeoutError"
"""The error type recorded for a page over its time budget."""


WORKER_CRASH = "WorkerCrashError"
"""The error type recorded for an input that killed the worker process cleaning it."""


@dataclass(frozen=True, slots=True)
class Failure:
    """An input (or one WARC record) that could not be cleaned.

    Attributes:
        path: the input, relative to the input directory.
        record: the WARC record id, or None for a whole file.
        error: the exception's class name (``InputReadError``, ``InputTooLargeError``,
            ``PageTimeoutError``, ``RecursionError``...).
        message: what went wrong.
    """

    path: str
    record: str | None
    error: str
    message: str

    @classmethod
    def of(cls, path: str, record: str | None, exc: BaseException) -> Failure:
        return cls(path, record, type(exc).__name__, str(exc) or repr(exc))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A WARC record that looks like a page but is not read as one, and why.

    Listed in ``_skipped.jsonl`` and counted (``BatchReport.skipped``); no failure.
    Records that are not pages by their type (requests, metadata, images) are not
    listed.
    """

    path: str
    record: str | None
    url: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _timeout_failure(path: str, record: str | None, seconds: float | None) -> Failure:
    return Failure(
        path,
        record,
        PAGE_TIMEOUT,
        f"the page took more than its budget of {seconds:g} s (--page-timeout) to read and clean; it was "
        "interrupted and skipped (--resume --retry-failed tries it again, with a larger --page-timeout)",
    )


def _stopped_failure(path: str, record: str | None, seconds: float | None) -> Failure:
    return Failure(
        path,
        record,
        PAGE_TIMEOUT,
        f"the page held its worker past its budget of {seconds:g} s (--page-timeout) inside code that "
        "cannot be interrupted (a parser in C), so the worker process was stopped; the page was skipped "
        "and the rest of its input cleaned again",
    )


@dataclass(frozen=True, slots=True)
class TaskResult:
    """What a worker reports for a finished task (its output is already in place)."""

    index: int
    inputs: tuple[str, ...]
    pages: int
    articles: int
    failures: tuple[Failure, ...]
    seconds: float
    skipped: tuple[Skipped, ...] = ()

    def to_manifest(self) -> dict[str, Any]:
        return {
            "task": self.index,
            "inputs": list(self.inputs),
            "pages": self.pages,
            "articles": self.articles,
            "failures": [f.to_dict() for f in self.failures],
            "skipped": [s.to_dict() for s in self.skipped],
            "seconds": round(self.seconds, 3),
        }


@dataclass(slots=True)
class BatchReport:
    """The tally of a batch run; it owns the exit code.

    Counts cover the whole run, including tasks finished by an earlier run that this
    one resumed (``resumed_inputs`` of the ``inputs``).

    Attributes:
        inputs: input files finished.
        pages: pages cleaned (a WARC file holds many).
        articles: articles written.
        failures: inputs or WARC records that could not be cleaned (each is listed in
            ``_failures.jsonl`` with its error).
        skipped: WARC records not read as pages, each listed in ``_skipped.jsonl``
            with the reason (responses to other URIs than HTTP(S)); no failure.
        resumed_inputs: inputs skipped because an earlier run had finished them.
        new_pages: pages cleaned by this run.
        elapsed: seconds this run took.
        aborted: why the run stopped before the end (the process died with
            ``jobs=1``, the output could not be written), or None.
        worker_deaths: how many times a local worker process died, or a Dask cluster
            gave up on a task (``KilledWorker``), and the tasks in flight were run
            again alone (see :func:`_isolate`).
    """

    inputs: int = 0
    pages: int = 0
    articles: int = 0
    failures: int = 0
    skipped: int = 0
    resumed_inputs: int = 0
    new_pages: int = 0
    elapsed: float = 0.0
    aborted: str | None = None
    worker_deaths: int = 0
    out_dir: str = ""

    def add(self, result: TaskResult, *, resumed: bool = False) -> None:
        self.inputs += len(result.inputs)
        self.pages += result.pages
        self.articles += result.articles
        self.failures += len(result.failures)
        self.skipped += len(result.skipped)
        if resumed:
            self.resumed_inputs += len(result.inputs)
        else:
            self.new_pages += result.pages

    @property
    def exit_code(self) -> int:
        """0 when every input was cleaned, 1 when some failed or the run stopped early."""
        return 1 if self.failures or self.aborted else 0

    @property
    def pages_per_second(self) -> float:
        return self.new_pages / self.elapsed if self.elapsed > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__slots__ if k != "out_dir"}
        d["elapsed"] = round(self.elapsed, 3)
        d["pages_per_second"] = round(self.pages_per_second, 1)
        d["exit_code"] = self.exit_code
        return d

    def __str__(self) -> str:
        s = f"{self.pages:,} pages from {self.inputs:,} inputs, {self.articles:,} articles, {self.failures:,} failed"
        if self.failures:
            s += f" (see {os.path.join(self.out_dir, FAILURES_FILE)})"
        if self.skipped:
            s += f", {self.skipped:,} skipped (see {os.path.join(self.out_dir, SKIPPED_FILE)})"
        if self.resumed_inputs:
            s += f"; {self.resumed_inputs:,} inputs done by an earlier run"
        s += f"; {self.elapsed:.1f} s, {self.pages_per_second:,.0f} pages/s"
        if self.worker_deaths:
            s += (
                f"\na worker process died {self.worker_deaths:,} time(s); the tasks in flight were run "
                "again alone, and inputs that killed a process alone are listed as WorkerCrashError"
            )
        if self.aborted:
            s += f"\nstopped early: {self.aborted}; rerun with --resume to finish"
        return s


class _Progress:
    """A tqdm bar on standard error (inputs, pages per second, time left), or nothing."""

    def __init__(self, enabled: bool, total: int | None) -> None:
        self._bar: Any = None
        self._start = time.perf_counter()
        self._pages = 0
        if not enabled:
            return
        try:
            from tqdm import tqdm
        except ImportError:
            log.info("no progress bar: tqdm is not installed (pip install tqdm)")
            return
        self._bar = tqdm(total=total, unit="input", file=sys.stderr, dynamic_ncols=True, smoothing=0.05)

    def update(self, result: TaskResult, *, resumed: bool = False) -> None:
        if self._bar is None:
            return
        if not resumed:
            self._pages += result.pages
        rate = self._pages / max(time.perf_counter() - self._start, 1e-9)
        self._bar.set_postfix_str(f"{rate:,.0f} pages/s", refresh=False)
        self._bar.update(len(result.inputs))

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _write_summary(out_dir: Path, manifest: _Manifest, report: BatchReport) -> None:
    """Write ``_failures.jsonl`` and ``_skipped.jsonl`` (in task order, so they are the
    same for any run) and ``_report.json``."""
    try:
        with _AtomicFile(out_dir / FAILURES_FILE) as f:
            for index in sorted(manifest.done):
                for failure in manifest.done[index].failures:
                    f.write(_json_line(failure.to_dict()))
        with _AtomicFile(out_dir / SKIPPED_FILE) as f:
            for index in sorted(manifest.done):
                for skipped in manifest.done[index].skipped:
                    f.write(_json_line(skipped.to_dict()))
        with _AtomicFile(out_dir / REPORT_FILE) as f:
            f.write(json.dumps(report.to_dict(), indent=2) + "\n")
    except OSError as exc:  # keep the error that stopped the run, if any
        log.error("cannot write the run report in %s: %s", out_dir, exc)
