"""Read: the first stage. A page's text is checked, or its HTML rendered to text,
and what is known of the page travels with it as a :class:`Page`.

* text: :func:`read_text` checks that it is a ``str`` within
  ``CleanerConfig.max_chars`` and takes the caller's :class:`cleaner.PageMeta`;
* HTML: :func:`read_html` checks its size before parsing it, renders it
  (:func:`cleaner.page_meta.read_html_page`: the text, its blocks and elements, and
  the title, authors and date the page declares), then checks the text as above.

Either way the page's declared title is looked for in its text
(:func:`find_phrases`): the segment stage cuts it out of
the line it stands in, and the decode stage makes it the headline.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..budget import check as check_budget
from ..config import CleanerConfig
from ..dump_text import dump_view, looks_like_dump
from ..errors import InputTooLargeError, InputTypeError
from ..flat_text import flat_view, looks_like_flat
from ..fragment_text import fragment_cuts, fragment_view
from ..html_text import RenderedPage
from ..lexicon import BYLINE_OPENERS
from ..markdown_text import looks_like_markdown, markdown_title, markdown_view, reader_header
from ..page_meta import PageMeta, declared_date, read_html_page

__all__ = [
    "MAX_PHRASE_REPEATS",
    "Page",
    "check_html_size",
    "check_meta",
    "check_text",
    "find_phrases",
    "read_html",
    "read_rendering",
    "read_text",
    "text_view",
]


@dataclass(frozen=True)
class Page:
    """A page as the stages after reading see it.

    Attributes:
        text: the page's text (for HTML, the rendering's); every offset of the
            result refers to it.
        meta: what is known of the page (declared in its HTML or given by the
            caller), or None.
        title_spans: where ``meta``'s title stands in ``text``, as ``(start, end)``.
        rendered: the HTML rendering (its blocks and elements, for the markup's
            re-scoring), or None for text input.
        source: the caller's text where ``text`` is a view of it of the same length
            (Markdown or a text browser's dump with its syntax blanked,
            :mod:`cleaner.markdown_text`, :mod:`cleaner.dump_text`), else None: the
            result's segments are cut from it.
    """

    text: str
    meta: PageMeta | None = None
    title_spans: tuple[tuple[int, int], ...] = ()
    rendered: RenderedPage | None = None
    source: str | None = None

    @property
    def url(self) -> str | None:
        """The page's URL when known (it routes a scoped model, :mod:`cleaner.scope`)."""
        return self.meta.url if self.meta is not None else None


def check_text(text: object, config: CleanerConfig) -> str:
    """``text`` if it is page text ``config`` accepts.

    Raises:
        InputTypeError: it is not a ``str`` (bytes: the message says how to decode them).
        InputTooLargeError: it is longer than ``config.max_chars``.
    """
    if isinstance(text, bytes | bytearray | memoryview):
        raise InputTypeError(
            "cleaner.clean() takes text (str), but was given bytes. Decode them first, "
            "for example text = data.decode('utf-8', errors='replace'), or use the charset "
            "the page declares."
        )
    if not isinstance(text, str):
        raise InputTypeError(f"cleaner.clean() takes text (str), not {type(text).__name__}")
    if config.max_chars is not None and len(text) > config.max_chars:
        raise InputTooLargeError(
            f"the input has {len(text):,} characters, more than max_chars={config.max_chars:,}; "
            "raise CleanerConfig(max_chars=...) or pass None to accept it"
        )
    return text


def check_meta(meta: object) -> None:
    """Raise :class:`cleaner.errors.InputTypeError` unless ``meta`` is a PageMeta or None."""
    if meta is not None and not isinstance(meta, PageMeta):
        raise InputTypeError(
            f"meta must be a cleaner.PageMeta or None, not {type(meta).__name__}; "
            "for example meta=cleaner.PageMeta(title='...', authors=('...',))"
        )


MAX_PHRASE_REPEATS = 20
"""A phrase said more often than this on a page is a word of its menus or its running
text, not a title standing apart: :func:`find_phrases` skips it."""


def find_phrases(text: str, phrases: Sequence[str], *, max_repeats: int = MAX_PHRASE_REPEATS) -> list[tuple[int, int]]:
    """Where ``phrases`` stand apart in ``text``: ``(start, end)`` spans in text order,
    none overlapping (a longer phrase first claims its place).

    A phrase is matched without regard to case, as whole words, and only where no
    lowercase word runs into it from either side in its line ("the Storm Watch", "Storm
    Watch continues"): there it is part of a sentence. A phrase found more than
    ``max_repeats`` times is skipped.

    >>> find_phrases("News Storm hits coast\\nA storm hits coast towns", ["Storm hits coast"])
    [(5, 21)]
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # lower-casing changed lengths (rare letters): exact case
        lowered = text
    starts: list[int] = []
    spans: list[tuple[int, int]] = []
    for phrase in sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True):
        needle = phrase.lower() if lowered is not text and len(phrase.lower()) == len(phrase) else phrase
        found: list[tuple[int, int]] = []
        pos = lowered.find(needle)
        while pos >= 0 and len(found) <= max_repeats:
            end = pos + len(needle)
            k = bisect.bisect_left(starts, end)
            free = k == 0 or spans[k - 1][1] <= pos
            if free and _stands_apart(text, pos, end):
                found.append((pos, end))
            pos = lowered.find(needle, end)
        if len(found) > max_repeats:
            continue
        for span in found:
            k = bisect.bisect_left(starts, span[0])
            starts.insert(k, span[0])
            spans.insert(k, span)
    return spans


def _stands_apart(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is whole words that no lowercase word of its line
    continues on either side."""
    if (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
        return False
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i >= 0 and text[i].isalpha():  # a word before: where does it start?
        j = i
        while j > 0 and (text[j - 1].isalnum() or text[j - 1] in "'’-"):
            j -= 1
        if text[j].islower():
            return False
    k = end
    while k < len(text) and text[k] in " \t":
        k += 1
    if k < len(text) and text[k].islower():  # a byline's lowercase cue may follow a title
        return text.startswith(BYLINE_OPENERS, k)
    return True


def _title_spans(text: str, meta: PageMeta | None) -> tuple[tuple[int, int], ...]:
    return tuple(find_phrases(text, meta.titles)) if meta is not None and meta.titles else ()


def read_text(text: object, config: CleanerConfig, meta: object = None) -> Page:
    """A page of raw text, with what the caller knows of it (see :func:`check_text`);
    text written in Markdown or by a text browser is read without its syntax
    (:func:`text_view`)."""
    checked = check_text(text, config)
    check_meta(meta)
    known = meta if isinstance(meta, PageMeta) else None
    view, form = _view(checked, config)
    if form is None:
        return Page(checked, known, _title_spans(checked, known))
    check_budget(f"reading {form}")
    if form == "Markdown":
        known = _markdown_meta(checked, view, known)
    return Page(view, known, _title_spans(view, known), source=checked)


def _markdown_meta(text: str, view: str, known: PageMeta | None) -> PageMeta | None:
    """What a Markdown text says of itself, under what the caller knows: its one
    "# Title" (as HTML's lone ``<h1>``), and Jina Reader's header (the page's title,
    URL and publication time). The caller's fields win."""
    header = reader_header(text)
    titles = [t for t in (markdown_title(text, view), header.title if header else None) if t]
    url = header.url if header else None
    published = declared_date(header.published) if header else None
    if not titles and url is None and published is None:
        return known
    meta = known or PageMeta()
    if meta.title is not None:  # the caller's title, and no other
        titles = []
    return replace(
        meta,
        title=meta.title or (titles[0] if titles else None),
        titles=(*meta.titles, *(t for t in titles if t not in meta.titles)),
        url=meta.url or url,
        published=meta.published or published,
    )


def text_view(text: str, config: CleanerConfig) -> str:
    """The text the stages read of a page's ``text``: its Markdown view where it is
    written in Markdown and ``config.markdown`` (:mod:`cleaner.markdown_text`), its
    dump view where a text browser wrote it and ``config.dumps``
    (:mod:`cleaner.dump_text`), its paragraphs joined where a parser wrote a text node
    a line and ``config.fragments`` (:mod:`cleaner.fragment_text`), a sentence a line
    where it is written on one line and ``config.flat`` (:mod:`cleaner.flat_text`),
    else ``text`` itself."""
    return _view(text, config)[0]


def _view(text: str, config: CleanerConfig) -> tuple[str, str | None]:
    """:func:`text_view`, and the form the text is written in ("Markdown", "a dump",
    "text written a text node a line", "text on one line") or None."""
    if config.markdown and looks_like_markdown(text):
        return markdown_view(text), "Markdown"
    if config.dumps and looks_like_dump(text):
        return dump_view(text), "a dump"
    if config.fragments and (cuts := fragment_cuts(text)) is not None:
        return fragment_view(text, cuts), "text written a text node a line"
    if config.flat and looks_like_flat(text):
        return flat_view(text), "text on one line"
    return text, None


def check_html_size(html: object, config: CleanerConfig) -> None:
    """Raise :class:`cleaner.errors.InputTooLargeError` for HTML longer than
    ``config.max_chars`` (characters, or bytes for bytes), before it is parsed."""
    max_chars = config.max_chars
    if max_chars is not None and isinstance(html, str | bytes | bytearray) and len(html) > max_chars:
        unit = "characters" if isinstance(html, str) else "bytes"
        raise InputTooLargeError(
            f"the HTML has {len(html):,} {unit}, more than max_chars={max_chars:,} allows (checked before "
            "parsing it); raise CleanerConfig(max_chars=...) or pass None to accept it"
        )


def read_html(html: str | bytes, config: CleanerConfig) -> Page:
    """A page of HTML: rendered to text (``config.html_mode``) with what it declares
    (unless ``config.html_metadata`` is false). Call :func:`check_html_size` first."""
    rendered, meta = read_html_page(html, mode=config.html_mode, metadata=config.html_metadata)
    check_budget("rendering HTML")
    return read_rendering(rendered, config, meta)


def read_rendering(rendering: object, config: CleanerConfig, meta: object = None) -> Page:
    """A page of HTML already rendered (:func:`cleaner.page_meta.read_html_page`), with
    what it declares or the caller knows of it."""
    if not isinstance(rendering, RenderedPage):
        raise InputTypeError(
            f"rendering must be a cleaner.html_text.RenderedPage (cleaner.page_meta.read_html_page), "
            f"not {type(rendering).__name__}"
        )
    text = check_text(rendering.text, config)
    check_meta(meta)
    known = meta if isinstance(meta, PageMeta) else None
    return Page(text, known, _title_spans(text, known), rendering)
