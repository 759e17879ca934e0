"""``cleaner clean FILE|-``: clean one page and print its articles."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..api import Cleaner
from ..config import CleanerConfig
from ..errors import InputTypeError
from ..output import FORMATS, explain, render

__all__ = ["add_parser", "read_page"]


def read_page(name: str) -> str:
    """Read page text from a file or ``-`` (standard input), as UTF-8."""
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        raise InputTypeError(f"cannot read {name}: {exc.strerror}") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputTypeError(
            f"{name} is not UTF-8 text (byte {exc.start}); convert it first, for example "
            f"`iconv -f latin1 -t utf-8 {name}`"
        ) from exc


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
    cleaner = Cleaner(args.model, config=config)
    text = read_page(args.file)
    meta = None
    if args.html or (args.file.lower().endswith((".html", ".htm")) and not args.text):
        from ..page_meta import read_html  # lxml: only for HTML

        # what Cleaner.clean_html cleans, with the text kept for --explain
        text, meta = read_html(text, mode=config.html_mode, metadata=config.html_metadata)
    result = cleaner.clean(text, meta=meta)
    if args.main_only:
        result = result.with_main_only()
    if args.explain and cleaner.model.scope is not None:
        _explain_scope(cleaner, text)
    out = explain(result) if args.explain else render(result, args.format)
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
    p.add_argument(
        "--model", default=None, help="model file (default: the shipped model; a pickle: trusted files only)"
    )
    p.add_argument("--html", action="store_true", help="the input is HTML (default for .html/.htm files)")
    p.add_argument("--text", action="store_true", help="the input is raw text even if named .html")
    p.add_argument("--html-mode", default="browser", choices=("browser", "collapsed"), help="how HTML is rendered")
    p.add_argument(
        "--no-metadata",
        action="store_true",
        help="HTML: ignore the title, authors and date the page declares (JSON-LD, Open Graph, <meta>, <title>)",
    )
    p.set_defaults(func=_run)
