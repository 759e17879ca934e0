"""Page structure: which of the articles a page's labels make are articles of their own.

After the headline rules of :mod:`cleaner.pipeline.decode`, every unit labelled headline opens
an article (:func:`article_spans`). On a single-article page many of those are not
articles: a menu heading over a few links, "Most Popular" over teasers, a reader's
comment ("kanu sukha says:") over its text, a section heading inside the story. On an
aggregator page (a front page, a news feed) several are. The rules cannot tell them
apart, so a small learned model does: for every article but the page's largest (the
one with the most body words), :class:`ArticleFilter` says one of

* ``keep``: an article of its own (a card on an aggregator page);
* ``merge``: part of the largest article's text (a subheading or a listicle item's
  title after its start; before it, a title over a lede that the next headline cut
  off): the two become one, the later headline turning into body;
* ``junk``: not article text at all (widgets, comment threads): its headline, bylines
  and body become junk.

It is a multinomial logistic regression over :data:`FEATURES`, fitted on the model's
view of the validation split's pages (which the block classifier did not see) by
``python -m training.fit_structure`` and shipped as plain JSON
(``cleaner/models/structure.json``): its coefficients, the scaling of its features
and what it was fitted on.
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Self

import numpy as np

from ..errors import ModelError
from ..labels import Label
from ..lexicon import SENTENCE_END_MARKS, span_words
from .segment import Unit

__all__ = [
    "ACTIONS",
    "FEATURES",
    "GAP",
    "LEDE_MAIN_SHARE",
    "LEDE_MAX_WORDS",
    "LEDE_RATIO",
    "STRUCTURE_VERSION",
    "ArticleFilter",
    "ArticleSpan",
    "apply_article_filter",
    "article_features",
    "article_spans",
    "body_words",
    "default_article_filter",
    "join_lede_articles",
    "main_run",
    "unit_words",
]

STRUCTURE_VERSION = "1"
"""Names the layout of :data:`FEATURES`; a filter fitted on another layout is refused."""

ACTIONS: tuple[str, ...] = ("keep", "merge", "junk")

FEATURES: tuple[str, ...] = (
    "log_words",  # log(1 + body words of the article)
    "share_of_largest",  # its body words over the largest article's
    "share_of_page",  # its body words over all articles' body words
    "log_body_units",
    "words_per_unit",  # log(1 + mean words a body unit): comments and menus are short
    "sentence_share",  # share of its body units that end like a sentence
    "bylines",  # bylines next to its headline (up to 3 before, or before its body)
    "headline_words",
    "headline_colon",  # the headline ends with a colon ("kanu sukha says:")
    "headline_sentence",  # the headline ends with a full stop
    "p_headline",  # the classifier's headline probability of its headline
    "p_body",  # mean body probability of its body units
    "before_largest",  # it stands before the largest article
    "adjacent",  # at most GAP units between it and the article before it
    "log_articles",  # log of the number of articles on the page
    "similar_articles",  # share of the page's articles with at least a third of the largest's words
    "has_headline",
)

PAGE_FEATURES: tuple[str, ...] = (
    "log_articles",
    "largest_share_of_page",  # the largest article's share of the page's body words
    "log_bylined",  # log(1 + articles with a byline)
    "bylined_share",
    "similar_articles",
    "mean_p_headline",  # mean headline probability of the articles' headlines
    "second_share",  # the second largest article's words over the largest's
    "mean_words_per_unit",
)
"""Features of a whole page for the aggregator gate: on a page the gate takes for an
aggregator (a front page, a feed of cards) every article is kept."""

GAP = 3
"""Body units at most this many units apart are one run of body (the decode stage's
``one-headline-per-body`` step and :func:`main_run` count runs so)."""
BYLINE_BEFORE = 3
"""Units before an article's headline whose bylines count among the article filter's
features. The decode step that rescues bylines before a headline has a parameter of
the same name and value (:data:`cleaner.pipeline.byline_rules.BYLINE_BEFORE`); they are
kept apart because the fitted filter must see the window it was fitted with, whatever
a decode parameter becomes."""


@dataclass(frozen=True, slots=True)
class ArticleSpan:
    """The units of one article as the labels make it: ``head`` (its headline unit, or
    None for body before the page's first headline) and the unit range
    ``[start, end)`` up to the next headline."""

    head: int | None
    start: int
    end: int


def page_features(feats: np.ndarray, largest: int) -> np.ndarray:
    """:data:`PAGE_FEATURES` of a page from its articles' :data:`FEATURES`."""
    col = {name: k for k, name in enumerate(FEATURES)}
    bylined = feats[:, col["bylines"]] > 0
    heads = feats[:, col["has_headline"]] > 0
    shares = np.sort(feats[:, col["share_of_largest"]])[::-1]
    return np.asarray(
        [
            feats[0, col["log_articles"]],
            feats[largest, col["share_of_page"]],
            math.log1p(int(bylined.sum())),
            float(bylined.mean()),
            feats[0, col["similar_articles"]],
            float(feats[heads, col["p_headline"]].mean()) if heads.any() else 0.0,
            float(shares[1]) if len(shares) > 1 else 0.0,
            float(feats[:, col["words_per_unit"]].mean()),
        ],
        dtype=np.float64,
    )


def unit_words(text: str, units: Sequence[Unit]) -> list[int]:
    """Each unit's words (:func:`cleaner.lexicon.span_words`): the decode stage counts
    them once a page and passes them to its steps, here and in
    :mod:`cleaner.pipeline.headline`."""
    return [span_words(text, u.start, u.end) for u in units]


def main_run(
    units: Sequence[Unit], text: str, labels: Sequence[str], words: Sequence[int] | None = None
) -> tuple[int, int] | None:
    """First and last unit of the run of body units with the most words (None: no body).

    Body units with more than ``GAP`` other units between them are in different runs.
    ``words``: each unit's words (:func:`unit_words`), when the caller has counted them.
    """
    counts = unit_words(text, units) if words is None else words
    best: tuple[int, int] | None = None
    best_words = 0
    start = last = -1
    run_words = 0
    for i, label in enumerate(labels):
        if label != Label.BODY:
            continue
        if start < 0 or i - last > GAP:
            if start >= 0 and run_words > best_words:
                best, best_words = (start, last), run_words
            start, run_words = i, 0
        last = i
        run_words += counts[i]
    if start >= 0 and run_words > best_words:
        best = (start, last)
    return best


def article_spans(labels: Sequence[str]) -> list[ArticleSpan]:
    """The articles the labels make, as the reassembler groups them: each headline
    opens one, up to the next headline (body before the first headline makes one with
    no headline); a span without body is left out.

    >>> [(s.head, s.start, s.end) for s in article_spans(["junk", "body", "headline", "body", "headline"])]
    [(None, 0, 2), (2, 2, 4)]
    """
    heads = [i for i, lbl in enumerate(labels) if lbl == Label.HEADLINE]
    bounds: list[tuple[int | None, int, int]] = []
    first = heads[0] if heads else len(labels)
    bounds.append((None, 0, first))
    for k, h in enumerate(heads):
        bounds.append((h, h, heads[k + 1] if k + 1 < len(heads) else len(labels)))
    return [ArticleSpan(h, a, b) for h, a, b in bounds if any(labels[i] == Label.BODY for i in range(a, b))]


def body_words(spans: Sequence[ArticleSpan], labels: Sequence[str], words: Sequence[int]) -> list[int]:
    """The body words of each article of ``spans`` (``words``: each unit's)."""
    return [sum(words[i] for i in range(s.start, s.end) if labels[i] == Label.BODY) for s in spans]


def article_features(
    text: str,
    units: Sequence[Unit],
    labels: Sequence[str],
    proba: np.ndarray,
    classes: Sequence[str],
    spans: Sequence[ArticleSpan],
    words: Sequence[int] | None = None,
) -> tuple[np.ndarray, int]:
    """The :data:`FEATURES` of every article span (rows in the order of ``spans``) and
    the index of the largest one (most body words; the first of equals); ``words``:
    each unit's words (:func:`unit_words`), when the caller has counted them."""
    counts = unit_words(text, units) if words is None else words
    col = {c: k for k, c in enumerate(classes)}
    p_head = proba[:, col[Label.HEADLINE]]
    p_body = proba[:, col[Label.BODY]]
    body_units = [[i for i in range(s.start, s.end) if labels[i] == Label.BODY] for s in spans]
    body_words = [sum(counts[i] for i in b) for b in body_units]
    largest = int(np.argmax(body_words)) if body_words else 0
    top = max(body_words[largest], 1) if body_words else 1
    total = max(sum(body_words), 1)
    similar = sum(1 for w in body_words if 3 * w >= top) / max(len(spans), 1)
    all_body = [i for i, label in enumerate(labels) if label == Label.BODY]  # ascending: bisected below
    rows = []
    for k, (s, b, w) in enumerate(zip(spans, body_units, body_words, strict=True)):
        first_body = b[0] if b else s.end
        bylines = sum(
            1 for i in range(max(0, (s.head or s.start) - BYLINE_BEFORE), first_body) if labels[i] == Label.BYLINE
        )
        head_words = counts[s.head] if s.head is not None else 0
        head_end = text[units[s.head].end - 1] if s.head is not None else ""
        before = bisect.bisect_left(all_body, s.start)  # the body units before the span's start
        previous_body = all_body[before - 1] if before else -(10**9)
        rows.append(
            [
                math.log1p(w),
                w / top,
                w / total,
                math.log1p(len(b)),
                math.log1p(w / max(len(b), 1)),
                sum(text[units[i].end - 1] in SENTENCE_END_MARKS for i in b) / max(len(b), 1),
                min(bylines, 3),
                min(head_words, 40),
                float(head_end == ":"),
                float(head_end == "."),
                float(p_head[s.head]) if s.head is not None else 0.0,
                float(np.mean(p_body[b])) if b else 0.0,
                float(k < largest),
                float(first_body - previous_body <= GAP + 1 + (s.head is not None)),
                math.log(len(spans)),
                similar,
                float(s.head is not None),
            ]
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(spans), len(FEATURES)), largest


@dataclass(frozen=True)
class ArticleFilter:
    """Says for each article of a page but the largest whether it is one of its own
    (``keep``), part of the article before it (``merge``) or not article text
    (``junk``): a multinomial logistic regression over standardised
    :data:`FEATURES` (see the module docstring).

    Attributes:
        coef: ``(len(ACTIONS), len(FEATURES))`` weights.
        intercept: ``(len(ACTIONS),)`` biases.
        mean, scale: the standardisation of the features.
        info: what it was fitted on and how it scored (plain data, for the record).
        edges: the model of the main run's lead and ending (:class:`RunEdges`), or None.
        gate_coef, gate_intercept, gate_mean, gate_scale: the aggregator gate, a
            logistic regression over standardised :data:`PAGE_FEATURES`: a page it
            gives a probability of 0.5 or more of carrying several articles keeps them
            all (None: no gate).
        min_proba: an article is merged or made junk only when that action's
            probability reaches this; else it is kept (chosen by cross-validation, see
            ``training/fit_structure.py``: a wrong ``keep`` costs less than a lost card).
    """

    coef: np.ndarray
    intercept: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    info: dict[str, Any]
    min_proba: float = 0.0
    gate_coef: np.ndarray | None = None
    gate_intercept: float = 0.0
    gate_mean: np.ndarray | None = None
    gate_scale: np.ndarray | None = None
    edges: RunEdges | None = None

    def decision(self, features: np.ndarray) -> np.ndarray:
        """Class probabilities, ``(n, len(ACTIONS))``."""
        z = ((features - self.mean) / self.scale) @ self.coef.T + self.intercept
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def aggregator_proba(self, page: np.ndarray) -> float:
        """The gate's probability that a page with these :data:`PAGE_FEATURES` carries
        several articles (0 without a gate)."""
        if self.gate_coef is None or self.gate_mean is None or self.gate_scale is None:
            return 0.0
        z = float(((page - self.gate_mean) / self.gate_scale) @ self.gate_coef + self.gate_intercept)
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def actions(self, features: np.ndarray) -> list[str]:
        """The action for each row of ``features``."""
        if len(features) == 0:
            return []
        p = self.decision(features)
        best = p.argmax(axis=1)
        keep = ACTIONS.index("keep")
        return [ACTIONS[k] if p[i, k] >= self.min_proba else ACTIONS[keep] for i, k in enumerate(best)]

    def to_dict(self) -> dict[str, Any]:
        """The filter as plain data (JSON-ready)."""
        return {
            "version": STRUCTURE_VERSION,
            "actions": list(ACTIONS),
            "features": list(FEATURES),
            "coef": self.coef.tolist(),
            "intercept": self.intercept.tolist(),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "min_proba": self.min_proba,
            "page_features": list(PAGE_FEATURES),
            "gate_coef": None if self.gate_coef is None else self.gate_coef.tolist(),
            "gate_intercept": self.gate_intercept,
            "gate_mean": None if self.gate_mean is None else self.gate_mean.tolist(),
            "gate_scale": None if self.gate_scale is None else self.gate_scale.tolist(),
            "run_edges": None if self.edges is None else self.edges.to_dict(),
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """A filter from :meth:`to_dict`'s data; another feature layout is refused."""
        if data.get("version") != STRUCTURE_VERSION or tuple(data.get("features", ())) != FEATURES:
            raise ModelError(
                f"the article filter was fitted on feature layout {data.get('version')!r}, this version "
                f"of cleaner computes layout {STRUCTURE_VERSION!r}: refit it with python -m training.fit_structure"
            )
        coef = np.asarray(data["coef"], dtype=np.float64)
        intercept = np.asarray(data["intercept"], dtype=np.float64)
        mean = np.asarray(data["mean"], dtype=np.float64)
        scale = np.asarray(data["scale"], dtype=np.float64)
        if coef.shape != (len(ACTIONS), len(FEATURES)) or intercept.shape != (len(ACTIONS),):
            raise ModelError(
                f"the article filter's weights have shape {coef.shape}, not {(len(ACTIONS), len(FEATURES))}"
            )
        if mean.shape != (len(FEATURES),) or scale.shape != (len(FEATURES),):
            raise ModelError("the article filter's feature scaling does not match its features")
        min_proba = float(data.get("min_proba", 0.0))
        gate = [
            None if data.get(k) is None else np.asarray(data[k], dtype=np.float64)
            for k in ("gate_coef", "gate_mean", "gate_scale")
        ]
        if any(g is not None and g.shape != (len(PAGE_FEATURES),) for g in gate):
            raise ModelError("the article filter's aggregator gate does not match its page features")
        return cls(
            coef,
            intercept,
            mean,
            scale,
            dict(data.get("info", {})),
            min_proba,
            gate[0],
            float(data.get("gate_intercept", 0.0)),
            gate[1],
            gate[2],
            None if data.get("run_edges") is None else RunEdges.from_dict(data["run_edges"]),
        )

    def save(self, path: str | Path) -> None:
        """Write the filter as JSON."""
        Path(path).write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Self:
        """Read a filter written by :meth:`save`."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError) as err:
            raise ModelError(f"cannot read the article filter {path}: {err}") from err
        if not isinstance(data, dict):
            raise ModelError(f"{path} holds no article filter")
        try:
            return cls.from_dict(data)
        except (KeyError, TypeError, ValueError) as err:
            raise ModelError(f"{path} holds no usable article filter: {err!r}") from err


def default_filter_path() -> Path:
    """Where the shipped article filter is."""
    return Path(__file__).resolve().parent.parent / "models" / "structure.json"


@cache
def default_article_filter() -> ArticleFilter | None:
    """The shipped article filter (None when the package has none)."""
    path = default_filter_path()
    return ArticleFilter.load(path) if path.exists() else None


def apply_article_filter(
    text: str,
    units: Sequence[Unit],
    labels: list[str],
    proba: np.ndarray,
    classes: Sequence[str],
    article_filter: ArticleFilter,
    observe: Callable[[list[ArticleSpan], np.ndarray, int, list[str]], None] | None = None,
    words: Sequence[int] | None = None,
) -> list[tuple[ArticleSpan, str]]:
    """Apply ``article_filter`` to the page's articles, changing ``labels`` in place:
    a ``merge`` article's headline becomes body, a ``junk`` article's headline, bylines
    and body become junk. Returns each judged article with its action.

    ``observe``, when given, is called with the spans, their features, the index of the
    largest and a copy of the labels before the filter (for fitting it). ``words``:
    each unit's words (:func:`unit_words`), when the caller has counted them.
    """
    spans = article_spans(labels)
    if len(spans) < 2 or Label.HEADLINE not in classes or Label.BODY not in classes:
        return []
    feats, largest = article_features(text, units, labels, proba, classes, spans, words)
    if observe is not None:
        observe(spans, feats, largest, list(labels))
    if article_filter.aggregator_proba(page_features(feats, largest)) >= 0.5:
        return [(s, "keep") for k, s in enumerate(spans) if k != largest]
    others = [k for k in range(len(spans)) if k != largest]
    actions = article_filter.actions(feats[others])
    out = []
    for k, action in zip(others, actions, strict=True):
        s = spans[k]
        out.append((s, action))
        if action == "merge":
            # one article with its neighbour towards the largest: before it, the next
            # article's headline becomes body (this headline heads both: a title over
            # its lede, then the story); after it, its own (a subheading)
            absorbed = spans[k + 1] if k < largest else s
            if absorbed.head is not None:
                labels[absorbed.head] = Label.BODY
        elif action == "junk":
            first = s.head if s.head is not None else s.start
            lo = max(0, first - BYLINE_BEFORE)
            for i in range(lo, s.end):
                if (i >= s.start and labels[i] in (Label.HEADLINE, Label.BODY)) or (
                    labels[i] == Label.BYLINE and (i >= s.start or _only_bylines_between(labels, i, first))
                ):
                    labels[i] = Label.JUNK
    return out


def _only_bylines_between(labels: Sequence[str], i: int, head: int) -> bool:
    """Whether the units from ``i`` to ``head`` are all bylines (a card's byline block
    over its headline)."""
    return all(labels[j] == Label.BYLINE for j in range(i, head))


# --------------------------------------------------------------------------------------
# The edges of the main article's body run
# --------------------------------------------------------------------------------------

EDGE_FEATURES: tuple[str, ...] = (
    "p_body",
    "p_junk",
    "p_related",
    "p_byline",
    "p_headline",
    "log_words",
    "sentence_end",  # the unit ends like a sentence
    "first",  # it starts its line
    "after",  # it stands after the run (else before it)
    "distance",  # units between it and the run
    "line_has_body",  # its line holds a unit of the run
    "log_run_words",
)
EDGE_REACH = 4
"""How many units before and after the main run are judged."""


def edge_candidates(
    text: str, units: Sequence[Unit], labels: Sequence[str], run: tuple[int, int]
) -> list[tuple[int, bool, int]]:
    """The units next to the main run that may be its lead or its ending: ``(index,
    after, distance)`` for up to :data:`EDGE_REACH` units on each side that are junk or
    related items, stopping at a headline (the article's title, or the next one's)."""
    s, e = run
    out = []
    for after, rng in (
        (False, range(s - 1, max(-1, s - 1 - EDGE_REACH), -1)),
        (True, range(e + 1, min(len(units), e + 1 + EDGE_REACH))),
    ):
        for d, i in enumerate(rng):
            if labels[i] == Label.HEADLINE:
                break
            if labels[i] in (Label.JUNK, Label.RELATED):
                out.append((i, after, d))
    return out


def edge_features(
    text: str,
    units: Sequence[Unit],
    labels: Sequence[str],
    proba: np.ndarray,
    classes: Sequence[str],
    run: tuple[int, int],
    cands: Sequence[tuple[int, bool, int]],
    words: Sequence[int] | None = None,
) -> np.ndarray:
    """:data:`EDGE_FEATURES` of each candidate of :func:`edge_candidates` (``words``:
    each unit's words, :func:`unit_words`, when the caller has counted them)."""
    counts = unit_words(text, units) if words is None else words
    col = {c: k for k, c in enumerate(classes)}

    def p(i: int, label: str) -> float:
        return float(proba[i, col[label]]) if label in col else 0.0

    s, e = run
    run_lines = {units[k].line for k in range(s, e + 1) if labels[k] == Label.BODY}
    run_words = sum(counts[k] for k in range(s, e + 1) if labels[k] == Label.BODY)
    rows = [
        [
            p(i, Label.BODY),
            p(i, Label.JUNK),
            p(i, Label.RELATED),
            p(i, Label.BYLINE),
            p(i, Label.HEADLINE),
            math.log1p(counts[i]),
            float(text[units[i].end - 1] in SENTENCE_END_MARKS),
            float(units[i].first),
            float(after),
            float(d),
            float(units[i].line in run_lines),
            math.log1p(run_words),
        ]
        for i, after, d in cands
    ]
    return np.asarray(rows, dtype=np.float64).reshape(len(cands), len(EDGE_FEATURES))


@dataclass(frozen=True)
class RunEdges:
    """Says which units next to the main article's body run are its lead or its ending
    (body the classifier missed: "the opening paragraph before the first long one", "the
    last two paragraphs"): a logistic regression over standardised
    :data:`EDGE_FEATURES`; a candidate whose probability reaches ``min_proba`` becomes
    body. Fitted by ``python -m training.fit_structure`` beside the article filter."""

    coef: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray
    min_proba: float
    info: dict[str, Any]

    def proba(self, features: np.ndarray) -> np.ndarray:
        z = ((features - self.mean) / self.scale) @ self.coef + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -50, 50))))

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": STRUCTURE_VERSION,
            "features": list(EDGE_FEATURES),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "min_proba": self.min_proba,
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        if tuple(data.get("features", ())) != EDGE_FEATURES:
            raise ModelError(
                "the run-edge model was fitted on other features: refit it with python -m training.fit_structure"
            )
        arrays = [np.asarray(data[k], dtype=np.float64) for k in ("coef", "mean", "scale")]
        if any(a.shape != (len(EDGE_FEATURES),) for a in arrays):
            raise ModelError("the run-edge model's weights do not match its features")
        return cls(
            arrays[0],
            float(data["intercept"]),
            arrays[1],
            arrays[2],
            float(data["min_proba"]),
            dict(data.get("info", {})),
        )


def extend_run(
    text: str,
    units: Sequence[Unit],
    labels: list[str],
    proba: np.ndarray,
    classes: Sequence[str],
    run: tuple[int, int],
    edges: RunEdges,
    observe: Callable[[list[tuple[int, bool, int]], np.ndarray], None] | None = None,
    words: Sequence[int] | None = None,
) -> None:
    """Make the main run's lead and ending body, in place (see :class:`RunEdges`;
    ``words``: each unit's words, :func:`unit_words`, when the caller has counted them)."""
    cands = edge_candidates(text, units, labels, run)
    if not cands:
        return
    feats = edge_features(text, units, labels, proba, classes, run, cands, words)
    if observe is not None:
        observe(cands, feats)
    for (i, _, _), p in zip(cands, edges.proba(feats), strict=True):
        if p >= edges.min_proba:
            labels[i] = Label.BODY


LEDE_MAX_WORDS = 15
LEDE_RATIO = 3
LEDE_MAIN_SHARE = 0.5


def join_lede_articles(labels: list[str], words: Sequence[int]) -> None:
    """The decode stage's ``lede-articles`` step: a titled article of at most
    ``LEDE_MAX_WORDS`` body words right before the page's main article (the one with
    the most body words, at least ``LEDE_RATIO`` times as many and at least
    ``LEDE_MAIN_SHARE`` of the page's) is that article's start, cut off by a second
    title (a dek, a standfirst or a site's name for the page between the two): the two
    become one under the first headline, the second headline's units junk (in place).

    >>> labels = ["headline", "body", "headline", "body", "body"]
    >>> join_lede_articles(labels, [5, 8, 6, 40, 30])
    >>> [str(label) for label in labels]
    ['headline', 'body', 'junk', 'body', 'body']
    """
    spans = article_spans(labels)
    if len(spans) < 2:
        return
    counts = body_words(spans, labels, words)
    main = counts.index(max(counts))
    lede = main - 1
    if lede < 0 or counts[main] < LEDE_MAIN_SHARE * sum(counts):
        return
    if spans[lede].head is None or counts[lede] > LEDE_MAX_WORDS or counts[main] < LEDE_RATIO * max(counts[lede], 1):
        return
    i = spans[main].head  # not None: only the page's first span lacks a headline
    while i is not None and i < len(labels) and labels[i] == Label.HEADLINE:
        labels[i] = Label.JUNK
        i += 1
