"""Text of one line (cleaner/flat_text.py): read a sentence a line, offsets kept."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner import CleanerConfig
from cleaner.flat_text import flat_view, looks_like_flat

ARTICLE = (
    "The storm reached the coast on Monday night, and people in the harbour town stayed inside. "
    "The wind blew over the roofs until the early morning hours, the police said. "
    "Fishermen had pulled their boats onto the beach on Sunday. "
    "The council opened the school hall for families whose houses stood too close to the water. "
    "“We were ready,” the mayor said. "
    "Schools will open again on Wednesday, as the forecast has the wind falling by then. "
)
# BeautifulSoup(html).get_text(" ", strip=True) of a news page: its blocks on one line
PAGE = (
    "Home World Sport Business Culture Subscribe Log in "
    + ARTICLE * 3
    + "Share Tweet Email More from Daily News Floods close the bridge Rain returns on Friday "
    "© 2025 Daily News. All rights reserved. Privacy policy Terms of use Contact us"
)


def test_a_page_on_one_line_is_read_a_sentence_a_line() -> None:
    assert looks_like_flat(PAGE)
    view = flat_view(PAGE)
    assert len(view) == len(PAGE)
    assert "on Monday night, and people in the harbour town stayed inside.\nThe wind" in view
    assert "“We were ready,” the mayor said.\nSchools" in view
    r = cleaner.clean(PAGE)
    main = r.main
    assert main is not None
    body = " ".join(main.body)
    assert "Fishermen had pulled their boats onto the beach on Sunday." in body
    assert "Floods close the bridge" not in body and "All rights reserved" not in body
    for s in r.segments:
        assert PAGE[s.start : s.end] == s.text  # the text as given
    # (a menu before the first sentence stays on its line: nothing says where it ends)
    # read as it is, the page is a few long units, its teasers kept with the article
    whole = cleaner.Cleaner(config=CleanerConfig(flat=False)).clean(PAGE)
    assert whole.main is not None and "Floods close the bridge" in " ".join(whole.main.body)


def test_what_is_not_one_line() -> None:
    lines = "Home\nWorld\nStorm hits coast\n" + ARTICLE.replace(". ", ".\n") * 3
    assert not looks_like_flat(lines)
    assert not looks_like_flat(ARTICLE)  # a short text of one line: a paragraph
    assert not looks_like_flat("Storm hits the coast\n" + ARTICLE * 3)  # a headline over a paragraph
    # a line break for each 5,000 characters (the breaks inside a <pre> or a text node)
    assert looks_like_flat((PAGE * 7).replace("Subscribe ", "Subscribe\n", 1))
    assert not looks_like_flat((PAGE * 7).replace("Subscribe ", "Subscribe\n", 2))
    # a lowercase word after a full stop starts no sentence, and an abbreviation or an
    # initial before a capital ends none (as the segmenter reads them)
    view = flat_view("Dr. Jane Doe met e.g. the mayor. 3 more came. U.S. Treasury staff and J. K. Rowling left.")
    assert view == "Dr. Jane Doe met e.g. the mayor.\n3 more came.\nU.S. Treasury staff and J. K. Rowling left."
    assert flat_view("Он пришёл. в дом.  Она ушла.") == "Он пришёл. в дом.\n Она ушла."  # any script's case


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aB3 .!?”\n\t")), max_size=300))
def test_the_view_keeps_length_and_changes_only_white_space(text: str) -> None:
    view = flat_view(text)
    assert len(view) == len(text)
    for a, b in zip(text, view, strict=True):
        assert a == b or (a.isspace() and b == "\n")
