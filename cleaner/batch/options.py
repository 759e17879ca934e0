"""The options of a batch run (:class:`BatchOptions`) and their defaults."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError

OUTPUT_FORMATS: tuple[str, ...] = ("jsonl", "text", "markdown", "json")
"""The output formats of :func:`run_batch`."""


DEFAULT_PAGE_TIMEOUT = 30.0
"""Seconds a page may take to be read and cleaned in a batch run (``--page-timeout``).

``python benchmarks/long_pages.py /work/shared/datasets`` on the project's 2-core
machine under load (load average about 5): an ordinary page 50 ms (median), pages of
real articles joined to 1 and 4 million characters 4.1 s and 19.6 s. 30 s lets pages
of about six million characters through on a busy machine and stops a hostile page
(issue 15: one 100 KB page held a worker about 3 minutes). Pages near ``max_chars``
(20 million characters) need a larger budget.
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchOptions:
    """Options of :func:`run_batch` (the cleaning itself is set by a CleanerConfig).

    Attributes:
        format: ``"jsonl"`` (default), ``"text"``, ``"markdown"`` or ``"json"``; see
            the module docstring for the files each writes.
        main_only: write each page's main article only (:attr:`CleanResult.main`,
            the one with the most body words), for corpora of one text a page; a
            JSON Lines row keeps the article's index on the page.
        include: shell globs; when given, only inputs matching one are cleaned.
        exclude: shell globs; inputs matching one are skipped.
        jobs: worker processes; None (default) for one a CPU core, 1 to clean in the
            calling process. Ignored with ``scheduler``, which uses the cluster's workers.
        batch_size: inputs per task (default 128): a task's articles go to one
            ``part`` file, and a resumed run redoes at most the tasks that were
            running. Larger tasks cost less coordination; smaller ones lose less work.
        scheduler: the address of a Dask distributed scheduler
            (``tcp://host:8786``) to run the tasks on its workers instead of local
            processes. The input and output directories must be visible to every
            worker at the same paths (a shared file system).
        resume: continue the run recorded in the output directory's manifest,
            skipping finished tasks. Without it the output directory must be empty
            or missing. With it and no manifest, a new run starts.
        retry_failed: with ``resume``, run again the finished tasks that reported
            failures (all their inputs; the others stay done). Without it, a
            reported failure is final.
        page_timeout: seconds each page may take to be read, rendered and cleaned
            (default :data:`DEFAULT_PAGE_TIMEOUT`, 30); None for no limit. A page
            over it is interrupted and reported (``PageTimeoutError``); one that
            cannot be interrupted (stuck in C code) has its worker process stopped
            a little later (see :mod:`cleaner.batch.watchdog`), except with ``jobs=1``,
            where pages run in the calling process. Not part of the run's identity:
            a resume may change it.
        progress: show a progress bar on standard error; None (default) shows it
            when standard error is a terminal.
    """

    format: str = "jsonl"
    main_only: bool = False
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    jobs: int | None = None
    batch_size: int = 128
    scheduler: str | None = None
    resume: bool = False
    retry_failed: bool = False
    page_timeout: float | None = DEFAULT_PAGE_TIMEOUT
    progress: bool | None = None

    def __post_init__(self) -> None:
        if self.format not in OUTPUT_FORMATS:
            raise ValueError(f"unknown format {self.format!r}; choose one of {', '.join(OUTPUT_FORMATS)}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {self.batch_size}")
        if self.jobs is not None and self.jobs < 1:
            raise ValueError(f"jobs must be None or at least 1, not {self.jobs}")
        if self.retry_failed and not self.resume:
            raise ConfigError("retry_failed retries the failures of the run being resumed: give resume=True too")
        if self.page_timeout is not None:
            number = isinstance(self.page_timeout, int | float) and not isinstance(self.page_timeout, bool)
            if not number or not self.page_timeout > 0 or self.page_timeout == float("inf"):
                raise ConfigError(f"page_timeout must be None or a number of seconds > 0, not {self.page_timeout!r}")
