"""Evaluation scores on tiny hand-made pages whose answers are computed by hand."""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.document import Article, CleanResult, Segment
from cleaner.evaluate import (
    ArticleScores,
    EvaluationReport,
    GoldArticle,
    LabelScores,
    author_found,
    body_word_f1,
    compare_table,
    evaluate_model,
    evaluate_results,
    gold_article,
    gold_article_count,
    headline_matches,
    iter_eval_pages,
    main_article,
    score_article,
    score_labels,
    word_labels,
)
from cleaner.labels import Label
from cleaner.samples import LabelledPage, page_from_segments

SEED = Path(__file__).resolve().parent.parent / "corpus" / "seed"

# Gold: headline 3 words, byline 3, body 6, junk 3 (15 words).
PAGE = page_from_segments(
    [
        ("headline", "Big news today"),
        ("byline", "By Ann Lee"),
        ("body", "The cat sat on the mat."),
        ("junk", "More stories here"),
    ]
)


def _segments(page: LabelledPage, cuts: list[tuple[int, int, str]]) -> list[Segment]:
    return [Segment(s, e, lbl, 0.9, page.text[s:e]) for s, e, lbl in cuts]


def _line(page: LabelledPage, k: int) -> tuple[int, int]:
    span = page.spans[k]
    return span.start, span.end


def _predicted(page: LabelledPage) -> list[Segment]:
    # headline right, byline called body, body right, junk called related-item
    return _segments(
        page,
        [
            (*_line(page, 0), "headline"),
            (*_line(page, 1), "body"),
            (*_line(page, 2), "body"),
            (*_line(page, 3), "related-item"),
        ],
    )


def test_word_level_scores_by_hand() -> None:
    scores = score_labels([PAGE], [_predicted(PAGE)])
    assert scores.confusion == {
        ("headline", "headline"): 3,
        ("byline", "body"): 3,
        ("body", "body"): 6,
        ("junk", "related-item"): 3,
    }
    # body: 6 right of 9 predicted, all 6 gold found
    p, r, f, n = scores.prf("body")
    assert (p, r, n) == (pytest.approx(2 / 3), 1.0, 6)
    assert f == pytest.approx(0.8)
    assert scores.prf("headline")[:3] == (1.0, 1.0, 1.0)
    assert scores.prf("byline") == (0.0, 0.0, 0.0, 3)
    assert scores.prf("related-item") == (0.0, 0.0, 0.0, 0)
    assert scores.accuracy == pytest.approx(9 / 15)
    # macro F1 over labels with gold words: headline 1, byline 0, body 0.8, junk 0
    assert scores.macro_f1 == pytest.approx(1.8 / 4)


def test_word_level_scores_do_not_depend_on_segment_cuts() -> None:
    whole = score_labels([PAGE], [_predicted(PAGE)])
    # the same labels, with the body cut into three segments and headline+byline differently
    s2, e2 = _line(PAGE, 2)
    cut1, cut2 = s2 + 4, s2 + 12
    pieces = _segments(
        PAGE,
        [
            (*_line(PAGE, 0), "headline"),
            (*_line(PAGE, 1), "body"),
            (s2, cut1, "body"),
            (cut1, cut2, "body"),
            (cut2, e2, "body"),
            (*_line(PAGE, 3), "related-item"),
        ],
    )
    assert score_labels([PAGE], [pieces]).confusion == whole.confusion


def test_words_outside_every_segment_are_junk() -> None:
    assert word_labels("a b c", [], default=Label.JUNK) == ["junk"] * 3


def test_table_lists_labels_and_confusion() -> None:
    table = score_labels([PAGE], [_predicted(PAGE)]).table()
    assert "confusion (rows gold, columns predicted, words)" in table
    assert "macro F1 0.450" in table


# body word-F1

words = st.lists(st.sampled_from(["the", "cat", "sat", "mat", "Dog", "on", "a", "1999"]), max_size=12)


@pytest.mark.slow
@settings(derandomize=True, max_examples=200)
@given(words, words)
def test_body_f1_properties(a: list[str], b: list[str]) -> None:
    x, y = " ".join(a), " ".join(b)
    f = body_word_f1(x, y)
    assert 0.0 <= f <= 1.0
    assert f == pytest.approx(body_word_f1(y, x))  # symmetric
    assert body_word_f1(x, x) == 1.0  # identical texts
    assert body_word_f1(" ".join(reversed(a)).upper(), y) == pytest.approx(f)  # order and case do not count
    if a and not b:
        assert f == 0.0


def test_body_f1_by_hand() -> None:
    # predicted 4 tokens, gold 5, overlap 3: P 3/4, R 3/5, F1 = 2/3
    assert body_word_f1("the cat sat here", "The cat sat on mats") == pytest.approx(2 / 3)
    assert body_word_f1("", "") == 1.0
    assert body_word_f1("", "gold") == 0.0


# article level


@pytest.mark.parametrize(
    ("predicted", "gold", "expected"),
    [
        ("Storm hits coast", "Storm hits coast", True),
        ("Storm hits coast", "Storm Hits Coast!", True),
        ("Storm hits coast", "Storm hits coast | Daily News", True),
        ("Storm hits coast", "Daily News - Storm hits coast", True),
        ("Storm hits coast — Daily News", "Storm hits coast", True),
        ("Daily News", "Storm hits coast wide | Daily News", False),
        ("Storm", "Storm hits coast", False),
        ("Another story", "Storm hits coast", False),
        (None, "Storm hits coast", False),
    ],
)
def test_headline_matches(predicted: str | None, gold: str, expected: bool) -> None:
    assert headline_matches(predicted, gold) is expected


def _article(headline: str | None, body: list[str], bylines: list[str] = (), authors: list[str] = ()) -> Article:  # type: ignore[assignment]
    return Article(headline, list(bylines), list(authors), None, None, None, body, [])


def test_author_found_in_authors_or_bylines() -> None:
    a = _article("T", ["x"], bylines=("By JANE DOE and Bob Roe | May 1",), authors=("Bob Roe",))
    assert author_found("Jane Doe", a)
    assert author_found("bob roe", a)
    assert not author_found("Jane Do", a)  # whole words only
    assert not author_found("Ann Smith", a)


def test_gold_article_from_spans_takes_first_article() -> None:
    page = page_from_segments(
        [
            ("junk", "Menu"),
            ("headline", "First story"),
            ("body", "One two three."),
            ("body", "Four five."),
            ("byline", "2 hours ago"),
            ("headline", "Second story"),
            ("body", "Other text."),
        ]
    )
    gold = gold_article(page)
    assert gold == GoldArticle("First story", "One two three.\n\nFour five.", (), source="spans")


def test_gold_article_from_record_meta() -> None:
    page = LabelledPage("p", "x", (), meta={"gold": {"title": "T", "body": "B", "authors": ["A", ""]}})
    assert gold_article(page) == GoldArticle("T", "B", ("A",))
    assert gold_article(page_from_segments([("junk", "nothing here")])) is None


def test_main_article_prefers_matching_headline_else_most_body() -> None:
    small = _article("Storm hits coast", ["short"])
    big = _article("Other", ["many words in this body text"])
    assert main_article([big, small], GoldArticle("Storm hits coast | News", None)) is small
    assert main_article([small, big], GoldArticle("Unrelated", None)) is big
    assert main_article([], GoldArticle("x", None)) is None


def test_score_article_by_hand() -> None:
    arts = [
        _article("Teaser", ["a b"]),
        _article("Storm hits coast", ["the cat sat here"], bylines=("By Jane Doe",)),
    ]
    gold = GoldArticle("Storm hits coast | News", "The cat sat on mats", ("Jane Doe", "Bob Roe"))
    s = score_article(arts, gold, id="p", page_type="article")
    assert s.headline_correct is True
    assert s.body_f1 == pytest.approx(2 / 3)
    # all bodies: "a b the cat sat here" (6 tokens), overlap 3: P 1/2, R 3/5
    assert s.all_body_f1 == pytest.approx(2 * 0.5 * 0.6 / 1.1)
    assert (s.authors_found, s.authors_total) == (1, 2)
    empty = score_article([], gold)
    assert (empty.headline_correct, empty.body_f1, empty.authors_found) == (False, 0.0, 0)
    no_gold = score_article(arts, GoldArticle(None, None))
    assert (no_gold.headline_correct, no_gold.body_f1) == (None, None)


def test_page_structure_scores_by_hand() -> None:
    gold = GoldArticle("Storm hits coast", "The cat sat on mats", ("Jane Doe",))
    text = "Home\nStorm hits coast\nBy Jane Doe\nThe cat sat on mats"
    arts = [
        _article("Storm hits coast", ["The cat sat on mats"], authors=("Jane Doe", "Circular Motion")),
        _article("Comments", ["x y z w v u t s r q p o n m"]),  # a comment thread made an article
    ]
    s = score_article(arts, gold, page_type="article", text=text, gold_articles=1)
    assert (s.articles, s.gold_articles, s.aggregator) == (2, 1, False)
    assert s.title_in_text is True and s.authors_in_text is True
    assert s.predicted_authors == ("Jane Doe", "Circular Motion") and s.correct_authors == 1
    assert s.body_f1 == 1.0 and s.main_body_f1 == 0.0  # the user's main article is the thread
    hidden = score_article(arts[:1], gold, page_type="article", text="Home\nThe cat sat on mats", gold_articles=1)
    assert (hidden.title_in_text, hidden.authors_in_text, hidden.articles) == (False, False, 1)
    scores = ArticleScores([s, hidden])
    assert scores.single_article_exact == pytest.approx(0.5)
    assert scores.headline_accuracy_in_text == 1.0  # the page without the title does not count
    assert scores.author_recall_in_text == 1.0
    assert scores.author_precision == pytest.approx(2 / 4)  # "Circular Motion" twice
    assert scores.aggregator_count_exact is None
    assert "one article on single-article pages   0.500 (2)" in scores.structure_table()


def test_gold_article_count() -> None:
    single = page_from_segments([("headline", "A title here"), ("body", "Some body text.")])
    single.meta["page_type"] = "article"
    assert gold_article_count(single) == (1, False)
    agg = page_from_segments(
        [("headline", "One"), ("byline", "By A"), ("body", "x."), ("junk", "Menu"), ("headline", "Two"), ("body", "y.")]
    )
    assert gold_article_count(agg) == (2, True)
    listing = page_from_segments([("junk", "Menu"), ("body", "Some text.")])
    assert gold_article_count(listing) == (None, False)


def test_article_scores_average_and_group() -> None:
    gold = GoldArticle("Storm hits coast", "The cat sat on mats", ("Jane Doe",))
    good = score_article([_article("Storm hits coast", ["The cat sat on mats"], authors=("Jane Doe",))], gold,
                         page_type="article")  # fmt: skip
    bad = score_article([_article("Nope", ["x"])], gold, page_type="forum")
    scores = ArticleScores([good, bad])
    assert scores.body_f1 == pytest.approx(0.5)
    assert scores.headline_accuracy == pytest.approx(0.5)
    assert scores.author_recall == pytest.approx(0.5)
    assert set(scores.by_page_type()) == {"article", "forum"}
    assert "forum" in scores.table()


def test_evaluate_results_and_report() -> None:
    result = CleanResult(
        articles=[_article("Big news today", ["The cat sat on the mat."], bylines=("By Ann Lee",))],
        segments=_predicted(PAGE),
    )
    unlabelled = LabelledPage("rec", "Big news", (), meta={"gold": {"title": "Big news", "body": "news"}})
    report = evaluate_results([PAGE, unlabelled], [result, CleanResult([], [])], model="m")
    assert (report.pages, report.labelled_pages) == (2, 1)
    m = report.metrics()
    assert m["f1_body"] == pytest.approx(0.8)
    assert m["f1_related-item"] is None  # no gold words
    assert m["headline_accuracy"] == pytest.approx(0.5)  # page 1 right, record page nothing found
    assert m["body_f1"] == pytest.approx(0.5)  # 1.0 and 0.0
    assert m["author_recall"] is None
    text = report.table()
    assert "word-level label scores" in text and "article-level scores" in text
    d = report.to_dict()
    assert json.loads(json.dumps(d))["confusion"]["labels"] == [
        "headline",
        "byline",
        "body",
        "related-item",
        "junk",
    ]
    side = compare_table([report, report], ["a", "b"])
    assert "change" in side and "+0.000" in side


def test_empty_report_table() -> None:
    report = EvaluationReport(LabelScores(), ArticleScores())
    assert "no labelled pages" in report.table()
    assert report.metrics()["macro_f1"] is None


def test_evaluate_model_on_seed_page() -> None:
    pages = list(iter_eval_pages([SEED]))
    assert len(pages) == 1
    report = evaluate_model(None, pages)
    assert report.model == "default"
    assert report.labelled_pages == 1
    assert set(report.metrics()) >= {"f1_body", "macro_f1", "headline_accuracy", "body_f1"}
    assert 0.0 <= (report.metrics()["body_f1"] or 0.0) <= 1.0


def test_dataset_records_are_rendered_and_scored(tmp_path: Path) -> None:
    record = {
        "id": "ds/1",
        "dataset": "ds",
        "page_type": "article",
        "html": "<html><body><h1>Storm hits coast</h1><p>By Jane Doe</p>"
        "<p>The storm hit the coast on Monday and many people lost power for hours.</p></body></html>",
        "gold": {"title": "Storm hits coast", "authors": ["Jane Doe"], "body": "The storm hit the coast."},
    }
    path = tmp_path / "recs.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")
    pages = list(iter_eval_pages([tmp_path]))
    assert [p.id for p in pages] == ["ds/1"]
    assert "Storm hits coast" in pages[0].text and pages[0].spans == ()
    report = evaluate_model(None, pages)
    assert report.labelled_pages == 0
    assert report.labels.confusion == {}
    assert len(report.articles.pages) == 1
    assert report.articles.pages[0].page_type == "article"


def test_dataset_records_are_cleaned_with_what_their_html_declares(tmp_path: Path) -> None:
    body = "The storm hit the coast on Monday and many people lost power for hours in the town."
    record = {
        "id": "ds/2",
        "page_type": "article",
        "html": '<html><head><meta property="og:title" content="Storm hits coast">'
        '<meta name="author" content="Jane Doe"></head><body><div>Weather Storm hits coast</div>'
        f"<p>{body}</p><p>{body}</p></body></html>",
        "gold": {"title": "Storm hits coast", "authors": ["Jane Doe"], "body": f"{body}\n\n{body}"},
    }
    path = tmp_path / "recs.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (page,) = iter_eval_pages([path])
    assert page.meta["declared"]["title"] == "Storm hits coast"
    score = evaluate_model(None, [page]).articles.pages[0]
    assert score.headline_correct is True
    assert score.authors_found == 1


# ----------------------------------------------------------------------------- gold from labels (issue 19)


def _labelled(*segments: tuple[str, str]) -> LabelledPage:
    return page_from_segments(list(segments), id="p")


def test_gold_body_is_the_body_labels_of_the_article_run() -> None:
    """Subheadings and standfirsts labelled headline do not cut the gold body short."""
    page = _labelled(
        ("junk", "Home | World | Sport"),
        ("headline", "Storm hits the coast"),
        ("headline", "Thousands without power as winds reach 120 km/h"),  # a standfirst
        ("byline", "By Jane Doe"),
        ("body", "The storm reached the coast on Monday night."),
        ("headline", "Schools closed"),  # a subheading
        ("body", "Schools stayed shut on Tuesday."),
        ("junk", "Advertisement"),
        ("body", "Power came back on Wednesday."),
        ("related-item", "Last year's storm, a look back"),
        ("junk", "Privacy policy"),
    )
    gold = gold_article(page)
    assert gold is not None and gold.title == "Storm hits the coast"
    assert gold.body == (
        "The storm reached the coast on Monday night.\n\nSchools stayed shut on Tuesday.\n\n"
        "Power came back on Wednesday."
    )
    assert gold_article_count(page) == (None, False)  # one article: no aggregator
    page.meta["page_type"] = "article"
    assert gold_article_count(page) == (1, False)


def test_a_headline_after_a_byline_or_related_items_starts_a_new_article() -> None:
    cards = _labelled(
        ("headline", "First story"),
        ("byline", "By Jane Doe"),
        ("body", "The first teaser."),
        ("byline", "2 hours ago"),
        ("headline", "Second story"),
        ("body", "The second teaser."),
        ("related-item", "Older story"),
        ("headline", "Third story"),
        ("body", "The third teaser."),
        ("junk", "Read more"),
        ("headline", "Fourth story"),
        ("body", "The fourth teaser."),
    )
    gold = gold_article(cards)
    assert gold is not None and (gold.title, gold.body) == ("First story", "The first teaser.")
    assert gold_article_count(cards) == (4, True)


def test_pages_that_cannot_be_scored_are_counted_and_named() -> None:
    scored = _labelled(("headline", "A title"), ("body", "Some body text."))
    no_article = dataclasses.replace(_labelled(("junk", "Menu"), ("junk", "Footer")), id="menu-only")
    no_body = dataclasses.replace(_labelled(("headline", "Only a title"), ("junk", "Footer")), id="title-only")
    pages = [scored, no_article, no_body]
    report = evaluate_model(None, pages)
    assert report.unscored == {"menu-only": "no headline or body labelled"}
    assert report.without_gold_body == ["title-only"]
    table = report.table()
    assert "not scored at article level: 1 page(s): menu-only (no headline or body labelled)" in table
    assert "left out of body F1 (no gold body): 1 page(s): title-only" in table
    data = report.to_dict()
    assert data["unscored"] == {"menu-only": "no headline or body labelled"}
    assert data["without_gold_body"] == ["title-only"]


def test_authors_read_are_told_from_authors_shown() -> None:
    """A gold name that stands in a byline line counts as found, but only a parsed
    author counts as read (author_parsed_in_text)."""
    a = _article("T", ["x"], bylines=("By JANE DOE and Bob Roe | May 1",), authors=("Bob Roe",))
    gold = GoldArticle("T", "x", ("Jane Doe", "Bob Roe"))
    s = score_article([a], gold, page_type="article", text="T By JANE DOE and Bob Roe | May 1 x")
    assert (s.authors_found, s.authors_parsed, s.authors_total) == (2, 1, 2)
    scores = ArticleScores(pages=[s])
    assert scores.author_recall_in_text == 1.0 and scores.author_parsed_in_text == 0.0
