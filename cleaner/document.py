"""The data types of a cleaned page: segments, articles and the result.

All are frozen dataclasses. Every segment and article carries character offsets
into the text that was cleaned, so any output can be traced back to its source:
``text[segment.start:segment.end] == segment.text`` always holds.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Article", "CleanResult", "Segment"]

_WORD = re.compile(r"\w+")  # words as body word-F1 counts them (cleaner.evaluate.tokens)


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of page text with one label.

    Attributes:
        start: offset of the first character in the cleaned text.
        end: offset one past the last character.
        label: a :class:`cleaner.Label` value, or a custom label of a user's model.
        confidence: the model's probability for ``label`` (0 to 1).
        text: ``text[start:end]`` of the cleaned text.
        rule: the named decoding step (:data:`cleaner.pipeline.decode.STEPS`) that set the
            label where it is not the model's most probable class, else None.
    """

    start: int
    end: int
    label: str
    confidence: float
    text: str
    rule: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """One article found on a page.

    Attributes:
        headline: the article's title, or None when the page shows none. For the main
            article of a page cleaned with its metadata (:meth:`cleaner.Cleaner.clean_html`,
            or ``clean(text, meta=...)``), the declared title where the text shows none
            or never shows the declared one.
        bylines: byline segments as they stand on the page, in page order.
        authors: author names parsed from the bylines; for a main article cleaned with
            its metadata, the declared authors after them.
        published: publication date (ISO ``YYYY-MM-DD``, or with time) where a byline
            gives one that can be resolved without guessing, else the declared date of
            a main article cleaned with its metadata; else None.
        published_raw: the date or time text as found in a byline (``"17 hours
            ago"``), kept even where it cannot be resolved.
        source: a source or agency name found in a byline (``"KYODO NEWS"``).
        body: body paragraphs, in page order.
        related: titles of related articles listed with this article.
        extra: text of custom labels (a user's model), by label.
        start: offset of the article's first segment in the cleaned text.
        end: offset one past its last segment.
    """

    headline: str | None
    bylines: list[str]
    authors: list[str]
    published: str | None
    published_raw: str | None
    source: str | None
    body: list[str]
    related: list[str]
    extra: dict[str, list[str]] = field(default_factory=dict)
    start: int = 0
    end: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return the article as a JSON-ready dict."""
        return asdict(self)

    @property
    def text(self) -> str:
        """The body paragraphs joined by blank lines."""
        return "\n\n".join(self.body)


@dataclass(frozen=True, slots=True)
class CleanResult:
    """What :func:`cleaner.clean` returns.

    Attributes:
        articles: the articles found, in page order.
        segments: every segment of the page with its label, in page order; junk too.
    """

    articles: list[Article]
    segments: list[Segment]

    @property
    def main(self) -> Article | None:
        """The page's main article: the one with the most body words (the first of
        equals), or None when the page has no article. For corpora that keep one text
        a page.

        >>> import cleaner
        >>> r = cleaner.clean("Lovely weather returns\\nBy Jane Doe | June 9, 2025\\nThe sun came "
        ...                   "out over the city on Monday, and people went to the park to enjoy "
        ...                   "the warm afternoon with their families and friends.")
        >>> r.main.headline
        'Lovely weather returns'
        """
        i = self.main_index
        return None if i is None else self.articles[i]

    @property
    def main_index(self) -> int | None:
        """The index of :attr:`main` in :attr:`articles`, or None."""
        if not self.articles:
            return None
        words = [sum(len(_WORD.findall(p)) for p in a.body) for a in self.articles]
        return words.index(max(words))

    def with_main_only(self) -> CleanResult:
        """This result with its main article only (the segments all kept)."""
        main = self.main
        return CleanResult(articles=[] if main is None else [main], segments=self.segments)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready dict."""
        return {
            "articles": [a.to_dict() for a in self.articles],
            "segments": [asdict(s) for s in self.segments],
        }
