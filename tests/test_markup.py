"""Tests of :mod:`cleaner.markup`: the attribute groups an element's values name."""

from __future__ import annotations

import pytest

from cleaner import markup
from cleaner.markup import ATTRIBUTE_GROUPS, attribute_groups, value_groups

VALUES = {
    "comment-list": {"comment", "card"},
    "commentList sidebarWidget": {"comment", "card", "sidebar"},
    "HTMLHeader": {"header"},
    "ad": {"ad"},
    "address": set(),  # "ad" only as a whole token
    "posted-on": {"content", "date"},  # "post" and "posted" both start the token
    "x": set(),
}


def _names(mask: int) -> set[str]:
    return {g for i, g in enumerate(ATTRIBUTE_GROUPS) if mask >> i & 1}


@pytest.mark.parametrize("max_tokens", [1 << 16, 2])
def test_groups_the_same_whatever_the_token_cache_holds(monkeypatch: pytest.MonkeyPatch, max_tokens: int) -> None:
    """The groups of a value do not depend on what the caches hold: filled by other
    values, emptied when full (here after every two tokens), or empty."""
    monkeypatch.setattr(markup, "_MAX_TOKENS", max_tokens)
    monkeypatch.setattr(markup, "_TOKEN_GROUPS", {})
    for _ in range(2):
        markup._groups_of.cache_clear()
        for value, names in VALUES.items():
            assert _names(value_groups(value)) == names, value
            assert value_groups(value) == attribute_groups(value, None, None, None, None)
    assert len(markup._TOKEN_GROUPS) <= max_tokens


def test_value_groups_reads_the_first_200_characters() -> None:
    assert value_groups("") == 0
    assert _names(value_groups("x " * 100 + "comment")) == set()
    assert _names(value_groups("x " * 96 + "comment")) == {"comment"}
