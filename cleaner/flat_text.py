"""Text without line breaks: a page's words run together on one line.

Some scrapers and datasets keep a page's text with all its white space collapsed
(BeautifulSoup's ``get_text(" ", strip=True)``, a dataset's "text" field whose line
breaks were dropped): the menu, the title, the article and the footer on one line. The
model reads a page a line at a time, and a page of one line is one unit, which can
only be kept or dropped whole.

:func:`flat_view` gives the text with a line break after every sentence: the white
space after a sentence's end (".", "!", "?", a closing quote or bracket after them)
before a capital letter, a digit or an opening quote becomes a line break, so the
model sees the prose a sentence a line and the menus and footers between them as
lines of their own. The view has the text's length, so every offset into it is the
caller's. :func:`looks_like_flat` says when a text is written so
(``CleanerConfig(flat=False)`` switches this reading off).
"""

from __future__ import annotations

import re
from itertools import islice

__all__ = ["flat_view", "looks_like_flat"]

# The white space after a sentence: its end mark (and a closing quote or bracket),
# then a capital letter, a digit or an opening quote or bracket
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*(\s)(?=[\"'“‘«(\[]*[^\W\d_a-zà-öø-ÿ]|[\"'“‘«(\[]*\d)")
# When a text is read so: at least this many characters on at most this many lines
# that are not blank.
_MIN_CHARS = 1000
_MAX_LINES = 2
_LINE = re.compile(r"\S[^\n]*")  # a line's text from its first character that is not a space


def looks_like_flat(text: str) -> bool:
    """Whether ``text`` runs a page's blocks together on few, long lines.

    >>> looks_like_flat("Home News Sport Storm hits coast By Jane Doe The storm came. " * 30)
    True
    >>> looks_like_flat("Home\\nNews\\nStorm hits coast\\nThe storm came.\\n" * 30)
    False
    """
    if len(text) < _MIN_CHARS:
        return False
    # the third line that is not blank, if there is one (found without splitting the text)
    return next(islice(_LINE.finditer(text), _MAX_LINES, None), None) is None


def flat_view(text: str) -> str:
    """``text`` with a line break after every sentence (in place of the white space
    that follows it); the same length as ``text``.

    >>> flat_view("Home News Storm hits. The storm came on Monday. 3 died. Contact us")
    'Home News Storm hits.\\nThe storm came on Monday.\\n3 died.\\nContact us'
    """
    out = list(text)
    for m in _SENTENCE_END.finditer(text):
        out[m.start(1)] = "\n"
    return "".join(out)
