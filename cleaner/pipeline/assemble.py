"""Reassembly: labelled units become segments, and segments become articles.

:func:`merge_units` joins neighbouring units of one line that got the same label
into one :class:`~cleaner.Segment`. :func:`assemble_articles` then walks the
segments in page order:

* a headline starts an article, unless the current article has only bylines so far
  (bylines may stand before the headline, as on cards);
* bylines after an article's body or related list are held: they belong to the
  next article if a headline follows (a card's "Kyodo News / 2 hours ago" before
  its headline), else to the current one (an author box after the text);
* body paragraphs join the current article, starting one when there is none, so a
  page with body text but no headline still yields an article;
* related items join the article they sit in; junk is dropped;
* a headline without body text (bylines aside: a teaser's date) is no article: it
  joins the related list before it, or is dropped;
* a title's own byline run onto its line by the rendering (a credit, a date, a
  reading time) is cut off into the article's bylines (:func:`split_title`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from itertools import pairwise

import numpy as np

from ..bylines import parse_bylines, plausible_person
from ..document import Article, Segment
from ..labels import STANDARD_LABELS, Label
from ..lexicon import CREDIT_CUES, DATE_START, READ_TIME, credit_alternation, credit_prefix, strip_invisible
from .segment import Unit

__all__ = ["assemble_articles", "headline_text", "merge_units", "split_title"]


def merge_units(
    text: str,
    units: Sequence[Unit],
    labels: Sequence[str],
    confidences: Sequence[float] | np.ndarray,
    why: Sequence[str | None] | None = None,
) -> list[Segment]:
    """Join same-labelled neighbouring units of a line into segments.

    ``why`` (from :func:`cleaner.pipeline.decode.decode_labels`) names the step that set each
    unit's label; a segment takes its first unit's that has one.

    Units marked ``separate`` (list items told apart by a title found elsewhere on
    the page) start a segment of their own.

    A merged segment's confidence is the mean of its units' confidences, weighted by
    length.
    """
    n = len(units)
    if n == 0:
        return []
    starts = [u.start for u in units]
    ends = [u.end for u in units]
    lines = [u.line for u in units]
    conf = np.asarray(confidences, dtype=np.float64).tolist()
    # a segment starts at each unit whose line or label differs from the unit before, or that is separate
    cuts = [0]
    cuts.extend(i for i in range(1, n) if lines[i] != lines[i - 1] or labels[i] != labels[i - 1] or units[i].separate)
    cuts.append(n)
    segments: list[Segment] = []
    for i, j in pairwise(cuts):
        start, end = starts[i], ends[j - 1]
        if j == i + 1:
            w = end - start
            c = w * conf[i] / w  # the expression below for one unit, bit for bit
            rule = why[i] if why is not None else None
        else:
            weights = [ends[k] - starts[k] for k in range(i, j)]
            c = float(sum(w * conf[k] for w, k in zip(weights, range(i, j), strict=True)) / sum(weights))
            rule = next((why[k] for k in range(i, j) if why[k] is not None), None) if why is not None else None
        # plain str, never a Label member: the same type whichever rule set the label
        segments.append(Segment(start, end, str(labels[i]), round(c, 4), text[start:end], rule))
    return segments


_CRUMB = re.compile(r"\s(>|›|»|/)\s")
_CRUMB_ROOTS = frozenset("home news blog start startseite accueil inicio".split())
_CRUMB_ITEM_MAX_WORDS = 3


def headline_text(text: str) -> str:
    """An article's headline from its headline segment: a breadcrumb run onto the title
    ("Mac & i > News > 2015 > Title") is dropped, keeping its last item when that has
    two or more words.

    A breadcrumb has two or more of one separator (> › » /) and items of at most three
    words without a colon before the last; with "/", which titles use too ("AC/DC /
    Metallica / Iron Maiden tour dates"), it also starts with a root such as "Home" or
    has three or more separators.

    >>> headline_text("Mac & i > News > 2015 > KW 15 > 1Password für Mac generiert Einmal-Passwörter")
    '1Password für Mac generiert Einmal-Passwörter'
    >>> headline_text("Ukraine war: Kyiv / Kharkiv / Odesa under fire")
    'Ukraine war: Kyiv / Kharkiv / Odesa under fire'
    """
    return _trim_title(split_title(_without_breadcrumb(text))[0])


def _without_breadcrumb(text: str) -> str:
    seps = _CRUMB.findall(text)
    if len(seps) < 2:
        return text
    sep = seps[-1]
    items = [item.strip() for item in text.split(f" {sep} ")]
    if len(items) < 3 or any(item.count(" ") >= _CRUMB_ITEM_MAX_WORDS or ":" in item for item in items[:-1]):
        return text
    if sep == "/" and items[0].lower() not in _CRUMB_ROOTS and len(items) < 4:
        return text
    return items[-1] if items[-1].count(" ") >= 1 else text


# What a collapsed rendering runs onto a title: a kicker in capitals before it ("MIDDLE
# EAST CRISIS Legal opinion ..."), a date and time after it ("... tutuklandı
# 10.11.2025 17:59"), an explicit credit after it ("... Is Done Written By Jane Doe").
_KICKER = re.compile(r"^(?:[A-Z][A-Z&'’.-]{2,}\s+){2,4}(?=[A-Z][a-z])")
_TRAILING_DATE = re.compile(r"\s+\d{1,2}[./]\d{1,2}[./](?:19|20)\d{2}(?:,?\s+\d{1,2}:\d{2})?$")
_TRAILING_CREDIT = re.compile(
    rf"\s+(?:{credit_alternation(CREDIT_CUES['trailing'], cases=('capital', 'title'))})\s+\S.*$"
)
_MIN_TITLE_WORDS = 3


_WORD_START = re.compile(r"(?<=\s)\S")
# What may follow a title on its line and belongs to its byline: a date written with its
# month's name or in numbers ("February 17, 2026", "Dec 18 2025", "2025-12-20"), a
# reading time ("4 min read", "2–3 minutes"), a credit with a name ("By Ben Nadel",
# "By: ShawnHymel |", "von Landesspiegel 30. Juni 2025") or a credit that names no
# one ("Written By").
_PUBLISH_CUE = re.compile(r"(?i)\b(?:published|updated|posted|last updated)\b")
_SHARE_TAIL = re.compile(
    r"(?i)(?:(?:post\s+)?share(?:\s+this(?:\s+(?:post|article|story|page))?|\s+on\s+\w+|\s+post|\s+via\s+\w+)+\s*)+$"
)
_TAIL_MAX_WORDS = 14
_LEAD_DATE_MAX_WORDS = 6


def _byline_tail(tail: str) -> bool:
    """Whether ``tail``, the end of a title line, is the title's byline (see above)."""
    if tail.count(" ") >= _TAIL_MAX_WORDS:
        return False
    date = DATE_START.match(tail) or READ_TIME.match(tail)
    if date is not None:
        after = tail[date.end() :].strip(" ,|–-·")
        # a date ends the line, or a credit, a time or a cue follows it, not more title
        return not after or credit_prefix(after) is not None or bool(_PUBLISH_CUE.match(after) or after[:1].isdigit())
    at = credit_prefix(tail + " ")
    if at is None:
        return False
    rest = tail[at:].strip(" |:-–")
    if not rest:
        return True  # "Written By" with its name lost to another line
    if DATE_START.search(rest) or READ_TIME.search(rest) or "|" in rest or _PUBLISH_CUE.search(rest):
        return True
    name = rest.split()
    return 2 <= len(name) <= 4 and all(w[:1].isupper() for w in name) and plausible_person(rest)


def split_title(text: str) -> tuple[str, tuple[str, ...]]:
    """A title line split into the title and what a collapsed rendering ran onto it that
    is its byline (a credit, a date, a reading time; see ``_byline_tail``): the pieces
    of the line, in its order (a date before the title and a credit after it are two).

    A date that opens the line within its first ``_LEAD_DATE_MAX_WORDS`` words, with
    three or more words after it, is cut off too ("Dec 18 2025 Preparing a transition
    in Debusine"); share buttons after the title are dropped. The title keeps at least
    ``_MIN_TITLE_WORDS`` words, or the line is left whole.

    >>> split_title("Code Kata: Formatting Strings In ColdFusion By Ben Nadel Published 2025-12-20")
    ('Code Kata: Formatting Strings In ColdFusion', ('By Ben Nadel Published 2025-12-20',))
    >>> split_title("Dec 18 2025 Preparing a transition in Debusine")
    ('Preparing a transition in Debusine', ('Dec 18 2025',))
    >>> split_title("Stabbed By Man In Subway Station"), split_title("Sales in May 2025 rose")
    (('Stabbed By Man In Subway Station', ()), ('Sales in May 2025 rose', ()))
    """
    title, lead_text = text, None
    lead = DATE_START.match(title)
    if lead is None:
        for w in _WORD_START.finditer(title):
            if title.count(" ", 0, w.start()) >= _LEAD_DATE_MAX_WORDS:
                break
            lead = DATE_START.match(title, w.start())
            if lead is not None:
                break
    if lead is not None:
        end = lead.end()
        year = re.match(r",?\s+(?:19|20)\d\d\b", title[end:])
        if year:
            end += year.end()
        rest = title[end:].strip(" |–-·,")
        if rest.count(" ") + 1 >= _MIN_TITLE_WORDS and (rest[:1].isupper() or rest[:1].isdigit()):
            lead_text = title[:end].strip()
            title = rest
    m = _SHARE_TAIL.search(title)
    if m and m.start() > 0 and title[: m.start()].strip().count(" ") + 1 >= _MIN_TITLE_WORDS:
        title = title[: m.start()].rstrip()
    byline = None
    for w in _WORD_START.finditer(title):
        if title.count(" ", 0, w.start()) < _MIN_TITLE_WORDS:
            continue
        if _byline_tail(title[w.start() :]):
            title, byline = title[: w.start()].rstrip(" |–-·"), title[w.start() :].strip()
            break
    return title, tuple(x for x in (lead_text, byline) if x is not None)


def _trim_title(text: str) -> str:
    """A title without what a collapsed rendering ran onto it (see ``_KICKER``); left
    whole when fewer than ``_MIN_TITLE_WORDS`` words would remain.

    >>> _trim_title("MIDDLE EAST CRISIS Legal opinion expected after ICJ hearings")
    'Legal opinion expected after ICJ hearings'
    >>> _trim_title('"Pos tefeciliği" soruşturması: 4 şüpheli tutuklandı 10.11.2025 17:59')
    '"Pos tefeciliği" soruşturması: 4 şüpheli tutuklandı'
    >>> _trim_title("NASA Launches New Telescope"), _trim_title("US UK Sign Trade Deal")
    ('NASA Launches New Telescope', 'US UK Sign Trade Deal')
    """
    out = _TRAILING_CREDIT.sub("", _TRAILING_DATE.sub("", text))
    m = _KICKER.match(out)
    if m:
        out = out[m.end() :]
    return out if len(out.split()) >= _MIN_TITLE_WORDS else text


def _visible(lines: list[str]) -> list[str]:
    """``lines`` without invisible marks (:func:`cleaner.lexicon.strip_invisible`),
    those that held nothing else left out."""
    return [t for t in map(strip_invisible, lines) if t]


class _Draft:
    __slots__ = ("body", "bylines", "end", "extra", "headline", "related", "start")

    def __init__(self, start: int) -> None:
        self.headline: str | None = None
        self.bylines: list[str] = []
        self.body: list[str] = []
        self.related: list[str] = []
        self.extra: dict[str, list[str]] = {}
        self.start = start
        self.end = start

    def has_content(self) -> bool:
        return bool(self.body or self.related or self.extra)

    def finish(self, reference_time: datetime | None) -> Article:
        # the article's text as a reader sees it: without soft hyphens and zero-width
        # spaces, which raw text may hold (its segments keep them: offsets into the text)
        # (a line of nothing but marks is dropped)
        bylines = _visible(self.bylines)
        info = parse_bylines(bylines, reference_time=reference_time)
        return Article(
            headline=None if self.headline is None else (strip_invisible(self.headline) or None),
            bylines=bylines,
            authors=info.authors,
            published=info.published,
            published_raw=info.published_raw,
            source=info.source,
            body=_visible(self.body),
            related=_visible(self.related),
            extra={k: _visible(v) for k, v in self.extra.items()},
            start=self.start,
            end=self.end,
        )


def assemble_articles(
    segments: Sequence[Segment],
    *,
    reference_time: datetime | None = None,
    keep_headline_only: bool = False,
) -> list[Article]:
    """Group labelled segments into articles; see the module docstring for the rules."""
    articles: list[Article] = []
    current: _Draft | None = None
    held: list[Segment] = []  # bylines waiting for their article

    def close() -> None:
        nonlocal current
        if current is None:
            return
        if current.headline is not None and not current.body and not current.extra:
            if not keep_headline_only:
                # a title without text is not an article, whatever bylines it has (a
                # teaser's date): inside a list of related titles it is one more of
                # them, elsewhere (a widget's heading, "more news") it is dropped
                if articles and articles[-1].related:
                    articles[-1].related.append(current.headline)
                current = None
                return
        if current.headline is not None or current.has_content() or current.bylines:
            if current.body or current.headline is not None:
                articles.append(current.finish(reference_time))
        current = None

    def start(at: int) -> _Draft:
        draft = _Draft(at)
        for b in held:
            draft.bylines.append(b.text)
        if held:
            draft.start = held[0].start
        held.clear()
        return draft

    for seg in segments:
        label = seg.label
        if label == Label.JUNK:
            continue
        if label == Label.HEADLINE:
            if current is not None and (current.headline is not None or current.has_content()):
                close()
            if current is None:
                current = start(seg.start)
            elif held:
                current.bylines.extend(b.text for b in held)
                held.clear()
            if current.headline is None:
                title, tail = split_title(_without_breadcrumb(seg.text))
                current.headline = _trim_title(title)
                current.bylines.extend(tail)
            current.end = seg.end
        elif label == Label.BYLINE:
            if current is not None and not current.has_content():
                current.bylines.append(seg.text)
                current.end = seg.end
            else:
                held.append(seg)
        elif label == Label.BODY:
            if current is None:
                current = start(seg.start)
            elif held:
                # bylines between two runs of body without a headline (an author box,
                # a dateline) stay with the article: only a headline starts a new one
                current.bylines.extend(b.text for b in held)
                held.clear()
            current.body.append(seg.text)
            current.end = seg.end
        elif label == Label.RELATED:
            if current is None:
                continue
            current.related.append(seg.text)
            current.end = seg.end
        elif label not in STANDARD_LABELS:
            if current is None:
                current = start(seg.start)
            current.extra.setdefault(label, []).append(seg.text)
            current.end = seg.end
    if held:
        if current is not None:
            current.bylines.extend(b.text for b in held)
            current.end = held[-1].end
        held.clear()
    close()
    return articles
