"""Decoding rules for headlines: one headline before each run of body text, and weak
headlines inside an article are subheadings.

The classifier scores each unit on its own, so a page may get several headlines over
one article, or none; these steps of :mod:`cleaner.pipeline.decode` (named in
:data:`cleaner.pipeline.decode.STEPS`) run before the article structure and the
headline ranker (:mod:`cleaner.pipeline.structure`, :mod:`cleaner.pipeline.headline`):

* **One headline per body** (``one-headline-per-body``). Before each new run of body
  text (a body unit after at least ``GAP`` units that are not body,
  :data:`cleaner.pipeline.structure.GAP`) the units back to the previous body text, at
  most ``LOOKBACK`` of them, hold one headline: of several units labelled headline
  there, the most probable stays headline and the others become junk; if none is
  labelled headline, a title-like junk unit right above a byline becomes one (a card's
  header), or else the unit most probably a headline (among short junk or related
  units there, and a title-like unit opening the body run, with at most two bylines or
  a line of sentences after it) when its headline probability is at least
  ``RESCUE_MIN_PROBA``.
* **Subheadings are body** (``subheadings``). A weak headline (probability under
  ``SUBHEAD_MAX_PROBA``) with body text right before and after it, and no byline next
  to it, is a subheading inside an article: it is labelled body.

A title and a sentence have the shapes :func:`cleaner.pipeline.line_rules.title_like`
and :func:`cleaner.pipeline.line_rules.is_sentence` give. The constants were set on
the validation split (training/README.md, "Decoding").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..labels import Label
from .line_rules import is_sentence, title_like
from .segment import Unit
from .structure import GAP

__all__ = ["LOOKBACK", "RESCUE_MIN_PROBA", "SUBHEAD_MAX_PROBA", "one_headline_per_body", "subheadings"]

LOOKBACK = 15
RESCUE_MIN_PROBA = 0.01
SUBHEAD_MAX_PROBA = 0.9
_MAX_HEADLINE_WORDS = 30


def subheadings(labels: list[str], p_head: np.ndarray) -> None:
    """Weak headlines (under ``SUBHEAD_MAX_PROBA``) between two body units are body."""
    for i in range(1, len(labels) - 1):
        if labels[i] != Label.HEADLINE or p_head[i] >= SUBHEAD_MAX_PROBA:
            continue
        prev = _neighbour(labels, i, -1)
        nxt = _neighbour(labels, i, +1)
        if prev == Label.BODY and nxt == Label.BODY:
            labels[i] = Label.BODY


def one_headline_per_body(
    text: str, units: Sequence[Unit], labels: list[str], p_head: np.ndarray, words: Sequence[int]
) -> None:
    """Before each new run of body text, one headline (see the module docstring)."""
    body_idx = [i for i, lbl in enumerate(labels) if lbl == Label.BODY]
    previous_body = -1
    for i in body_idx:
        if previous_body < 0 or i - previous_body > GAP:
            lo = max(previous_body + 1, i - LOOKBACK)
            window = range(lo, i)
            heads = [j for j in window if labels[j] == Label.HEADLINE]
            if len(heads) > 1:
                keep = max(heads, key=lambda j: p_head[j])
                for j in heads:
                    if j != keep:
                        labels[j] = Label.JUNK
            elif not heads:
                cands = [
                    j for j in window if labels[j] in (Label.JUNK, Label.RELATED) and words[j] <= _MAX_HEADLINE_WORDS
                ]
                if title_like(text, units[i], words[i]) and _body_follows(text, units, labels, i + 1, words):
                    cands.append(i)  # a title that opens the run of body text, or its byline
                # a title-like unit right above a byline is an article's header
                # ("Japan urges China ... / KYODO NEWS - 6 minutes ago"), however
                # unsure the classifier is of it (not a related item: a list's last
                # title may stand above the next card's byline)
                headed = [
                    j
                    for j in cands
                    if labels[j] == Label.JUNK
                    and labels[j + 1] == Label.BYLINE
                    and title_like(text, units[j], words[j])
                ]
                if headed:
                    labels[max(headed, key=lambda j: p_head[j])] = Label.HEADLINE
                elif cands:
                    j = max(cands, key=lambda j: p_head[j])
                    if p_head[j] >= RESCUE_MIN_PROBA:
                        labels[j] = Label.HEADLINE
        previous_body = i


def _body_follows(text: str, units: Sequence[Unit], labels: Sequence[str], i: int, words: Sequence[int]) -> bool:
    """Whether body follows from unit ``i``, after one or two bylines at most: a unit
    labelled body, or a line of two or more sentences (a card's body collapsed onto
    one line, which :func:`cleaner.pipeline.line_rules.smooth_collapsed_lines` makes
    body once it has a headline)."""
    for k in range(i, min(i + 3, len(labels))):
        if labels[k] == Label.BODY:
            return True
        if labels[k] != Label.BYLINE:
            return units[k].first and _sentences_in_line(text, units, k, words) >= 2
    return False


def _sentences_in_line(text: str, units: Sequence[Unit], i: int, words: Sequence[int]) -> int:
    """Sentences among the units of unit ``i``'s line from ``i`` on."""
    count = 0
    for k in range(i, len(units)):
        if units[k].line != units[i].line:
            break
        count += is_sentence(text, units[k], words[k])
    return count


def _neighbour(labels: Sequence[str], i: int, step: int) -> str | None:
    """The nearest label before or after ``i`` that is not junk."""
    j = i + step
    while 0 <= j < len(labels):
        if labels[j] != Label.JUNK:
            return labels[j]
        j += step
    return None
