"""Batch cleaning of a corpus directory, on one machine or on a Dask cluster.

:func:`run_batch` walks an input directory, cleans every page it finds and writes the
articles to an output directory. The stages, in the order a page meets them:

* **discovery** (:func:`discover`): the input tree, walked recursively in sorted
  order, filtered by include and exclude globs. Inputs are recognised by name:
  ``.txt`` (page text, UTF-8), ``.html``/``.htm`` (rendered with
  :func:`cleaner.html_text.html_to_text`), gzip-compressed versions of both
  (``.txt.gz``, ``.html.gz``, ``.htm.gz``), and WARC or Common Crawl WET files
  (``.warc``, ``.warc.gz``, ``.wet``, ``.wet.gz``: every HTML response, text resource
  and conversion record is one page). Other files are ignored.
* **tasks**: consecutive inputs, ``batch_size`` at a time, numbered in discovery
  order; a WARC file is a task of its own. Numbering depends only on the input tree
  and the options, never on timing, so every run writes the same files.
* **workers** (:func:`run_task`): each task runs in a worker process (joblib, or
  futures on a Dask cluster). A worker loads the model once (:func:`cached_cleaner`), reads its
  inputs, cleans them in small batches and writes its output atomically. Pages are
  streamed: neither the corpus nor a whole WARC file is ever held in memory.
* **manifest**: after a task's output is in place, the parent appends a line naming
  the task, its inputs, counts and failures to ``OUT/_manifest.jsonl`` (fsync'd).
  With ``resume=True`` finished tasks are skipped and leftover temporary files
  removed, so a run killed at any moment (``kill -9`` included) and resumed ends
  with the same output as an uninterrupted run.
* **crashes**: when a worker process dies (a crash, the out-of-memory killer), the
  tasks in flight run again alone in fresh local processes (on Dask, the one task the
  cluster gave up on, ``KilledWorker``); the inputs that kill a process
  even alone are found (:func:`_isolate`), skipped and reported as failures
  (:data:`WORKER_CRASH`), and the run goes on.
* **report** (:class:`BatchReport`): pages, articles, failures and time, written to
  ``OUT/_report.json``; failures, one JSON line each with the input's path, WARC
  record id, error type and message, to ``OUT/_failures.jsonl``. The report owns the
  exit code: 0 all done, 1 some inputs failed or the run stopped early.

Outputs (``BatchOptions.format``):

* ``"jsonl"`` (default): ``OUT/part-NNNNN.jsonl``, one file a task, one article a
  line: ``path`` (the input, relative to IN), ``record`` (WARC record id or null),
  ``url`` (WARC target URI or null), ``article`` (index on the page), then every
  :class:`cleaner.Article` field.
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

Model files are pickles: pass only a model path you trust.
"""

from __future__ import annotations

import codecs
import concurrent.futures
import enum
import fnmatch
import gzip
import itertools
import json
import logging
import os
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
from .config import CleanerConfig
from .document import CleanResult
from .errors import BatchSetupError, CleanerError, InputReadError, InputTooLargeError, MissingExtraError
from .extras import available, require
from .output import render
from .page_meta import PageMeta

__all__ = [
    "FAILURES_FILE",
    "MANIFEST_FILE",
    "OUTPUT_FORMATS",
    "REPORT_FILE",
    "BatchOptions",
    "BatchReport",
    "Failure",
    "InputFile",
    "InputKind",
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
_MANIFEST_VERSION = 1
_TMP_SUFFIX = ".cleaner-tmp"
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
        error: for :attr:`InputKind.UNLISTABLE`, why the directory could not be listed.
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
        for name in sorted(filenames):
            kind = input_kind(name)
            if kind is None:
                continue
            rel = name if reldir == "." else f"{reldir}/{name}"
            if include and not _matches(rel, include):
                continue
            if exclude and _matches(rel, exclude):
                continue
            yield InputFile(rel, kind)
    while errors:  # the root itself could not be listed
        exc = errors.pop()
        yield InputFile(".", InputKind.UNLISTABLE, f"cannot list the directory: {exc.strerror}")


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
        error: the exception's class name (``InputReadError``, ``InputTooLargeError``...).
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
class _Page:
    item: int  # index of the input in its task
    path: str
    record: str | None
    url: str | None
    text: str
    meta: PageMeta | None = None  # what an HTML page declares (title, authors, date)


def _too_large(what: str, max_chars: int) -> InputTooLargeError:
    return InputTooLargeError(
        f"{what} more than max_chars={max_chars:,} allows; raise CleanerConfig(max_chars=...) "
        "(cleaner batch --max-chars N) to accept it"
    )


def _open_input(path: Path) -> BinaryIO:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _read_error(exc: BaseException) -> InputReadError:
    if isinstance(exc, EOFError | zlib.error | gzip.BadGzipFile):
        return InputReadError(f"corrupt or truncated gzip data ({exc}); recompress or re-fetch the file")
    if isinstance(exc, OSError) and exc.strerror:
        return InputReadError(f"cannot read the file: {exc.strerror}")
    return InputReadError(f"cannot read the file: {exc}")


def _decode_text(stream: IO[bytes], max_chars: int | None) -> str:
    """Decode a UTF-8 stream chunk by chunk, stopping as soon as it exceeds ``max_chars``."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    parts: list[str] = []
    n = 0
    offset = 0
    while True:
        chunk = stream.read(_CHUNK)
        if b"\x00" in chunk:
            raise InputReadError("binary data (NUL bytes), not page text; batch inputs named .txt must be UTF-8 text")
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            raise InputReadError(
                f"not UTF-8 text (byte {offset + exc.start}); convert it first, for example "
                "`iconv -f latin1 -t utf-8 FILE`"
            ) from exc
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
            size = path.stat().st_size
            # UTF-8 takes at most 4 bytes a character; HTML is limited in bytes.
            if size > (4 * max_chars if item.kind is InputKind.TEXT else max_chars):
                raise _too_large(f"the file has {size:,} bytes,", max_chars)
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


def _warc_pages(root: Path, item_index: int, item: InputFile, config: CleanerConfig) -> Iterator[_Page | Failure]:
    """The pages of a WARC or WET file: HTML responses, text resources, conversions."""
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:  # a Dask worker without warcio (run_batch checks its own process)
        yield Failure.of(item.path, None, MissingExtraError(_WARC_FEATURE, "warcio", "warc"))
        return
    n = 0
    try:
        with open(root / item.path, "rb") as f:
            for record in ArchiveIterator(f):
                if record.rec_type not in ("response", "resource", "conversion"):
                    continue
                n += 1
                rid = record.rec_headers.get_header("WARC-Record-ID") or f"#{n}"
                url = record.rec_headers.get_header("WARC-Target-URI")
                if record.http_headers is not None:
                    ctype = record.http_headers.get_header("Content-Type") or ""
                else:
                    ctype = record.rec_headers.get_header("Content-Type") or ""
                ctype = ctype.lower()
                is_html = "html" in ctype
                if not is_html and record.rec_type != "conversion" and not ctype.startswith("text/plain"):
                    continue  # images, scripts, PDFs: not pages
                try:
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
                        text, meta = _decode_text(stream, config.max_chars), None
                    missing = getattr(record.raw_stream, "limit", 0)
                    if missing > 0:  # the file ends inside this record
                        raise InputReadError(
                            f"truncated WARC record: {missing:,} bytes of its declared length are missing"
                        )
                except CleanerError as exc:
                    yield Failure.of(item.path, rid, exc)
                    continue
                yield _Page(item_index, item.path, rid, url, text, meta)
    except CleanerError as exc:
        yield Failure.of(item.path, None, exc)
    except Exception as exc:  # warcio raises assorted errors on corrupt or truncated files
        error = InputReadError(f"corrupt or truncated WARC file after {n:,} records ({type(exc).__name__}: {exc})")
        yield Failure.of(item.path, None, error)


WORKER_CRASH = "WorkerCrashError"
"""The error type recorded for an input that killed the worker process cleaning it."""


def _pages(root: Path, task: Task, config: CleanerConfig) -> Iterator[_Page | Failure]:
    for i, item in enumerate(task.inputs):
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
        elif item.kind is InputKind.WARC:
            yield from _warc_pages(root, i, item, config)
        else:
            try:
                text, meta = _read_file(root, item, config)
            except CleanerError as exc:
                yield Failure.of(item.path, None, exc)
                continue
            yield _Page(i, item.path, None, None, text, meta)


# --------------------------------------------------------------------------- cleaning

_CLEANERS: dict[tuple[str | None, CleanerConfig], Cleaner] = {}
_CLEANERS_LOCK = threading.Lock()


def cached_cleaner(model: str | Path | None = None, config: CleanerConfig | None = None) -> Cleaner:
    """The :class:`Cleaner` for a model path and configuration, loaded once a process.

    Workers call this for every task, so each loads the model once; worker threads
    (a Dask worker with several threads) share it.
    """
    key = (None if model is None else str(model), CleanerConfig() if config is None else config)
    with _CLEANERS_LOCK:
        cleaner = _CLEANERS.get(key)
        if cleaner is None:
            cleaner = _CLEANERS[key] = Cleaner(key[0], config=key[1])
    return cleaner


def _clean_group(cleaner: Cleaner, pages: Sequence[_Page]) -> list[CleanResult | Exception]:
    try:
        return list(cleaner.clean_many([p.text for p in pages], batch_size=len(pages), meta=[p.meta for p in pages]))
    except Exception:  # find the page that fails, and clean the others
        out: list[CleanResult | Exception] = []
        for p in pages:
            try:
                out.append(cleaner.clean(p.text, meta=p.meta))
            except Exception as exc:  # one bad page must never stop the run
                out.append(exc)
        return out


def _cleaned(
    pages: Iterable[_Page | Failure], cleaner: Cleaner, failures: list[Failure]
) -> Iterator[tuple[_Page, CleanResult]]:
    """Clean pages in small groups; failures go to ``failures``, in input order."""
    group: list[_Page] = []
    chars = 0

    def flush() -> Iterator[tuple[_Page, CleanResult]]:
        for page, result in zip(group, _clean_group(cleaner, group), strict=True):
            if isinstance(result, Exception):
                failures.append(Failure.of(page.path, page.record, result))
            else:
                yield page, result

    for page in pages:
        if isinstance(page, Failure):
            yield from flush()
            group, chars = [], 0
            failures.append(page)
            continue
        group.append(page)
        chars += len(page.text)
        if len(group) >= _CLEAN_BATCH_PAGES or chars >= _CLEAN_BATCH_CHARS:
            yield from flush()
            group, chars = [], 0
    yield from flush()


# --------------------------------------------------------------------------- writing


class _AtomicFile:
    """A text file written under a temporary name and renamed into place on commit."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.tmp = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}{_TMP_SUFFIX}")
        self._f = open(self.tmp, "w", encoding="utf-8", newline="\n")

    def write(self, text: str) -> None:
        self._f.write(text)

    def commit(self) -> None:
        self._f.flush()
        os.fsync(self._f.fileno())
        self._f.close()
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        self._f.close()
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> _AtomicFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def _article_lines(page: _Page, result: CleanResult, main_only: bool = False) -> str:
    articles = list(enumerate(result.articles))
    if main_only:  # the main article keeps its index on the page
        articles = [(i, a) for i, a in articles if i == result.main_index]
    return "".join(
        json.dumps(
            {"path": page.path, "record": page.record, "url": page.url, "article": i, **a.to_dict()},
            ensure_ascii=False,
        )
        + "\n"
        for i, a in articles
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


@dataclass(frozen=True, slots=True)
class TaskResult:
    """What a worker reports for a finished task (its output is already in place)."""

    index: int
    inputs: tuple[str, ...]
    pages: int
    articles: int
    failures: tuple[Failure, ...]
    seconds: float

    def to_manifest(self) -> dict[str, Any]:
        return {
            "task": self.index,
            "inputs": list(self.inputs),
            "pages": self.pages,
            "articles": self.articles,
            "failures": [f.to_dict() for f in self.failures],
            "seconds": round(self.seconds, 3),
        }


def run_task(task: Task, job: _Job) -> TaskResult:
    """Clean one task's inputs and write its output atomically (runs in a worker)."""
    start = time.perf_counter()
    cleaner = cached_cleaner(job.model, job.config)
    root, out = Path(job.in_dir), Path(job.out_dir)
    failures: list[Failure] = []
    pages = articles = 0
    cleaned = _cleaned(_pages(root, task, job.config), cleaner, failures)
    if job.format == "jsonl":
        with _AtomicFile(out / f"part-{task.index:05d}.jsonl") as f:
            for page, result in cleaned:
                pages += 1
                articles += _count(result, job.main_only)
                f.write(_article_lines(page, result, job.main_only))
    else:
        # A WARC task has one input, written as JSON Lines; other inputs are one page.
        warc = task.inputs[0].kind is InputKind.WARC
        if warc:
            with _AtomicFile(out / (task.inputs[0].path + ".jsonl")) as f:
                for page, result in cleaned:
                    pages += 1
                    articles += _count(result, job.main_only)
                    f.write(_article_lines(page, result, job.main_only))
        else:
            suffix = _MIRROR_SUFFIX[job.format]
            for page, result in cleaned:
                pages += 1
                articles += _count(result, job.main_only)
                with _AtomicFile(out / (page.path + suffix)) as f:
                    f.write(render(result.with_main_only() if job.main_only else result, job.format))
    return TaskResult(
        task.index,
        tuple(i.path for i in task.inputs),
        pages,
        articles,
        tuple(failures),
        time.perf_counter() - start,
    )


# --------------------------------------------------------------------------- crashes


def _probe_inputs(task: Task, first: int, job: _Job, marker: str) -> None:
    """Clean (and drop) the task's inputs from ``first`` on, writing each one's position
    to ``marker`` before it starts: when this process dies, the marker names the input
    that killed it."""
    cleaner = cached_cleaner(job.model, job.config)
    for i in range(first, len(task.inputs)):
        if i in task.skip:
            continue
        with open(marker, "w", encoding="utf-8") as f:
            f.write(str(i))
            f.flush()
            os.fsync(f.fileno())
        one = Task(task.index, (task.inputs[i],))
        for _ in _cleaned(_pages(Path(job.in_dir), one, job.config), cleaner, []):
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


def _isolate(task: Task, job: _Job) -> TaskResult:
    """Run a task that was in flight when a worker process died, alone.

    If it dies again, its inputs are cleaned one after another in a probe process,
    restarted after each death, to find the inputs that kill it; the task then runs
    without them, and each is reported as a failure (:data:`WORKER_CRASH`). A task
    that dies even so is reported as failed as a whole, with no output.
    """
    ok, result = _in_fresh_process(run_task, task, job)
    if ok:
        return result  # type: ignore[no-any-return]
    log.warning("task %d crashed a worker process again when run alone; finding the input", task.index)
    marker = str(Path(job.out_dir) / f".probe-{task.index:05d}{_TMP_SUFFIX}")
    poison: set[int] = set()
    first = 0
    try:
        while first < len(task.inputs):
            Path(marker).unlink(missing_ok=True)
            probe = Task(task.index, task.inputs, frozenset(poison))
            ok, _ = _in_fresh_process(_probe_inputs, probe, first, job, marker)
            if ok:
                break
            try:
                bad = int(Path(marker).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                break  # died before reaching an input: not an input's fault
            poison.add(bad)
            first = bad + 1
    finally:
        Path(marker).unlink(missing_ok=True)
    ok, result = _in_fresh_process(run_task, Task(task.index, task.inputs, frozenset(poison)), job)
    if ok:
        return result  # type: ignore[no-any-return]
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
    progress: bool | None = None

    def __post_init__(self) -> None:
        if self.format not in OUTPUT_FORMATS:
            raise ValueError(f"unknown format {self.format!r}; choose one of {', '.join(OUTPUT_FORMATS)}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {self.batch_size}")
        if self.jobs is not None and self.jobs < 1:
            raise ValueError(f"jobs must be None or at least 1, not {self.jobs}")


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
    )


class _Manifest:
    """``OUT/_manifest.jsonl``: a header with the run's options, then one line a finished task."""

    def __init__(self, out_dir: Path, header: dict[str, Any], *, resume: bool) -> None:
        self.path = out_dir / MANIFEST_FILE
        self.done: dict[int, TaskResult] = {}
        if resume and self.path.exists():
            self._load(header)
        else:
            if out_dir.exists() and any(out_dir.iterdir()):
                hint = (
                    "; it holds no manifest, so there is no run to resume"
                    if resume
                    else "; pass --resume to continue the run it holds"
                    if self.path.exists()
                    else ""
                )
                raise BatchSetupError(f"the output directory {out_dir} is not empty{hint}; choose an empty one")
            out_dir.mkdir(parents=True, exist_ok=True)
            with _AtomicFile(self.path) as f:
                f.write(json.dumps(header, sort_keys=True) + "\n")
        self._f = open(self.path, "a", encoding="utf-8")

    def _load(self, header: dict[str, Any]) -> None:
        with open(self.path, "rb") as f:
            data = f.read()
        good = data.rfind(b"\n") + 1
        if good < len(data):  # a line torn by a kill: its task is redone
            with open(self.path, "r+b") as f:
                f.truncate(good)
        lines = data[:good].decode("utf-8").splitlines()
        if not lines:
            raise BatchSetupError(f"{self.path} is empty; remove the output directory and start again")
        try:
            old = json.loads(lines[0])
            entries = [json.loads(line) for line in lines[1:]]
        except json.JSONDecodeError as exc:
            raise BatchSetupError(
                f"{self.path} is corrupt ({exc}); remove the output directory and start again"
            ) from exc
        if old != header:
            diff = sorted(k for k in set(old) | set(header) if old.get(k) != header.get(k))
            raise BatchSetupError(
                f"--resume with other options than the run in {self.path.parent} "
                f"(differing: {', '.join(diff)}); use the same options or a new output directory"
            )
        for e in entries:
            r = _result_from_manifest(e)
            self.done[r.index] = r

    def append(self, result: TaskResult) -> None:
        self._f.write(json.dumps(result.to_manifest(), ensure_ascii=False) + "\n")
        self._f.flush()
        os.fsync(self._f.fileno())
        self.done[result.index] = result

    def close(self) -> None:
        self._f.close()


def _remove_temp_files(out_dir: Path) -> None:
    for dirpath, _dirs, files in os.walk(out_dir):
        for name in files:
            if name.startswith(".") and name.endswith(_TMP_SUFFIX):
                Path(dirpath, name).unlink(missing_ok=True)


def _header(options: BatchOptions, model: str | None, config: CleanerConfig) -> dict[str, Any]:
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

    try:
        return Client(scheduler, set_as_default=False)  # type: ignore[no-untyped-call]
    except OSError as exc:
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
) -> BatchReport:
    """Clean every page under ``in_dir`` into ``out_dir``; see the module docstring.

    Args:
        in_dir: the corpus directory.
        out_dir: where outputs, the manifest, the report and the failures list go;
            empty or missing unless ``options.resume``.
        options: see :class:`BatchOptions`.
        model: a model file path (a pickle: trusted files only), or None for the
            shipped model.
        config: how pages are cleaned; its ``max_chars`` also limits every input.
        on_result: called in this process after each task is recorded.

    Returns:
        The :class:`BatchReport`; ``report.exit_code`` is 0 when all inputs were
        cleaned, 1 when some failed (listed in ``_failures.jsonl``) or the run
        stopped early (``report.aborted`` says why; rerun with ``resume``).

    Raises:
        BatchSetupError: ``in_dir`` is not a directory, ``out_dir`` holds another
            run, resume options differ, or the scheduler cannot be reached.
        MissingExtraError: the inputs hold WARC files and warcio is not installed
            (``cleaner[warc]``), or a scheduler is given without ``cleaner[dask]``.
    """
    options = BatchOptions() if options is None else options
    config = CleanerConfig() if config is None else config
    start = time.perf_counter()
    src, dst = Path(in_dir).resolve(), Path(out_dir).resolve()
    if not src.is_dir():
        raise BatchSetupError(f"the input {in_dir} is not a directory")
    if src == dst or src.is_relative_to(dst):
        raise BatchSetupError(f"the output directory {out_dir} must not contain the input directory")
    if not available("warcio"):  # refuse now: failed WARC inputs would count as done for --resume
        skip = dst if dst.is_relative_to(src) else None
        inputs = discover(src, include=options.include, exclude=options.exclude, skip=skip)
        if any(item.kind is InputKind.WARC for item in inputs):
            raise MissingExtraError(_WARC_FEATURE, "warcio", "warc")
    model_path = None if model is None else str(Path(model).resolve())
    job = _Job(str(src), str(dst), options.format, model_path, config, options.main_only)
    client = None if options.scheduler is None else _connect(options.scheduler)
    try:
        return _run(src, dst, job, options, client, on_result, start)
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
    manifest = _Manifest(dst, _header(options, job.model, job.config), resume=options.resume)
    report = BatchReport(out_dir=str(dst))

    def all_tasks() -> Iterator[Task]:
        skip = dst if dst.is_relative_to(src) else None
        inputs = discover(src, include=options.include, exclude=options.exclude, skip=skip)
        return _tasks(inputs, options.batch_size)

    if manifest.done:
        for task in all_tasks():
            done = manifest.done.get(task.index)
            if done is not None and done.inputs != tuple(i.path for i in task.inputs):
                manifest.close()
                raise BatchSetupError(
                    f"the input tree changed since the run in {dst} began (task {task.index} "
                    f"now holds {task.inputs[0].path}...); resume needs the same inputs, or use a "
                    "new output directory"
                )
        _remove_temp_files(dst)
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
        finally:
            progress.close()
    finally:
        manifest.close()
        report.elapsed = time.perf_counter() - start
        _write_summary(dst, manifest, report)
    return report


def _write_summary(out_dir: Path, manifest: _Manifest, report: BatchReport) -> None:
    """Write ``_failures.jsonl`` (in task order, so it is the same for any run) and ``_report.json``."""
    try:
        with _AtomicFile(out_dir / FAILURES_FILE) as f:
            for index in sorted(manifest.done):
                for failure in manifest.done[index].failures:
                    f.write(json.dumps(failure.to_dict(), ensure_ascii=False) + "\n")
        with _AtomicFile(out_dir / REPORT_FILE) as f:
            f.write(json.dumps(report.to_dict(), indent=2) + "\n")
    except OSError as exc:  # keep the error that stopped the run, if any
        log.error("cannot write the run report in %s: %s", out_dir, exc)
