"""Tests of :mod:`cleaner.pipeline.containers`: on HTML pages, the articles of the main
article's container are one article, and comment threads are junk (issues 13 and 14)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.html_text import render_blocks
from cleaner.labels import Label
from cleaner.pipeline.containers import (
    UnitMarkup,
    drop_comment_threads,
    join_container_articles,
    main_content,
    unit_markup,
)
from cleaner.pipeline.decode import decode_labels
from cleaner.pipeline.segment import split_units
from cleaner.pipeline.structure import article_spans

H, BY, B, J = Label.HEADLINE, Label.BYLINE, Label.BODY, Label.JUNK

# element ids: 1 the page's <main>, 2 its <article>, 3 a sidebar
ARTICLE = (1, 2)
SIDEBAR = (1, 3)


def test_a_subheading_inside_the_container_joins_the_article() -> None:
    labels = [J, H, BY, B, B, H, B, B]
    words = [2, 8, 4, 60, 50, 9, 70, 40]
    ancestors = [(1,), ARTICLE, ARTICLE, ARTICLE, ARTICLE, ARTICLE, ARTICLE, ARTICLE]
    join_container_articles(labels, words, ancestors)
    assert labels == [J, H, BY, B, B, B, B, B]  # the second headline is a subheading
    assert len(article_spans(labels)) == 1


def test_the_main_articles_headline_joins_a_short_article_before_it() -> None:
    # the page's title heads a short teaser, a call to action heads the long body
    labels = [H, B, H, B, B, B]
    words = [8, 9, 20, 300, 250, 200]
    join_container_articles(labels, words, [ARTICLE] * 6)
    assert labels == [H, B, B, B, B, B]  # the first headline stands for the whole


def test_articles_outside_the_container_stay_articles_of_their_own() -> None:
    labels = [H, B, B, H, B, H, B]
    words = [8, 200, 150, 7, 20, 9, 30]
    ancestors = [ARTICLE, ARTICLE, ARTICLE, SIDEBAR, SIDEBAR, ARTICLE, ARTICLE]
    join_container_articles(labels, words, ancestors)
    # the sidebar card stays, and the article after it is not reached
    assert labels == [H, B, B, H, B, H, B]


def test_a_page_without_markup_or_with_one_article_is_unchanged() -> None:
    labels = [H, B, H, B]
    join_container_articles(labels, [5, 50, 5, 60], [()] * 4)  # raw text: no ancestors
    assert labels == [H, B, H, B]
    one = [J, H, B, B]
    join_container_articles(one, [3, 5, 50, 60], [ARTICLE] * 4)
    assert one == [J, H, B, B]


def test_the_decode_step_is_named_and_runs_for_html_pages_only() -> None:
    para = "The council met on Monday and spoke at length about the costs of the harbour plans."
    html = (
        "<html><body><main><article><h1>Harbour plans approved</h1>"
        f"<p>{para}</p><p>{para}</p><h2>What it will cost</h2><p>{para}</p><p>{para}</p>"
        "</article></main><aside><p>Other news</p></aside></body></html>"
    )
    page = render_blocks(html)
    units = split_units(page.text)
    classes = list(Label)
    proba = np.full((len(units), len(classes)), 0.01)
    for i, u in enumerate(units):  # the classifier calls both headings headlines, surely
        text = page.text[u.start : u.end]
        label = H if text.startswith(("Harbour", "What")) else J if text == "Other news" else B
        proba[i, classes.index(label)] = 0.96
    why: list[str | None] = []
    labels, _ = decode_labels(page.text, units, proba, classes, markup=unit_markup(page, units), why=why)
    sub = next(i for i, u in enumerate(units) if page.text[u.start : u.end] == "What it will cost")
    assert labels[sub] == B and why[sub] == "container-articles"
    assert [lbl for lbl in labels if lbl == H] == [H]
    # the same page as raw text: no markup, two articles
    labels, _ = decode_labels(page.text, units, proba, classes)
    assert labels[sub] == H


_LABELS = st.sampled_from([H, BY, B, J])


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(_LABELS, st.integers(0, 80), st.sampled_from([(), (1,), ARTICLE, SIDEBAR, (1, 2, 4)])),
        min_size=0,
        max_size=30,
    )
)
def test_joining_only_turns_headlines_into_body_and_is_settled_at_once(
    rows: list[tuple[str, int, tuple[int, ...]]],
) -> None:
    labels = [r[0] for r in rows]
    words = [r[1] for r in rows]
    ancestors = [r[2] for r in rows]
    joined = list(labels)
    join_container_articles(joined, words, ancestors)
    for before, after in zip(labels, joined, strict=True):
        assert before == after or (before == H and after == B)
    assert len(article_spans(joined)) <= len(article_spans(labels))
    again = list(joined)
    join_container_articles(again, words, ancestors)
    assert again == joined


def test_comment_threads_after_an_article_are_junk() -> None:
    labels = [H, B, B, B, B, B]
    words = [8, 120, 100, 15, 20, 12]
    drop_comment_threads(labels, words, [False, False, False, True, True, True])
    assert labels == [H, B, B, J, J, J]


def test_a_page_that_is_mostly_comments_keeps_them() -> None:
    # a forum thread, or an article inside markup that names comments
    labels = [H, B, B, B]
    words = [8, 20, 100, 100]
    drop_comment_threads(labels, words, [False, False, True, True])
    assert labels == [H, B, B, B]


def test_a_declared_article_loses_a_long_comment_thread() -> None:
    """Issue 14: on a page that declares itself an article, a comment thread longer than
    the article is junk too; a forum thread (not declared an article) keeps its replies."""
    labels = [H, B, B, B, B]
    words = [8, 200, 150, 150, 150]
    comments = [False, False, True, True, True]
    drop_comment_threads(labels, words, comments, article=True)
    assert labels == [H, B, J, J, J]
    forum = [H, B, B, B, B]
    drop_comment_threads(forum, words, comments)
    assert forum == [H, B, B, B, B]
    short = [H, B, B, B]  # a short first post: no article of its own
    drop_comment_threads(short, [8, 60, 150, 150], [False, False, True, True], article=True)
    assert short == [H, B, B, B]


def test_comment_markup_read_from_the_page_but_not_in_code() -> None:
    para = "The council met on Monday and spoke at length about the costs of the harbour plans."
    html = (
        f"<html><body><article><h1>Harbour plans</h1><p>{para}</p>"
        "<pre><span class='hljs-comment'># a comment in code</span> x = 1</pre></article>"
        f"<section id='comments'><ol class='comment-list'><li><p>{para}</p></li></ol></section></body></html>"
    )
    page = render_blocks(html)
    units = split_units(page.text)
    markup = unit_markup(page, units)
    texts = [page.text[u.start : u.end] for u in units]
    assert [t for t, c in zip(texts, markup.in_comments, strict=True) if c] == [para]
    assert all(len(chain) > 0 for chain in markup.ancestors)


def _markup(ancestors: list[tuple[int, ...]], zones: list[bool], links: list[float]) -> UnitMarkup:
    return UnitMarkup(ancestors, [False] * len(ancestors), False, zones, links)


def test_a_page_without_body_gives_its_main_content() -> None:
    """Issue 14: a product page or a listing that the classifier calls all junk gives the
    text of its main content element (wcxb-dev/0847: a ranking of products)."""
    MAIN, NAV = (1, 2), (1, 3)
    labels = [J, J, H, J, J, BY, J, J]
    words = [3, 4, 6, 20, 15, 4, 12, 5]
    ancestors = [NAV, NAV, MAIN, MAIN, MAIN, MAIN, MAIN, (1,)]
    zones = [True, True, False, False, False, False, False, False]
    links = [1.0, 1.0, 0.0, 0.1, 0.0, 0.0, 0.5, 1.0]
    main_content(labels, words, _markup(ancestors, zones, links))
    assert labels == [J, J, H, B, B, B, B, J]  # the headline stays; navigation stays junk
    # a page with body is left as the classifier and the other steps made it
    kept = [J, H, B, J]
    main_content(kept, [3, 6, 40, 20], _markup([NAV, MAIN, MAIN, MAIN], [True, False, False, False], [1, 0, 0, 0]))
    assert kept == [J, H, B, J]
    # a link post: the title is all the content, and its text
    post = [J, H, J]
    main_content(post, [4, 39, 3], _markup([NAV, MAIN, (1,)], [True, False, False], [0.0, 0.0, 1.0]))
    assert post == [J, B, J]
    # under a user's retrained model its labels stand (a site taught to hold no article)
    taught = [J, H, J]
    main_content(
        taught, [4, 39, 3], UnitMarkup([NAV, MAIN, (1,)], [False] * 3, False, [True, False, False], [0.0] * 3, False)
    )
    assert taught == [J, H, J]
    # raw text has no markup: nothing to go by
    raw = [J, J]
    main_content(raw, [10, 10], UnitMarkup([(), ()], [False, False]))
    assert raw == [J, J]


def test_the_main_content_step_runs_on_html_pages_without_body() -> None:
    items = "".join(f"<li><p>Product number {k} with a long enough name</p></li>" for k in range(6))
    html = (
        "<html><body><nav><a href='/'>Home</a> <a href='/shop'>Shop</a></nav>"
        f"<main><h1>Our best sellers</h1><ul>{items}</ul></main><footer><p>Copyright 2026</p></footer></body></html>"
    )
    page = render_blocks(html)
    units = split_units(page.text)
    classes = list(Label)
    proba = np.full((len(units), len(classes)), 0.01)
    proba[:, classes.index(J)] = 0.96  # the classifier sees no article at all
    why: list[str | None] = []
    labels, _ = decode_labels(page.text, units, proba, classes, markup=unit_markup(page, units), why=why)
    texts = [page.text[u.start : u.end] for u in units]
    body = [t for t, lbl in zip(texts, labels, strict=True) if lbl == B]
    # the list holds most of the words outside navigation: it is the main content
    assert body == [f"Product number {k} with a long enough name" for k in range(6)]
    assert all(w == "main-content" for w, lbl in zip(why, labels, strict=True) if lbl == B)
    # the same page as raw text: no markup, no article
    labels, _ = decode_labels(page.text, units, proba, classes)
    assert B not in labels


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(_LABELS, st.integers(0, 80), st.sampled_from([(), (1,), ARTICLE, SIDEBAR]), st.booleans()),
        min_size=0,
        max_size=30,
    )
)
def test_main_content_only_turns_labels_into_body_and_only_without_body(
    rows: list[tuple[str, int, tuple[int, ...], bool]],
) -> None:
    labels = [r[0] for r in rows]
    words = [r[1] for r in rows]
    markup = _markup([r[2] for r in rows], [r[3] for r in rows], [0.0] * len(rows))
    out = list(labels)
    main_content(out, words, markup)
    if B in labels:
        assert out == labels
    for before, after, zone in zip(labels, out, markup.in_zones, strict=True):
        assert before == after or (after == B and not zone)
    again = list(out)
    main_content(again, words, markup)
    assert again == out
