"""Text-browser dumps: page text as ``lynx -dump`` and ``w3m -dump`` write it.

Older corpora and many shell pipelines keep pages as a text browser's dump: lines
wrapped at 79 columns and indented, list items behind "*", "+", "o" or "•", and, from
lynx, a number before every link ("[12]Sport"), a file name for every picture
("[logo.png]") and a "References" list of every link's URL at the end. The model
learned text as a graphical browser shows it, a paragraph a line; read as it is, a
dump's paragraph is many short lines and its link numbers are words.

:func:`dump_view` gives the text with that blanked out, as
:func:`cleaner.markdown_text.markdown_view` does for Markdown: link numbers, picture
names, bullets, rules and the lists of references become spaces of the same length,
and a wrapped paragraph's line breaks become spaces, so the view has the text's
length and every offset into it is the caller's. :func:`looks_like_dump` says when a
text is one (``CleanerConfig(dumps=False)`` switches this reading off).
"""

from __future__ import annotations

import re

from .markdown_text import blank_span, join_wrapped_lines

__all__ = ["dump_view", "looks_like_dump"]

_LINK_NUMBER = re.compile(r"\[\d{1,5}\](?=\S)")  # lynx: "[12]Sport"
_PICTURE = re.compile(r"\[[^\[\]\s]{1,200}\.(?:jpe?g|png|gif|svg|webp|ico|bmp)\]", re.IGNORECASE)  # "[logo.png]"
# bullets of lists ("o", "-" and "2." start lines of prose too: "o belgas", "2. February")
_BULLET = re.compile(r"(?m)^[ \t]*[*+•◦▪‣][ \t]+(?=\S)")
_RULE = re.compile(r"(?m)^[ \t]*(?:_{5,}|-{5,}|={5,}|─{5,})[ \t\r]*$")
_LINK_REL = re.compile(r"(?m)^[ \t]*#(?=\[\d)")  # lynx's first line: "#[1]alternate [2]..."
# A line that starts a block of a dump: a list item (lynx's bullets "*", "+"), a quotation, a rule
_DUMP_BLOCK_START = re.compile(r"^[ \t]*(?:[*+•◦▪‣][ \t]|>|_{5,}|-{5,}|={5,})")

# A dump without lynx's references: its paragraphs apart (at least one line in 20
# blank; a graphical browser's rendering has none) and its lines wrapped at one width
# (of the lines of 40 characters or more, at least ten, half within 12 characters of
# the 90th percentile of their lengths, which is at most 100). On 120 pages of the
# validation split (a throw-away count): lynx -dump -nolist 109 and w3m -dump 99 are
# dumps, cleaner's rendering none, inscriptis 1, BeautifulSoup's get_text 3, and no
# page of corpus/training's train or validation split.
_MIN_BLANK_SHARE = 0.05
_MIN_LINK_NUMBERS = 5
_MIN_LONG = 40
_MIN_LONG_LINES = 10
_MAX_WIDTH = 100
_WIDTH_BAND = 12
_MIN_IN_BAND = 0.5


# lynx's list of references: its heading, then at least three numbered URLs
# ("  12. https://example.org/sport"); a Wikipedia page's "References" heading is
# followed by prose. One anchored pattern: each heading reads its next lines only.
_LYNX_REFERENCES = re.compile(
    r"(?m)^(?:References|Visible links:?|Hidden links:?)[ \t\r]*\n(?:[ \t\r]*\n){0,3}"
    r"(?:[ \t]*(?:Visible|Hidden) links:?[ \t\r]*\n)?"
    r"(?:[ \t]*\d{1,5}\.[ \t]+(?:https?|ftp|file|mailto):\S*[ \t\r]*(?:\n|$)){3}"
)


def _lynx_references(text: str) -> re.Match[str] | None:
    """The start of lynx's list of references, or None."""
    return _LYNX_REFERENCES.search(text)


def looks_like_dump(text: str) -> bool:
    """Whether ``text`` is a text browser's dump: lynx's numbered links and their list
    of references, or paragraphs apart in lines wrapped at one width.

    >>> links = "[1]Home [2]News [3]Sport [4]Arts [5]Life\\n\\nReferences\\n\\n"
    >>> looks_like_dump(links + "".join(f"   {i}. https://x.org/{i}\\n" for i in range(1, 6)))
    True
    >>> looks_like_dump("Storm hits coast\\nBy Jane Doe\\nThe storm reached the coast on Monday.")
    False
    """
    if _lynx_references(text) is not None and len(_LINK_NUMBER.findall(text)) >= _MIN_LINK_NUMBERS:
        return True
    lines = text.split("\n")
    if sum(not line.strip() for line in lines) < _MIN_BLANK_SHARE * len(lines):
        return False
    lengths = sorted(n for line in lines if (n := len(" ".join(line.split()))) >= _MIN_LONG)
    if len(lengths) < _MIN_LONG_LINES:
        return False
    width = lengths[int(0.9 * (len(lengths) - 1))]
    return width <= _MAX_WIDTH and sum(n >= width - _WIDTH_BAND for n in lengths if n <= width) >= (
        _MIN_IN_BAND * len(lengths)
    )


def dump_view(text: str) -> str:
    """``text`` with a dump's marks blanked (link numbers, picture names, bullets,
    rules, the lists of references) and its wrapped paragraphs' line breaks made
    spaces: the same length, the same offsets.

    >>> dump_view("   * [8]HOME\\n   [17][menu.jpg]")
    '        HOME\\n                 '
    """
    chars = list(text)
    references = _lynx_references(text)
    marks_end = len(text) if references is None else references.start()
    blank_span(chars, marks_end, len(text))  # everything from lynx's list of links on
    for pattern in (_LINK_NUMBER, _PICTURE, _BULLET, _RULE, _LINK_REL):
        for m in pattern.finditer(text, 0, marks_end):
            blank_span(chars, *m.span())
    join_wrapped_lines(text, chars, _DUMP_BLOCK_START, full_lines=True)
    return "".join(chars)
