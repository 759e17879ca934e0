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

__all__ = ["fragment_view", "looks_like_fragments"]

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


def _cuts(text: str) -> list[re.Match[str]]:
    """The cuts (:data:`_CUT`) of ``text`` but those after a bullet alone."""
    out = []
    for m in _CUT.finditer(text):
        start = text.rfind("\n", 0, m.start()) + 1
        if not _BULLET_ONLY.fullmatch(text, start, m.start()):
            out.append(m)
    return out


def looks_like_fragments(text: str) -> bool:
    """Whether ``text`` has its paragraphs cut into lines where their markup changed
    (see :func:`fragment_view`).

    >>> looks_like_fragments("The storm hit \\nthe coast\\n on Monday, and \\nschools\\n closed.\\n" * 3)
    True
    >>> looks_like_fragments("Storm hits coast\\nBy Jane Doe\\nThe storm reached the coast on Monday.")
    False
    """
    if text.count(" \n") + text.count("\n ") + text.count("\t\n") < _MIN_CUTS:  # few breaks beside a space (most texts)
        return False
    cuts = len(_cuts(text))
    if cuts < _MIN_CUTS:
        return False
    lines = text.split("\n")
    joins = sum(1 for a, b in itertools.pairwise(lines) if a.strip() and b.strip())
    return cuts >= _MIN_SHARE * joins


def fragment_view(text: str) -> str:
    """``text`` with the line breaks that cut a paragraph at its markup made spaces;
    the same length as ``text``.

    >>> fragment_view("There are more than \\n3.9 billion Android\\n and iOS users.\\n\\nNext")
    'There are more than  3.9 billion Android  and iOS users.\\n\\nNext'
    """
    out = list(text)
    for m in _cuts(text):
        out[m.end() - 1 if m.group(1) is not None else m.start()] = " "
    return "".join(out)
