"""``cleaner clean FILE|-``: clean one page and print its articles."""

from __future__ import annotations

import argparse
import io
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..config import CleanerConfig
from ..io import byte_limit, decode_text, looks_like_html, read_html_page, read_page_bytes, too_large
from ..output import FORMATS, explain, render, result_to_json
from . import EXIT_USAGE, add_model_arguments

if TYPE_CHECKING:
    from ..api import Cleaner
    from ..html_text import RenderedPage
    from ..page_meta import PageMeta

# looks_like_html: kept importable from here, where it was before cleaner.io
__all__ = ["add_parser", "looks_like_html", "read_input", "read_page"]

_DEFAULT_MAX_CHARS = CleanerConfig().max_chars
# What to do about a page over the limit, where the command line reads it
_ADVICE = (
    "a page this large is nearly always broken input, or many pages in one: split it, or clean it in Python "
    "with CleanerConfig(max_chars=...)"
)


def _not_utf8(name: str) -> str:
    return (
        f"convert it first, for example `iconv -f latin1 -t utf-8 {name}`, or pass --html if it is an HTML page "
        "(its own <meta charset> then decides)"
    )


def _text(data: bytes, name: str, max_chars: int | None) -> str:
    what = "standard input" if name == "-" else name
    return decode_text(io.BytesIO(data), max_chars, what=what, advice=_ADVICE, not_utf8=_not_utf8(name))


def read_page(name: str, *, max_chars: int | None = _DEFAULT_MAX_CHARS) -> str:
    """Read page text from a file or ``-`` (standard input), as UTF-8 (gzip allowed),
    by the rules of :mod:`cleaner.io`.

    Raises:
        InputReadError: it cannot be read, or is not UTF-8 text.
        InputTooLargeError: it has more than ``max_chars`` characters (None: no limit),
            found out before reading far past them.
    """
    return _text(read_page_bytes(name, max_chars, html=False, advice=_ADVICE), name, max_chars)


def read_input(
    name: str,
    *,
    html: bool,
    text: bool,
    mode: str,
    metadata: bool,
    max_chars: int | None = _DEFAULT_MAX_CHARS,
) -> tuple[str, PageMeta | None, RenderedPage | None]:
    """A page's text, and what it declares and its rendering if it is HTML (cleaned as
    ``Cleaner.clean_html`` cleans it): ``--html``, a ``.html``/``.htm``
    name (also ``.gz``), or data that starts as HTML does, unless ``--text``. HTML is
    read as bytes, so that its own ``<meta charset>`` counts.

    ``max_chars`` limits the page as :class:`cleaner.CleanerConfig` does: text to that
    many characters, HTML to that many bytes, both checked before parsing and while
    reading and decompressing (a gzip bomb stops at the limit); :mod:`cleaner.io`.

    Raises:
        InputReadError: it cannot be read, or (text) is not UTF-8.
        InputTooLargeError: it is larger than ``max_chars`` allows.
    """
    base = name[:-3] if name.lower().endswith(".gz") else name
    html_by_name = html or (not text and base.lower().endswith((".html", ".htm")))
    data = read_page_bytes(name, max_chars, html=html_by_name, advice=_ADVICE)
    what = "standard input" if name == "-" else name
    if html_by_name or (not text and looks_like_html(data)):
        limit = byte_limit(max_chars, html=True)
        if limit is not None and max_chars is not None and len(data) > limit:
            raise too_large(f"{what} has {len(data):,} bytes of HTML,", max_chars, _ADVICE)
        rendering, meta = read_html_page(
            data, mode=mode, metadata=metadata, max_chars=max_chars, what=what, advice=_ADVICE
        )
        return rendering.text, meta, rendering
    return _text(data, name, max_chars), None, None


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
    config = CleanerConfig(html_mode=args.html_mode, html_metadata=not args.no_metadata, markdown=not args.no_markdown)
    if args.explain and args.format != "text":
        print("cleaner clean: error: --explain prints a table; it cannot be combined with -f", file=sys.stderr)
        return EXIT_USAGE
    # what Cleaner.clean_html cleans, with the text kept for --explain; read before the
    # model is loaded, so that a bad input is told at once
    text, meta, rendering = read_input(
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
    from ..api import Cleaner  # numpy and scipy: only once a page is to be cleaned

    cleaner = Cleaner(args.model, config=config, trust_pickle=args.trust_pickle)
    result = cleaner.clean(text, meta=meta, rendering=rendering)
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
    p.add_argument(
        "--no-markdown",
        action="store_true",
        help="text: read Markdown (# Title, [link](url)) as plain text, its syntax and link targets kept",
    )
    p.set_defaults(func=_run)
