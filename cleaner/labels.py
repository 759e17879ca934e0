"""The label set, declared once.

Every segment of a page gets one of these labels. Import :class:`Label` instead of
spelling a label as a loose string anywhere else in the code base.

Models trained by users may add labels of their own (for example ``caption``);
those travel as plain strings and are kept in :attr:`cleaner.Article.extra`.
"""

from __future__ import annotations

import difflib
import enum
import re
from collections.abc import Iterable

__all__ = ["STANDARD_LABELS", "Label", "closest_label", "is_valid_label_name"]


class Label(enum.StrEnum):
    """The five standard segment labels."""

    HEADLINE = "headline"
    """An article's title."""
    BYLINE = "byline"
    """Author, source, date or section lines ("KYODO NEWS - 17 hours ago | World")."""
    BODY = "body"
    """The article's own text."""
    RELATED = "related-item"
    """Titles or short teasers pointing to other articles."""
    JUNK = "junk"
    """Everything else: navigation, ads, widgets, comments, cookie banners."""


STANDARD_LABELS: tuple[str, ...] = tuple(label.value for label in Label)

_CUSTOM_LABEL = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


def is_valid_label_name(name: str) -> bool:
    """Return True for a standard label or a well-formed custom label name.

    Custom labels are lower-case words of letters, digits, ``-`` and ``_``
    (``caption``, ``pull-quote``), so that a typo such as ``Body`` or ``bdoy`` in a
    sample file is not silently taken for a new label: see
    :func:`cleaner.samples.load_samples` for how custom labels are allowed.

    >>> is_valid_label_name("related-item"), is_valid_label_name("Caption!")
    (True, False)
    """
    return bool(_CUSTOM_LABEL.match(name))


# How alike a misspelt label must be to a known one to be suggested
# (difflib.SequenceMatcher's ratio): "bdoy" and "body" 0.75, "related" and
# "related-item" 0.74, "hedline" and "headline" 0.93; "caption" is 0.40 from its
# nearest label, "title" 0.47: no suggestion. difflib's own default.
_SUGGEST_MIN_RATIO = 0.6


def closest_label(name: str, labels: Iterable[str]) -> str | None:
    """The label of ``labels`` that a misspelt label name most likely means, or None.

    >>> closest_label("bdoy", STANDARD_LABELS), closest_label("related", STANDARD_LABELS)
    ('body', 'related-item')
    >>> closest_label(" Body", STANDARD_LABELS), closest_label("caption", STANDARD_LABELS)
    ('body', None)
    """
    key = name.strip().lower()
    known = sorted(labels)
    if key in known:
        return key
    close = difflib.get_close_matches(key, known, n=1, cutoff=_SUGGEST_MIN_RATIO)
    return close[0] if close else None
