"""Output formats (cleaner/output.py): authors and date in text and Markdown whatever
their source, and the main article marked in JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner import Article, CleanResult
from cleaner.cli import main
from cleaner.output import articles_to_markdown, articles_to_text, render, result_to_json

SEED = Path(__file__).parent.parent / "corpus" / "seed" / "daily8-kyodo-trade-talks.txt"


def _article(**fields: object) -> Article:
    base: dict[str, object] = {
        "headline": "Storm hits the coast",
        "bylines": [],
        "authors": [],
        "published": None,
        "published_raw": None,
        "source": None,
        "body": ["A strong storm hit the coast on Monday."],
        "related": [],
    }
    base.update(fields)
    return Article(**base)  # type: ignore[arg-type]


# authors and date declared by the page only (no byline shows them), as clean_html gives them
DECLARED = _article(authors=["Jane Doe", "John_Smith"], published="2025-06-09T08:00:00+00:00")


def test_text_shows_authors_and_date_that_no_byline_shows() -> None:
    assert articles_to_text([DECLARED]) == (
        "Storm hits the coast\n"
        "Authors: Jane Doe, John_Smith\n"
        "Published: 2025-06-09T08:00:00+00:00\n"
        "\n"
        "A strong storm hit the coast on Monday.\n"
    )


def test_markdown_shows_authors_and_date_escaped() -> None:
    assert articles_to_markdown([DECLARED]) == (
        "# Storm hits the coast\n"
        "\n"
        "**Authors:** Jane Doe, John\\_Smith  \n"
        "**Published:** 2025-06-09T08:00:00+00:00\n"
        "\n"
        "A strong storm hit the coast on Monday.\n"
    )


def test_authors_and_date_from_bylines_follow_the_bylines() -> None:
    byline = "By Jane Doe | June 9, 2025"
    a = _article(bylines=[byline], authors=["Jane Doe"], published="2025-06-09", published_raw="June 9, 2025")
    assert articles_to_text([a]).splitlines()[:4] == [
        "Storm hits the coast",
        byline,
        "Authors: Jane Doe",
        "Published: 2025-06-09",
    ]
    assert articles_to_markdown([a]).splitlines()[:5] == [
        "# Storm hits the coast",
        "",
        "*By Jane Doe | June 9, 2025*  ",
        "**Authors:** Jane Doe  ",
        "**Published:** 2025-06-09",
    ]


def test_no_authors_or_date_lines_without_them() -> None:
    a = _article(bylines=["KYODO NEWS - 17 hours ago"], published_raw="17 hours ago", source="KYODO NEWS")
    text = articles_to_text([a])
    md = articles_to_markdown([a])
    assert "Authors:" not in text and "Published:" not in text
    assert "Authors:" not in md and "Published:" not in md


def test_json_marks_the_main_article_by_its_index() -> None:
    short = _article(headline="Short", body=["Two words."])
    long = _article(headline="Long", body=["Many more words stand in this one paragraph of the article."])
    result = CleanResult(articles=[short, long], segments=[])
    data = json.loads(result_to_json(result))
    assert data["main"] == 1 == result.main_index
    assert data["articles"] == [short.to_dict(), long.to_dict()]  # the older keys, unchanged
    assert json.loads(render(result.with_main_only(), "json"))["main"] == 0
    assert json.loads(result_to_json(CleanResult(articles=[], segments=[]))) == {"articles": [], "main": None}


def test_cli_json_main_on_the_seed_page(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(SEED), "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    words = [sum(len(p.split()) for p in a["body"]) for a in data["articles"]]
    assert len(words) == 4 and data["main"] == words.index(max(words))


def test_cli_text_shows_the_authors_and_date_an_html_page_declares(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "".join(
        f"<p>{s} Officials said crews would work through the night to restore power.</p>"
        for s in (
            "A strong storm hit the coast on Monday, cutting power to thousands of homes and businesses.",
            "Winds of more than 100 kilometres an hour brought down trees and power lines across the region.",
            "Schools in three towns were closed, and the ferry service to the islands was suspended.",
        )
    )
    page = tmp_path / "p.html"
    page.write_text(
        "<html><head><title>Storm hits the coast | Coast News</title>"
        '<meta name="author" content="Jane Doe">'
        '<meta property="article:published_time" content="2025-06-09T08:00:00Z"></head>'
        f"<body><article><h1>Storm hits the coast</h1>{body}</article></body></html>",
        encoding="utf-8",
    )
    assert main(["clean", str(page)]) == 0
    text = capsys.readouterr().out
    assert "Authors: Jane Doe\n" in text and "Published: 2025-06-09T08:00:00+00:00\n" in text
    assert main(["clean", str(page), "-f", "markdown"]) == 0
    md = capsys.readouterr().out
    assert "**Authors:** Jane Doe  \n" in md and "**Published:** 2025-06-09T08:00:00+00:00\n" in md
