"""Decoding: from per-unit probabilities to labels, with page-level constraints.

The classifier scores every unit on its own (with its neighbours as features); a few
facts hold for a whole page and are enforced here, after the classifier:

* **One headline per body.** Before each new run of body text (a body unit after at
  least ``GAP`` units that are not body) the units back to the previous body text,
  at most ``LOOKBACK`` of them, hold one headline: of several units labelled
  headline there, the most probable stays headline and the others become junk; if
  none is labelled headline, a title-like junk unit right above a byline becomes one
  (a card's header), or else the unit most probably a headline (among short junk or
  related units there, and a title-like unit opening the body run, with at most two
  bylines or a line of sentences after it) when its headline probability is at least
  ``RESCUE_MIN_PROBA``.
* **Bylines stand by headlines.** A short unit labelled junk among the ``BYLINE_AFTER``
  units after a headline (up to the body) becomes a byline when its byline
  probability is at least ``BYLINE_RESCUE_MIN_PROBA``: the classifier under-calls
  bylines, a rare label written in many languages. Before a headline, in its
  ``BYLINE_BEFORE`` units, such units and date lines ("2 hours ago") are bylines as
  one block next to it: a unit that is neither ends the block.
* **Collapsed containers are body together.** On a line of several sentences, the
  sentences (up to a list header inside the line) are all body when their mean body
  probability is at least ``LINE_BODY_MIN_PROBA``, or ``LINE_AFTER_BYLINE_MIN_PROBA``
  when the line opens with a byline or follows a headline (a card's whole article on
  one line; checked again once headlines are settled): a container a scraper ran
  onto one line does not alternate between body and junk from sentence to sentence.
* **Lists after a related header are related items.** Title-like units (4 or more
  words, no sentence end) labelled body right after a unit such as "Related
  coverage:" or "Read more:" are related items, up to the first unit that is not. A
  related item ending with a colon opens a list of its own and is junk.
* **The main article's headline is chosen among its candidates** by a learned ranker
  when the model has one (:mod:`cleaner.pipeline.headline`), after the rules above.
* **A headline takes its whole title line.** When a unit labelled headline shares its
  line with other units, and the line is a title (at most ``_MAX_TITLE_WORDS`` words,
  no full stop at its end, no byline in it), the whole line is the headline: the
  segmenter's cuts at colons and sentence ends fall inside titles too.
* **Author lines of the main article are bylines.** In the main article (the run of
  body text with the most words, :func:`main_run`), a junk unit between its headline
  and its body, or among the ``AUTHOR_BOX_AFTER`` units after its body, that has the
  shape of an author line ("Jane Doe", "Written by Jane Doe", "Jane Doe | Senior
  Writer") becomes a byline when its byline probability is at least
  ``AUTHOR_MIN_PROBA``.
* **An explicitly credited author is a byline.** When the main article still has no
  author line, the first line from ``LOOKBACK`` units before its body to
  ``AUTHOR_BOX_AFTER`` units after it that credits one in so many words ("by Jane
  Doe", "Interview by Jane Doe December 3, 2025", "Thread starter jdoe42") becomes a
  byline, whatever the classifier called it (but a headline).
* **On HTML pages, one container is one article, and comments are no body.**
  Articles next to the main one that stand inside the main article's container
  element join it, the later headline of two a subheading; then body inside comment
  markup becomes junk (:mod:`cleaner.pipeline.containers`), last.
* **Subheadings are body.** A weak headline (probability under ``SUBHEAD_MAX_PROBA``)
  with body text right before and after it, and no byline next to it, is a
  subheading inside an article: it is labelled body.

:func:`decode_labels` runs the steps for one page. :class:`cleaner.Cleaner` runs them
in three parts, so that the headline ranker is called once for many pages:
:func:`start_decoding` (the steps before ``headline-ranker``, and the question that
step asks the ranker), :func:`cleaner.pipeline.headline.rank_headlines` (the answers
for all the pages), :func:`finish_decoding` (the rest). Each unit's word count
(:func:`cleaner.pipeline.structure.unit_words`) is counted once a page, for every step.

The constants were set on the validation split (training/README.md, "Decoding").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np

from ..bylines import NOT_NAMES, PERSON_NAME, credit_tail, is_date_line
from ..labels import Label
from ..lexicon import CJK_SENTENCE_ENDS, credit_prefix, span_words
from ..model.ranker import HeadlineRanker
from .containers import (
    COMMENTS_MAX_SHARE,
    INSIDE_SHARE,
    MAIN_SHARE,
    UnitMarkup,
    drop_comment_threads,
    join_container_articles,
)
from .headline import HeadlineQuestion, RankedHeadline, choose_headline, headline_question
from .segment import Unit
from .structure import GAP, ArticleFilter, ArticleSpan, apply_article_filter, extend_run, main_run, unit_words

__all__ = [
    "AUTHOR_BEFORE_HEADLINE",
    "AUTHOR_BOX_AFTER",
    "AUTHOR_MIN_PROBA",
    "BYLINE_AFTER",
    "BYLINE_BEFORE",
    "BYLINE_RESCUE_MIN_PROBA",
    "GAP",
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

LOOKBACK = 15
RESCUE_MIN_PROBA = 0.01
SUBHEAD_MAX_PROBA = 0.9
BYLINE_RESCUE_MIN_PROBA = 0.05
BYLINE_AFTER = 5
BYLINE_BEFORE = 3
AUTHOR_BOX_AFTER = 8
# Author lines are looked for after the main headline only: a section name before it
# ("World News") has a name's shape. 0, 1 and 3 units before gave the same author
# scores on validation within one page.
AUTHOR_BEFORE_HEADLINE = 0
AUTHOR_MIN_PROBA = 0.01
LINE_BODY_MIN_PROBA = 0.5
LINE_AFTER_BYLINE_MIN_PROBA = 0.2
_TERMINAL = frozenset('.!?"”’)' + CJK_SENTENCE_ENDS)
_CLOSERS = "\"”’')]»"  # closing quotes and brackets, stripped before a line's last mark
_SENTENCE_MIN_WORDS = 8
_SMOOTHED = (Label.JUNK, Label.RELATED)  # the labels a collapsed line's sentences lose to body
_MAX_LIST_ITEMS = 12
_MAX_TITLE_WORDS = 25
_MIN_TITLE_WORDS = 4
# Headers of lists of other articles, in the languages of the training data.
_RELATED_HEADER = re.compile(
    r"(?i)(?:related(?: coverage| stories| articles| news| content)?|read (?:more|also|next)|see also|"
    r"more (?:stories|news|from [\w .'-]{1,30})|top stories|recommended|you may also like|also read|"
    r"lesen sie auch|mehr zum thema|weitere artikel|à lire aussi|lire aussi|leggi anche|"
    r"te puede interesar)\s*:?\s*"
)
_MAX_HEADLINE_WORDS = 30
# Author lines: an optional credit (cleaner.lexicon), a person's name, and an optional role or date after a separator.
_AUTHOR_TAIL = re.compile(r"\s+[|/–—-]\s+|,\s+")
_MAX_BYLINE_WORDS = 20
# Explicit credits: a prefix that says "author" (group 1: a forum's, followed by a user
# name rather than a person's name), the name, then nothing but a date, time or separator.
_CREDIT_PREFIX = re.compile(
    r"(?i)(?:(thread starter|started by|post by|posted by)|(?:written|recipe|story|words|reported|"
    r"interview|text|article|review) by|by|von)\s*:?\s+"
)
_USER_NAME = re.compile(r"[\w.-]{2,30}\b")
_NOT_USER_NAMES = frozenset("a an and at in of on the to".split())
_MAX_CREDIT_WORDS = 15


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
)
"""The named steps of :func:`decode_labels`, in the order they run (see the module
docstring; ``article-structure`` is :mod:`cleaner.pipeline.structure`, ``headline-ranker``
:mod:`cleaner.pipeline.headline`). Each unit's label is the model's most probable class unless
one of them changed it: :func:`decode_labels` says which, last."""


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
    headline_ranker: HeadlineRanker | None = None,
    titled: Sequence[int] = (),
    furniture: Sequence[tuple[int, int]] = (),
    article_filter: ArticleFilter | None = None,
    observe_articles: Callable[[list[ArticleSpan], np.ndarray, int, list[str]], None] | None = None,
    why: list[str | None] | None = None,
    observe_edges: Callable[[list[tuple[int, bool, int]], np.ndarray], None] | None = None,
    markup: UnitMarkup | None = None,
) -> tuple[list[str], np.ndarray]:
    """Labels and their probabilities for ``units``, given class probabilities.

    ``headline_ranker`` (:class:`cleaner.model.ranker.HeadlineRanker`), when given,
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
    lines = _shared_lines(units)
    done = Label.HEADLINE not in classes or Label.BODY not in classes or n == 0
    question = None
    if not done:
        p_head = proba[:, list(classes).index(Label.HEADLINE)]
        p_body = proba[:, list(classes).index(Label.BODY)]
        steps.run("collapsed-lines", lambda: _smooth_collapsed_lines(text, units, labels, p_body, words, lines))
        if Label.RELATED in classes:
            steps.run("related-lists", lambda: _related_lists(text, units, labels, words))
        steps.run("subheadings", lambda: _subheadings(labels, p_head))
        steps.run("one-headline-per-body", lambda: _one_headline_per_body(text, units, labels, p_head, words))
        steps.run(
            "card-lines",
            lambda: _smooth_collapsed_lines(text, units, labels, p_body, words, lines, cards_only=True),
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
            steps.run("page-furniture", lambda: _furniture_to_junk(units, labels, classes, d.furniture))
        if why is not None:
            why[:] = steps.why
        return labels, _confidences(proba, labels, classes)
    if d.has_ranker or d.titled:
        ranked = RankedHeadline(d.question, choice) if d.question is not None else None
        steps.run(
            "headline-ranker",
            lambda: choose_headline(text, units, labels, proba, classes, None, d.titled, ranked=ranked, words=words),
        )
    steps.run("whole-title-line", lambda: _whole_line_headlines(text, units, labels, d.lines, d.titled))
    if Label.BYLINE in classes:
        p_byline = proba[:, list(classes).index(Label.BYLINE)]
        steps.run("bylines-by-headlines", lambda: _rescue_bylines(text, units, labels, p_byline, words))
        # the rescues below turn junk into bylines, never body: the main run stands
        run = main_run(units, text, labels, words)
        if run is not None:
            main = run
            steps.run("author-lines", lambda: _rescue_author_lines(text, units, labels, p_byline, main, words))
            steps.run("credited-author", lambda: _rescue_prefixed_authors(text, units, labels, main, words))
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
        steps.run("page-furniture", lambda: _furniture_to_junk(units, labels, classes, d.furniture))
    if d.markup is not None:
        markup = d.markup
        steps.run("container-articles", lambda: join_container_articles(labels, words, markup.ancestors))
        steps.run("comment-threads", lambda: drop_comment_threads(labels, words, markup.in_comments))
    if why is not None:
        why[:] = steps.why
    return labels, _confidences(proba, labels, classes)


def _subheadings(labels: list[str], p_head: np.ndarray) -> None:
    """Weak headlines (under ``SUBHEAD_MAX_PROBA``) between two body units are body."""
    for i in range(1, len(labels) - 1):
        if labels[i] != Label.HEADLINE or p_head[i] >= SUBHEAD_MAX_PROBA:
            continue
        prev = _neighbour(labels, i, -1)
        nxt = _neighbour(labels, i, +1)
        if prev == Label.BODY and nxt == Label.BODY:
            labels[i] = Label.BODY


def _one_headline_per_body(
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
                if _title_like(text, units[i], words[i]) and _body_follows(text, units, labels, i + 1, words):
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
                    and _title_like(text, units[j], words[j])
                ]
                if headed:
                    labels[max(headed, key=lambda j: p_head[j])] = Label.HEADLINE
                elif cands:
                    j = max(cands, key=lambda j: p_head[j])
                    if p_head[j] >= RESCUE_MIN_PROBA:
                        labels[j] = Label.HEADLINE
        previous_body = i


def _confidences(proba: np.ndarray, labels: Sequence[str], classes: Sequence[str]) -> np.ndarray:
    """Each unit's probability of the label it got."""
    index = {c: k for k, c in enumerate(classes)}
    cols = np.fromiter((index[lbl] for lbl in labels), dtype=np.intp, count=len(labels))
    return np.asarray(proba[np.arange(len(labels)), cols], dtype=np.float64)


def _furniture_to_junk(
    units: Sequence[Unit], labels: list[str], classes: Sequence[str], furniture: Sequence[tuple[int, int]]
) -> None:
    """Body units most of whose characters lie in page furniture (``<footer>``,
    ``<aside>``) become junk, in place (a collapsed rendering may run an aside and the
    first paragraph together on one line, in one unit)."""
    if Label.JUNK not in classes:
        return
    spans = sorted(furniture)
    starts = [a for a, _ in spans]
    for i, u in enumerate(units):
        if labels[i] != Label.BODY:
            continue
        inside = 0
        k = max(bisect.bisect_right(starts, u.start) - 1, 0)
        while k < len(spans) and spans[k][0] < u.end:
            inside += max(0, min(u.end, spans[k][1]) - max(u.start, spans[k][0]))
            k += 1
        if 2 * inside > u.end - u.start:
            labels[i] = Label.JUNK


def _body_follows(text: str, units: Sequence[Unit], labels: Sequence[str], i: int, words: Sequence[int]) -> bool:
    """Whether body follows from unit ``i``, after one or two bylines at most: a unit
    labelled body, or a line of two or more sentences (a card's body collapsed onto
    one line, which :func:`_smooth_collapsed_lines` makes body once it has a headline)."""
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
        count += _is_sentence(text, units[k], words[k])
    return count


def _title_like(text: str, unit: Unit, words: int) -> bool:
    """Whether a unit of ``words`` words has a title's shape."""
    return _MIN_TITLE_WORDS <= words <= _MAX_TITLE_WORDS and text[unit.end - 1] not in ".!?:"


def _is_sentence(text: str, unit: Unit, words: int) -> bool:
    """Whether a unit of ``words`` words is a sentence."""
    return text[unit.end - 1] in _TERMINAL and words >= _SENTENCE_MIN_WORDS


def _smooth_collapsed_lines(
    text: str,
    units: Sequence[Unit],
    labels: list[str],
    p_body: np.ndarray,
    words: Sequence[int],
    lines: Sequence[tuple[int, int]],
    *,
    cards_only: bool = False,
) -> None:
    """On a line of several sentences (a container collapsed onto one line), the
    sentences are body together or not at all, up to a list header in the line.

    ``lines``: the page's lines of several units (:func:`_shared_lines`);
    ``cards_only``: only lines that open with a byline or follow a headline.
    """
    for i, j in lines:
        # a card's line that opens with its byline, or that follows its headline, is
        # an article collapsed onto one line
        card = labels[i] == Label.BYLINE or (i > 0 and labels[i - 1] == Label.HEADLINE)
        # only junk and related items become body: a line without them stays as it is
        if (card or not cards_only) and any(labels[k] in _SMOOTHED for k in range(i, j + 1)):
            stop = j + 1
            for k in range(i, j + 1):
                if _RELATED_HEADER.match(text, units[k].start, units[k].end):
                    stop = k
                    break
            sentences = [k for k in range(i, stop) if _is_sentence(text, units[k], words[k])]
            need = LINE_AFTER_BYLINE_MIN_PROBA if card else LINE_BODY_MIN_PROBA
            if len(sentences) >= 2 and float(np.mean(p_body[sentences])) >= need:
                for k in sentences:
                    if labels[k] in _SMOOTHED:
                        labels[k] = Label.BODY


def _related_lists(text: str, units: Sequence[Unit], labels: list[str], words: Sequence[int]) -> None:
    """Titles listed after a "Related coverage:"-like header are related items; a unit
    ending with a colon introduces a list ("Explore what Daily8 AI can do for you:") and
    is no item."""
    for i, u in enumerate(units):
        if labels[i] == Label.RELATED and text[u.end - 1] == ":":
            labels[i] = Label.JUNK
        if not _RELATED_HEADER.fullmatch(text, u.start, u.end):
            continue
        for k in range(i + 1, min(i + 1 + _MAX_LIST_ITEMS, len(units))):
            v, n_words = units[k], words[k]
            if n_words < _MIN_TITLE_WORDS or n_words > _MAX_TITLE_WORDS * 3 or text[v.end - 1] in ".!?:":
                break
            if labels[k] not in (Label.BODY, Label.RELATED):
                break
            labels[k] = Label.RELATED


def _rescue_bylines(
    text: str, units: Sequence[Unit], labels: list[str], p_byline: np.ndarray, words: Sequence[int]
) -> None:
    """Short junk units right after a headline (or just before it) that may be bylines become bylines."""
    n = len(units)
    for h in [i for i, lbl in enumerate(labels) if lbl == Label.HEADLINE]:
        after = []
        for j in range(h + 1, min(h + 1 + BYLINE_AFTER, n)):
            if labels[j] == Label.BODY:
                break
            after.append(j)
        for j in after:
            if _may_be_byline(labels[j], p_byline[j], words[j]):
                labels[j] = Label.BYLINE
        # before it, bylines stand as one block next to it (a card's "Source / 2 hours
        # ago" over its title): a unit that is not one ends the block
        for j in range(h - 1, max(h - BYLINE_BEFORE, 0) - 1, -1):
            if labels[j] == Label.BYLINE:
                continue
            dated = labels[j] == Label.JUNK and is_date_line(text[units[j].start : units[j].end])
            if not (dated or _may_be_byline(labels[j], p_byline[j], words[j])):
                break
            labels[j] = Label.BYLINE


def _may_be_byline(label: str, p_byline: float, words: int) -> bool:
    """Whether a unit of ``words`` words so labelled may be a byline."""
    return label == Label.JUNK and p_byline >= BYLINE_RESCUE_MIN_PROBA and words <= _MAX_BYLINE_WORDS


def _author_line(line: str) -> bool:
    """Whether a short line names an author: a name alone ("Jane Doe"), after a prefix
    ("Written by Jane Doe", "Autorin/Autor Jane Doe") or before a role or date
    ("Jane Doe | Senior Writer | July 2, 2025", "Jane Doe – Journalist")."""
    at = credit_prefix(line)
    m = at is not None
    rest = line[at:] if at is not None else line
    name = _AUTHOR_TAIL.split(rest, maxsplit=1)[0].strip()
    if not PERSON_NAME.fullmatch(name) or any(ch.isdigit() for ch in name):
        return False
    return m or name != rest.strip() or name.lower() not in NOT_NAMES


def _rescue_author_lines(
    text: str,
    units: Sequence[Unit],
    labels: list[str],
    p_byline: np.ndarray,
    run: tuple[int, int],
    words: Sequence[int],
) -> None:
    """Author lines of the main article become bylines: in its header (from its headline
    to its body) and in an author box right after its body (``AUTHOR_BOX_AFTER`` units).

    The classifier gives a bare name line ("Lucie Stuchlíková") a low byline
    probability, as nothing in the words says "author"; where such a line stands
    tells it, and these are the two places. ``run`` is the main run (:func:`main_run`).
    """
    s, e = run
    heads = [h for h in range(max(0, s - LOOKBACK), s + 1) if labels[h] == Label.HEADLINE]
    zones = [range(e + 1, min(e + 1 + AUTHOR_BOX_AFTER, len(units)))]
    if heads:
        zones.append(range(max(0, heads[-1] - AUTHOR_BEFORE_HEADLINE), s))
    for zone in zones:
        for j in zone:
            u = units[j]
            if (
                labels[j] == Label.JUNK
                and p_byline[j] >= AUTHOR_MIN_PROBA
                and words[j] <= _MAX_BYLINE_WORDS
                and _author_line(text[u.start : u.end])
            ):
                labels[j] = Label.BYLINE


def _shared_lines(units: Sequence[Unit]) -> list[tuple[int, int]]:
    """The first and last unit of each line that holds several units (a run of units
    of one line number), in page order: the lines the line steps look at."""
    out = []
    start = 0
    for k in range(1, len(units) + 1):
        if k == len(units) or units[k].line != units[start].line:
            if k - 1 > start:
                out.append((start, k - 1))
            start = k
    return out


def _whole_line_headlines(
    text: str,
    units: Sequence[Unit],
    labels: list[str],
    lines: Sequence[tuple[int, int]],
    titled: Collection[int] = (),
) -> None:
    """A headline unit takes the rest of its line when the line is a title: at most
    ``_MAX_TITLE_WORDS`` words, not ending in a full stop (closing quotes and brackets
    aside), and no byline in it.

    The segmenter cuts a line at sentence ends, colons and repeated phrases, and a
    title may hold any of them ("Zimbabwe coup: Robert Mugabe ...", "31% of new crypto
    buyers influenced by friends. Here's why ..."); the classifier and the ranker then
    pick one piece of it. ``lines``: the page's lines of several units (:func:`_shared_lines`).
    """
    for i, j in lines:
        if (
            Label.HEADLINE in labels[i : j + 1]
            and Label.BYLINE not in labels[i : j + 1]
            and not any(k in titled and labels[k] == Label.HEADLINE for k in range(i, j + 1))
        ):
            start, end = units[i].start, units[j].end
            if span_words(text, start, end) <= _MAX_TITLE_WORDS and text[start:end].rstrip(_CLOSERS)[-1:] != ".":
                for k in range(i, j + 1):
                    labels[k] = Label.HEADLINE


def _prefixed_author(line: str) -> bool:
    """Whether a short line credits an author with an explicit prefix: "by Jane Doe",
    "Interview by Jane Doe December 3, 2025", "Thread starter jdoe42", "Post by jdoe42 »
    11. Sep 2024"; the name may be followed by a date, a time or a separator only."""
    m = _CREDIT_PREFIX.match(line)
    if m is None:
        return False
    rest = line[m.end() :]
    forum = m.group(1) is not None
    name = _USER_NAME.match(rest) if forum else PERSON_NAME.match(rest)
    if name is None or (forum and name.group(0).lower() in _NOT_USER_NAMES):
        return False
    if not forum and any(ch.isdigit() for ch in name.group(0)):
        return False
    return credit_tail(rest[name.end() :])


def _rescue_prefixed_authors(
    text: str, units: Sequence[Unit], labels: list[str], run: tuple[int, int], words: Sequence[int]
) -> None:
    """The main article's first explicitly credited author line becomes a byline when the
    article has no author line yet.

    "by Jane Doe" or "Thread starter jdoe42" says "author" in its words, so it may
    stand anywhere from ``LOOKBACK`` units before the main run of body text to
    ``AUTHOR_BOX_AFTER`` units after it, with any label but headline: the classifier
    calls such lines junk or body when the page puts them in an odd place. ``run`` is
    the main run (:func:`main_run`).
    """
    s, e = run
    zone = range(max(0, s - LOOKBACK), min(len(units), e + 1 + AUTHOR_BOX_AFTER))
    for j in zone:
        if labels[j] == Label.BYLINE and _author_line(text[units[j].start : units[j].end]):
            return
    for j in zone:
        u = units[j]
        if (
            labels[j] != Label.HEADLINE
            and labels[j] != Label.BYLINE
            and (u.start == 0 or text[u.start - 1] == "\n")  # a line's start, not a sentence's words
            and words[j] <= _MAX_CREDIT_WORDS
            and _prefixed_author(text[u.start : u.end])
        ):
            labels[j] = Label.BYLINE
            return


def _neighbour(labels: Sequence[str], i: int, step: int) -> str | None:
    """The nearest label before or after ``i`` that is not junk."""
    j = i + step
    while 0 <= j < len(labels):
        if labels[j] != Label.JUNK:
            return labels[j]
        j += step
    return None
