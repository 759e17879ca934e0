"""Text without line breaks: a page's words run together on one line.

Some scrapers and datasets keep a page's text with all its white space collapsed
(BeautifulSoup's ``get_text(" ", strip=True)``, a dataset's "text" field whose line
breaks were dropped): the menu, the title, the article and the footer on one line. The
model reads a page a line at a time, and a page of one line is one unit, which can
only be kept or dropped whole.

:func:`flat_view` gives the text with a line break after every sentence: the white
space after a sentence's end (".", "!", "?", a closing quote or bracket after them)
before a word that does not start in lower case becomes a line break (but after an
abbreviation or an initial, "U.S. Treasury", "Mr. Smith", as the segmenter reads
them: "no." and "etc." are among them, so "The answer was no. Then ..." stays one
line, as the segmenter keeps it one unit), so the model sees the prose a sentence a
line and the menus and footers between them as lines of their own. The view has the
text's length, so every offset into it is the caller's. :func:`looks_like_flat` says
when a text is written so
(``CleanerConfig(flat=False)`` switches this reading off).
"""

from __future__ import annotations

import re
from itertools import islice

from .pipeline.segment import is_abbreviation

__all__ = ["flat_view", "looks_like_flat"]

# The white space after a sentence: its end mark (and a closing quote or bracket),
# then a word's first character (after an opening quote or bracket), which must not be
# a lowercase letter ("e.g. the", "пришёл. в дом")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*(\s+)[\"'“‘«(\[]*(\w)")
# When a text is read so: at least this many characters, on one line that is not blank
# for each this many characters or fewer (a headline over a paragraph is two lines,
# and stays as it is; BeautifulSoup's one line keeps the line breaks inside text nodes,
# a <pre>'s). Of the first 150 pages of the validation split (a throw-away count),
# get_text(" ", strip=True) is read so on 114 (108 are one line; a character count of
# 2,000 a line took 125, and two of corpus/training's composed pages on each split,
# whose articles stand on long lines); of corpus/training's pages, the collapsed
# renderings of one line (107 of train, 34 of validation) and no other.
_MIN_CHARS = 1000
_CHARS_PER_LINE = 5000
_LINE = re.compile(r"\S[^\n\r]*")  # a line's text from its first character that is not a space


def looks_like_flat(text: str) -> bool:
    """Whether ``text`` runs a page's blocks together on one line (or a few, very long).

    >>> looks_like_flat("Home News Sport Storm hits coast By Jane Doe The storm came. " * 30)
    True
    >>> looks_like_flat("Home\\nNews\\nStorm hits coast\\nThe storm came.\\n" * 30)
    False
    """
    if len(text) < _MIN_CHARS:
        return False
    most = max(1, len(text) // _CHARS_PER_LINE)
    # the line that is not blank after the most the text may have, if there is one
    return next(islice(_LINE.finditer(text), most, None), None) is None


def flat_view(text: str) -> str:
    """``text`` with a line break after every sentence (in place of the white space
    that follows it); the same length as ``text``.

    >>> flat_view("Home News Storm hits. The storm came on Monday. 3 died. Contact us")
    'Home News Storm hits.\\nThe storm came on Monday.\\n3 died.\\nContact us'
    >>> flat_view("U.S. Treasury Secretary Scott Bessent met Mr. He Lifeng. Talks went on.")
    'U.S. Treasury Secretary Scott Bessent met Mr. He Lifeng.\\nTalks went on.'
    """
    out = list(text)
    for m in _SENTENCE_END.finditer(text):
        if not m.group(2).islower() and not (text[m.start() - 1] == "." and is_abbreviation(text, m.start() - 1)):
            out[m.start(1)] = "\n"
    return "".join(out)
