"""Output that a Markdown viewer or a terminal cannot be taken over by (issue 15)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cleaner.cli import main
from cleaner.document import Article, CleanResult, Segment
from cleaner.output import articles_to_markdown, articles_to_text, explain, render

_HOSTILE = [
    "Click <script>alert('x')</script> here",
    'A picture <img src=x onerror="alert(1)"> of the storm',
    "See [the report](javascript:alert(document.cookie)) and ![x](javascript:alert(2))",
    "[ref]: javascript:alert(3)",
    "Entities &lt;script&gt; stay text, AT&T stays AT&T",
    "A <https://example.com> autolink and a <b>bold</b> tag",
]


def _article(texts: list[str]) -> Article:
    return Article(
        headline=texts[0],
        bylines=[texts[1]],
        authors=[],
        published=None,
        published_raw=None,
        source=None,
        body=texts[2:],
        related=[texts[0]],
        start=0,
        end=1,
    )


def test_markdown_escapes_html_and_link_syntax() -> None:
    md = articles_to_markdown([_article(_HOSTILE)])
    assert "<" not in md.replace("&lt;", "")  # no tag, comment or autolink survives
    assert not re.search(r"(?<!\\)\[", md)  # no link or image can open
    assert "&amp;lt;script&amp;gt;" in md  # entities in the text stay text
    assert "AT&T" in md  # a lone ampersand needs no escape


def test_markdown_renders_back_to_the_text() -> None:
    """What a viewer shows is the page's text: escapes only undo themselves."""
    md = articles_to_markdown([_article(_HOSTILE)])
    shown = re.sub(r"\\(.)", r"\1", md).replace("&lt;", "<").replace("&amp;", "&")
    for text in _HOSTILE[2:]:
        assert text in shown


_ANSI = "Storm \x1b[2J\x1b[31mhits\x1b[0m the \x1b]0;owned\x07coast\x9b1m now\x00\x7f\r\x08"


def test_text_and_explain_strip_terminal_controls() -> None:
    texts = [_ANSI, "By Jane \x1b[1mDoe", _ANSI, "Body\ttext with a tab"]
    for out in (articles_to_text([_article(texts)]), articles_to_markdown([_article(texts)])):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", out), repr(out)
        assert "Storm hits the coast now" in out
        assert "\t" in out
    result = CleanResult(articles=[], segments=[Segment(0, len(_ANSI), "junk", 0.5, _ANSI)])
    shown = explain(result)
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", shown), repr(shown)
    assert "Storm hits the coast now" in shown


def test_json_escapes_terminal_controls_and_keeps_the_text() -> None:
    article = _article([_ANSI, "b", "c"])
    out = render(CleanResult(articles=[article], segments=[]), "json")
    assert not re.search(r"[\x00-\x1f\x7f-\x9f]", out.replace("\n", ""))
    assert json.loads(out)["articles"][0]["headline"] == _ANSI


def test_cli_explain_and_text_are_safe_on_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "p.txt"
    page.write_text(
        "Storm \x1b[31mhits\x1b[0m the coast\nBy Jane Doe\n"
        + "The storm \x1b]0;owned\x07cut power to homes across the region on Monday night. " * 6,
        encoding="utf-8",
    )
    for args in ([], ["--explain"], ["-f", "markdown"]):
        assert main(["clean", str(page), *args]) == 0
        out = capsys.readouterr().out
        assert out and "\x1b" not in out and "\x07" not in out, args
