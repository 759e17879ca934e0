"""``cleaner clean FILE|-``: clean one page and print its articles."""

from __future__ import annotations

import argparse
import gzip
import io
import re
import sys
import zlib
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from ..api import Cleaner
from ..config import CleanerConfig
from ..errors import InputTooLargeError, InputTypeError
from ..output import FORMATS, explain, render, result_to_json
from . import EXIT_USAGE, add_model_arguments

if TYPE_CHECKING:
    from ..page_meta import PageMeta

__all__ = ["add_parser", "read_input", "read_page"]

_GZIP_MAGIC = b"\x1f\x8b"
# UTF-8 takes at most this many bytes a character: the most bytes a text of max_chars can have
_MAX_UTF8_BYTES = 4
_DEFAULT_MAX_CHARS = CleanerConfig().max_chars


def _read_bytes(name: str, max_chars: int | None = None, *, html: bool = False) -> bytes:
    """A file's bytes, or standard input's for ``-``; gzip-compressed data decompressed.

    At most what a page of ``max_chars`` can take is read (None: no limit): that many
    bytes of HTML (``html``), else :data:`_MAX_UTF8_BYTES` times that many bytes of
    text. A larger file is refused before it is read, a larger stream or decompressed
    file as soon as it passes the limit.

    Raises:
        InputTypeError: the file cannot be read, or is damaged gzip.
        InputTooLargeError: it holds more bytes than the limit.
    """
    what = "standard input" if name == "-" else name
    limit = None if max_chars is None else max_chars * (1 if html else _MAX_UTF8_BYTES)
    try:
        if name == "-":
            return _read_stream(sys.stdin.buffer, what, limit, max_chars)
        path = Path(name)
        with path.open("rb") as fh:
            if limit is not None and max_chars is not None and path.is_file():
                size = path.stat().st_size
                if size > limit and fh.read(2) != _GZIP_MAGIC:
                    raise _too_large(f"{what} has {size:,} bytes,", max_chars)
                fh.seek(0)
            return _read_stream(fh, what, limit, max_chars)
    except OSError as exc:
        raise InputTypeError(f"cannot read {what}: {exc.strerror or exc}") from exc


def _read_stream(stream: BinaryIO, what: str, limit: int | None, max_chars: int | None) -> bytes:
    """The stream's bytes, decompressed if they are gzip, up to ``limit``."""
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(cast(io.RawIOBase, stream))
    compressed = buffered.peek(2)[:2] == _GZIP_MAGIC
    source: io.BufferedIOBase = gzip.GzipFile(fileobj=buffered, mode="rb") if compressed else buffered
    try:
        data = source.read() if limit is None else source.read(limit + 1)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise InputTypeError(f"{what} is a damaged or truncated gzip file ({exc})") from exc
    if limit is not None and max_chars is not None and len(data) > limit:
        unpacked = " once decompressed" if compressed else ""
        raise _too_large(f"{what} has more than {limit:,} bytes{unpacked},", max_chars)
    return data


def _too_large(what: str, max_chars: int) -> InputTooLargeError:
    return InputTooLargeError(
        f"{what} more than a page of max_chars={max_chars:,} can take (that many characters of text, "
        f"at most {_MAX_UTF8_BYTES} bytes of UTF-8 each; that many bytes of HTML); it was not read on. A page "
        "this large is nearly always broken input, or many pages in one: split it, or clean it in Python "
        "with CleanerConfig(max_chars=...)"
    )


def _utf8(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputTypeError(
            f"{name} is not UTF-8 text (byte {exc.start}); convert it first, for example "
            f"`iconv -f latin1 -t utf-8 {name}`, or pass --html if it is an HTML page "
            "(its own <meta charset> then decides)"
        ) from exc


_PROLOG = re.compile(rb"^(?:\s+|<\?xml[^>]*>|<!--.*?-->)*", re.DOTALL)


def looks_like_html(data: bytes) -> bool:
    """Whether data starts as an HTML document does: ``<!DOCTYPE html``, ``<html``,
    ``<head``, ``<meta``, ``<title`` or ``<body``, after an XML declaration, comments or
    a byte-order mark."""
    head = data[:4096].removeprefix(b"\xef\xbb\xbf")
    m = _PROLOG.match(head)
    head = head[m.end() if m else 0 :].lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<title", b"<body"))


def _checked(text: str, name: str, max_chars: int | None) -> str:
    if max_chars is not None and len(text) > max_chars:
        raise InputTooLargeError(
            f"{name} has {len(text):,} characters, more than max_chars={max_chars:,}; split it, or clean it "
            "in Python with CleanerConfig(max_chars=...)"
        )
    return text


def read_page(name: str, *, max_chars: int | None = _DEFAULT_MAX_CHARS) -> str:
    """Read page text from a file or ``-`` (standard input), as UTF-8 (gzip allowed).

    Raises:
        InputTypeError: it cannot be read, or is not UTF-8 text.
        InputTooLargeError: it has more than ``max_chars`` characters (None: no limit),
            found out before reading far past them.
    """
    return _checked(_utf8(_read_bytes(name, max_chars), name), name, max_chars)


def read_input(
    name: str,
    *,
    html: bool,
    text: bool,
    mode: str,
    metadata: bool,
    max_chars: int | None = _DEFAULT_MAX_CHARS,
) -> tuple[str, PageMeta | None]:
    """A page's text, and what it declares if it is HTML: ``--html``, a ``.html``/``.htm``
    name (also ``.gz``), or data that starts as HTML does, unless ``--text``. HTML is
    read as bytes, so that its own ``<meta charset>`` counts.

    ``max_chars`` limits the page as :class:`cleaner.CleanerConfig` does: text to that
    many characters, HTML to that many bytes, both checked before parsing and while
    reading and decompressing (a gzip bomb stops at the limit).

    Raises:
        InputTypeError: it cannot be read, or (text) is not UTF-8.
        InputTooLargeError: it is larger than ``max_chars`` allows.
    """
    base = name[:-3] if name.lower().endswith(".gz") else name
    html_by_name = html or (not text and base.lower().endswith((".html", ".htm")))
    data = _read_bytes(name, max_chars, html=html_by_name)
    if html_by_name or (not text and looks_like_html(data)):
        if max_chars is not None and len(data) > max_chars:
            what = "standard input" if name == "-" else name
            raise _too_large(f"{what} has {len(data):,} bytes of HTML,", max_chars)
        from ..page_meta import read_html  # lxml: only for HTML

        page, meta = read_html(data, mode=mode, metadata=metadata)
        return _checked(page, name, max_chars), meta
    return _checked(_utf8(data, name), name, max_chars), None


def _explain_model(cleaner: Cleaner, text: str, name: str | None, url: str | None) -> None:
    """Say which model cleaned the page (on standard error): the default model, the
    user's model, or, for a scoped model, which of its two models and why."""
    by = cleaner.cleaned_by(text, url)
    if name is None:
        print("model: the default model (shipped with cleaner)", file=sys.stderr)
        return
    scope = cleaner.model.scope
    if scope is None:
        what = "retrained, --scope all: it cleans every page" if by == "retrained" else "not a retrained model"
        print(f"model: {name} ({what})", file=sys.stderr)
        return
    print(f"model: {name} (retrained, scoped to {', '.join(sorted(scope.sites)) or 'no site'})", file=sys.stderr)
    found = scope.match(text, url)
    by_url = url is not None and scope.match_url(url) is not None
    if by == "retrained" and found is not None and by_url:
        print(f"scope: the URL {url} is of {found[0]}: cleaned by the retrained model", file=sys.stderr)
    elif by == "retrained" and found is not None:
        print(f"scope: {found[1]} template lines of {found[0]}: cleaned by the retrained model", file=sys.stderr)
    elif url is not None and (scope.url_patterns or scope.declared_hosts()):
        print(
            f"scope: the URL {url} is not of the model's sites, and the page shares too few template lines with "
            "a site named by no host: cleaned by the default model it falls back on",
            file=sys.stderr,
        )
    else:
        print(
            f"scope: fewer than {scope.min_shared} template lines of any of the model's sites "
            f"({', '.join(sorted(scope.sites))}): cleaned by the default model it falls back on",
            file=sys.stderr,
        )


def _run(args: argparse.Namespace) -> int:
    config = CleanerConfig(html_mode=args.html_mode, html_metadata=not args.no_metadata)
    if args.explain and args.format != "text":
        print("cleaner clean: error: --explain prints a table; it cannot be combined with -f", file=sys.stderr)
        return EXIT_USAGE
    # what Cleaner.clean_html cleans, with the text kept for --explain; read before the
    # model is loaded, so that a bad input is told at once
    text, meta = read_input(
        args.file,
        html=args.html,
        text=args.text,
        mode=config.html_mode,
        metadata=config.html_metadata,
        max_chars=config.max_chars,
    )
    if args.url is not None:
        from ..page_meta import PageMeta  # lxml: only when needed

        meta = replace(meta if meta is not None else PageMeta(), url=args.url)
    url = meta.url if meta is not None else None
    cleaner = Cleaner(args.model, config=config, trust_pickle=args.trust_pickle)
    result = cleaner.clean(text, meta=meta)
    if args.main_only:
        result = result.with_main_only()
    if args.explain:
        _explain_model(cleaner, text, args.model, url)
    if not result.articles and not args.explain:
        print(
            f"cleaner clean: no article found in {args.file} ({len(result.segments)} segment(s), none of them "
            "body or headline); --explain shows each segment's label",
            file=sys.stderr,
        )
    if args.explain:
        out = explain(result, main_only=args.main_only)
    elif args.format == "json":
        out = result_to_json(result, cleaned_by=cleaner.cleaned_by(text, url))
    else:
        out = render(result, args.format)
    sys.stdout.write(out)
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "clean",
        help="clean one page and print its articles",
        description="Clean one page of raw text (or HTML) and print its articles.",
    )
    p.add_argument("file", metavar="FILE", help="page text file, or - for standard input")
    p.add_argument("-f", "--format", choices=FORMATS, default="text", help="output format (default: text)")
    p.add_argument("--explain", action="store_true", help="print every segment with its label and probability")
    p.add_argument(
        "--main-only", action="store_true", help="print the main article only (the one with the most body words)"
    )
    add_model_arguments(p)
    p.add_argument(
        "--url",
        default=None,
        help="the page's URL (default: the canonical URL an HTML page declares); a retrained model's scope "
        "routes the page by its host",
    )
    kind = p.add_mutually_exclusive_group()
    kind.add_argument(
        "--html",
        action="store_true",
        help="the input is HTML (default for .html/.htm files and data that starts as HTML)",
    )
    kind.add_argument("--text", action="store_true", help="the input is raw text even if named .html")
    p.add_argument("--html-mode", default="browser", choices=("browser", "collapsed"), help="how HTML is rendered")
    p.add_argument(
        "--no-metadata",
        action="store_true",
        help="HTML: ignore the title, authors and date the page declares (JSON-LD, Open Graph, <meta>, <title>)",
    )
    p.set_defaults(func=_run)
