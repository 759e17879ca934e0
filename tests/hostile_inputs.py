"""Hostile inputs for property tests and fuzzing (tests/test_fuzz.py, benchmarks/fuzz.py).

Hypothesis strategies that build page text, HTML, HTML bytes and sample files out of
the shapes that break parsers (control characters, NUL, runs of sentence marks,
right-to-left and byte-order marks, emoji, unended markup, attribute floods, deep
nesting, JSON-LD of any shape), and the checks every result must pass: the only
errors are the project's typed ones, nothing runs past its time budget, and every
piece of output text is taken from the input.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

import cleaner
from cleaner import CleanerConfig, CleanerError
from cleaner.errors import PageTimeoutError
from cleaner.labels import STANDARD_LABELS
from cleaner.lexicon import strip_invisible

# A budget far above what any of these small inputs needs: a page over it is a failure.
BUDGET = CleanerConfig(page_timeout=30.0)

_TEXT_PIECES = [
    "\x00",
    "\x1b[31m",
    "\x1b]0;title\x07",
    "\x9b2J",
    "\r\n",
    "\r",
    "\t",
    "\u2028",
    "\ufeff",
    "\u202e",
    "\u200f",
    "\ud800",
    "...",
    "?!…",
    "…",
    "Mr. ",
    "U.S. ",
    "Related coverage: ",
    "Read more: ",
    "Storm hits the coast tonight",
    "Farmers count the cost of the flood",
    "By Jane Doe | June 9, 2025 10:30 am",
    "KYODO NEWS - 17 hours ago - 09:29 | World, All",
    "The council met on Monday to vote on the plan for the park.",
    "© 2025 All rights reserved",
    "http://example.com/a?b=c",
    "東京都は月曜日に発表した。",
    "قال المجلس يوم الاثنين",
    "👩‍👩‍👧‍👦🏳️‍🌈👍🏽",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "&amp;lt;",
    "A",
    "a",
    "1",
    " ",
    "\n",
]

_runs = st.builds(lambda c, n: c * n, st.sampled_from(list(".?!… \n\ta\x00-|:\u3000")), st.integers(0, 1000))
_pieces = st.one_of(st.sampled_from(_TEXT_PIECES), _runs, st.text(max_size=30))

texts = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec=None, categories=("Cc", "Cs", "Co", "Zs", "Zl", "Zp", "Po")), max_size=200),
    st.lists(_pieces, max_size=30).map("".join),
    st.lists(st.lists(_pieces, max_size=8).map(" ".join), max_size=25).map("\n".join),
)
"""Page text: any characters, hostile pieces and long runs of one character."""

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
_json_ld = st.one_of(
    _json_values.map(json.dumps),
    st.builds(
        lambda h, a: json.dumps({"@type": "NewsArticle", "headline": h, "author": a}),
        st.text(max_size=40),
        _json_values,
    ),
    st.integers(0, 5000).map(lambda n: "[" * n),
    st.integers(0, 5000).map(lambda n: '{"a":' * n),
    st.text(max_size=50),
)
_TAGS = ["div", "p", "span", "font", "b", "a", "li", "ul", "table", "td", "tr", "h1", "nav", "footer", "aside"]
_tag = st.builds(
    lambda name, attrs, close: f"<{'/' if close else ''}{name}{attrs}>",
    st.sampled_from([*_TAGS, "script", "style", "svg", "title", "meta", "noscript", "template", "x-y"]),
    st.sampled_from(
        ["", " hidden", ' style="display:none"', ' class="x"', ' href="/a"', " a=1 b='2' c=\"3\"", ' rel="author"']
    ),
    st.booleans(),
)
_html_pieces = st.one_of(
    _tag,
    _pieces,
    _json_ld.map(lambda s: f'<script type="application/ld+json">{s}</script>'),
    st.sampled_from(
        [
            "<!--",
            "-->",
            "<?xml",
            '<?xml version="1.0"?>',
            "<![CDATA[",
            "<!DOCTYPE html>",
            "<",
            ">",
            '"',
            "'",
            "&",
            "&amp;",
            "&#0;",
            "&#x110000;",
            "&nbsp;",
            '<meta property="og:title" content="Storm hits the coast tonight">',
            '<meta name="author" content="Jane Doe">',
            "<title>Storm hits | News</title>",
            "<br>",
            "<p",
            '<a b="',
        ]
    ),
    st.builds(
        lambda t, n: t * n, st.sampled_from(["<div>", "<font>", "<b><i>", "</div>", "<p>"]), st.integers(0, 2100)
    ),
    st.integers(0, 300).map(lambda n: "<div " + " ".join(f"a{i}" for i in range(n)) + ">"),
)
html_pages = st.lists(_html_pieces, max_size=25).map("".join)
"""HTML: tags, attributes, comments, declarations, JSON-LD and text, in any order."""

html_bytes = st.one_of(
    st.binary(max_size=300),
    html_pages.map(lambda h: h.encode("utf-8", "surrogatepass")),
    html_pages.map(lambda h: h.encode("latin-1", "replace")),
    html_pages.map(lambda h: h.encode("utf-16", "surrogatepass")),
)
"""HTML as bytes: UTF-8, Latin-1, UTF-16 and any bytes."""

_labels = st.sampled_from([*STANDARD_LABELS, "\ufeffjunk", "Body", "", "caption", " body", "junk\r"])
tsv_files = st.lists(
    st.one_of(
        st.builds(lambda label, text: f"{label}\t{text}", _labels, st.text(max_size=40)),
        st.sampled_from(["# site: example.com", "# custom-labels: caption", "# custom-labels: Bad Label", "", "#"]),
        st.text(max_size=40),
    ),
    max_size=20,
).map("\n".join)
"""The text of a TSV sample file."""

_spans = st.lists(st.tuples(st.integers(-2, 60), st.integers(-2, 60), _labels).map(list), max_size=8)
jsonl_files = st.lists(
    st.one_of(
        st.builds(
            lambda text, spans, extra: json.dumps({"id": "p", "text": text, "spans": spans, **extra}),
            st.text(max_size=60),
            _spans,
            st.dictionaries(st.sampled_from(["site", "custom_labels", "id"]), _json_values, max_size=2),
        ),
        _json_values.map(json.dumps),
        st.integers(0, 6000).map(lambda n: '{"spans": ' + "[" * n + "]" * n + "}"),
        st.text(max_size=40),
    ),
    max_size=6,
).map("\n".join)
"""The text of a JSONL sample file."""


def _typed_only(run: Callable[[], Any]) -> Any:
    """``run()``'s result, None for one of the project's typed errors; a page over the
    budget, or any other exception, fails."""
    try:
        return run()
    except PageTimeoutError:
        raise
    except CleanerError:
        return None


def check_taken_from(text: str, result: cleaner.CleanResult, declared_title: str | None = None) -> None:
    """Segments cover ``text`` in order with their own text; every piece of every
    article stands in ``text``, its white space and invisible characters aside (a
    view of the text joins the lines a scraper cut a paragraph into,
    :mod:`cleaner.fragment_text`; soft hyphens are dropped from the output,
    :func:`cleaner.lexicon.strip_invisible`), and a headline may be the title the page
    declares."""
    pos = 0
    for seg in result.segments:
        assert pos <= seg.start < seg.end <= len(text), (seg, pos)
        assert text[seg.start : seg.end] == seg.text
        assert 0.0 <= seg.confidence <= 1.0
        pos = seg.end
    words = " ".join(strip_invisible(text).split())

    def taken(piece: str) -> bool:
        return piece in text or " ".join(strip_invisible(piece).split()) in words

    for article in result.articles:
        if article.headline is not None and article.headline != declared_title:
            assert taken(article.headline), article.headline
        for piece in [*article.bylines, *article.body, *article.related]:
            assert taken(piece), piece


def check_clean(text: str) -> None:
    """:func:`cleaner.clean` on ``text``: typed errors only, output taken from the text."""
    result = _typed_only(lambda: cleaner.clean(text, config=BUDGET))
    if result is not None:
        check_taken_from(text, result)


def check_clean_html(html: str | bytes) -> None:
    """:func:`cleaner.clean_html`: typed errors only, output taken from the rendered text."""
    from cleaner.page_meta import read_html

    rendered = _typed_only(lambda: read_html(html))
    result = _typed_only(lambda: cleaner.clean_html(html, config=BUDGET))
    if rendered is None:
        assert result is None, "clean_html cleaned a page that read_html refuses"
        return
    if result is not None:
        text, meta = rendered
        check_taken_from(text, result, meta.title if meta is not None else None)


def check_html_reader(html: str | bytes) -> None:
    """The HTML reader: typed errors only; text without NUL; spans inside the text."""
    from cleaner.html_text import render_blocks
    from cleaner.page_meta import read_html

    page = _typed_only(lambda: render_blocks(html))
    if page is not None:
        assert isinstance(page.text, str)
        for block in page.blocks:
            assert 0 <= block.start <= block.end <= len(page.text)
    read = _typed_only(lambda: read_html(html))
    if read is not None:
        text, meta = read
        for start, end in meta.furniture if meta is not None else ():
            assert 0 <= start <= end <= len(text)


def check_samples(content: str, suffix: str, folder: Path) -> None:
    """The sample loaders on a file's ``content``: :class:`cleaner.SampleFormatError`
    only; loaded pages have labelled spans in order inside their text."""
    from cleaner.samples import load_samples

    path = folder / f"sample{suffix}"
    path.write_text(content, encoding="utf-8", errors="surrogatepass")
    try:
        pages = load_samples(path)
    except cleaner.SampleFormatError:
        return
    for page in pages:
        pos = 0
        for span in page.spans:
            assert pos <= span.start < span.end <= len(page.text)
            pos = span.end
