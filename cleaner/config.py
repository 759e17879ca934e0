"""The configuration of a cleaning run: one frozen object with documented defaults."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from datetime import datetime

from .errors import ConfigError

__all__ = ["HTML_MODES", "CleanerConfig"]

HTML_MODES: tuple[str, ...] = ("browser", "collapsed")
"""How HTML can be rendered to text (:func:`cleaner.html_text.html_to_text`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CleanerConfig:
    """Options of :class:`cleaner.Cleaner` and :func:`cleaner.clean`.

    Attributes:
        split_titles: cut run-together titles in a list ("Related coverage: A B C")
            where a title also stands on the page as a line of its own. Default True.
        keep_headline_only: keep articles that have a headline but neither body nor
            byline (teaser cards reduced to a title). Default False: such a headline
            joins the previous article's related titles when it follows them, else
            is dropped (a widget's heading such as "Newsletter").
        max_chars: the largest input accepted, in characters; a larger one raises
            :class:`cleaner.InputTooLargeError` instead of using unbounded memory.
            Default 20,000,000 (about 2,000 typical pages); None for no limit.
            :meth:`cleaner.Cleaner.clean_html` applies it to the HTML too, before
            parsing it (in characters, or bytes for bytes).
        max_units: the most units (lines, and the sentences and blocks lines are cut
            into) a page may have; a page with more raises
            :class:`cleaner.InputTooLargeError` as soon as it is segmented. Each unit
            takes about 3 KB of memory while the page is cleaned, so this bounds a
            page's memory: a page of two million one-letter lines would take 6 GB.
            Default 100,000, 37 times the most of any page in the training data and
            the peers' datasets (2,729 units; ``docs/security.md``); None for no limit.
        page_timeout: the most time in seconds a page may take; a page that takes
            longer raises :class:`cleaner.errors.PageTimeoutError` (checked between the
            steps of cleaning and inside their long loops: :mod:`cleaner.budget`).
            Default None: no limit. A normal page takes a few milliseconds.
        reference_time: the time a page was fetched; relative dates in bylines
            ("17 hours ago") are resolved against it. Default None: they are kept as
            ``published_raw`` only.
        html_mode: how :meth:`cleaner.Cleaner.clean_html` renders HTML to text,
            ``"browser"`` (one visual block a line, the default) or ``"collapsed"``.
        html_metadata: whether :meth:`cleaner.Cleaner.clean_html` uses the title,
            authors and date the page declares (JSON-LD, Open Graph, ``<meta>``,
            ``<title>``) to guide the main article. Default True.
        page_structure: judge which of a page's articles are articles of their own
            with the learned article filter (:mod:`cleaner.pipeline.structure`): a menu
            heading, a comment thread or a subheading does not make an article of a
            single-article page. Default True; False keeps every headline's article.
        html_stage: whether :meth:`cleaner.Cleaner.clean_html` re-scores the text
            model's labels with the page's markup (:mod:`cleaner.html_stage`: tags,
            class and id words such as "comment" or "sidebar", link density, the
            container of the page's prose), in the browser rendering with a model
            that is not retrained. Default True; raw text never uses it.
        markdown: whether :func:`cleaner.clean` reads text written in Markdown (as
            html2text, markdownify and crawlers such as Jina Reader or Firecrawl give
            pages: "# Title", "* [Home](https://...)") without its syntax
            (:mod:`cleaner.markdown_text`): segments keep the text as given, the
            articles its words; its one "# Title" and Jina Reader's header
            ("Title:", "URL Source:", "Published Time:") say what the caller does
            not. Default True; only text that
            :func:`cleaner.markdown_text.looks_like_markdown` is read so.
        dumps: whether :func:`cleaner.clean` reads a text browser's dump (``lynx
            -dump``, ``w3m -dump``: lines wrapped at 79 columns, numbered links, a list
            of references) without its marks and with its paragraphs' lines joined
            (:mod:`cleaner.dump_text`). Default True; only text that
            :func:`cleaner.dump_text.looks_like_dump` is read so.
        fragments: whether :func:`cleaner.clean` reads text written a text node a
            line (BeautifulSoup's ``get_text("\\n")``: a paragraph cut into lines
            where a link or a word in bold starts or ends) with those lines joined
            (:mod:`cleaner.fragment_text`). Default True; only text that
            :func:`cleaner.fragment_text.looks_like_fragments` is read so.
        flat: whether :func:`cleaner.clean` reads text without line breaks (a page's
            blocks run together on one line: BeautifulSoup's ``get_text(" ",
            strip=True)``) a sentence a line (:mod:`cleaner.flat_text`). Default
            True; only text that :func:`cleaner.flat_text.looks_like_flat` is read so.
    """

    split_titles: bool = True
    keep_headline_only: bool = False
    max_chars: int | None = 20_000_000
    max_units: int | None = 100_000
    page_timeout: float | None = None
    reference_time: datetime | None = None
    html_mode: str = "browser"
    html_metadata: bool = True
    page_structure: bool = True
    html_stage: bool = True
    markdown: bool = True
    dumps: bool = True
    fragments: bool = True
    flat: bool = True

    def __post_init__(self) -> None:
        """Raises :class:`cleaner.errors.ConfigError` (a ``ValueError``) for an option of
        the wrong type or value."""
        for name in (
            "split_titles",
            "keep_headline_only",
            "html_metadata",
            "page_structure",
            "html_stage",
            "markdown",
            "dumps",
            "fragments",
            "flat",
        ):
            value = getattr(self, name)
            # True and False, also as 1 and 0 or NumPy booleans; stored as bool
            numpy_bool = type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_")
            boolean = isinstance(value, bool | numbers.Integral) or numpy_bool
            if not boolean or value not in (0, 1):
                raise ConfigError(f"{name} must be True or False, not {value!r}")
            object.__setattr__(self, name, bool(value))
        for name in ("max_chars", "max_units"):
            value = getattr(self, name)
            if value is not None:
                whole = isinstance(value, numbers.Integral) and not isinstance(value, bool)
                if not whole or value < 0:
                    raise ConfigError(f"{name} must be None or a whole number >= 0, not {value!r}")
                object.__setattr__(self, name, int(value))
        if self.page_timeout is not None:
            real = isinstance(self.page_timeout, numbers.Real) and not isinstance(self.page_timeout, bool)
            if not real or not math.isfinite(self.page_timeout) or self.page_timeout <= 0:
                raise ConfigError(f"page_timeout must be None or a number of seconds > 0, not {self.page_timeout!r}")
            object.__setattr__(self, "page_timeout", float(self.page_timeout))
        if self.reference_time is not None and not isinstance(self.reference_time, datetime):
            raise ConfigError(f"reference_time must be a datetime or None, not {type(self.reference_time).__name__}")
        if self.html_mode not in HTML_MODES:
            raise ConfigError(f"html_mode must be one of {', '.join(HTML_MODES)}, not {self.html_mode!r}")
