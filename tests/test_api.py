"""The library API with the shipped model: errors, invariants, the seed page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner import Cleaner, CleanerConfig, InputTooLargeError, InputTypeError
from cleaner.evaluate import body_word_f1
from cleaner.lexicon import strip_invisible

SEED_DIR = Path(__file__).parent.parent / "corpus" / "seed"
SEED_TEXT = (SEED_DIR / "daily8-kyodo-trade-talks.txt").read_text(encoding="utf-8")
SEED_EXPECTED = json.loads((SEED_DIR / "daily8-kyodo-trade-talks.expected.json").read_text(encoding="utf-8"))
BANNED = (
    "Try Our AI Features",
    "Explore what Daily8 AI can do for you:",
    "Comments",
    "No comments yet...",
    "Related Articles",
    "Related coverage:",
)


def test_bytes_raise_with_decoding_advice() -> None:
    with pytest.raises(InputTypeError, match=r"decode"):
        cleaner.clean(b"hello")  # type: ignore[arg-type]


def test_non_text_raises() -> None:
    with pytest.raises(InputTypeError, match="int"):
        cleaner.clean(42)  # type: ignore[arg-type]


def test_too_large_raises() -> None:
    with pytest.raises(InputTooLargeError, match="max_chars"):
        cleaner.clean("x" * 101, config=CleanerConfig(max_chars=100))


def test_empty_and_blank_pages() -> None:
    for text in ("", "   \n\n\t"):
        result = cleaner.clean(text)
        assert result.articles == [] and result.segments == []


def _check_invariants(text: str, result: cleaner.CleanResult) -> None:
    pos = 0
    for seg in result.segments:
        assert pos <= seg.start < seg.end <= len(text)
        assert text[seg.start : seg.end] == seg.text
        assert 0.0 <= seg.confidence <= 1.0
        pos = seg.end
    visible = strip_invisible(text)  # articles' text is read as shown: soft hyphens and the like dropped
    for article in result.articles:
        for piece in [article.headline or "", *article.bylines, *article.body, *article.related]:
            assert piece in text or piece in visible  # output is taken from the input, never invented


@pytest.mark.slow
@settings(derandomize=True, max_examples=60, deadline=None)
@given(st.text(max_size=400) | st.lists(st.text(min_size=1, max_size=80), max_size=30).map("\n".join))
def test_never_crashes_and_never_invents(text: str) -> None:
    _check_invariants(text, cleaner.clean(text))


def test_clean_many_matches_clean() -> None:
    c = Cleaner()
    pages = [SEED_TEXT, "", "Short title\nA body sentence that is long enough to be a paragraph of text."]
    assert c.clean_many(pages, batch_size=2) == [c.clean(p) for p in pages]


def test_seed_page_targets() -> None:
    """Issue 3's seed-page targets: four articles, bodies, related titles, no widget junk."""
    result = cleaner.clean(SEED_TEXT)
    _check_invariants(SEED_TEXT, result)
    expected = SEED_EXPECTED["articles"]
    assert [a.headline for a in result.articles] == [e["headline"] for e in expected]
    for got, want in zip(result.articles, expected, strict=True):
        assert body_word_f1(" ".join(got.body), " ".join(want["body"])) >= 0.98, got.headline
        joined = " ".join(got.related)
        for title in want["related"]:
            assert title in joined, (got.headline, title)
        for piece in [got.headline or "", *got.bylines, *got.body]:
            for banned in BANNED:
                assert banned not in piece, (banned, piece)


def test_seed_page_bylines() -> None:
    result = cleaner.clean(SEED_TEXT)
    first = result.articles[0]
    assert first.bylines == ["KYODO NEWS - 17 hours ago - 09:29 | World, All"]
    assert first.source == "KYODO NEWS"
    assert first.published_raw == "17 hours ago"


def test_main_is_the_article_with_most_body_words() -> None:
    from cleaner.document import Article, CleanResult

    def art(headline: str, body: list[str]) -> Article:
        return Article(headline, [], [], None, None, None, body, [])

    short, long_ = art("Teaser", ["One two three."]), art("Story", ["One two three four.", "Five six."])
    assert CleanResult([short, long_], []).main is long_
    assert CleanResult([long_, art("Twin", ["a b c d", "e f"])], []).main is long_  # the first of equals
    assert CleanResult([], []).main is None


@pytest.mark.parametrize(
    "options",
    [
        {"max_chars": -1},
        {"max_chars": "10"},
        {"max_chars": True},
        {"max_chars": 1.5},
        {"html_mode": "fancy"},
        {"split_titles": 2},
        {"split_titles": "yes"},
        {"reference_time": "2025-06-09"},
    ],
)
def test_bad_config_raises_config_error(options: dict[str, object]) -> None:
    with pytest.raises(cleaner.ConfigError) as info:
        cleaner.CleanerConfig(**options)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError) and isinstance(info.value, cleaner.CleanerError)
    assert next(iter(options)) in str(info.value)


def test_clean_many_of_one_string_and_meta_of_the_wrong_type_are_refused() -> None:
    c = cleaner.Cleaner()
    with pytest.raises(cleaner.InputTypeError, match="clean one page with clean"):
        c.clean_many("one page of text")
    with pytest.raises(cleaner.InputTypeError, match="PageMeta"):
        c.clean("Some text here.", meta={"title": "Some"})  # type: ignore[arg-type]


def test_config_takes_numpy_numbers_and_stores_python_ones() -> None:
    import numpy as np

    c = cleaner.CleanerConfig(max_chars=np.int64(100), split_titles=np.True_, keep_headline_only=1)
    assert (c.max_chars, c.split_titles, c.keep_headline_only) == (100, True, True)
    assert type(c.max_chars) is int and type(c.split_titles) is bool and type(c.keep_headline_only) is bool


def test_invisible_marks_in_raw_text_leave_the_article_text_and_keep_offsets() -> None:
    # issue 14, item 3: in raw text the marks stay in the segments (offsets point into the
    # user's text), but the article's text, and the words the model reads, lose them
    plain = (
        "Council passes budget\nBy Jane Doe | June 9, 2025\n"
        "The council approved the budget on Monday after a long debate about the schools "
        "and the roads of the city, and the mayor said it was a good day for everyone.\n"
        "Während der Sitzung sprachen viele Bürger über die Straßen der Stadt und ihre Zukunft."
    )
    marked = plain.replace("Während", "Wäh\u00adrend").replace("budget on", "bud\u00adget\u200b on")
    result = cleaner.clean(marked)
    for seg in result.segments:
        assert marked[seg.start : seg.end] == seg.text
    body = " ".join(result.articles[0].body)
    assert "\u00ad" not in body and "\u200b" not in body
    assert "Während" in body and "budget on" in body
    assert [s.label for s in result.segments] == [s.label for s in cleaner.clean(plain).segments]


def test_lines_of_nothing_but_invisible_marks_in_raw_text() -> None:
    # a line holding only a zero-width space or a byte-order mark is a unit of the raw
    # text; read without its marks it is empty, which crashed featurize (IndexError)
    body = (
        "The council approved the budget on Monday after a long debate about the schools "
        "and the roads of the city, and the mayor said it was a good day for everyone."
    )
    text = f"Council passes budget\n\u200b\n{body}\n\u200b\u00ad\n{body}\n\ufeff"
    result = cleaner.clean(text)
    for seg in result.segments:
        assert text[seg.start : seg.end] == seg.text
    assert result.main is not None
    assert all(line.strip() for line in result.main.body)
    assert body in result.main.body
    assert result.main.headline is None or result.main.headline.strip()
