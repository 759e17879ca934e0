"""What the markup's containers say on HTML pages: one container is one article, and
comments are no body.

The decode stage cuts a page into articles at its headlines
(:func:`cleaner.pipeline.structure.article_spans`). On a single-article page a strong
subheading, a call to action or a dateline labelled headline cuts the article in two,
and the user's main article (:attr:`cleaner.CleanResult.main`) keeps only a part of
it. Given HTML, the markup tells: the text of an article stands inside one container
element. The **main article's container** is the deepest block element that holds at
least :data:`MAIN_SHARE` of the main article's body words. An article next to the
main one (before or after it, one after the other outwards) with at least
:data:`INSIDE_SHARE` of its headline, byline and body words inside that container is
part of the main article: the later of the two headlines becomes a body line (a
subheading). An article that stands outside the container (a teaser card, a list of
related stories, a second story of an aggregator's page) stops the joining.

**Comment threads** are no body: after the joining, body units inside comment markup
(an element whose class, id, itemprop, role or rel names a comment, a reply, a
discussion, Disqus...: :data:`cleaner.markup.ATTRIBUTE_GROUPS`; not inside ``<pre>``,
where syntax highlighting marks code comments) become junk, when they hold less than
:data:`COMMENTS_MAX_SHARE` of the page's body words (more, and the page is a thread or
its article sits in such markup), or when the page declares itself an article
(``og:type`` "article" or a JSON-LD article type, and no forum or Q&A type:
:attr:`cleaner.PageMeta.kind`) and :data:`COMMENTS_ARTICLE_WORDS` body words stand
outside the comments (a long thread under a news story; eleventh session: train
article pages 0.9562 -> 0.9573, one forum that declares its threads articles lost,
validation 0.9359 -> 0.9369, ``benchmarks/peers/run.py --modes html``).

**A page without body** (a shop's product page, a listing, a link post: the
classifier calls every unit junk, a byline or a headline) gives the text of its main
content element as its one article, as the HTML extractors give it
(:func:`main_content`).

:func:`join_container_articles`, :func:`drop_comment_threads` and
:func:`main_content` are the decode stage's ``container-articles``,
``comment-threads`` and ``main-content`` steps, and :func:`furniture_to_junk` its
``page-furniture`` step (text in ``<footer>`` and ``<aside>`` is no body)
(:data:`cleaner.pipeline.decode.STEPS`); :func:`unit_markup` gives them what the markup
says of each unit. Raw text has no markup, and the steps do not run there.

The shares were set by hand on the validation split's HTML pages and checked on the
train split's (training/README.md, "One container, one article"): main-article body
word-F1 0.836 -> 0.850 and 0.888 -> 0.895, one article on single-article pages 0.878 ->
0.922 and 0.905 -> 0.939, the headline 0.800 -> 0.792 and 0.801 -> 0.799. The
comment-threads step after it (its share chosen among 0.2, 0.3 and 0.5 on both splits:
0.5 gained 0.002 on validation but lost forum threads on train, 0.8171 -> 0.8096 on
its forum pages; 0.3 keeps them at 0.8170): body word-F1 0.8502 -> 0.8513 and 0.8952 ->
0.8954, article pages 0.930 -> 0.931 and 0.9506 -> 0.9509.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..html_text import RenderedPage
from ..labels import Label
from ..markup import ATTRIBUTE_GROUPS, TAG_CONTEXTS, main_container
from .segment import Unit
from .structure import ArticleSpan, article_spans, body_words

__all__ = [
    "COMMENTS_ARTICLE_WORDS",
    "COMMENTS_MAX_SHARE",
    "CONTENT_SHARE",
    "INSIDE_SHARE",
    "MAIN_SHARE",
    "UnitMarkup",
    "drop_comment_threads",
    "furniture_to_junk",
    "join_container_articles",
    "main_content",
    "unit_blocks",
    "unit_markup",
]

MAIN_SHARE = 0.8
"""The share of the main article's body words its container holds, at least."""

INSIDE_SHARE = 0.9
"""The share of an article's headline, byline and body words inside the main
article's container, at least, for it to join the main article."""

CONTENT_SHARE = 0.6
"""The share of a page's words outside its navigation and furniture, weighed by how
little of them is link text, that the main content element holds, at least, where
the ``main-content`` step makes its text body. Chosen among 0.5, 0.6, 0.75 and 0.9 on
the 16 pages of the train and validation splits that gave no article (thirteenth
session): summed body word-F1 5.53, 5.71, 5.49 and 5.19 of a throw-away sketch of the
step on the rendering's blocks; 0.5 takes the first of two equal paragraphs alone."""

COMMENTS_MAX_SHARE = 0.3
"""Body inside comment markup becomes junk when it holds less than this share of the
page's body words."""

COMMENTS_ARTICLE_WORDS = 150
"""Body words outside comment markup that make an article of their own on a page that
declares itself an article (:attr:`cleaner.PageMeta.kind`): its comment thread is
junk however long. A forum thread (declared as one, or not declared) keeps its
replies."""

_TEXT_LABELS = frozenset({Label.HEADLINE, Label.BYLINE, Label.BODY})
_COMMENT = 1 << ATTRIBUTE_GROUPS.index("comment")
_PRE = 1 << TAG_CONTEXTS.index("pre")


@dataclass(frozen=True)
class UnitMarkup:
    """What the markup says of each unit of an HTML page (:func:`unit_markup`).

    Attributes:
        ancestors: each unit's enclosing block elements (ids, outermost first: its
            block's :attr:`cleaner.html_text.Block.ancestors`).
        in_comments: whether the unit's text stands inside comment markup (outside
            ``<pre>``).
        article: the page declares itself an article (:attr:`cleaner.PageMeta.kind`):
            a comment thread after it is junk however long.
        in_zones: whether the unit stands in a ``nav``, ``header``, ``footer``,
            ``aside``, ``form`` or ``menu`` (:attr:`cleaner.html_text.Block.zone`).
        link_shares: the share of the unit's block's characters that are link text.
        fill_empty: whether a page without body gives its main content
            (:func:`main_content`): not under a user's retrained model, whose labels
            stand (a model taught that a site's pages hold no article).
    """

    ancestors: Sequence[tuple[int, ...]]
    in_comments: Sequence[bool]
    article: bool = False
    in_zones: Sequence[bool] = ()
    link_shares: Sequence[float] = ()
    fill_empty: bool = True


def unit_blocks(page: RenderedPage, units: Sequence[Unit]) -> np.ndarray:
    """Each unit's block: the index into ``page.blocks`` of the block its first
    character stands in (0 for a page without blocks)."""
    if not page.blocks:
        return np.zeros(len(units), dtype=np.int64)
    starts = np.asarray([b.start for b in page.blocks], dtype=np.int64)
    found = np.searchsorted(starts, np.asarray([u.start for u in units], dtype=np.int64), side="right") - 1
    return np.maximum(found, 0).astype(np.int64)


def unit_markup(
    page: RenderedPage, units: Sequence[Unit], *, article: bool = False, fill_empty: bool = True
) -> UnitMarkup:
    """What the markup says of each unit (:class:`UnitMarkup`; ``article``: the page
    declares itself an article; ``fill_empty``: as :class:`UnitMarkup` says); a page
    without blocks says nothing (no ancestors, no comments)."""
    if not page.blocks:
        n = len(units)
        return UnitMarkup([()] * n, [False] * n, article, [False] * n, [0.0] * n, fill_empty)
    blocks = [page.blocks[k] for k in unit_blocks(page, units).tolist()]
    return UnitMarkup(
        [b.ancestors for b in blocks],
        [bool(b.far & _COMMENT) and not b.context & _PRE for b in blocks],
        article,
        [bool(b.zone) for b in blocks],
        [b.link_chars / max(1, b.end - b.start) for b in blocks],
        fill_empty,
    )


def main_content(labels: list[str], words: Sequence[int], markup: UnitMarkup) -> None:
    """The decode stage's ``main-content`` step: on a page where no unit is body (a
    shop's product page, a listing, a page of a few lines), the junk units inside the
    page's main content element become body, in place, so that the page gives its
    content as one article, as the HTML extractors give it. The main content element
    is the deepest block element holding at least :data:`CONTENT_SHARE` of the words
    outside ``nav``, ``header``, ``footer``, ``aside``, ``form`` and ``menu``, each
    unit's words weighed by the share of its block that is not link text; units in
    those elements stay as they are. Junk and byline units inside it become body, or,
    where they have no words, its headlines (the title that is all of a link post)."""
    if any(label == Label.BODY for label in labels) or not markup.in_zones or not markup.fill_empty:
        return
    weights = [
        0.0 if zone else n * (1.0 - links)
        for n, zone, links in zip(words, markup.in_zones, markup.link_shares, strict=True)
    ]
    container, _ = main_container(markup.ancestors, weights, CONTENT_SHARE)
    if container is None:
        return
    inside = [
        i
        for i, (chain, zone) in enumerate(zip(markup.ancestors, markup.in_zones, strict=True))
        if not zone and container in chain
    ]
    turned = [i for i in inside if labels[i] in (Label.JUNK, Label.BYLINE)]
    if not any(words[i] for i in turned):  # a headline is all the content (a link post): it is its text
        turned = [i for i in inside if labels[i] == Label.HEADLINE]
    for i in turned:
        labels[i] = Label.BODY


def _inside(
    span: ArticleSpan, labels: Sequence[str], words: Sequence[int], ancestors: Sequence[tuple[int, ...]], container: int
) -> bool:
    total = held = 0
    for i in range(span.start, span.end):
        if labels[i] in _TEXT_LABELS:
            total += words[i]
            if container in ancestors[i]:
                held += words[i]
    return total > 0 and held >= INSIDE_SHARE * total


def join_container_articles(labels: list[str], words: Sequence[int], ancestors: Sequence[tuple[int, ...]]) -> None:
    """Join the articles next to the main one that stand inside its container (see
    the module docstring), in place: the later headline of two joined articles
    becomes body. ``words`` are the units' words, ``ancestors`` their enclosing block
    elements (:attr:`UnitMarkup.ancestors`). Joining is repeated until nothing more
    joins: an article that grows may become the page's main one."""
    while _join_once(labels, words, ancestors):
        pass


def _join_once(labels: list[str], words: Sequence[int], ancestors: Sequence[tuple[int, ...]]) -> bool:
    spans = article_spans(labels)
    if len(spans) < 2:
        return False
    body = body_words(spans, labels, words)
    m = body.index(max(body))
    body_units = [i for i in range(spans[m].start, spans[m].end) if labels[i] == Label.BODY]
    container, _ = main_container([ancestors[i] for i in body_units], [words[i] for i in body_units], MAIN_SHARE)
    if container is None:
        return False
    inside = [_inside(s, labels, words, ancestors, container) for s in spans]
    changed = False
    k = m + 1
    while k < len(spans) and inside[k]:  # after the main article: their headlines are subheadings
        head = spans[k].head
        if head is not None:
            labels[head] = Label.BODY
            changed = True
        k += 1
    k, later = m - 1, spans[m].head
    while k >= 0 and inside[k] and later is not None:  # before it: the main one's headline is
        labels[later] = Label.BODY
        changed = True
        k, later = k - 1, spans[k].head
    return changed


def drop_comment_threads(
    labels: list[str], words: Sequence[int], in_comments: Sequence[bool], *, article: bool = False
) -> None:
    """Body units inside comment markup become junk, in place, when they hold less than
    :data:`COMMENTS_MAX_SHARE` of the body words, or (``article``: the page declares
    itself an article) when at least :data:`COMMENTS_ARTICLE_WORDS` body words stand
    outside it (see the module docstring)."""
    total = inside = 0
    for label, n, comment in zip(labels, words, in_comments, strict=True):
        if label == Label.BODY:
            total += n
            if comment:
                inside += n
    if inside == 0:
        return
    if inside >= COMMENTS_MAX_SHARE * total and not (article and total - inside >= COMMENTS_ARTICLE_WORDS):
        return
    for i, comment in enumerate(in_comments):
        if comment and labels[i] == Label.BODY:
            labels[i] = Label.JUNK


def furniture_to_junk(
    units: Sequence[Unit], labels: list[str], classes: Sequence[str], furniture: Sequence[tuple[int, int]]
) -> None:
    """The decode stage's ``page-furniture`` step: body units most of whose characters
    lie in page furniture (``<footer>``, ``<aside>``: :attr:`cleaner.PageMeta.furniture`)
    become junk, in place (a collapsed rendering may run an aside and the
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
