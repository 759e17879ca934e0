"""Batch cleaning of a corpus directory, on one machine or on a Dask cluster.

:func:`run_batch` walks an input directory, cleans every page it finds and writes the
articles to an output directory. The stages, in the order a page meets them:

* **discovery** (:func:`discover`): the input tree, walked recursively in sorted
  order, filtered by include and exclude globs. Inputs are recognised by name:
  ``.txt`` (page text, UTF-8), ``.html``/``.htm`` (rendered with
  :func:`cleaner.html_text.html_to_text`), gzip-compressed versions of both
  (``.txt.gz``, ``.html.gz``, ``.htm.gz``), and WARC or Common Crawl WET files
  (``.warc``, ``.warc.gz``, ``.wet``, ``.wet.gz``: every HTML response, text resource
  and conversion record is one page). Other files are ignored. A FIFO, socket or
  device with such a name is a failure, found from its ``stat`` and never opened.
  In the formats that mirror the input tree, an input whose output would bear a
  directory's name (``x.txt`` beside ``x.txt.md/``) fails alone (``OutputClashError``).
* **lock** (:mod:`cleaner.batch_lock`): the run holds ``OUT/_run.lock`` while it
  lives; a second run, or a ``--resume`` beside a running run, is refused with an
  error naming the first (pid, host); a killed run's lock is taken over.
* **tasks**: consecutive inputs, ``batch_size`` at a time, numbered in discovery
  order; a WARC file is a task of its own. Numbering depends only on the input tree
  and the options, never on timing, so every run writes the same files.
* **workers** (:func:`run_task`): each task runs in a worker process (joblib, or
  futures on a Dask cluster). A worker loads the model once (:func:`cached_cleaner`), reads its
  inputs, cleans them in small batches and writes its output atomically. Pages are
  streamed: neither the corpus nor a whole WARC file is ever held in memory.
  Whatever reading, cleaning or rendering one page raises is that page's failure
  (inside a WARC file, that record's); each page has a time budget
  (``page_timeout``, :mod:`cleaner.page_clock`). A worker ends itself when the
  process that started it dies, and renames an output into OUT only while its
  run holds OUT's lock.
* **manifest**: after a task's output is in place, the parent appends a line naming
  the task, its inputs, counts and failures to ``OUT/_manifest.jsonl`` (fsync'd).
  Its header holds the options and the model file's sha256. With ``resume=True``
  finished tasks are skipped (their failures too, unless ``retry_failed``) and
  leftover temporary files removed, so a run killed at any moment (``kill -9``
  included) and resumed ends with the same output as an uninterrupted run.
* **crashes**: when a worker process dies (a crash, the out-of-memory killer), the
  tasks in flight run again alone in fresh local processes (on Dask, the one task the
  cluster gave up on, ``KilledWorker``); the inputs that kill a process
  even alone are found (:func:`_isolate`), skipped and reported as failures
  (:data:`WORKER_CRASH`), and the run goes on. A process stopped for a page stuck
  past its budget left a note of the page: its task runs again and skips it
  (:data:`PAGE_TIMEOUT`).
* **report** (:class:`BatchReport`): pages, articles, failures and time, written to
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

import codecs
import concurrent.futures
import contextlib
import dataclasses
import enum
import fnmatch
import functools
import gzip
import hashlib
import itertools
import json
import logging
import os
import re
import socket
import stat
import sys
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, BinaryIO

from .api import Cleaner
from .batch_lock import LOCK_FILE, lock_token, take_lock
from .config import CleanerConfig
from .document import Article, CleanResult
from .errors import (
    BatchSetupError,
    CleanerError,
    ConfigError,
    InputReadError,
    InputTooLargeError,
    MissingExtraError,
)
from .extras import available, require
from .model import load_model
from .output import render
from .page_clock import PageClock, PageKey, PageOverrun, read_stuck
from .page_meta import PageMeta

__all__ = [
    "DEFAULT_PAGE_TIMEOUT",
    "FAILURES_FILE",
    "LOCK_FILE",
    "MANIFEST_FILE",
    "OUTPUT_FORMATS",
    "PAGE_TIMEOUT",
    "REPORT_FILE",
    "SKIPPED_FILE",
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

log = logging.getLogger(__name__)

OUTPUT_FORMATS: tuple[str, ...] = ("jsonl", "text", "markdown", "json")
"""The output formats of :func:`run_batch`."""

MANIFEST_FILE = "_manifest.jsonl"
REPORT_FILE = "_report.json"
FAILURES_FILE = "_failures.jsonl"
SKIPPED_FILE = "_skipped.jsonl"
_MANIFEST_VERSION = 1
_TMP_SUFFIX = ".cleaner-tmp"
# Notes of pages that held a worker process past their budget (cleaner.page_clock);
# kept across --resume (unlike temporary files), removed once their task is recorded.
_STUCK_PREFIX = ".stuck-"
_STUCK_SUFFIX = ".cleaner-stuck"

DEFAULT_PAGE_TIMEOUT = 30.0
"""Seconds a page may take to be read and cleaned in a batch run (``--page-timeout``).

``python benchmarks/long_pages.py /work/shared/datasets`` on the project's 2-core
machine under load (load average about 5): an ordinary page 50 ms (median), pages of
real articles joined to 1 and 4 million characters 4.1 s and 19.6 s. 30 s lets pages
of about six million characters through on a busy machine and stops a hostile page
(issue 15: one 100 KB page held a worker about 3 minutes). Pages near ``max_chars``
(20 million characters) need a larger budget.
"""
PAGE_TIMEOUT = "PageTimeoutError"
"""The error type recorded for a page over its time budget."""
_MIRROR_SUFFIX = {"text": ".txt", "markdown": ".md", "json": ".json"}

# Pages are cleaned in groups of at most this many pages or characters, whichever
# comes first: large enough for Cleaner.clean_many to pay off (about 10% faster than
# page by page on the bootstrap model), small enough to bound a worker's memory.
_CLEAN_BATCH_PAGES = 64
_CLEAN_BATCH_CHARS = 2_000_000
# Read size for streaming inputs; 1 MiB keeps reads few without holding much.
_CHUNK = 1 << 20


class InputKind(enum.StrEnum):
    """How an input file is read."""

    TEXT = "text"
    HTML = "html"
    WARC = "warc"
    UNLISTABLE = "unlistable"
    """A directory that discovery could not list; reported as a failure."""
    CLASH = "clash"
    """An input whose output (``-f text/markdown/json``) would have the name of a
    directory of outputs; reported as a failure (:class:`cleaner.errors.OutputClashError`)."""


# Checked in order; the first suffix that matches wins.
_SUFFIXES: tuple[tuple[str, InputKind], ...] = (
    (".warc", InputKind.WARC),
    (".warc.gz", InputKind.WARC),
    (".wet", InputKind.WARC),
    (".wet.gz", InputKind.WARC),
    (".txt", InputKind.TEXT),
    (".txt.gz", InputKind.TEXT),
    (".html", InputKind.HTML),
    (".htm", InputKind.HTML),
    (".html.gz", InputKind.HTML),
    (".htm.gz", InputKind.HTML),
)


def input_kind(name: str) -> InputKind | None:
    """The kind of input a file name says, or None for a file batch runs ignore.

    >>> input_kind("crawl/CC-MAIN-0001.warc.wet.gz"), input_kind("a.HTM"), input_kind("a.pdf")
    (<InputKind.WARC: 'warc'>, <InputKind.HTML: 'html'>, None)
    """
    lower = name.lower()
    for suffix, kind in _SUFFIXES:
        if lower.endswith(suffix):
            return kind
    return None


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input of a batch run.

    Attributes:
        path: the path relative to the input directory, with ``/`` separators.
        kind: how it is read.
        error: for :attr:`InputKind.UNLISTABLE` and :attr:`InputKind.CLASH`, what is wrong.
    """

    path: str
    kind: InputKind
    error: str | None = None


def _matches(rel: str, patterns: Sequence[str]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(rel, p) or ("/" not in p and fnmatch.fnmatchcase(name, p)) for p in patterns)


def discover(
    root: str | Path,
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    skip: str | Path | None = None,
    output_format: str | None = None,
) -> Iterator[InputFile]:
    """Yield the inputs under ``root``, recursively and lazily, in a fixed order.

    The order: a directory's files sorted by name, then its subdirectories, each
    walked the same way, sorted by name.

    Args:
        root: the input directory.
        include: shell globs; when given, only inputs matching one are kept.
        exclude: shell globs; inputs matching one are dropped.
        skip: a directory not to descend into (the output directory, when it lies
            inside ``root``).
        output_format: the run's output format; for the formats that mirror the
            input tree, an input whose output would have the name of a sibling
            directory (``x.txt`` -> ``x.txt.md`` beside a directory ``x.txt.md/``)
            is yielded as :attr:`InputKind.CLASH`, so that it fails alone and the
            same way in every run.

    A glob with a ``/`` is matched against the path relative to ``root`` (``*`` also
    matches ``/``, so ``drafts/*`` is everything under ``drafts``); a glob without one
    is matched against the file name too (``*.html``). Only files whose names
    :func:`input_kind` recognises are inputs.
    """
    root = Path(root)
    skip_path = None if skip is None else os.path.realpath(skip)
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        while errors:
            exc = errors.pop()
            rel = Path(exc.filename or dirpath).relative_to(root).as_posix()
            yield InputFile(rel, InputKind.UNLISTABLE, f"cannot list the directory: {exc.strerror}")
        dirnames.sort()
        if skip_path is not None:
            dirnames[:] = [d for d in dirnames if os.path.realpath(os.path.join(dirpath, d)) != skip_path]
        reldir = Path(dirpath).relative_to(root).as_posix()
        subdirs = frozenset(dirnames)
        for name in sorted(filenames):
            kind = input_kind(name)
            if kind is None:
                continue
            rel = name if reldir == "." else f"{reldir}/{name}"
            if include and not _matches(rel, include):
                continue
            if exclude and _matches(rel, exclude):
                continue
            mirror = _mirror_name(name, kind, output_format)
            if mirror is not None and mirror in subdirs:
                yield InputFile(
                    rel,
                    InputKind.CLASH,
                    f"its output {mirror} would have the name of the directory {mirror}/ beside it, whose "
                    "outputs go to a directory of that name; rename one of them, or write -f jsonl",
                )
                continue
            yield InputFile(rel, kind)
    while errors:  # the root itself could not be listed
        exc = errors.pop()
        yield InputFile(".", InputKind.UNLISTABLE, f"cannot list the directory: {exc.strerror}")


def _mirror_name(name: str, kind: InputKind, output_format: str | None) -> str | None:
    """The name of an input's own output file in a mirroring format, or None (JSON Lines parts)."""
    if output_format is None or output_format not in _MIRROR_SUFFIX:
        return None
    return name + (".jsonl" if kind is InputKind.WARC else _MIRROR_SUFFIX[output_format])


@dataclass(frozen=True, slots=True)
class Task:
    """A numbered group of inputs that one worker cleans into one output unit.

    ``skip`` holds the positions of inputs that crashed a worker process when cleaned
    alone (see :func:`_isolate`): they are reported as failures, not read.
    """

    index: int
    inputs: tuple[InputFile, ...]
    skip: frozenset[int] = frozenset()


def _tasks(inputs: Iterable[InputFile], batch_size: int) -> Iterator[Task]:
    index = 0
    group: list[InputFile] = []
    for item in inputs:
        if item.kind is InputKind.WARC:
            if group:
                yield Task(index, tuple(group))
                index += 1
                group = []
            yield Task(index, (item,))
            index += 1
            continue
        group.append(item)
        if len(group) >= batch_size:
            yield Task(index, tuple(group))
            index += 1
            group = []
    if group:
        yield Task(index, tuple(group))


# --------------------------------------------------------------------------- reading


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


@dataclass(frozen=True, slots=True)
class _Page:
    item: int  # index of the input in its task
    path: str
    record: str | None
    url: str | None
    text: str
    meta: PageMeta | None = None  # what an HTML page declares (title, authors, date)
    key: PageKey = ("", 0)  # the page in its task, for the time budget
    read_seconds: float = 0.0  # spent reading and rendering it, out of its budget


@dataclass(frozen=True, slots=True)
class _Budget:
    """A task's time budget a page (:mod:`cleaner.page_clock`) and the pages that
    stopped a worker process in an earlier attempt at the task."""

    clock: PageClock
    seconds: float | None
    marker: Path | None  # where the watchdog notes a page before it stops the process
    skip: frozenset[PageKey] = frozenset()  # stopped a process alone: reported, not tried again
    alone: frozenset[PageKey] = frozenset()  # stopped a process in a group: cleaned one by one

    def left(self, page: _Page) -> float | None:
        return None if self.seconds is None else max(self.seconds - page.read_seconds, 0.0)


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


def _too_large(what: str, max_chars: int) -> InputTooLargeError:
    return InputTooLargeError(
        f"{what} more than max_chars={max_chars:,} allows; raise CleanerConfig(max_chars=...) "
        "(cleaner batch --max-chars N) to accept it"
    )


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a directory"),
)


def _not_regular(mode: int) -> InputReadError | None:
    if stat.S_ISREG(mode):
        return None
    what = next((name for test, name in _NOT_REGULAR if test(mode)), "a special file")
    return InputReadError(f"{what}, not a regular file: skipped without opening it (reading could block forever)")


def _open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading; anything else (a FIFO, a socket, a device) is
    refused from its ``stat``, before it is opened."""
    error = _not_regular(os.stat(path).st_mode)
    if error is not None:
        raise error
    # non-blocking, so that a FIFO put in the file's place since cannot block the open
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        error = _not_regular(os.fstat(fd).st_mode)
        if error is not None:
            raise error
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class _GzipInput(gzip.GzipFile):
    """A gzip stream over a file it closes with itself."""

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__(fileobj=raw, mode="rb")
        self._raw = raw

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._raw.close()


def _open_input(path: Path) -> BinaryIO:
    stream = _open_regular(path)
    if path.name.lower().endswith(".gz"):
        return _GzipInput(stream)  # type: ignore[return-value]
    return stream


def _read_error(exc: BaseException) -> InputReadError:
    if isinstance(exc, EOFError | zlib.error | gzip.BadGzipFile):
        return InputReadError(f"corrupt or truncated gzip data ({exc}); recompress or re-fetch the file")
    if isinstance(exc, OSError) and exc.strerror:
        return InputReadError(f"cannot read the file: {exc.strerror}")
    return InputReadError(f"cannot read the file: {exc}")


_TEXT_FILE = "batch inputs named .txt must be UTF-8 text"
_TEXT_RECORD = "a WARC text/plain or conversion record must hold UTF-8 text"


def _decode_text(stream: IO[bytes], max_chars: int | None, what: str = _TEXT_FILE) -> str:
    """Decode a UTF-8 stream chunk by chunk, stopping as soon as it exceeds ``max_chars``.

    ``what`` says what the stream should hold, for the error messages.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    parts: list[str] = []
    n = 0
    offset = 0
    while True:
        chunk = stream.read(_CHUNK)
        nul = chunk.find(b"\x00")
        if nul >= 0:
            raise InputReadError(f"binary data (a NUL byte at byte {offset + nul:,}), not page text; {what}")
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            hint = "convert it first, for example `iconv -f latin1 -t utf-8 FILE`" if what == _TEXT_FILE else what
            raise InputReadError(f"not UTF-8 text (byte {offset + exc.start:,}); {hint}") from exc
        parts.append(text)
        n += len(text)
        if max_chars is not None and n > max_chars:
            raise _too_large(f"the page has more than {n:,} characters,", max_chars)
        if not chunk:
            return "".join(parts)
        offset += len(chunk)


def _read_limited(stream: IO[bytes], limit: int | None, what: str) -> bytes:
    data = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(data) > limit:
        raise _too_large(f"the {what} has more than {limit:,} bytes,", limit)
    return data


def _html_text(data: bytes | str, config: CleanerConfig) -> tuple[str, PageMeta | None]:
    from .page_meta import read_html

    if isinstance(data, bytes) and b"\x00" in data:
        raise InputReadError("binary data (NUL bytes), not HTML")
    text, meta = read_html(data, mode=config.html_mode, metadata=config.html_metadata)
    if config.max_chars is not None and len(text) > config.max_chars:
        raise _too_large(f"the rendered page has {len(text):,} characters,", config.max_chars)
    return text, meta


def _read_file(root: Path, item: InputFile, config: CleanerConfig) -> tuple[str, PageMeta | None]:
    path = root / item.path
    max_chars = config.max_chars
    try:
        if max_chars is not None and not path.name.lower().endswith(".gz"):
            st = os.stat(path)
            # UTF-8 takes at most 4 bytes a character; HTML is limited in bytes.
            if stat.S_ISREG(st.st_mode) and st.st_size > (4 * max_chars if item.kind is InputKind.TEXT else max_chars):
                raise _too_large(f"the file has {st.st_size:,} bytes,", max_chars)
        with _open_input(path) as stream:
            if item.kind is InputKind.TEXT:
                return _decode_text(stream, max_chars), None
            data = _read_limited(stream, max_chars, "HTML page")
    except (OSError, EOFError, zlib.error) as exc:
        raise _read_error(exc) from exc
    return _html_text(data, config)


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


_WARC_FEATURE = "reading .warc and .wet inputs"


def _not_http(url: str | None) -> str | None:
    """Why a response record for ``url`` is not read as a page, or None for HTTP(S)."""
    if not url:
        return "a response record without a WARC-Target-URI: nothing says what it holds"
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme in ("http", "https"):
        return None
    return (
        f"a response record whose target URI is {scheme or 'scheme-less'}:, not http(s): it has no HTTP "
        "headers to say what it holds, so it is not read as a page"
    )


def _read_record(record: Any, is_html: bool, ctype: str, config: CleanerConfig) -> tuple[str, PageMeta | None]:
    stream = record.content_stream()
    if is_html:
        data = _read_limited(stream, config.max_chars, "HTML record")
        charset = _charset(ctype)
        html: bytes | str = data
        if charset:
            try:
                html = data.decode(charset, errors="replace")
            except LookupError:
                html = data  # unknown charset name: let the parser detect it
        text, meta = _html_text(html, config)
    else:
        text, meta = _decode_text(stream, config.max_chars, _TEXT_RECORD), None
    missing = getattr(record.raw_stream, "limit", 0)
    if missing > 0:  # the file ends inside this record
        raise InputReadError(f"truncated WARC record: {missing:,} bytes of its declared length are missing")
    return text, meta


def _warc_pages(
    root: Path, item_index: int, item: InputFile, config: CleanerConfig, budget: _Budget
) -> Iterator[_Page | Failure | Skipped]:
    """The pages of a WARC or WET file: HTML responses, text resources, conversions.

    A record that fails (whatever it raises) or runs over its budget is one failure,
    and the records after it are read; an HTTP(S)-less response is :class:`Skipped`.
    """
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:  # a Dask worker without warcio (run_batch checks its own process)
        yield Failure.of(item.path, None, MissingExtraError(_WARC_FEATURE, "warcio", "warc"))
        return
    try:
        f = _open_regular(root / item.path)
    except CleanerError as exc:
        yield Failure.of(item.path, None, exc)
        return
    except OSError as exc:
        yield Failure.of(item.path, None, _read_error(exc))
        return
    n = 0
    try:
        with f:
            for record in ArchiveIterator(f):
                if record.rec_type not in ("response", "resource", "conversion"):
                    continue
                n += 1
                rid = record.rec_headers.get_header("WARC-Record-ID") or f"#{n}"
                url = record.rec_headers.get_header("WARC-Target-URI")
                key = (item.path, n)
                if record.rec_type == "response":
                    why = _not_http(url)
                    if why is not None:
                        yield Skipped(item.path, rid, url, why)
                        continue
                if record.http_headers is not None:
                    ctype = record.http_headers.get_header("Content-Type") or ""
                else:
                    ctype = record.rec_headers.get_header("Content-Type") or ""
                ctype = ctype.lower()
                is_html = "html" in ctype
                if not is_html and record.rec_type != "conversion" and not ctype.startswith("text/plain"):
                    continue  # images, scripts, PDFs: not pages
                if key in budget.skip:
                    yield _stopped_failure(item.path, rid, budget.seconds)
                    continue
                start = time.monotonic()
                try:
                    with budget.clock.page((key,), budget.seconds, budget.marker):
                        text, meta = _read_record(record, is_html, ctype, config)
                except PageOverrun:
                    yield _timeout_failure(item.path, rid, budget.seconds)
                    continue
                except (OSError, EOFError, zlib.error) as exc:
                    yield Failure.of(item.path, rid, _read_error(exc))
                    continue
                except Exception as exc:  # one bad record never stops the file (RecursionError...)
                    yield Failure.of(item.path, rid, exc)
                    continue
                yield _Page(item_index, item.path, rid, url, text, meta, key, time.monotonic() - start)
    except Exception as exc:  # warcio raises assorted errors on corrupt or truncated files
        error = InputReadError(f"corrupt or truncated WARC file after {n:,} records ({type(exc).__name__}: {exc})")
        yield Failure.of(item.path, None, error)


WORKER_CRASH = "WorkerCrashError"
"""The error type recorded for an input that killed the worker process cleaning it."""


def _pages(
    root: Path, task: Task, config: CleanerConfig, budget: _Budget, only: int | None = None
) -> Iterator[_Page | Failure | Skipped]:
    """The task's pages, read and rendered, in order (of the input ``only``, if given);
    whatever reading one raises is that input's failure."""
    for i, item in enumerate(task.inputs):
        if only is not None and i != only:
            continue
        key = (item.path, 0)
        if i in task.skip:
            yield Failure(
                item.path,
                None,
                WORKER_CRASH,
                "the worker process cleaning this input died (a crash or out of memory), also when "
                "it was cleaned alone in a fresh process; the input was skipped",
            )
        elif item.kind is InputKind.UNLISTABLE:
            yield Failure(item.path, None, "InputReadError", item.error or "cannot list the directory")
        elif item.kind is InputKind.CLASH:
            yield Failure(item.path, None, "OutputClashError", item.error or "its output name is taken")
        elif item.kind is InputKind.WARC:
            yield from _warc_pages(root, i, item, config, budget)
        elif key in budget.skip:
            yield _stopped_failure(item.path, None, budget.seconds)
        else:
            start = time.monotonic()
            try:
                with budget.clock.page((key,), budget.seconds, budget.marker):
                    text, meta = _read_file(root, item, config)
            except PageOverrun:
                yield _timeout_failure(item.path, None, budget.seconds)
                continue
            except Exception as exc:  # one bad input never stops the run (RecursionError...)
                yield Failure.of(item.path, None, exc)
                continue
            yield _Page(i, item.path, None, None, text, meta, key, time.monotonic() - start)


# --------------------------------------------------------------------------- cleaning

_CLEANERS: dict[tuple[str | None, CleanerConfig, str | None, bool], Cleaner] = {}
_CLEANERS_LOCK = threading.Lock()


def _file_sha256(path: str | Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _model_file(model: str | Path | None) -> Path:
    from .model import default_model_path

    return default_model_path() if model is None else Path(model)


def cached_cleaner(
    model: str | Path | None = None,
    config: CleanerConfig | None = None,
    *,
    sha256: str | None = None,
    trust_pickle: bool = False,
) -> Cleaner:
    """The :class:`Cleaner` for a model path and configuration, loaded once a process.

    Workers call this for every task, so each loads the model once; worker threads
    (a Dask worker with several threads) share it. With ``sha256``, the model file
    must still be the one that hash names (the file a run began with).
    ``trust_pickle``: see :func:`cleaner.model.load_model`.

    Raises:
        BatchSetupError: the model file is not the one ``sha256`` names.
    """
    key = (None if model is None else str(model), CleanerConfig() if config is None else config, sha256, trust_pickle)
    with _CLEANERS_LOCK:
        cleaner = _CLEANERS.get(key)
        if cleaner is None:
            if sha256 is not None:
                path = _model_file(model)
                try:
                    now = _file_sha256(path)
                except OSError as exc:
                    raise BatchSetupError(f"cannot read the model file {path}: {exc.strerror or exc}") from exc
                if now != sha256:
                    raise BatchSetupError(
                        f"the model file {path} changed during the run (sha256 {sha256[:12]}... when the run "
                        f"began, {now[:12]}... now): its outputs would mix two models; put the first file "
                        "back and --resume, or start again into a new output directory"
                    )
            cleaner = _CLEANERS[key] = Cleaner(key[0], config=key[1], trust_pickle=trust_pickle)
    return cleaner


def _clean_group(cleaner: Cleaner, pages: Sequence[_Page], budget: _Budget) -> list[CleanResult | Failure]:
    """Clean pages together, or one by one when that fails, runs over budget, or a
    page stopped a process in an earlier attempt; a page's failure is its own."""
    if len(pages) > 1 and not any(p.key in budget.alone for p in pages):
        lefts = [budget.left(p) for p in pages]
        seconds = None if budget.seconds is None else min(x for x in lefts if x is not None)
        try:
            with budget.clock.page([p.key for p in pages], seconds, budget.marker):
                texts, metas = [p.text for p in pages], [p.meta for p in pages]
                return list(cleaner.clean_many(texts, batch_size=len(pages), meta=metas))
        except PageOverrun:
            pass  # a slow page among them: find it, page by page
        except Exception:
            pass  # find the page that fails, and clean the others
    out: list[CleanResult | Failure] = []
    for p in pages:
        try:
            with budget.clock.page([p.key], budget.left(p), budget.marker):
                out.append(cleaner.clean(p.text, meta=p.meta))
        except PageOverrun:
            out.append(_timeout_failure(p.path, p.record, budget.seconds))
        except Exception as exc:  # one bad page must never stop the run
            out.append(Failure.of(p.path, p.record, exc))
    return out


def _cleaned(
    pages: Iterable[_Page | Failure | Skipped],
    cleaner: Cleaner,
    failures: list[Failure],
    skipped: list[Skipped],
    budget: _Budget,
) -> Iterator[tuple[_Page, CleanResult]]:
    """Clean pages in small groups; failures and skipped records go to their lists, in input order."""
    group: list[_Page] = []
    chars = 0

    def flush() -> Iterator[tuple[_Page, CleanResult]]:
        for page, result in zip(group, _clean_group(cleaner, group, budget) if group else [], strict=True):
            if isinstance(result, Failure):
                failures.append(result)
            else:
                yield page, result

    for page in pages:
        if isinstance(page, Failure | Skipped):
            yield from flush()
            group, chars = [], 0
            (failures if isinstance(page, Failure) else skipped).append(page)  # type: ignore[arg-type]
            continue
        group.append(page)
        chars += len(page.text)
        if len(group) >= _CLEAN_BATCH_PAGES or chars >= _CLEAN_BATCH_CHARS:
            yield from flush()
            group, chars = [], 0
    yield from flush()


# --------------------------------------------------------------------------- writing


class _AtomicFile:
    """A text file written under a temporary name and renamed into place on commit.

    ``guard``, when given, is called just before the rename and may raise to keep the
    file out (a worker whose run no longer holds the output directory).
    """

    def __init__(self, path: Path, guard: Callable[[], None] | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.guard = guard
        self.tmp = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}{_TMP_SUFFIX}")
        self._f = open(self.tmp, "w", encoding="utf-8", newline="\n")

    def write(self, text: str) -> None:
        self._f.write(text)

    def commit(self) -> None:
        self._f.flush()
        os.fsync(self._f.fileno())
        self._f.close()
        if self.guard is not None:
            self.guard()
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        try:
            self._f.close()  # may fail to flush on a full disk: the file goes anyway
        except OSError:
            pass
        finally:
            self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> _AtomicFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            try:
                self.commit()
            except BaseException:
                self.discard()
                raise
        else:
            self.discard()


_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_line(obj: Any) -> str:
    """One line of JSON, UTF-8-safe: a file name that is not UTF-8 holds lone surrogates
    (Python's ``surrogateescape``), written as ``\\udcXX`` escapes, so that
    ``os.fsencode(json.loads(line)["path"])`` gives the name's bytes back."""
    line = json.dumps(obj, ensure_ascii=False)
    if _SURROGATE.search(line) is not None:
        line = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", line)
    return line + "\n"


# The fields of a page's row when it holds no article: "article" null, no text.
_NO_ARTICLE = Article(None, [], [], None, None, None, [], []).to_dict()


def _article_lines(page: _Page, result: CleanResult, main_only: bool = False) -> str:
    articles = list(enumerate(result.articles))
    if main_only:  # the main article keeps its index on the page
        articles = [(i, a) for i, a in articles if i == result.main_index]
    rows: Iterable[tuple[int | None, dict[str, Any]]] = [(i, a.to_dict()) for i, a in articles]
    if not articles:  # a row all the same, so that the page is seen to be done
        rows = [(None, _NO_ARTICLE)]
    return "".join(
        _json_line({"path": page.path, "record": page.record, "url": page.url, "article": i, **fields})
        for i, fields in rows
    )


def _count(result: CleanResult, main_only: bool) -> int:
    return min(len(result.articles), 1) if main_only else len(result.articles)


@dataclass(frozen=True, slots=True)
class _Job:
    """What every task of a run shares; sent to the workers with each task."""

    in_dir: str
    out_dir: str
    format: str
    model: str | None
    config: CleanerConfig
    main_only: bool = False
    page_timeout: float | None = DEFAULT_PAGE_TIMEOUT
    model_sha256: str | None = None
    parent: tuple[int, str] = (0, "")  # the pid and host of the process that runs the batch
    token: str | None = None  # the run's token in OUT's lock (batch_lock)
    watch_parent: bool = False  # workers are that process's children: end them when it dies
    trust_pickle: bool = False  # load a pickle model file (cleaner.model.load_model)

    def in_parent(self) -> bool:
        return os.getpid() == self.parent[0] and socket.gethostname() == self.parent[1]


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


def _stuck_marker(out_dir: str | Path, index: int) -> Path:
    return Path(out_dir) / f"{_STUCK_PREFIX}{index:05d}{_STUCK_SUFFIX}"


def _check_lock(job: _Job) -> None:
    """Raise unless the run that sent this task still holds the output directory."""
    if job.token is not None and lock_token(Path(job.out_dir)) != job.token:
        raise BatchSetupError(
            f"the run that started this task no longer holds {job.out_dir} (it ended, or another run "
            "took the directory over): its output is not written"
        )


def run_task(task: Task, job: _Job) -> TaskResult:
    """Clean one task's inputs and write its output atomically (runs in a worker).

    Whatever reading, cleaning or rendering one page raises, and a page over its time
    budget, is that page's failure; only a failing output (a full disk) or a changed
    model file stops the task.
    """
    start = time.perf_counter()
    clock = PageClock.get()
    here = job.in_parent()
    if job.watch_parent and not here:
        clock.watch_parent(job.parent[0])
    marker = _stuck_marker(job.out_dir, task.index)
    skip, alone = read_stuck(marker)
    # the process that runs the batch is never stopped for a page: no marker for it
    budget = _Budget(clock, job.page_timeout, None if here else marker, skip, alone)
    guard = None if here else functools.partial(_check_lock, job)
    root, out = Path(job.in_dir), Path(job.out_dir)
    failures: list[Failure] = []
    skipped: list[Skipped] = []
    pages = articles = 0
    with clock.alarm_handler():
        cleaner = cached_cleaner(job.model, job.config, sha256=job.model_sha256, trust_pickle=job.trust_pickle)
        cleaned = _cleaned(_pages(root, task, job.config, budget), cleaner, failures, skipped, budget)
        # A WARC task has one input, written as JSON Lines; other inputs are one page.
        warc = task.inputs[0].kind is InputKind.WARC
        if job.format == "jsonl" or warc:
            name = f"part-{task.index:05d}.jsonl" if job.format == "jsonl" else task.inputs[0].path + ".jsonl"
            with _AtomicFile(out / name, guard) as f:
                for page, result in cleaned:
                    try:
                        lines = _article_lines(page, result, job.main_only)
                    except Exception as exc:  # one bad page must never stop the run
                        failures.append(Failure.of(page.path, page.record, exc))
                        continue
                    pages += 1
                    articles += _count(result, job.main_only)
                    f.write(lines)
        else:
            suffix = _MIRROR_SUFFIX[job.format]
            for page, result in cleaned:
                try:
                    text = render(result.with_main_only() if job.main_only else result, job.format)
                    text.encode("utf-8")  # fails here, for this page, rather than in the write
                except Exception as exc:
                    failures.append(Failure.of(page.path, page.record, exc))
                    continue
                pages += 1
                articles += _count(result, job.main_only)
                with _AtomicFile(out / (page.path + suffix), guard) as f:
                    f.write(text)
    return TaskResult(
        task.index,
        tuple(i.path for i in task.inputs),
        pages,
        articles,
        tuple(failures),
        time.perf_counter() - start,
        tuple(skipped),
    )


# --------------------------------------------------------------------------- crashes


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

    A process stopped for a page over its time budget (:mod:`cleaner.page_clock`)
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


# --------------------------------------------------------------------------- the run


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
            a little later (see :mod:`cleaner.page_clock`), except with ``jobs=1``,
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


def _result_from_manifest(entry: dict[str, Any]) -> TaskResult:
    return TaskResult(
        int(entry["task"]),
        tuple(entry["inputs"]),
        int(entry["pages"]),
        int(entry["articles"]),
        tuple(Failure(**f) for f in entry["failures"]),
        float(entry.get("seconds", 0.0)),
        tuple(Skipped(**k) for k in entry.get("skipped", ())),
    )


class _Manifest:
    """``OUT/_manifest.jsonl``: a header with the run's options, then one line a finished task.

    Opened by the run that holds OUT's lock, so whatever else lies in OUT's top level
    as a leftover of a killed run (temporary files, a dead run's lock file, notes of
    stuck pages) belongs to no live run.
    """

    def __init__(self, out_dir: Path, header: dict[str, Any], *, resume: bool, retry_failed: bool = False) -> None:
        self.path = out_dir / MANIFEST_FILE
        self.done: dict[int, TaskResult] = {}  # finished tasks this run skips
        self.recorded: dict[int, TaskResult] = {}  # every task the manifest records
        if resume and self.path.exists():
            self._load(header, retry_failed)
        else:
            others = sorted(p.name for p in out_dir.iterdir() if not _leftover(p.name))
            if others:
                hint = (
                    "; it holds no manifest, so there is no run to resume"
                    if resume
                    else "; pass --resume to continue the run it holds"
                    if self.path.exists()
                    else ""
                )
                raise BatchSetupError(
                    f"the output directory {out_dir} is not empty (it holds {others[0]}{hint}); choose an empty one"
                )
            for p in out_dir.iterdir():
                if p.name != LOCK_FILE and p.is_file():
                    p.unlink(missing_ok=True)
            try:
                with _AtomicFile(self.path) as f:
                    f.write(json.dumps(header, sort_keys=True) + "\n")  # ASCII: names that are not UTF-8 stay escaped
            except OSError as exc:
                raise BatchSetupError(
                    f"cannot write the run's manifest {self.path}: {exc.strerror or exc}; nothing was cleaned "
                    "(free some space, or choose another output directory, and run again)"
                ) from exc
        try:
            self._f = open(self.path, "a", encoding="utf-8")
        except OSError as exc:
            raise BatchSetupError(f"cannot write the run's manifest {self.path}: {exc.strerror or exc}") from exc

    def _load(self, header: dict[str, Any], retry_failed: bool) -> None:
        with open(self.path, "rb") as f:
            data = f.read()
        good = data.rfind(b"\n") + 1
        if good < len(data):  # a line torn by a kill: its task is redone
            with open(self.path, "r+b") as f:
                f.truncate(good)
        lines = data[:good].decode("utf-8", errors="replace").splitlines()
        if not lines:
            raise BatchSetupError(f"{self.path} is empty; remove the output directory and start again")
        try:
            old = json.loads(lines[0])
            entries = [json.loads(line) for line in lines[1:]]
        except json.JSONDecodeError as exc:
            raise BatchSetupError(
                f"{self.path} is corrupt ({exc}); remove the output directory and start again"
            ) from exc
        if old.get("model_sha256") != header.get("model_sha256") and "model_sha256" in old:
            raise BatchSetupError(
                f"--resume with another model file than the run in {self.path.parent} began with "
                f"({header.get('model')}: sha256 {old['model_sha256'][:12]}... then, "
                f"{str(header.get('model_sha256'))[:12]}... now): its outputs would mix two models; "
                "resume with that model file, or start again into a new output directory"
            )
        if old != header:
            diff = sorted(k for k in set(old) | set(header) if old.get(k) != header.get(k))
            raise BatchSetupError(
                f"--resume with other options than the run in {self.path.parent} "
                f"(differing: {', '.join(diff)}); use the same options or a new output directory"
            )
        for e in entries:
            r = _result_from_manifest(e)
            self.recorded[r.index] = r
        self.done = {i: r for i, r in self.recorded.items() if not (retry_failed and r.failures)}

    def append(self, result: TaskResult) -> None:
        self._f.write(_json_line(result.to_manifest()))
        self._f.flush()
        os.fsync(self._f.fileno())
        self.done[result.index] = result
        self.recorded[result.index] = result

    def close(self) -> None:
        self._f.close()


def _leftover(name: str) -> bool:
    """Whether a top-level name in OUT is a leftover of a run, no output."""
    return (
        name == LOCK_FILE
        or (name.startswith(".") and name.endswith(_TMP_SUFFIX))
        or (name.startswith(_STUCK_PREFIX) and name.endswith(_STUCK_SUFFIX))
    )


def _remove_temp_files(out_dir: Path) -> None:
    for dirpath, _dirs, files in os.walk(out_dir):
        for name in files:
            if name.startswith(".") and name.endswith(_TMP_SUFFIX):
                Path(dirpath, name).unlink(missing_ok=True)


def _remove_stuck_notes(out_dir: Path, keep: Callable[[int], bool]) -> None:
    """Remove the notes of stuck pages of the tasks ``keep`` does not keep."""
    for p in out_dir.glob(f"{_STUCK_PREFIX}*{_STUCK_SUFFIX}"):
        number = p.name[len(_STUCK_PREFIX) : -len(_STUCK_SUFFIX)]
        if not (number.isdigit() and keep(int(number))):
            p.unlink(missing_ok=True)


def _header(options: BatchOptions, model: str | None, model_sha256: str, config: CleanerConfig) -> dict[str, Any]:
    from . import __version__

    cfg = {
        k: (v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in ((name, getattr(config, name)) for name in config.__slots__)
    }
    return {
        "cleaner_batch": _MANIFEST_VERSION,
        "cleaner_version": __version__,
        "format": options.format,
        **({"main_only": True} if options.main_only else {}),  # absent otherwise: older manifests resume
        "batch_size": options.batch_size,
        "include": list(options.include),
        "exclude": list(options.exclude),
        "model": model,
        "model_sha256": model_sha256,
        "config": cfg,
    }


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
