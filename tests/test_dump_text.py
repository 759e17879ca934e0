"""Text-browser dumps (cleaner/dump_text.py): marks blanked, wrapped lines joined, offsets kept."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner import CleanerConfig
from cleaner.dump_text import dump_view, looks_like_dump

PROSE = (
    "   The storm reached the coast on Monday night, and people in the harbour\n"
    "   town stayed inside while the wind blew over the roofs until the early\n"
    "   morning hours. Fishermen had pulled their boats onto the beach on\n"
    "   Sunday, and the council opened the school hall for families whose\n"
    "   houses stood too close to the water, as the forecast had warned.\n\n"
)
LYNX = (
    "   #[1]alternate [2]Daily News » Feed\n\n"
    "     * [3]Home\n     * [4]World\n     * [5]Sport\n\n"
    "   [6][logo.png]\n\n"
    "Storm hits the coast\n\n"
    "   By [7]Jane Doe - June 9, 2025\n\n"
    + PROSE * 3
    + "References\n\n"
    + "".join(f"   {i}. https://example.org/{i}\n" for i in range(1, 8))
)


def test_a_lynx_dump_is_read_as_a_page() -> None:
    assert looks_like_dump(LYNX)
    view = dump_view(LYNX)
    assert len(view) == len(LYNX)
    assert "[3]" not in view and "logo.png" not in view and "https://" not in view
    assert "in the harbour    town stayed" in view  # a wrapped paragraph is one line
    r = cleaner.clean(LYNX)
    main = r.main
    assert main is not None
    assert main.authors == ["Jane Doe"]
    assert main.body and main.body[0].startswith(
        "The storm reached the coast on Monday night, and people in the harbour town"
    )
    assert not any("[" in p for p in main.body)
    for s in r.segments:
        assert LYNX[s.start : s.end] == s.text  # the text as given


def test_what_is_no_dump() -> None:
    plain = "Storm hits coast\nBy Jane Doe\n" + PROSE.replace("\n   ", " ").replace("\n\n", "\n") * 3
    assert not looks_like_dump(plain)  # no blank lines: a browser's rendering
    wiki = "Storm\n\nThe storm [1] reached the coast [2].[3][4][5]\n\nReferences\n\n1. Smith, J. (2020). Storms.\n"
    assert not looks_like_dump(wiki)  # references that are no URLs
    seed = Path(__file__).resolve().parent.parent / "corpus" / "seed"
    assert not any(looks_like_dump(p.read_text(encoding="utf-8")) for p in seed.glob("*.txt"))


def test_dumps_can_be_read_as_plain_text() -> None:
    r = cleaner.Cleaner(config=CleanerConfig(dumps=False)).clean(LYNX)
    assert any("[7]" in s.text for s in r.segments)


@given(
    st.lists(
        st.sampled_from(["a", " ", "\n", "[1]", "* ", "word " * 15, "References\n", "1. https://x.org\n"]), max_size=60
    ).map("".join)
)
@settings(max_examples=200, deadline=None)
def test_the_view_keeps_length_and_words_in_place(text: str) -> None:
    view = dump_view(text)
    assert len(view) == len(text)
    assert all(v == t or v == " " for v, t in zip(view, text, strict=True))


def test_what_a_dump_never_joins_or_blanks() -> None:
    body = (
        "   The mayor said the wall would hold, and the engineers agreed with the plan\n"
        "   o belgas, ciudadanos británicos y franceses esperaban en la frontera hoy.\n\n"
    )
    heading = "Storm hits the coast as thousands flee\n\n   By Jane Doe, Staff Reporter\n\n"
    text = heading + (PROSE + body) * 3
    view = dump_view(text)
    assert "o belgas" in view  # a word of prose, no bullet
    assert "Storm hits the coast as thousands flee\n" in view  # a heading stays a line
    assert "Staff Reporter\n" in view
    crlf = dump_view(LYNX.replace("\n", "\r\n"))
    assert "harbour\r" not in crlf  # a Windows line end is joined whole


def test_a_bs4_text_is_read_as_a_dump_only_when_wrapped() -> None:
    one_line_paragraphs = ("A paragraph of text that runs on without any wrapping at all. " * 3 + "\n\n") * 12
    assert not looks_like_dump(one_line_paragraphs)
