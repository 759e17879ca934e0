"""Batch cleaning of a corpus directory, on one machine or on a Dask cluster.

:func:`run_batch` (:mod:`cleaner.batch.run`) walks an input directory, cleans every
page it finds and writes the articles to an output directory. The stages, in the
order a page meets them:

* **discovery** (:mod:`cleaner.batch.discover`, :func:`discover`): the input tree,
  walked recursively in sorted order, filtered by include and exclude globs. Inputs are recognised by name:
  ``.txt`` (page text, UTF-8), ``.html``/``.htm`` (rendered and cleaned as
  :meth:`cleaner.Cleaner.clean_html` cleans them), gzip-compressed versions of both
  (``.txt.gz``, ``.html.gz``, ``.htm.gz``), and WARC or Common Crawl WET files
  (``.warc``, ``.warc.gz``, ``.wet``, ``.wet.gz``: every HTML response, text resource
  and conversion record is one page). Other files are ignored. A FIFO, socket or
  device with such a name is a failure, found from its ``stat`` and never opened.
  In the formats that mirror the input tree, an input whose output would bear a
  directory's name (``x.txt`` beside ``x.txt.md/``) fails alone (``OutputClashError``).
* **lock** (:mod:`cleaner.batch.lock`): the run holds ``OUT/_run.lock`` while it
  lives; a second run, or a ``--resume`` beside a running run, is refused with an
  error naming the first (pid, host); a killed run's lock is taken over.
* **tasks** (:mod:`cleaner.batch.discover`): consecutive inputs, ``batch_size`` at a
  time, numbered in discovery order; a WARC file is a task of its own. Numbering
  depends only on the input tree and the options, never on timing, so every run
  writes the same files.
* **workers** (:mod:`cleaner.batch.tasks`, :func:`run_task`, on the executors of
  :mod:`cleaner.batch.executors`): each task runs in a worker process (joblib, or
  futures on a Dask cluster). A worker loads the model once
  (:func:`cleaner.cache.cached_cleaner`), reads its inputs (:mod:`cleaner.batch.read`;
  files through :mod:`cleaner.io`), cleans them in small batches and writes its output
  atomically. Pages are streamed: neither the corpus nor a whole WARC file is ever
  held in memory. Whatever reading, cleaning or rendering one page raises is that
  page's failure (inside a WARC file, that record's); each page has a time budget
  (``page_timeout``, :mod:`cleaner.batch.watchdog`). A worker ends itself when the
  process that started it dies, and renames an output into OUT only while its
  run holds OUT's lock.
* **manifest** (:mod:`cleaner.batch.manifest`): after a task's output is in place,
  the parent appends a line naming
  the task, its inputs, counts and failures to ``OUT/_manifest.jsonl`` (fsync'd).
  Its header holds the options and the model file's sha256. With ``resume=True``
  finished tasks are skipped (their failures too, unless ``retry_failed``) and
  leftover temporary files removed, so a run killed at any moment (``kill -9``
  included) and resumed ends with the same output as an uninterrupted run.
* **crashes** (:mod:`cleaner.batch.isolate`): when a worker process dies (a crash,
  the out-of-memory killer), the tasks in flight run again alone in fresh local
  processes (on Dask, the one task the cluster gave up on, ``KilledWorker``); the
  inputs that kill a process even alone are found, skipped and reported as failures
  (:data:`WORKER_CRASH`), and the run goes on. A process stopped for a page stuck
  past its budget left a note of the page: its task runs again and skips it
  (:data:`PAGE_TIMEOUT`).
* **report** (:mod:`cleaner.batch.report`, :class:`BatchReport`): pages, articles,
  failures and time, written to
  ``OUT/_report.json``; failures, one JSON line each with the input's path, WARC
  record id, error type and message, to ``OUT/_failures.jsonl``; WARC records not
  read as pages (responses to other URIs than http(s)) with the reason to
  ``OUT/_skipped.jsonl``. The report owns the exit code: 0 all done, 1 some inputs
  failed or the run stopped early.

Outputs (``BatchOptions.format``):

* ``"jsonl"`` (default): ``OUT/part-NNNNN.jsonl``, one file a task, one article a
  line: ``path`` (the input, relative to IN), ``record`` (WARC record id or null),
  ``url`` (WARC target URI or null), ``article`` (index on the page), then every
  :class:`cleaner.Article` field. A page with no article has one row all the same,
  with ``article`` null and empty fields, so that it can be told from a lost page.
  A path that is not UTF-8 keeps its undecodable bytes as ``\\udcXX`` escapes
  (``os.fsencode(row["path"])`` gives the file name back).
* ``"text"``, ``"markdown"``, ``"json"``: a tree mirroring IN, one file an input,
  named by *appending* ``.txt``, ``.md`` or ``.json`` to the input's name
  (``news/a.html.gz`` -> ``news/a.html.gz.md``), so that two inputs never share an
  output (``a.txt`` and ``a.txt.gz`` differ). A WARC file's pages go to one JSON
  Lines file named by appending ``.jsonl``, with the lines of the jsonl format.

"The same output" means: every file in OUT except ``_report.json`` (which holds
timings) and ``_manifest.jsonl`` (whose lines are in completion order) is identical,
byte for byte, whatever the number of jobs, the scheduler, or the interruptions.

Every page is limited by :attr:`cleaner.CleanerConfig.max_chars`: a text input is
rejected as soon as it is known to exceed it (from the file size, before reading,
when that is enough), an HTML input larger than ``max_chars`` bytes before parsing.
A worker's memory is bounded by the model, a batch of pages, and one page of at most
``max_chars`` characters.

The model file is loaded once in this process before the run starts (a file that is
no usable model, or a pickle without ``trust_pickle``, stops it with a
:class:`~cleaner.errors.ModelError` before OUT is touched), then once in each worker.
"""

from __future__ import annotations

from ..cache import cached_cleaner
from .discover import InputFile, InputKind, Task, discover, input_kind
from .lock import LOCK_FILE
from .manifest import MANIFEST_FILE
from .options import DEFAULT_PAGE_TIMEOUT, OUTPUT_FORMATS, BatchOptions
from .report import (
    FAILURES_FILE,
    PAGE_TIMEOUT,
    REPORT_FILE,
    SKIPPED_FILE,
    WORKER_CRASH,
    BatchReport,
    Failure,
    Skipped,
    TaskResult,
)
from .run import run_batch
from .tasks import run_task

__all__ = [
    "DEFAULT_PAGE_TIMEOUT",
    "FAILURES_FILE",
    "LOCK_FILE",
    "MANIFEST_FILE",
    "OUTPUT_FORMATS",
    "PAGE_TIMEOUT",
    "REPORT_FILE",
    "SKIPPED_FILE",
    "WORKER_CRASH",
    "BatchOptions",
    "BatchReport",
    "Failure",
    "InputFile",
    "InputKind",
    "Skipped",
    "Task",
    "TaskResult",
    "cached_cleaner",
    "discover",
    "input_kind",
    "run_batch",
    "run_task",
]
