"""Hostile pages: shapes that once crashed, hung or silently shortened a page (issue 15).

Shapes whose cost grew faster than their size are run in a fresh interpreter with a
time limit far above what the linear code needs (it takes well under a second; the
old code took minutes): these tests detect hangs, they are no speed targets, which
``benchmarks/pathological.py`` measures.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

import cleaner
from cleaner import Cleaner, CleanerConfig, CleanerError, InputTooLargeError, errors
from cleaner.html_text import HTMLInputError, html_to_text
from cleaner.page_meta import page_meta_from_tree as page_meta
from cleaner.page_meta import read_html

ROOT = Path(__file__).resolve().parent.parent
# far above the linear code's time (under a second each), far below the old code's
_HANG_SECONDS = 30.0


def _finishes(code: str, seconds: float = _HANG_SECONDS) -> str:
    """Run ``code`` in a fresh interpreter; fail if it runs longer than ``seconds``."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=seconds,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {seconds:g} s: {code.strip()[:200]}")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _check_taken_from(text: str, result: cleaner.CleanResult) -> None:
    for seg in result.segments:
        assert text[seg.start : seg.end] == seg.text
    for article in result.articles:
        for piece in [article.headline or "", *article.bylines, *article.body, *article.related]:
            assert piece in text


# --------------------------------------------------------------------------- crashes


def test_nul_in_text_is_cleaned_and_does_not_take_down_a_batch() -> None:
    result = cleaner.clean("a\x00b")
    _check_taken_from("a\x00b", result)
    page = "Storm hits the coast\nBy Jane Doe\n" + "The storm\x00 cut power to homes across the region today. " * 5
    results = Cleaner().clean_many([page, "An ordinary page of text.", "\x00" * 10])
    assert len(results) == 3
    _check_taken_from(page, results[0])
    assert [s.text for s in results[0].segments] == [s.text for s in cleaner.clean(page).segments]


def test_deeply_nested_json_ld_is_skipped_not_fatal() -> None:
    html = (
        '<html><head><script type="application/ld+json">' + "[" * 2000 + "</script>"
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Storm hits the coast"}</script>'
        "</head><body><h1>Storm hits the coast</h1><p>The storm cut power to homes across the region.</p>"
        "</body></html>"
    )
    meta = page_meta(cleaner.html_text.parse_html(html))
    assert meta.title == "Storm hits the coast"  # the other script is still read
    text, _ = read_html(html)
    assert "cut power" in text
    assert cleaner.clean_html(html).segments


def test_json_ld_nested_objects_deeper_than_the_recursion_limit() -> None:
    deep = '{"a":' * 100_000 + "1" + "}" * 100_000
    html = f'<script type="application/ld+json">{deep}</script><p>Body text of the page.</p>'
    assert page_meta(cleaner.html_text.parse_html(html)).title is None


# --------------------------------------------------------------------------- silent loss


def test_html_nested_past_the_parser_limit_keeps_the_rest_of_the_page() -> None:
    html = "<html><body><nav>Home News Sport</nav>" + "<font>" * 2100 + "<p>The article body is here.</p></body></html>"
    assert "The article body is here." in html_to_text(html)


def test_html_nested_past_the_parser_limit_in_mixed_tags_raises_a_typed_error() -> None:
    html = "<html><body><nav>Home</nav>" + "<div><span>" * 1100 + "<p>The article body is here.</p></body></html>"
    try:
        text = html_to_text(html)
    except HTMLInputError as exc:
        assert "2,048" in str(exc) or "deep" in str(exc)
    else:
        assert "The article body is here." in text  # never the page without its end


# --------------------------------------------------------------------------- super-linear shapes


@pytest.mark.parametrize("mark", [".", "?", "!", "…"])
def test_a_long_run_of_sentence_marks_is_segmented_in_linear_time(mark: str) -> None:
    out = _finishes(
        f"""
        from cleaner.pipeline.segment import split_units
        text = {mark!r} * 300_000 + " then some words" * 10
        units = split_units(text)
        assert all(text[u.start:u.end].strip() for u in units)
        print(len(units))
        """
    )
    assert int(out) >= 1


@pytest.mark.slow  # over 1.5 s: the fast tier stays under a minute in CI
def test_many_titles_times_many_list_lines_is_segmented_in_linear_time() -> None:
    _finishes(
        """
        from cleaner.pipeline.segment import split_units
        n = 12_000
        titles = "\\n".join(f"Title number {i} of the page" for i in range(n))
        lines = "\\n".join(
            f"Related: one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen {i}"
            for i in range(n)
        )
        split_units(titles + "\\n" + lines)
        """
    )


def test_one_tag_with_very_many_attributes_parses_in_linear_time() -> None:
    _finishes(
        """
        from cleaner.html_text import html_to_text
        html = "<div " + " ".join(f"a{i}=x" for i in range(200_000)) + ">Hello there</div><p>More text</p>"
        assert html_to_text(html) == "Hello there\\nMore text", html_to_text(html)
        """
    )


def test_an_xml_declaration_with_many_spaces_parses_in_linear_time() -> None:
    _finishes(
        """
        from cleaner.html_text import html_to_text
        html_to_text("<?xml" + " " * 200_000 + "<p>hi</p>")
        html_to_text("<?xml" + " " * 200_000)
        """
    )


def test_a_title_found_in_a_list_line_is_still_cut_out() -> None:
    """The linear title cuts cut where the old ones did (see test_segment's cases too)."""
    from cleaner.pipeline.segment import split_units

    text = (
        "Storm hits the coast tonight\nFarmers count the cost of the flood\nRelated coverage:\n"
        "Storm hits the coast tonight Farmers count the cost of the flood and other titles of the week"
        " run together here"
    )
    pieces = [text[u.start : u.end] for u in split_units(text)]
    assert "Farmers count the cost of the flood" in pieces
    assert "Storm hits the coast tonight" in pieces[3:]


# --------------------------------------------------------------------------- memory


def test_more_units_than_max_units_raise_early() -> None:
    with pytest.raises(InputTooLargeError, match="max_units"):
        cleaner.clean("a\n" * 11, config=CleanerConfig(max_units=10))
    assert len(cleaner.clean("a\n" * 10, config=CleanerConfig(max_units=10)).segments) >= 1
    assert cleaner.clean("a\n" * 11, config=CleanerConfig(max_units=None)).segments


def test_the_default_unit_limit_stops_a_page_of_two_million_lines() -> None:
    with pytest.raises(InputTooLargeError, match="max_units"):
        cleaner.clean("a\n" * 2_000_000)


def test_html_larger_than_max_chars_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    import cleaner.html_text

    def no_parse(html: object) -> None:
        raise AssertionError("parsed before the size check")

    monkeypatch.setattr(cleaner.html_text, "parse_html", no_parse)
    config = CleanerConfig(max_chars=1000)
    with pytest.raises(InputTooLargeError, match="max_chars"):
        cleaner.clean_html("<p>" + "x" * 1000 + "</p>", config=config)
    with pytest.raises(InputTooLargeError, match="max_chars"):
        cleaner.clean_html(b"<p>" + b"x" * 1000 + b"</p>", config=config)


# --------------------------------------------------------------------------- time budget


def test_page_timeout_is_validated() -> None:
    assert CleanerConfig(page_timeout=2).page_timeout == 2.0
    assert CleanerConfig().page_timeout is None
    for bad in (0, -1, "5", float("nan"), True):
        with pytest.raises(cleaner.ConfigError, match="page_timeout"):
            CleanerConfig(page_timeout=bad)  # type: ignore[arg-type]


def test_a_page_over_its_budget_raises_a_typed_error() -> None:
    config = CleanerConfig(page_timeout=1e-9)
    page = "Storm hits the coast\nBy Jane Doe\n" + "The storm cut power to homes across the region today. " * 50
    with pytest.raises(errors.PageTimeoutError, match="page_timeout") as info:
        cleaner.clean(page, config=config)
    assert isinstance(info.value, CleanerError)
    with pytest.raises(errors.PageTimeoutError):
        cleaner.clean_html(f"<p>{page}</p>", config=config)
    with pytest.raises(errors.PageTimeoutError):
        Cleaner(config=config).clean_many([page, page])
    assert cleaner.clean(page, config=CleanerConfig(page_timeout=60)).articles  # a generous budget


def test_the_budget_works_in_threads() -> None:
    page = "Storm hits the coast\nBy Jane Doe\n" + "The storm cut power to homes across the region today. " * 50
    tight = Cleaner(config=CleanerConfig(page_timeout=1e-9))
    loose = Cleaner(config=CleanerConfig(page_timeout=60))
    failed: list[BaseException] = []
    results: list[cleaner.CleanResult] = []

    def run(c: Cleaner) -> None:
        try:
            results.append(c.clean(page))
        except BaseException as exc:
            failed.append(exc)

    threads = [threading.Thread(target=run, args=(c,)) for c in (tight, loose, tight, loose)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and len(failed) == 2
    assert all(isinstance(e, errors.PageTimeoutError) for e in failed)


@pytest.mark.slow
def test_the_budget_works_in_a_worker_process() -> None:
    out = _finishes(
        """
        from concurrent.futures import ProcessPoolExecutor
        import cleaner
        from cleaner import errors

        def work(timeout):
            try:
                cleaner.clean("Title here\\n" + "Some body text of the page. " * 40,
                              config=cleaner.CleanerConfig(page_timeout=timeout))
            except errors.PageTimeoutError:
                return "timeout"
            return "done"

        with ProcessPoolExecutor(1) as pool:
            print(pool.submit(work, 1e-9).result(), pool.submit(work, 60.0).result())
        """,
        seconds=120,
    )
    assert out.split() == ["timeout", "done"]


def test_a_slow_page_in_clean_many_fails_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The budget is per page: the time spent on one page does not count against another."""
    import cleaner.budget

    now = [0.0]
    monkeypatch.setattr(cleaner.budget, "_clock", lambda: now[0])
    import cleaner.pipeline.segment

    split = cleaner.pipeline.segment.split_units

    def slow_split(text: str, **kwargs: object) -> list[cleaner.pipeline.segment.Unit]:
        if "SLOW" in text:
            now[0] += 10.0
        now[0] += 0.5
        return split(text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cleaner.api, "split_units", slow_split)
    c = Cleaner(config=CleanerConfig(page_timeout=5))
    pages = ["Fast page one.\nSome text here.", "SLOW page\nMore text.", "Fast page two.\nText."]
    with pytest.raises(errors.PageTimeoutError):
        c.clean_many(pages)
    assert len(c.clean_many([pages[0], pages[2]] * 20)) == 40  # 20 s in all, 0.5 s a page


def test_stage_two_in_blocks_gives_the_same_probabilities() -> None:
    """A long page's stage-2 rows go to the trees in blocks (faster in cache): the
    probabilities are those of scikit-learn's predict_proba on all rows at once."""
    import numpy as np

    from cleaner.model import load_model
    from cleaner.model.estimator import stack_matrix
    from cleaner.model.fast_path import stage2_proba
    from cleaner.model.trees import BLOCK_ROWS as STAGE2_BLOCK_ROWS
    from cleaner.pipeline.featurize import featurize
    from cleaner.pipeline.segment import split_units

    est = load_model().estimator
    text = (ROOT / "corpus" / "seed" / "daily8-kyodo-trade-talks.txt").read_text(encoding="utf-8")
    feats = [featurize(text, split_units(text))]
    S = stack_matrix(est._stage1_proba(est.stage1_, feats), feats)
    S = np.tile(S, (2 * STAGE2_BLOCK_ROWS // S.shape[0] + 2, 1))
    assert S.shape[0] > 2 * STAGE2_BLOCK_ROWS
    np.testing.assert_array_equal(stage2_proba(est.stage2_, S), est.stage2_.predict_proba(S))
