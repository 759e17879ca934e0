"""Text written a text node a line: what ``BeautifulSoup(html).get_text("\\n")`` gives.

Scrapers often keep a page's text as its parser joined the text nodes, with a line
break between any two of them. A paragraph with a link or a word in bold then stands
on several lines, cut where the markup changed, with the spaces that stood around the
link kept at the ends of the pieces::

    As of today, there are more than
    3.9 billion Android
     and 1.46 billion iOS users worldwide.

The model learned text as a browser shows it, a paragraph a line; read as it is, the
pieces are short lines that look like menu items. :func:`fragment_view` gives the text
with such breaks made spaces: a line break between two lines that are not blank where
the first ends in a space or the second starts with one (the text node went on after
a space). The view has the text's length, so every offset into it is the caller's.
:func:`looks_like_fragments` says when a text is written so
(``CleanerConfig(fragments=False)`` switches this reading off).
"""

from __future__ import annotations

import itertools
import re

__all__ = ["fragment_cuts", "fragment_view", "looks_like_fragments"]

# A line break inside a paragraph the text nodes cut: a space or two (not a no-break
# space: a paragraph may end in "&nbsp;"; not the padding of a table's column) end the
# line before it, or one space or a mark that ends a phrase (", of the") starts the
# line after it; both lines hold more than white space.
_CUT = re.compile(r"(?<=\S)([ \t]{1,2})\n(?=[ \t]*\S)|(?<=\S)\n(?= \S|[,.;:!?)\]’”](?:[ \t]|$))", re.MULTILINE)
# When a text is read so: at least this many cuts, and at least this share of the breaks
# between two lines that are not blank. On the first 150 pages of the validation split
# (a throw-away count), BeautifulSoup's get_text("\n") is read so on 119, inscriptis's
# text on 2, lynx's and w3m's dumps not read as dumps on 2 and 3, cleaner's rendering and
# Markdown on none; of corpus/training's pages, 9 of 2,917 on train, none on validation.
# The share chosen among 0.05, 0.1 and 0.2 on 120 validation and 150 train article pages
# (python benchmarks/renderings.py): the lowest joined the most cut paragraphs.
_MIN_SHARE = 0.05
_MIN_CUTS = 5


# A list item with no text, its bullet and a space ("      * "): inscriptis writes one
# for a list item holding only a link's picture; the break after it ends the item
_BULLET_ONLY = re.compile(r"[ \t]*[*+o•◦▪‣-][ \t]*")
# Of the cuts, at least this many where the line after starts with a space or a mark:
# a parser leaves one after a link as often as one before it, a text whose lines end in
# a space (an editor's, a PDF's) has none (of 122 pages of BeautifulSoup's text read so
# on validation, 120 have two or more)
_MIN_OPENING_CUTS = 2


def _cuts(text: str) -> tuple[list[int], int]:
    """Where ``text`` is cut (:data:`_CUT`, but not after a bullet alone): the offsets
    of the line breaks to read as spaces, and how many of them a line starting with a
    space or a mark shows."""
    at: list[int] = []
    opening = 0
    for m in _CUT.finditer(text):
        start = text.rfind("\n", 0, m.start()) + 1
        if not _BULLET_ONLY.fullmatch(text, start, m.start()):
            if m.group(1) is None:
                at.append(m.start())
                opening += 1
            else:
                at.append(m.end() - 1)
    return at, opening


def fragment_cuts(text: str) -> list[int] | None:
    """The offsets of the line breaks that cut ``text``'s paragraphs where their markup
    changed, when it is written a text node a line (see :func:`looks_like_fragments`);
    None when it is not."""
    if text.count(" \n") + text.count("\n ") + text.count("\t\n") < _MIN_CUTS:  # few breaks beside a space (most texts)
        return None
    at, opening = _cuts(text)
    if len(at) < _MIN_CUTS or opening < _MIN_OPENING_CUTS:
        return None
    lines = text.split("\n")
    joins = sum(1 for a, b in itertools.pairwise(lines) if a.strip() and b.strip())
    return at if len(at) >= _MIN_SHARE * joins else None


def looks_like_fragments(text: str) -> bool:
    """Whether ``text`` has its paragraphs cut into lines where their markup changed
    (see :func:`fragment_view`).

    >>> looks_like_fragments("The storm hit \\nthe coast\\n on Monday, and \\nschools\\n closed.\\n" * 3)
    True
    >>> looks_like_fragments("Storm hits coast\\nBy Jane Doe\\nThe storm reached the coast on Monday.")
    False
    """
    return fragment_cuts(text) is not None


def fragment_view(text: str, at: list[int] | None = None) -> str:
    """``text`` with the line breaks that cut a paragraph at its markup made spaces
    (those at the offsets ``at`` of :func:`fragment_cuts`, else every cut); the same
    length as ``text``.

    >>> fragment_view("There are more than \\n3.9 billion Android\\n and iOS users.\\n\\nNext")
    'There are more than  3.9 billion Android  and iOS users.\\n\\nNext'
    """
    out = list(text)
    for i in at if at is not None else _cuts(text)[0]:
        out[i] = " "
    return "".join(out)
