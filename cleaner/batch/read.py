"""Reading a task's inputs into pages: files through :mod:`cleaner.io`, WARC and WET
records through warcio, each page under its time budget (:mod:`cleaner.batch.watchdog`).

Whatever reading one input (or WARC record) raises is that input's
:class:`~cleaner.batch.report.Failure`; the others are read on.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import CleanerConfig
from ..errors import CleanerError, InputReadError, MissingExtraError
from ..io import byte_limit, decode_text, open_page, open_regular, read_bytes, read_error, read_html_page
from .discover import InputFile, InputKind, Task
from .report import WORKER_CRASH, Failure, Skipped, _stopped_failure, _timeout_failure
from .watchdog import PageClock, PageKey, PageOverrun

if TYPE_CHECKING:
    from ..html_text import RenderedPage
    from ..page_meta import PageMeta


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
    rendering: RenderedPage | None = None  # an HTML page's rendering, for the HTML stage


@dataclass(frozen=True, slots=True)
class _Budget:
    """A task's time budget a page (:mod:`cleaner.batch.watchdog`) and the pages that
    stopped a worker process in an earlier attempt at the task."""

    clock: PageClock
    seconds: float | None
    marker: Path | None  # where the watchdog notes a page before it stops the process
    skip: frozenset[PageKey] = frozenset()  # stopped a process alone: reported, not tried again
    alone: frozenset[PageKey] = frozenset()  # stopped a process in a group: cleaned one by one

    def left(self, page: _Page) -> float | None:
        return None if self.seconds is None else max(self.seconds - page.read_seconds, 0.0)


# What to do about a page over the limit, in a batch run
ADVICE = "raise CleanerConfig(max_chars=...) (cleaner batch --max-chars N) to accept it"
_TEXT_FILE = "batch inputs named .txt or .md must be UTF-8 text"
_TEXT_RECORD = "a WARC text/plain or conversion record must hold UTF-8 text"


_WARC_FEATURE = "reading .warc and .wet inputs"


def _read_file(root: Path, item: InputFile, config: CleanerConfig) -> tuple[str, PageMeta | None, RenderedPage | None]:
    """An input file's page text, and what it declares and its rendering if it is HTML
    (:mod:`cleaner.io`)."""
    max_chars = config.max_chars
    html = item.kind is InputKind.HTML
    limit = byte_limit(max_chars, html=html)
    try:
        with open_page(root / item.path, limit=limit, max_chars=max_chars, advice=ADVICE) as stream:
            if not html:
                return decode_text(stream, max_chars, advice=ADVICE, expected=_TEXT_FILE), None, None
            data = read_bytes(stream, limit, max_chars, what="the HTML page", advice=ADVICE)
    except (OSError, EOFError, zlib.error) as exc:
        raise read_error(exc) from exc
    rendering, meta = read_html_page(
        data, mode=config.html_mode, metadata=config.html_metadata, max_chars=max_chars, advice=ADVICE
    )
    return rendering.text, meta, rendering


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


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


def _read_record(
    record: Any, is_html: bool, ctype: str, config: CleanerConfig
) -> tuple[str, PageMeta | None, RenderedPage | None]:
    stream = record.content_stream()
    max_chars = config.max_chars
    if is_html:
        data = read_bytes(stream, max_chars, max_chars, what="the HTML record", advice=ADVICE)
        charset = _charset(ctype)
        html: bytes | str = data
        if charset:
            try:
                html = data.decode(charset, errors="replace")
            except LookupError:
                html = data  # unknown charset name: let the parser detect it
        rendering: RenderedPage | None
        rendering, meta = read_html_page(
            html,
            mode=config.html_mode,
            metadata=config.html_metadata,
            max_chars=max_chars,
            what="the record",
            advice=ADVICE,
        )
        text = rendering.text
    else:
        text = decode_text(
            stream, max_chars, what="the record", advice=ADVICE, expected=_TEXT_RECORD, not_utf8=_TEXT_RECORD
        )
        meta, rendering = None, None
    missing = getattr(record.raw_stream, "limit", 0)
    if missing > 0:  # the file ends inside this record
        raise InputReadError(f"truncated WARC record: {missing:,} bytes of its declared length are missing")
    return text, meta, rendering


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
        f = open_regular(root / item.path)
    except CleanerError as exc:
        yield Failure.of(item.path, None, exc)
        return
    except OSError as exc:
        yield Failure.of(item.path, None, read_error(exc))
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
                        text, meta, rendering = _read_record(record, is_html, ctype, config)
                except PageOverrun:
                    yield _timeout_failure(item.path, rid, budget.seconds)
                    continue
                except (OSError, EOFError, zlib.error) as exc:
                    yield Failure.of(item.path, rid, read_error(exc))
                    continue
                except Exception as exc:  # one bad record never stops the file (RecursionError...)
                    yield Failure.of(item.path, rid, exc)
                    continue
                yield _Page(item_index, item.path, rid, url, text, meta, key, time.monotonic() - start, rendering)
    except Exception as exc:  # warcio raises assorted errors on corrupt or truncated files
        error = InputReadError(f"corrupt or truncated WARC file after {n:,} records ({type(exc).__name__}: {exc})")
        yield Failure.of(item.path, None, error)


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
                    text, meta, rendering = _read_file(root, item, config)
            except PageOverrun:
                yield _timeout_failure(item.path, None, budget.seconds)
                continue
            except Exception as exc:  # one bad input never stops the run (RecursionError...)
                yield Failure.of(item.path, None, exc)
                continue
            yield _Page(i, item.path, None, None, text, meta, key, time.monotonic() - start, rendering)
