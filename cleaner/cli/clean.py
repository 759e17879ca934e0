"""``cleaner clean FILE|-``: clean one page and print its articles."""

from __future__ import annotations

import argparse
import gzip
import re
import sys
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..api import Cleaner
from ..config import CleanerConfig
from ..errors import InputTypeError
from ..output import FORMATS, explain, render
from . import EXIT_USAGE, add_model_arguments

if TYPE_CHECKING:
    from ..page_meta import PageMeta

__all__ = ["add_parser", "read_input", "read_page"]

_GZIP_MAGIC = b"\x1f\x8b"


def _read_bytes(name: str) -> bytes:
    """A file's bytes, or standard input's for ``-``; gzip-compressed data decompressed."""
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        raise InputTypeError(f"cannot read {name}: {exc.strerror}") from exc
    if data.startswith(_GZIP_MAGIC):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputTypeError(f"{name} is a damaged or truncated gzip file ({exc})") from exc
    return data


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


def read_page(name: str) -> str:
    """Read page text from a file or ``-`` (standard input), as UTF-8 (gzip allowed)."""
    return _utf8(_read_bytes(name), name)


def read_input(name: str, *, html: bool, text: bool, mode: str, metadata: bool) -> tuple[str, PageMeta | None]:
    """A page's text, and what it declares if it is HTML: ``--html``, a ``.html``/``.htm``
    name (also ``.gz``), or data that starts as HTML does, unless ``--text``. HTML is
    read as bytes, so that its own ``<meta charset>`` counts."""
    data = _read_bytes(name)
    base = name[:-3] if name.lower().endswith(".gz") else name
    if html or (not text and (base.lower().endswith((".html", ".htm")) or looks_like_html(data))):
        from ..page_meta import read_html  # lxml: only for HTML

        return read_html(data, mode=mode, metadata=metadata)
    return _utf8(data, name), None


def _explain_scope(cleaner: Cleaner, text: str) -> None:
    """Say which of a scoped model's two models cleaned the page (on standard error)."""
    scope = cleaner.model.scope
    found = scope.match(text)
    if found is not None:
        print(f"scope: {found[1]} template lines of {found[0]}: cleaned by the retrained model", file=sys.stderr)
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
    cleaner = Cleaner(args.model, config=config, trust_pickle=args.trust_pickle)
    # what Cleaner.clean_html cleans, with the text kept for --explain
    text, meta = read_input(
        args.file, html=args.html, text=args.text, mode=config.html_mode, metadata=config.html_metadata
    )
    result = cleaner.clean(text, meta=meta)
    if args.main_only:
        result = result.with_main_only()
    if args.explain and cleaner.model.scope is not None:
        _explain_scope(cleaner, text)
    if not result.articles and not args.explain:
        print(
            f"cleaner clean: no article found in {args.file} ({len(result.segments)} segment(s), none of them "
            "body or headline); --explain shows each segment's label",
            file=sys.stderr,
        )
    out = explain(result, main_only=args.main_only) if args.explain else render(result, args.format)
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
