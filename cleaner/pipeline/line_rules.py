"""Decoding rules over lines and lists: units a scraper ran onto one line, titles
listed under a "Related" header, a title the segmenter cut in pieces.

The segmenter cuts a line into units at sentence ends, colons, list headers and
repeated phrases, and the classifier scores each unit on its own; these steps of
:mod:`cleaner.pipeline.decode` (named in :data:`cleaner.pipeline.decode.STEPS`) put
the pieces of a line, or the items of a list, back under one label:

* **Collapsed containers are body together** (``collapsed-lines``, and
  ``card-lines`` once headlines are settled). On a line of several sentences, the
  sentences (up to a list header inside the line) are all body when their mean body
  probability is at least ``LINE_BODY_MIN_PROBA``, or ``LINE_AFTER_BYLINE_MIN_PROBA``
  when the line opens with a byline or follows a headline (a card's whole article on
  one line): a container a scraper ran onto one line does not alternate between body
  and junk from sentence to sentence.
* **Lists after a related header are related items** (``related-lists``). Title-like
  units (4 or more words, no sentence end) labelled body right after a unit such as
  "Related coverage:" or "Read more:" are related items, up to the first unit that is
  not. A related item ending with a colon opens a list of its own and is junk.
* **A headline takes its whole title line** (``whole-title-line``). When a unit
  labelled headline shares its line with other units, and the line is a title (at
  most ``_MAX_TITLE_WORDS`` words, no full stop at its end, no byline in it), the
  whole line is the headline: the segmenter's cuts at colons and sentence ends fall
  inside titles too.

The shapes these steps look for, a sentence (:func:`is_sentence`) and a title
(:func:`title_like`), are the ones the headline rules of
:mod:`cleaner.pipeline.decode` look for too. The constants were set on the validation
split (training/README.md, "Decoding").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import numpy as np

from ..labels import Label
from ..lexicon import RELATED_HEADERS, SENTENCE_END_MARKS, span_words, words_of
from .segment import Unit

__all__ = [
    "LINE_AFTER_BYLINE_MIN_PROBA",
    "LINE_BODY_MIN_PROBA",
    "is_sentence",
    "related_lists",
    "shared_lines",
    "smooth_collapsed_lines",
    "title_like",
    "whole_line_headlines",
]

LINE_BODY_MIN_PROBA = 0.5
LINE_AFTER_BYLINE_MIN_PROBA = 0.2
_CLOSERS = "\"”’')]»"  # closing quotes and brackets, stripped before a line's last mark
_SENTENCE_MIN_WORDS = 8
_SMOOTHED = (Label.JUNK, Label.RELATED)  # the labels a collapsed line's sentences lose to body
_MAX_LIST_ITEMS = 12
_MAX_TITLE_WORDS = 25
_MIN_TITLE_WORDS = 4
# Headers of lists of other articles (cleaner.lexicon.RELATED_HEADERS, every language),
# and "More from <site>"; a colon may follow.
_RELATED_HEADER = re.compile(
    r"(?i)(?:"
    + "|".join(re.escape(h) for h in sorted(words_of(RELATED_HEADERS), key=len, reverse=True))
    + r"|more from [\w .'-]{1,30})\s*[:：]?\s*"
)


def title_like(text: str, unit: Unit, words: int) -> bool:
    """Whether a unit of ``words`` words has a title's shape."""
    return _MIN_TITLE_WORDS <= words <= _MAX_TITLE_WORDS and text[unit.end - 1] not in ".!?:"


def is_sentence(text: str, unit: Unit, words: int) -> bool:
    """Whether a unit of ``words`` words is a sentence."""
    return text[unit.end - 1] in SENTENCE_END_MARKS and words >= _SENTENCE_MIN_WORDS


def shared_lines(units: Sequence[Unit]) -> list[tuple[int, int]]:
    """The first and last unit of each line that holds several units (a run of units
    of one line number), in page order: the lines the line steps look at."""
    out = []
    start = 0
    for k in range(1, len(units) + 1):
        if k == len(units) or units[k].line != units[start].line:
            if k - 1 > start:
                out.append((start, k - 1))
            start = k
    return out


def smooth_collapsed_lines(
    text: str,
    units: Sequence[Unit],
    labels: list[str],
    p_body: np.ndarray,
    words: Sequence[int],
    lines: Sequence[tuple[int, int]],
    *,
    cards_only: bool = False,
) -> None:
    """On a line of several sentences (a container collapsed onto one line), the
    sentences are body together or not at all, up to a list header in the line.

    ``lines``: the page's lines of several units (:func:`shared_lines`);
    ``cards_only``: only lines that open with a byline or follow a headline.
    """
    for i, j in lines:
        # a card's line that opens with its byline, or that follows its headline, is
        # an article collapsed onto one line
        card = labels[i] == Label.BYLINE or (i > 0 and labels[i - 1] == Label.HEADLINE)
        # only junk and related items become body: a line without them stays as it is
        if (card or not cards_only) and any(labels[k] in _SMOOTHED for k in range(i, j + 1)):
            stop = j + 1
            for k in range(i, j + 1):
                if _RELATED_HEADER.match(text, units[k].start, units[k].end):
                    stop = k
                    break
            sentences = [k for k in range(i, stop) if is_sentence(text, units[k], words[k])]
            need = LINE_AFTER_BYLINE_MIN_PROBA if card else LINE_BODY_MIN_PROBA
            if len(sentences) >= 2 and float(np.mean(p_body[sentences])) >= need:
                for k in sentences:
                    if labels[k] in _SMOOTHED:
                        labels[k] = Label.BODY


def related_lists(text: str, units: Sequence[Unit], labels: list[str], words: Sequence[int]) -> None:
    """Titles listed after a "Related coverage:"-like header are related items; a unit
    ending with a colon introduces a list ("Explore what Daily8 AI can do for you:") and
    is no item."""
    for i, u in enumerate(units):
        if labels[i] == Label.RELATED and text[u.end - 1] == ":":
            labels[i] = Label.JUNK
        if not _RELATED_HEADER.fullmatch(text, u.start, u.end):
            continue
        for k in range(i + 1, min(i + 1 + _MAX_LIST_ITEMS, len(units))):
            v, n_words = units[k], words[k]
            if n_words < _MIN_TITLE_WORDS or n_words > _MAX_TITLE_WORDS * 3 or text[v.end - 1] in ".!?:":
                break
            if labels[k] not in (Label.BODY, Label.RELATED):
                break
            labels[k] = Label.RELATED


def whole_line_headlines(
    text: str,
    units: Sequence[Unit],
    labels: list[str],
    lines: Sequence[tuple[int, int]],
    titled: Collection[int] = (),
) -> None:
    """A headline unit takes the rest of its line when the line is a title: at most
    ``_MAX_TITLE_WORDS`` words, not ending in a full stop (closing quotes and brackets
    aside), and no byline in it.

    The segmenter cuts a line at sentence ends, colons and repeated phrases, and a
    title may hold any of them ("Zimbabwe coup: Robert Mugabe ...", "31% of new crypto
    buyers influenced by friends. Here's why ..."); the classifier and the ranker then
    pick one piece of it. ``lines``: the page's lines of several units (:func:`shared_lines`).
    """
    for i, j in lines:
        if (
            Label.HEADLINE in labels[i : j + 1]
            and Label.BYLINE not in labels[i : j + 1]
            and not any(k in titled and labels[k] == Label.HEADLINE for k in range(i, j + 1))
        ):
            start, end = units[i].start, units[j].end
            if span_words(text, start, end) <= _MAX_TITLE_WORDS and text[start:end].rstrip(_CLOSERS)[-1:] != ".":
                for k in range(i, j + 1):
                    labels[k] = Label.HEADLINE
