"""Text written a text node a line (cleaner/fragment_text.py): cut paragraphs joined, offsets kept."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner import CleanerConfig
from cleaner.fragment_text import fragment_view, looks_like_fragments

# BeautifulSoup(html).get_text("\n") of an article: links and bold words cut each
# paragraph where they start and end, the spaces around them kept
PARAGRAPH = (
    "The storm reached the coast on Monday night, and people in the harbour town stayed inside "
    "while the wind blew over the roofs until the early morning hours. Fishermen had pulled "
    "their boats onto the \nbeach\n on Sunday, and the \ncouncil\n opened the school hall for "
    "families whose houses stood too close to the water, as the \nforecast\n had warned.\n \n"
)
PAGE = (
    "\n\nHome\nWorld\nSport\n \n \nStorm hits the coast\n \nBy \nJane Doe\n \nJune 9, 2025\n \n"
    + PARAGRAPH * 4
    + "\nShare\nTweet\n\u00a9 2025 Daily News\n"
)


def test_a_page_of_text_nodes_is_read_with_its_paragraphs_whole() -> None:
    assert looks_like_fragments(PAGE)
    view = fragment_view(PAGE)
    assert len(view) == len(PAGE)
    assert "onto the  beach  on Sunday, and the  council  opened" in view
    assert "\nHome\nWorld\nSport\n" in view  # a menu's lines stay lines
    r = cleaner.clean(PAGE)
    main = r.main
    assert main is not None
    assert main.headline == "Storm hits the coast"
    assert main.authors == ["Jane Doe"]
    assert len(main.body) == 4 and all(p.startswith("The storm reached the coast") for p in main.body)
    assert all("on Sunday, and the council opened" in " ".join(p.split()) for p in main.body)
    for s in r.segments:
        assert PAGE[s.start : s.end] == s.text  # the text as given


def test_a_phrase_after_a_link_joins_the_line_before() -> None:
    text = "Listen to the \nPioneering Today Podcast\n, where we garden.\nRead our \npolicy\n.\n"
    assert fragment_view(text) == "Listen to the  Pioneering Today Podcast , where we garden.\nRead our  policy .\n"


def test_what_is_not_cut_by_its_markup() -> None:
    plain = "Storm hits coast\nBy Jane Doe\n" + " ".join(PARAGRAPH.split()) + "\n"
    assert not looks_like_fragments(plain * 3)  # a browser's rendering: no line ends in a space
    # inscriptis pads a table's columns and writes an empty list item as its bullet
    table = "".join(f"  Cookie {i}        1 year      Stores a setting.                    \n" for i in range(20))
    bullets = "".join("      * \n" for _ in range(20)) + "      * News\n"
    assert not looks_like_fragments(table + bullets)
    assert fragment_view(table + bullets) == table + bullets
    # lines that all end in a space (an editor's, a PDF's) but never start with one
    spaced = "".join(line + " \n" for line in plain.split("\n")) * 3
    assert not looks_like_fragments(spaced)
    # a paragraph ending in a no-break space ("&nbsp;") ends there
    assert fragment_view("First paragraph.\u00a0\nSecond paragraph.") == "First paragraph.\u00a0\nSecond paragraph."
    seed = Path(__file__).resolve().parent.parent / "corpus" / "seed"
    assert not any(looks_like_fragments(p.read_text(encoding="utf-8")) for p in seed.glob("*.txt"))


def test_fragments_can_be_read_as_they_are() -> None:
    r = cleaner.Cleaner(config=CleanerConfig(fragments=False)).clean(PAGE)
    assert r.main is not None
    assert not any("on Sunday, and the council opened" in " ".join(p.split()) for p in r.main.body)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab ,.\n\t\u00a0*")), max_size=300))
def test_the_view_keeps_length_and_changes_only_line_breaks(text: str) -> None:
    view = fragment_view(text)
    assert len(view) == len(text)
    for a, b in zip(text, view, strict=True):
        assert a == b or (a == "\n" and b == " ")
