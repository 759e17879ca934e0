"""Decoding: from per-unit probabilities to labels, with page-level constraints.

The classifier scores every unit on its own (with its neighbours as features); a few
facts hold for a whole page and are enforced after the classifier, as named steps
(:data:`STEPS`, in the order they run). This module runs them and records which step set
each label; the rules are in modules of their own, by what they decide:

* :mod:`cleaner.pipeline.headline_rules`: one headline before each run of body text
  (``one-headline-per-body``), and weak headlines inside an article are subheadings,
  body (``subheadings``);
* :mod:`cleaner.pipeline.line_rules`: the sentences of a line a scraper collapsed are
  body together (``collapsed-lines``, and ``card-lines`` for a card's line once
  headlines are settled), titles listed under a "Related" header are related items
  (``related-lists``), and a headline takes its whole title line
  (``whole-title-line``);
* :mod:`cleaner.pipeline.structure`: which articles are articles of their own
  (``article-structure``), and the main article's lead and ending (``run-edges``);
* :mod:`cleaner.pipeline.headline`: the main article's headline chosen among its
  candidates by a learned ranker when the model has one (``headline-ranker``);
* :mod:`cleaner.pipeline.byline_rules`: junk units that stand by a headline, or in the
  main article's header or author box, with a byline's shape are bylines
  (``bylines-by-headlines``, ``author-lines``), and so is the main article's first
  explicitly credited author ("by Jane Doe") when it has no author line
  (``credited-author``);
* :mod:`cleaner.pipeline.containers`: what the page's HTML says (:data:`HTML_STEPS`):
  body units that it marks as ``<footer>`` or ``<aside>`` are junk
  (``page-furniture``); articles next to the main one that stand inside the main
  article's container element join it, the later headline of two a subheading
  (``container-articles``); then body inside comment markup becomes junk
  (``comment-threads``);
* :mod:`cleaner.pipeline.structure` again, on every page: a titled article of a
  few words right before the main article is its start, and the two are one
  (``lede-articles``);
* :mod:`cleaner.pipeline.containers` last, on an HTML page where no unit is body (a
  product page, a listing): the text of its main content element is body
  (``main-content``).

:func:`decode_labels` runs the steps for one page. :class:`cleaner.Cleaner` runs them
in three parts, so that the headline ranker is called once for many pages:
:func:`start_decoding` (the steps before ``headline-ranker``, and the question that
step asks the ranker), :func:`cleaner.pipeline.headline.rank_headlines` (the answers
for all the pages), :func:`finish_decoding` (the rest). Each unit's word count
(:func:`cleaner.pipeline.structure.unit_words`) is counted once a page, for every step,
and the page's lines of several units (:func:`cleaner.pipeline.line_rules.shared_lines`)
are found once. :func:`step_parameters` gathers the steps' tuned constants, which the
rule modules define and the validation split set (training/README.md, "Decoding").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..labels import Label
from ..model.predict import RankerPredictor
from .byline_rules import (
    AUTHOR_BEFORE_HEADLINE,
    AUTHOR_BOX_AFTER,
    AUTHOR_MIN_PROBA,
    BYLINE_AFTER,
    BYLINE_BEFORE,
    BYLINE_RESCUE_MIN_PROBA,
    rescue_author_lines,
    rescue_bylines,
    rescue_prefixed_authors,
)
from .containers import (
    COMMENTS_MAX_SHARE,
    CONTENT_SHARE,
    INSIDE_SHARE,
    MAIN_SHARE,
    UnitMarkup,
    drop_comment_threads,
    furniture_to_junk,
    join_container_articles,
    main_content,
)
from .headline import HeadlineQuestion, RankedHeadline, choose_headline, headline_question
from .headline_rules import LOOKBACK, RESCUE_MIN_PROBA, SUBHEAD_MAX_PROBA, one_headline_per_body, subheadings
from .line_rules import (
    LINE_AFTER_BYLINE_MIN_PROBA,
    LINE_BODY_MIN_PROBA,
    related_lists,
    shared_lines,
    smooth_collapsed_lines,
    whole_line_headlines,
)
from .segment import Unit
from .structure import (
    GAP,
    LEDE_MAIN_SHARE,
    LEDE_MAX_WORDS,
    LEDE_RATIO,
    ArticleFilter,
    ArticleSpan,
    apply_article_filter,
    extend_run,
    join_lede_articles,
    main_run,
    unit_words,
)

if TYPE_CHECKING:
    from ..model.ranker import HeadlineRanker

__all__ = [
    "AUTHOR_BEFORE_HEADLINE",
    "AUTHOR_BOX_AFTER",
    "AUTHOR_MIN_PROBA",
    "BYLINE_AFTER",
    "BYLINE_BEFORE",
    "BYLINE_RESCUE_MIN_PROBA",
    "GAP",
    "HTML_STEPS",
    "LINE_AFTER_BYLINE_MIN_PROBA",
    "LINE_BODY_MIN_PROBA",
    "LOOKBACK",
    "RESCUE_MIN_PROBA",
    "STEPS",
    "SUBHEAD_MAX_PROBA",
    "Decoding",
    "decode_labels",
    "finish_decoding",
    "main_run",
    "start_decoding",
    "step_parameters",
]


STEPS: tuple[str, ...] = (
    "collapsed-lines",
    "related-lists",
    "subheadings",
    "one-headline-per-body",
    "card-lines",
    "article-structure",
    "headline-ranker",
    "whole-title-line",
    "bylines-by-headlines",
    "author-lines",
    "credited-author",
    "run-edges",
    "page-furniture",
    "container-articles",
    "comment-threads",
    "lede-articles",
    "main-content",
)
"""The named steps of :func:`decode_labels`, in the order they run (see the module
docstring; ``article-structure`` is :mod:`cleaner.pipeline.structure`, ``headline-ranker``
:mod:`cleaner.pipeline.headline`). Each unit's label is the model's most probable class unless
one of them changed it: :func:`decode_labels` says which, last."""

HTML_STEPS: frozenset[str] = frozenset({"page-furniture", "container-articles", "comment-threads", "main-content"})
"""The steps of :data:`STEPS` that read the page's HTML, and do not run on raw text."""


def step_parameters() -> dict[str, dict[str, float | int]]:
    """The tuned constants of each step (what a model's manifest records; see
    training/README.md, "Decoding", for how they were set)."""
    return {
        "one-headline-per-body": {"GAP": GAP, "LOOKBACK": LOOKBACK, "RESCUE_MIN_PROBA": RESCUE_MIN_PROBA},
        "subheadings": {"SUBHEAD_MAX_PROBA": SUBHEAD_MAX_PROBA},
        "collapsed-lines": {
            "LINE_BODY_MIN_PROBA": LINE_BODY_MIN_PROBA,
            "LINE_AFTER_BYLINE_MIN_PROBA": LINE_AFTER_BYLINE_MIN_PROBA,
        },
        "bylines-by-headlines": {
            "BYLINE_AFTER": BYLINE_AFTER,
            "BYLINE_BEFORE": BYLINE_BEFORE,
            "BYLINE_RESCUE_MIN_PROBA": BYLINE_RESCUE_MIN_PROBA,
        },
        "author-lines": {
            "AUTHOR_BOX_AFTER": AUTHOR_BOX_AFTER,
            "AUTHOR_BEFORE_HEADLINE": AUTHOR_BEFORE_HEADLINE,
            "AUTHOR_MIN_PROBA": AUTHOR_MIN_PROBA,
        },
        "container-articles": {"MAIN_SHARE": MAIN_SHARE, "INSIDE_SHARE": INSIDE_SHARE},
        "comment-threads": {"COMMENTS_MAX_SHARE": COMMENTS_MAX_SHARE},
        "main-content": {"CONTENT_SHARE": CONTENT_SHARE},
        "lede-articles": {
            "LEDE_MAX_WORDS": LEDE_MAX_WORDS,
            "LEDE_RATIO": LEDE_RATIO,
            "LEDE_MAIN_SHARE": LEDE_MAIN_SHARE,
        },
    }


class _Steps:
    """Runs decoding steps by name, recording for each unit the last step that changed
    its label."""

    def __init__(self, labels: list[str]) -> None:
        self.labels = labels
        self.why: list[str | None] = [None] * len(labels)

    def run(self, name: str, step: Callable[[], object]) -> None:
        before = list(self.labels)
        step()
        if before != self.labels:  # most steps change nothing on a page
            for i, (a, b) in enumerate(zip(before, self.labels, strict=True)):
                if a != b:
                    self.why[i] = name


@dataclass(frozen=True)
class Decoding:
    """A page half-way through decoding (:func:`start_decoding`): its labels after the
    steps before ``headline-ranker``, and the question for the headline ranker, so
    that the questions of many pages are answered in one call
    (:func:`cleaner.pipeline.headline.rank_headlines`) before :func:`finish_decoding`
    runs the rest. It is finished once: :func:`finish_decoding` changes its labels in
    place.

    Attributes:
        text, units, proba, classes: the page, as given to :func:`start_decoding`.
        labels: the units' labels so far (changed in place by the steps).
        words: each unit's words (:func:`cleaner.pipeline.structure.unit_words`),
            counted once for every step.
        lines: the first and last unit of each line of several units, found once
            for the steps that look at lines.
        question: what the headline ranker is asked (None: a declared title settles
            the headline, the page has no candidate, or no ranker was asked for).
        titled, furniture, article_filter, markup: as given to :func:`start_decoding`.
        steps: the record of which step set each label.
        done: the labels are final (a model without the headline or body label).
        has_ranker: the page's model has a headline ranker (``headline-ranker`` runs).
    """

    text: str
    units: Sequence[Unit]
    proba: np.ndarray
    classes: Sequence[str]
    labels: list[str]
    words: list[int]
    lines: list[tuple[int, int]]
    question: HeadlineQuestion | None
    titled: Sequence[int]
    furniture: Sequence[tuple[int, int]]
    article_filter: ArticleFilter | None
    markup: UnitMarkup | None
    steps: _Steps
    done: bool
    has_ranker: bool


def decode_labels(
    text: str,
    units: Sequence[Unit],
    proba: np.ndarray,
    classes: Sequence[str],
    headline_ranker: RankerPredictor | HeadlineRanker | None = None,
    titled: Sequence[int] = (),
    furniture: Sequence[tuple[int, int]] = (),
    article_filter: ArticleFilter | None = None,
    observe_articles: Callable[[list[ArticleSpan], np.ndarray, int, list[str]], None] | None = None,
    why: list[str | None] | None = None,
    observe_edges: Callable[[list[tuple[int, bool, int]], np.ndarray], None] | None = None,
    markup: UnitMarkup | None = None,
) -> tuple[list[str], np.ndarray]:
    """Labels and their probabilities for ``units``, given class probabilities.

    ``headline_ranker`` (:class:`cleaner.model.predict.RankerPredictor`, or a fitted
    :class:`cleaner.model.ranker.HeadlineRanker`), when given,
    moves the main article's headline to its choice after the headline rules
    (:func:`cleaner.pipeline.headline.choose_headline`); bylines are rescued after it.
    ``titled`` units hold a title the page's HTML declares: a headline among them
    stays as it is, without the rest of its line. Body units most of whose characters
    lie in ``furniture`` (text the HTML marks as ``<footer>`` or ``<aside>``) become junk,
    last. ``article_filter`` (:mod:`cleaner.pipeline.structure`) judges, after the headline rules
    and before the headline choice, which of the page's articles are articles of their
    own; ``observe_articles`` is passed on to it (for fitting). ``markup``, on HTML
    pages, is what the markup says of each unit: articles inside the main article's
    container join it, and comment threads are junk, last
    (:mod:`cleaner.pipeline.containers`).

    ``why``, when given (a list), is filled with each unit's last step of
    :data:`STEPS` that changed its label (None: the model's most probable class).

    Returns the labels and, for each unit, the probability of the label it got.

    One page's :func:`start_decoding`, its ranker's choice and :func:`finish_decoding`
    (which :class:`cleaner.Cleaner` runs for many pages, the ranker called once for all).
    """
    decoding = start_decoding(
        text,
        units,
        proba,
        classes,
        has_ranker=headline_ranker is not None,
        titled=titled,
        furniture=furniture,
        article_filter=article_filter,
        observe_articles=observe_articles,
        markup=markup,
    )
    question = decoding.question
    choice = None
    if question is not None and headline_ranker is not None:
        choice = headline_ranker.choose(question.candidates, question.allowed)
    return finish_decoding(decoding, choice, why=why, observe_edges=observe_edges)


def start_decoding(
    text: str,
    units: Sequence[Unit],
    proba: np.ndarray,
    classes: Sequence[str],
    *,
    has_ranker: bool = False,
    titled: Sequence[int] = (),
    furniture: Sequence[tuple[int, int]] = (),
    article_filter: ArticleFilter | None = None,
    observe_articles: Callable[[list[ArticleSpan], np.ndarray, int, list[str]], None] | None = None,
    markup: UnitMarkup | None = None,
) -> Decoding:
    """The steps of :func:`decode_labels` before ``headline-ranker``, and (``has_ranker``:
    the page's model has a headline ranker) the question that step asks the ranker
    (:func:`cleaner.pipeline.headline.headline_question`). ``markup``, on HTML pages, is
    what the markup says of each unit (:func:`cleaner.pipeline.containers.unit_markup`):
    the ``container-articles`` step joins the articles of the main article's
    container, and ``comment-threads`` makes comments junk. The other arguments are
    :func:`decode_labels`'s."""
    n = len(units)
    best = proba.argmax(axis=1)
    labels = [classes[k] for k in best]
    steps = _Steps(labels)
    words = unit_words(text, units)
    lines = shared_lines(units)
    done = Label.HEADLINE not in classes or Label.BODY not in classes or n == 0
    question = None
    if not done:
        p_head = proba[:, list(classes).index(Label.HEADLINE)]
        p_body = proba[:, list(classes).index(Label.BODY)]
        steps.run("collapsed-lines", lambda: smooth_collapsed_lines(text, units, labels, p_body, words, lines))
        if Label.RELATED in classes:
            steps.run("related-lists", lambda: related_lists(text, units, labels, words))
        steps.run("subheadings", lambda: subheadings(labels, p_head))
        steps.run("one-headline-per-body", lambda: one_headline_per_body(text, units, labels, p_head, words))
        steps.run(
            "card-lines",
            lambda: smooth_collapsed_lines(text, units, labels, p_body, words, lines, cards_only=True),
        )
        if article_filter is not None:
            flt = article_filter
            steps.run(
                "article-structure",
                lambda: apply_article_filter(text, units, labels, proba, classes, flt, observe_articles, words),
            )
        if has_ranker:
            question = headline_question(text, units, labels, proba, classes, titled, words)
    return Decoding(
        text,
        units,
        proba,
        classes,
        labels,
        words,
        lines,
        question,
        titled,
        furniture,
        article_filter,
        markup,
        steps,
        done,
        has_ranker,
    )


def finish_decoding(
    decoding: Decoding,
    choice: int | None = None,
    *,
    why: list[str | None] | None = None,
    observe_edges: Callable[[list[tuple[int, bool, int]], np.ndarray], None] | None = None,
) -> tuple[list[str], np.ndarray]:
    """The steps of :func:`decode_labels` from ``headline-ranker`` on, for a page
    :func:`start_decoding` began; ``choice`` is the ranker's answer to its question
    (:func:`cleaner.pipeline.headline.rank_headlines`). Returns what
    :func:`decode_labels` returns, and fills ``why`` as it does."""
    d = decoding
    text, units, proba, classes, labels, words, steps = d.text, d.units, d.proba, d.classes, d.labels, d.words, d.steps
    if d.done:
        if d.furniture:
            steps.run("page-furniture", lambda: furniture_to_junk(units, labels, classes, d.furniture))
        if why is not None:
            why[:] = steps.why
        return labels, _confidences(proba, labels, classes)
    if d.has_ranker or d.titled:
        ranked = RankedHeadline(d.question, choice) if d.question is not None else None
        steps.run(
            "headline-ranker",
            lambda: choose_headline(text, units, labels, proba, classes, None, d.titled, ranked=ranked, words=words),
        )
    steps.run("whole-title-line", lambda: whole_line_headlines(text, units, labels, d.lines, d.titled))
    if Label.BYLINE in classes:
        p_byline = proba[:, list(classes).index(Label.BYLINE)]
        steps.run("bylines-by-headlines", lambda: rescue_bylines(text, units, labels, p_byline, words))
        # the rescues below turn junk into bylines, never body: the main run stands
        run = main_run(units, text, labels, words)
        if run is not None:
            main = run
            steps.run("author-lines", lambda: rescue_author_lines(text, units, labels, p_byline, main, words))
            steps.run("credited-author", lambda: rescue_prefixed_authors(text, units, labels, main, words))
    if d.article_filter is not None and d.article_filter.edges is not None:
        edges = d.article_filter.edges
        body_run = main_run(units, text, labels, words)
        if body_run is not None:
            found = body_run
            steps.run(
                "run-edges",
                lambda: extend_run(text, units, labels, proba, classes, found, edges, observe_edges, words),
            )
    if d.furniture:
        steps.run("page-furniture", lambda: furniture_to_junk(units, labels, classes, d.furniture))
    if d.markup is not None:
        markup = d.markup
        steps.run("container-articles", lambda: join_container_articles(labels, words, markup.ancestors))
        steps.run(
            "comment-threads",
            lambda: drop_comment_threads(labels, words, markup.in_comments, article=markup.article),
        )
    steps.run("lede-articles", lambda: join_lede_articles(labels, words))
    if d.markup is not None:
        content_markup = d.markup
        steps.run("main-content", lambda: main_content(labels, words, content_markup))
    if why is not None:
        why[:] = steps.why
    return labels, _confidences(proba, labels, classes)


def _confidences(proba: np.ndarray, labels: Sequence[str], classes: Sequence[str]) -> np.ndarray:
    """Each unit's probability of the label it got."""
    index = {c: k for k, c in enumerate(classes)}
    cols = np.fromiter((index[lbl] for lbl in labels), dtype=np.intp, count=len(labels))
    return np.asarray(proba[np.arange(len(labels)), cols], dtype=np.float64)
