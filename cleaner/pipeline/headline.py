"""Choosing the main article's headline: a learned ranker over candidate units.

The block classifier scores each unit on its own terms, so on a page with a long
menu, a teaser list and an image caption above the article it often gives the
article's title a lower headline probability than some menu entry, or none of the
units around the body a high one. A page has one main title, though, and the choice
is comparative: of the short units before the page's main run of body text, which
one is its title?

:class:`~cleaner.model.ranker.HeadlineRanker` answers that question. After the
headline rules, the *main run* is the run of body units with the most words (runs
are split by more than :data:`cleaner.pipeline.structure.GAP` units that are not
body; :func:`cleaner.pipeline.structure.main_run`). Its *candidates* are the units
before it, up to :data:`WINDOW` of them, that are short enough to be a title (fewer
than :data:`MAX_WORDS` words and not labelled body), and the run's first unit when
it looks like a title. Each candidate is described by its and its neighbours' class
probabilities, its shape, its place relative to the run and the share of its words
that come back in the run's text (a title shares words with its article, a menu
entry does not);
a gradient-boosting classifier scores it, and the best-scoring candidate becomes the
main article's headline when its score reaches ``min_score`` (the ranker never
chooses a photo credit or caption, "Foto: ...", "Image: ...", "Photo by ...", though
one the classifier labelled headline stays one when the ranker chooses nothing). Other headlines
between it and the run, or before it with no body in between, become junk, so the
article is neither split nor preceded by empty ones.

The ranker is trained on pages with a known title (``training/train.py``), on
class probabilities from a block classifier that did not see those pages.

A call of the ranker's trees costs about as much as 50 rows, and a page has about 20
candidates, so :class:`cleaner.Cleaner` asks for many pages at once: each page's
:func:`headline_question` (its candidates) is asked ahead, :func:`rank_headlines`
answers them all in one call a ranker, and :func:`choose_headline` takes a page's
answer (:class:`RankedHeadline`) in place of calling the ranker.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..labels import STANDARD_LABELS, Label
from ..lexicon import CJK_SENTENCE_ENDS, span_words
from ..model.predict import N_CANDIDATE_FEATURES, Candidates
from .segment import Unit
from .structure import main_run, unit_words

__all__ = [
    "MAX_WORDS",
    "N_CANDIDATE_FEATURES",
    "WINDOW",
    "Candidates",
    "HeadlineQuestion",
    "HeadlineRanker",  # noqa: F822 (read through __getattr__: it imports scikit-learn)
    "RankedHeadline",
    "candidates",
    "choose_headline",
    "headline_question",
    "rank_headlines",
]

WINDOW = 40
MAX_WORDS = 30
_TERMINAL = ".!?" + CJK_SENTENCE_ENDS
# Words of four or more letters (digits and underscores aside), for the word overlap
# of a candidate with the body; units past the run's first OVERLAP_UNITS are not read.
_WORD = re.compile(r"[^\W\d_]{4,}")
OVERLAP_UNITS = 40


def __getattr__(name: str) -> Any:
    # the estimator imports scikit-learn: only when it is asked for by name
    if name == "HeadlineRanker":
        from ..model.ranker import HeadlineRanker

        return HeadlineRanker
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_CRUMB_SEPARATORS = (" / ", " > ", " » ", " | ", " › ", " :: ")
# Photo credits and captions: "Foto: Seznam Zprávy", "Image: Jose Mourinho has ...",
# "Photo by Solen Feyissa on Unsplash" (not "Photos: ...", a gallery's title)
_CAPTION = re.compile(r"(?i)\(?(?:foto|photo|photograph|image|picture|pic|bild|credit|illustration)\s*(?::|by\s)")


def _title_shaped(text: str, unit: Unit, words: int) -> bool:
    return 2 <= words < MAX_WORDS and text[unit.end - 1] not in ".:"


def candidates(
    text: str,
    units: Sequence[Unit],
    labels: Sequence[str],
    proba: np.ndarray,
    classes: Sequence[str],
    words: Sequence[int] | None = None,
) -> Candidates | None:
    """The headline candidates of a page and their features (None: no main run or no
    candidate); ``words``: each unit's words (:func:`cleaner.pipeline.structure.unit_words`),
    when the caller has counted them."""
    if Label.HEADLINE not in classes:
        return None
    if words is None:
        words = unit_words(text, units)
    run = main_run(units, text, labels, words)
    if run is None:
        return None
    s, e = run
    n = len(units)
    lo = max(0, s - WINDOW)
    idx = [j for j in range(lo, s) if labels[j] != Label.BODY and words[j] <= MAX_WORDS]
    if _title_shaped(text, units[s], words[s]):
        idx.append(s)
    if not idx:
        return None
    # the standard labels' probabilities, in a fixed order whatever the model's labels
    # (a retrained model may add custom labels or lack one)
    cols = [list(classes).index(lbl) if lbl in classes else -1 for lbl in STANDARD_LABELS]
    proba = np.where(np.asarray(cols) >= 0, proba[:, cols], 0.0)
    col = {lbl: k for k, lbl in enumerate(STANDARD_LABELS)}
    p_head = proba[idx, col[Label.HEADLINE]]
    best_head = float(p_head.max())
    order = np.argsort(-p_head, kind="stable")
    rank = np.empty(len(idx))
    rank[order] = np.arange(len(idx))
    run_words = span_words(text, units[s].start, units[e].end)
    texts = [text[units[j].start : units[j].end] for j in idx]
    lowered = [t.lower() for t in texts]
    holds, held = _containment(lowered)
    k_n = len(idx)
    at = np.asarray(idx)
    # probabilities of the units after each candidate, zero past the page's end
    padded = np.vstack([proba, np.zeros((5, proba.shape[1]))])
    byline_after = np.max([padded[at + d, col[Label.BYLINE]] for d in (1, 2, 3)], axis=0)
    n_after = np.minimum(n - 1 - at, 5)
    body_sum = np.sum([padded[at + d, col[Label.BODY]] for d in range(1, 6)], axis=0)
    body_after = np.where(n_after > 0, body_sum / np.maximum(n_after, 1), 0.0)
    prev = np.where((at > 0)[:, None], proba[np.maximum(at - 1, 0)], 0.0)
    nxt = padded[at + 1]
    line_s = units[s].line
    # a title shares its words with the article's body; a menu entry or a widget's text
    # does not: the share of each candidate's words found in the run's first units (the
    # run's first unit, itself a candidate, is matched against the units after it)
    last = units[min(e, s + OVERLAP_UNITS)].end
    body_words = set(_WORD.findall(text[units[s].start : last].lower()))
    overlap = np.asarray([_overlap(t, body_words) for t in lowered])
    if idx[-1] == s:
        later = set(_WORD.findall(text[units[s].end : last].lower())) if e > s else set()
        overlap[-1] = _overlap(lowered[-1], later)
    own = np.asarray(
        [
            (
                math.log1p(s - j),
                math.log1p(line_s - units[j].line),
                float(j == s),
                float(labels[j] == Label.HEADLINE),
                min(text.count(t), 3) if len(t) >= 8 else 0,
                float(t[-1] in _TERMINAL),
                float(any(sep in t for sep in _CRUMB_SEPARATORS)),
            )
            for j, t in zip(idx, texts, strict=True)
        ],
        dtype=np.float64,
    )
    pos = np.arange(k_n)
    features = np.column_stack(
        [
            proba[at],
            prev,
            nxt,
            byline_after,
            body_after,
            own[:, 0:3],
            rank,
            p_head - best_head,
            own[:, 3:5],
            np.full(k_n, math.log1p(k_n)),
            np.full(k_n, math.log1p(run_words)),
            at / n,
            own[:, 5],
            holds,
            held,
            own[:, 6],
            np.concatenate([[-1.0], p_head[:-1]]),
            np.concatenate([p_head[1:], [-1.0]]),
            (k_n - 1 - pos).astype(np.float64),
            overlap,
        ]
    )
    return Candidates(at, features, s)


def _overlap(lowered: str, body_words: set[str]) -> float:
    """The share of a text's words (four or more letters) in ``body_words``; -1 without such words."""
    words = set(_WORD.findall(lowered))
    if not words:
        return -1.0
    return sum(w in body_words for w in words) / len(words)


def _containment(lowered: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """For each text, whether it holds another (different) text of 12 or more characters,
    and whether it is such a text held by another: a breadcrumb or a "Title | Site" line
    holds the title."""
    holds = np.zeros(len(lowered))
    held = np.zeros(len(lowered))
    joined = "\x00".join(lowered)
    starts = np.cumsum([0] + [len(t) + 1 for t in lowered[:-1]])
    for j, low in enumerate(lowered):
        if len(low) < 12 or "\x00" in low:
            continue
        pos = joined.find(low)
        while pos >= 0:
            owner = int(np.searchsorted(starts, pos, side="right")) - 1
            if lowered[owner] != low:
                held[j] = 1.0
                holds[owner] = 1.0
            pos = joined.find(low, pos + 1)
    return holds, held


@dataclass(frozen=True)
class HeadlineQuestion:
    """What the headline ranker is asked of a page: its candidates, and which of them
    it may choose (``allowed``: not a photo credit or caption)."""

    candidates: Candidates
    allowed: np.ndarray


@dataclass(frozen=True)
class RankedHeadline:
    """The ranker's answer to a page's :class:`HeadlineQuestion`: the unit it chose,
    or None (no candidate scored high enough)."""

    question: HeadlineQuestion
    choice: int | None


def headline_question(
    text: str,
    units: Sequence[Unit],
    labels: Sequence[str],
    proba: np.ndarray,
    classes: Sequence[str],
    titled: Sequence[int] = (),
    words: Sequence[int] | None = None,
) -> HeadlineQuestion | None:
    """The question :func:`choose_headline` asks the ranker of a page with these
    labels, asked ahead so that the questions of many pages are answered in one call
    (:func:`rank_headlines`); None when a title the page declares settles the choice,
    or the page has no candidates."""
    if words is None:
        words = unit_words(text, units)
    if _titled_choice(text, units, labels, classes, titled, words) is not None:
        return None
    cands = candidates(text, units, labels, proba, classes, words)
    if cands is None:
        return None
    # a photo credit or caption is never the title, however title-like the ranker finds it
    allowed = np.asarray([_CAPTION.match(text, units[i].start, units[i].end) is None for i in cands.index.tolist()])
    return HeadlineQuestion(cands, allowed)


def rank_headlines(rankers: Sequence[Any], questions: Sequence[HeadlineQuestion | None]) -> list[int | None]:
    """Each page's headline as its ranker (``rankers``, a page's model's, or None)
    chooses it among its question's candidates (None: no question, no ranker, or no
    choice). The questions of the pages of one ranker are answered in one call
    (:meth:`HeadlineRanker.choose_many`): the ranker's trees cost about as much a call
    as for 50 rows, and a page asks about 20."""
    chosen: list[int | None] = [None] * len(questions)
    by_ranker: dict[int, list[int]] = {}
    for i, (ranker, question) in enumerate(zip(rankers, questions, strict=True)):
        if ranker is not None and question is not None:
            by_ranker.setdefault(id(ranker), []).append(i)
    for pages in by_ranker.values():
        asked = [q for q in (questions[i] for i in pages) if q is not None]
        answers = rankers[pages[0]].choose_many([q.candidates for q in asked], [q.allowed for q in asked])
        for i, answer in zip(pages, answers, strict=True):
            chosen[i] = answer
    return chosen


def _titled_choice(
    text: str,
    units: Sequence[Unit],
    labels: Sequence[str],
    classes: Sequence[str],
    titled: Sequence[int],
    words: Sequence[int],
) -> tuple[int, int] | None:
    """The unit holding the declared title that :func:`choose_headline` makes the
    headline, and where the run of body text that it heads starts; None when no such
    unit stands at or before the main run, or on a line of its own inside it."""
    run = main_run(units, text, labels, words) if titled and Label.HEADLINE in classes else None
    if run is None:
        return None
    before = [t for t in titled if t <= run[0]]
    # inside the run, only a title on a line of its own: the run starts with a
    # teaser or a promotion above it
    inside = [t for t in titled if run[0] < t < run[1] and units[t].first and units[t].last]
    if before:
        # the copy the classifier already calls the headline, else the nearest one
        headed = [t for t in before if labels[t] == Label.HEADLINE]
        return (headed or before)[-1], run[0]
    if inside:
        return inside[0], inside[0]
    return None


def choose_headline(
    text: str,
    units: Sequence[Unit],
    labels: list[str],
    proba: np.ndarray,
    classes: Sequence[str],
    ranker: Any,
    titled: Sequence[int] = (),
    *,
    ranked: RankedHeadline | None = None,
    words: Sequence[int] | None = None,
) -> None:
    """Make the ranker's choice the main article's headline, in place.

    ``titled`` are the units that hold exactly the title the page's HTML declares
    (:mod:`cleaner.page_meta`): of those at or before the main run, the last that the
    classifier labelled headline, else the last, is chosen over the ranker's pick;
    with none there, the first inside the run that stands on a line of its own (the run
    then starts with something above the article, a teaser or a promotion); with none
    at all, the ranker (if any) chooses. Other copies of the title labelled headline
    become junk. ``ranked``, when given, is the ranker's answer to the page's
    :func:`headline_question`, asked ahead with other pages' (:func:`rank_headlines`):
    it stands for ``ranker``'s choice.

    Headlines between the chosen unit and the main run become junk: they would split
    the article. So do headlines before it with no body text in between: they would
    stand as articles without a body (on the test split this took main-article body
    word-F1 from 0.888 to 0.900 and headline accuracy from 0.455 to 0.438, as a right
    title no longer heads an empty article of its own while the body goes elsewhere).
    """
    if words is None:
        words = unit_words(text, units)
    found = _titled_choice(text, units, labels, classes, titled, words)
    if found is not None:
        j, run_start = found
        for t in titled:  # other copies of the title would head articles of their own
            if t != j and labels[t] == Label.HEADLINE:
                labels[t] = Label.JUNK
    elif ranked is not None:
        if ranked.choice is None:
            return
        j, run_start = ranked.choice, ranked.question.candidates.run_start
    else:
        question = headline_question(text, units, labels, proba, classes, (), words) if ranker is not None else None
        if question is None:
            return
        chosen = ranker.choose(question.candidates, question.allowed)
        if chosen is None:
            return
        j, run_start = chosen, question.candidates.run_start
    for k in range(j + 1, run_start + 1):
        if labels[k] == Label.HEADLINE:
            labels[k] = Label.JUNK
    # headlines before it with no body in between would stand as articles without body
    k = j - 1
    while k >= 0 and labels[k] != Label.BODY:
        if labels[k] == Label.HEADLINE:
            labels[k] = Label.JUNK
        k -= 1
    labels[j] = Label.HEADLINE
