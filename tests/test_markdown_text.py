"""Markdown input (cleaner/markdown_text.py): the syntax blanked, offsets kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner import CleanerConfig
from cleaner.markdown_text import looks_like_markdown, markdown_title, markdown_view

PAGE = """[Skip to content](#main)

* [Home](https://example.org/)
* [World](https://example.org/world)
* [Sport](https://example.org/sport)

# Storm hits the coast

By **Jane Doe** | June 9, 2025

![A photo of the harbour](https://cdn.example.org/a.jpg)

The storm reached the [coast](https://example.org/coast_(map)) on Monday night, and people in the harbour \
town stayed inside while the wind blew over the roofs until the early morning hours.

Fishermen had pulled their boats onto the beach on Sunday, and the council opened the school hall for \
families whose houses stood too close to the water.
"""


@pytest.mark.parametrize(
    ("markdown", "view"),
    [
        ("## Storm **hits** [coast](https://x.org/c)", "   Storm   hits    coast                  "),
        ("* [Home](/) and 1. first", "   Home     and 1. first"),  # a marker only at a line's start
        ("1. first\n2) second", "   first\n   second"),
        ("![a cat](https://x.org/cat.jpg) Text", " " * 32 + "Text"),
        ("[![logo](/l.png)](/) Home", " " * 21 + "Home"),
        ("snake_case and 2 * 3 * 4", "snake_case and 2 * 3 * 4"),  # no emphasis
        ("_June 9, 2025_ and __bold__", " June 9, 2025  and   bold  "),
        ("> quoted\n>> twice", "  quoted\n   twice"),
        ("| a | b |\n|---|---|\n| c | d |", "  a   b  \n         \n  c   d  "),
        ("[1]: https://x.org/ref\nText", "                      \nText"),
        ("Escaped \\* star and `code`", "Escaped  * star and  code "),
        ("Title\n=====", "Title\n     "),
        ("[Wiki](https://en.wikipedia.org/wiki/Coast_(geography)) end", " Wiki" + " " * 51 + "end"),
    ],
)
def test_markdown_view(markdown: str, view: str) -> None:
    assert markdown_view(markdown) == view


@given(st.lists(st.sampled_from([*"ab #*_[]()!>|`-=\\:.\n1h/", "a" * 30, "word " * 9]), max_size=80).map("".join))
@settings(max_examples=300, deadline=None)
def test_the_view_keeps_length_and_words_in_place(text: str) -> None:
    view = markdown_view(text)
    assert len(view) == len(text)
    assert all((v == t) or v == " " for v, t in zip(view, text, strict=True))  # only blanks added
    # a line break stays, or becomes a space inside a wrapped paragraph; none is added
    assert {i for i, c in enumerate(view) if c == "\n"} <= {i for i, c in enumerate(text) if c == "\n"}


def test_markdown_is_told_from_page_text() -> None:
    assert looks_like_markdown(PAGE)
    seed = Path(__file__).resolve().parent.parent.parent / "shared" / "seed"
    plain = [
        "Storm hits coast\nBy Jane Doe\nThe storm reached the coast. See [1] and (2).",
        "#ai #python\nHome | News | Sport\nRead more [here] (link)",
        "# 1\n# 2\nNumbered lines of a text file.",  # two headings alone, but no other sign
    ]
    plain += [p.read_text(encoding="utf-8") for p in seed.glob("*.txt")] if seed.is_dir() else []
    assert not any(looks_like_markdown(t) for t in plain)


def test_clean_reads_markdown_without_its_syntax() -> None:
    r = cleaner.clean(PAGE)
    main = r.main
    assert main is not None
    assert main.headline == "Storm hits the coast"
    assert main.authors == ["Jane Doe"]
    assert main.published == "2025-06-09"
    assert main.body[0].startswith("The storm reached the coast on Monday night,")
    assert not any("](" in p or "https" in p for p in main.body)
    # segments are cut from the text as given: offsets and text agree with it
    for s in r.segments:
        assert PAGE[s.start : s.end] == s.text
    assert {s.text for s in r.segments if s.label == "junk"} >= {"Home", "World", "Sport"}


def test_markdown_reading_can_be_switched_off() -> None:
    r = cleaner.Cleaner(config=CleanerConfig(markdown=False)).clean(PAGE)
    body = " ".join(p for a in r.articles for p in a.body)
    assert "[coast](https://example.org/coast_(map))" in body  # the text as given
    with pytest.raises(cleaner.ConfigError):
        CleanerConfig(markdown="yes")  # type: ignore[arg-type]


def test_cli_reads_markdown_unless_told_not_to(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cleaner.cli import main

    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    assert main(["clean", str(page)]) == 0
    out = capsys.readouterr().out
    assert "The storm reached the coast on Monday night" in out and "](" not in out
    assert main(["clean", "--no-markdown", str(page)]) == 0
    assert "[coast](https://example.org/coast_(map))" in capsys.readouterr().out


def test_a_wrapped_paragraph_is_one_line_of_the_view() -> None:
    prose = (
        "The storm reached the coast on Monday night, and people in the\n"
        "harbour town stayed inside while the wind blew over the roofs until\n"
        "the early morning hours.\n\n"
    )
    text = "# Storm\n\n* [Home](/)\n* [News](/news)\n* [Sport](/sport)\n\n" + prose * 3
    view = markdown_view(text)
    assert "in the harbour town" in view and "roofs until the early" in view  # joined
    assert "\n   News" in view  # list items stay lines of their own
    # a text whose paragraphs are long lines is not wrapped: its line breaks stay
    unwrapped = text.replace("the\nharbour", "the harbour").replace("until\nthe", "until the") * 2
    assert markdown_view(unwrapped).count("\n") == unwrapped.count("\n")


def test_batch_reads_markdown_files(tmp_path: Path) -> None:
    from cleaner.batch import BatchOptions, run_batch

    root = tmp_path / "in"
    root.mkdir()
    (root / "page.md").write_text(PAGE, encoding="utf-8")
    (root / "notes.pdf").write_bytes(b"%PDF")  # not an input
    report = run_batch(root, tmp_path / "out", options=BatchOptions(jobs=1, format="text"))
    assert report.articles >= 1
    out = (tmp_path / "out" / "page.md.txt").read_text(encoding="utf-8")
    assert "The storm reached the coast on Monday night" in out and "](" not in out


def test_what_is_no_markdown_link() -> None:
    code = "handlers[name](event);\nitems[i](x)\n" * 4
    assert not looks_like_markdown(code)
    assert markdown_view("handlers[name](event)") == "handlers[name](event)"  # no target's shape
    assert not looks_like_markdown("![](/a.png)\n![](/b.png)\n![](/c.png)\n# One\n")  # an image is one sign
    assert markdown_view("[^1]: Source: the council") == "[^1]: Source: the council"  # a footnote's text


@pytest.mark.parametrize(
    ("markdown", "view"),
    [
        ("a\r\n***\r\nb", "a\r\n   \r\nb"),  # Windows line ends
        ("Title\r\n-----", "Title\r\n     "),
        ("## Title ##\r\n", "   Title   \r\n"),
    ],
)
def test_windows_line_ends(markdown: str, view: str) -> None:
    assert markdown_view(markdown) == view


def test_tables_and_code_are_never_joined() -> None:
    prose = "The storm reached the coast on Monday night, and people in the\nharbour town stayed inside.\n\n"
    table = (
        "Team | Played | Points\n---|---|---\nCoastal Rovers first team | 12 | 30\n"
        "Harbour United reserves team | 12 | 28\n\n"
    )
    fence = "```\nfor page in pages: clean(page) and keep the result for later\nprint(result)\n```\n"
    view = markdown_view("# Storm\n\n" + "* [A](/a)\n" * 6 + prose * 6 + table + fence)
    assert "in the harbour town" in view  # prose joined
    assert "first team   12   30\n" in view  # rows apart
    assert "for later\nprint(result)" in view  # code apart


def test_segments_of_markdown_are_the_segments_clean_gives() -> None:
    c = cleaner.Cleaner()
    units, proba = c.predict_units(PAGE)
    assert [(s.start, s.end, s.label, s.text) for s in c.segments(PAGE, units, proba)] == [
        (s.start, s.end, s.label, s.text) for s in c.clean(PAGE).segments
    ]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("* [Home](/)\n# Storm hits the [coast](/c)\n## More\nText", "Storm hits the coast"),
        ("* [Home](/)\nStorm hits the coast\n====================\nText", "Storm hits the coast"),  # markdownify
        ("# Storm\n# Rain\nText", None),  # several: none of them
        ("## Storm\nText", None),
    ],
)
def test_markdown_title(text: str, title: str | None) -> None:
    assert markdown_title(text, markdown_view(text)) == title


def test_the_texts_own_title_guides_cleaning_unless_the_caller_gives_one() -> None:
    page = "* [Home](/)\n* [World](/world)\n* [Sport](/sport)\n* [Arts](/arts)\n* [Money](/money)\n\n"
    page += "# Storm hits the coast\n\n" + PAGE.split("# Storm hits the coast\n", 1)[1]
    assert cleaner.clean(page).main.headline == "Storm hits the coast"  # type: ignore[union-attr]
    given = cleaner.clean(page, meta=cleaner.PageMeta(title="The caller's own title"))
    assert given.main is not None and given.main.headline == "The caller's own title"


def test_jina_readers_header_says_title_url_and_date() -> None:
    header = (
        "Title: Storm hits the coast | Daily News\n\nURL Source: https://example.org/storm\n\n"
        "Published Time: 2025-06-09T08:00:00Z\n\nMarkdown Content:\n"
    )
    # no "# Title" and no date of its own
    page = header + PAGE.replace("# Storm hits the coast\n", "").replace(" | June 9, 2025", "")
    assert looks_like_markdown(page)
    view = markdown_view(page)
    assert view[: len(header)].strip() == ""  # the header is no text of the page
    r = cleaner.clean(page)
    main = r.main
    assert main is not None and main.headline is not None
    assert main.headline.startswith("Storm hits the coast")
    assert main.published == "2025-06-09T08:00:00+00:00"  # the header's
    assert all(page[s.start : s.end] == s.text for s in r.segments)
