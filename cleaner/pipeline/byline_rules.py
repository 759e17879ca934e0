"""Decoding rules for bylines: junk units that stand where an article's byline stands,
and have a byline's shape, become bylines.

The classifier under-calls bylines, a rare label written in many languages, and gives
a bare name ("Lucie Stuchlíková") a low byline probability, as nothing in its words
says "author". Where such a unit stands says it: these steps of
:mod:`cleaner.pipeline.decode` (named in :data:`cleaner.pipeline.decode.STEPS`) run
once the headlines are settled, and only ever turn units into bylines:

* **Bylines stand by headlines** (``bylines-by-headlines``). A short unit labelled
  junk among the ``BYLINE_AFTER`` units after a headline (up to the body) becomes a
  byline when its byline probability is at least ``BYLINE_RESCUE_MIN_PROBA``. Before a
  headline, in its ``BYLINE_BEFORE`` units, such units and date lines ("2 hours ago")
  are bylines as one block next to it: a unit that is neither ends the block.
* **Author lines of the main article are bylines** (``author-lines``). In the main
  article (the run of body text with the most words,
  :func:`cleaner.pipeline.structure.main_run`), a junk unit between its headline and
  its body, or among the ``AUTHOR_BOX_AFTER`` units after its body, that has the shape
  of an author line (:func:`author_line`: "Jane Doe", "Written by Jane Doe", "Jane Doe
  | Senior Writer") becomes a byline when its byline probability is at least
  ``AUTHOR_MIN_PROBA``.
* **An explicitly credited author is a byline** (``credited-author``). When the main
  article still has no author line, the first line from ``LOOKBACK`` units
  (:data:`cleaner.pipeline.headline_rules.LOOKBACK`) before its body to ``AUTHOR_BOX_AFTER``
  units after it that credits one in so many words (:func:`prefixed_author`: "by Jane
  Doe", "Interview by Jane Doe December 3, 2025", "Thread starter jdoe42") becomes a
  byline, whatever the classifier called it (but a headline).

What a person's name, a credit and a date look like is in :mod:`cleaner.bylines` and
:mod:`cleaner.lexicon`. The constants were set on the validation split
(training/README.md, "Decoding").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..bylines import NOT_NAMES, PERSON_NAME, credit_tail, is_date_line
from ..labels import Label
from ..lexicon import CREDIT_CUES, FORUM_CREDITS, credit_alternation, credit_prefix
from .headline_rules import LOOKBACK
from .segment import Unit

__all__ = [
    "AUTHOR_BEFORE_HEADLINE",
    "AUTHOR_BOX_AFTER",
    "AUTHOR_MIN_PROBA",
    "BYLINE_AFTER",
    "BYLINE_BEFORE",
    "BYLINE_RESCUE_MIN_PROBA",
    "author_line",
    "prefixed_author",
    "rescue_author_lines",
    "rescue_bylines",
    "rescue_prefixed_authors",
]

BYLINE_RESCUE_MIN_PROBA = 0.05
BYLINE_AFTER = 5
BYLINE_BEFORE = 3
AUTHOR_BOX_AFTER = 8
# Author lines are looked for after the main headline only: a section name before it
# ("World News") has a name's shape. 0, 1 and 3 units before gave the same author
# scores on validation within one page.
AUTHOR_BEFORE_HEADLINE = 0
AUTHOR_MIN_PROBA = 0.01
# Author lines: an optional credit (cleaner.lexicon), a person's name, and an optional role or date after a separator.
_AUTHOR_TAIL = re.compile(r"\s+[|/–—-]\s+|,\s+")
_MAX_BYLINE_WORDS = 20
# Explicit credits: a prefix that says "author" (group 1: a forum's, followed by a user
# name rather than a person's name), the name, then nothing but a date, time or separator.
_CREDIT_PREFIX = re.compile(
    rf"(?i)(?:({credit_alternation(FORUM_CREDITS)})|{credit_alternation(CREDIT_CUES['explicit'])})\s*:?\s+"
)
_USER_NAME = re.compile(r"[\w.-]{2,30}\b")
_NOT_USER_NAMES = frozenset("a an and at in of on the to".split())
_MAX_CREDIT_WORDS = 15


def rescue_bylines(
    text: str, units: Sequence[Unit], labels: list[str], p_byline: np.ndarray, words: Sequence[int]
) -> None:
    """Short junk units right after a headline (or just before it) that may be bylines become bylines."""
    n = len(units)
    for h in [i for i, lbl in enumerate(labels) if lbl == Label.HEADLINE]:
        after = []
        for j in range(h + 1, min(h + 1 + BYLINE_AFTER, n)):
            if labels[j] == Label.BODY:
                break
            after.append(j)
        for j in after:
            if _may_be_byline(labels[j], p_byline[j], words[j]):
                labels[j] = Label.BYLINE
        # before it, bylines stand as one block next to it (a card's "Source / 2 hours
        # ago" over its title): a unit that is not one ends the block
        for j in range(h - 1, max(h - BYLINE_BEFORE, 0) - 1, -1):
            if labels[j] == Label.BYLINE:
                continue
            dated = labels[j] == Label.JUNK and is_date_line(text[units[j].start : units[j].end])
            if not (dated or _may_be_byline(labels[j], p_byline[j], words[j])):
                break
            labels[j] = Label.BYLINE


def _may_be_byline(label: str, p_byline: float, words: int) -> bool:
    """Whether a unit of ``words`` words so labelled may be a byline."""
    return label == Label.JUNK and p_byline >= BYLINE_RESCUE_MIN_PROBA and words <= _MAX_BYLINE_WORDS


def author_line(line: str) -> bool:
    """Whether a short line names an author: a name alone ("Jane Doe"), after a prefix
    ("Written by Jane Doe", "Autorin/Autor Jane Doe") or before a role or date
    ("Jane Doe | Senior Writer | July 2, 2025", "Jane Doe – Journalist")."""
    at = credit_prefix(line)
    m = at is not None
    rest = line[at:] if at is not None else line
    name = _AUTHOR_TAIL.split(rest, maxsplit=1)[0].strip()
    if not PERSON_NAME.fullmatch(name) or any(ch.isdigit() for ch in name):
        return False
    return m or name != rest.strip() or name.lower() not in NOT_NAMES


def rescue_author_lines(
    text: str,
    units: Sequence[Unit],
    labels: list[str],
    p_byline: np.ndarray,
    run: tuple[int, int],
    words: Sequence[int],
) -> None:
    """Author lines of the main article become bylines: in its header (from its headline
    to its body) and in an author box right after its body (``AUTHOR_BOX_AFTER`` units).

    The classifier gives a bare name line ("Lucie Stuchlíková") a low byline
    probability, as nothing in the words says "author"; where such a line stands
    tells it, and these are the two places. ``run`` is the main run
    (:func:`cleaner.pipeline.structure.main_run`); its headline is looked for in the
    ``LOOKBACK`` units before it, as the headline rules look for it.
    """
    s, e = run
    heads = [h for h in range(max(0, s - LOOKBACK), s + 1) if labels[h] == Label.HEADLINE]
    zones = [range(e + 1, min(e + 1 + AUTHOR_BOX_AFTER, len(units)))]
    if heads:
        zones.append(range(max(0, heads[-1] - AUTHOR_BEFORE_HEADLINE), s))
    for zone in zones:
        for j in zone:
            u = units[j]
            if (
                labels[j] == Label.JUNK
                and p_byline[j] >= AUTHOR_MIN_PROBA
                and words[j] <= _MAX_BYLINE_WORDS
                and author_line(text[u.start : u.end])
            ):
                labels[j] = Label.BYLINE


def prefixed_author(line: str) -> bool:
    """Whether a short line credits an author with an explicit prefix: "by Jane Doe",
    "Interview by Jane Doe December 3, 2025", "Thread starter jdoe42", "Post by jdoe42 »
    11. Sep 2024"; the name may be followed by a date, a time or a separator only."""
    m = _CREDIT_PREFIX.match(line)
    if m is None:
        return False
    rest = line[m.end() :]
    forum = m.group(1) is not None
    name = _USER_NAME.match(rest) if forum else PERSON_NAME.match(rest)
    if name is None or (forum and name.group(0).lower() in _NOT_USER_NAMES):
        return False
    if not forum and any(ch.isdigit() for ch in name.group(0)):
        return False
    return credit_tail(rest[name.end() :])


def rescue_prefixed_authors(
    text: str, units: Sequence[Unit], labels: list[str], run: tuple[int, int], words: Sequence[int]
) -> None:
    """The main article's first explicitly credited author line becomes a byline when the
    article has no author line yet.

    "by Jane Doe" or "Thread starter jdoe42" says "author" in its words, so it may
    stand anywhere from ``LOOKBACK`` units before the main run of body text to
    ``AUTHOR_BOX_AFTER`` units after it, with any label but headline: the classifier
    calls such lines junk or body when the page puts them in an odd place. ``run`` is
    the main run (:func:`cleaner.pipeline.structure.main_run`).
    """
    s, e = run
    zone = range(max(0, s - LOOKBACK), min(len(units), e + 1 + AUTHOR_BOX_AFTER))
    for j in zone:
        if labels[j] == Label.BYLINE and author_line(text[units[j].start : units[j].end]):
            return
    for j in zone:
        u = units[j]
        if (
            labels[j] != Label.HEADLINE
            and labels[j] != Label.BYLINE
            and (u.start == 0 or text[u.start - 1] == "\n")  # a line's start, not a sentence's words
            and words[j] <= _MAX_CREDIT_WORDS
            and prefixed_author(text[u.start : u.end])
        ):
            labels[j] = Label.BYLINE
            return
