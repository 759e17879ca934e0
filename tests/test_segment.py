"""The segmenter: units cover the page in order, and cuts land where labels change."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.pipeline.segment import split_units

SEED = Path(__file__).parent.parent / "corpus" / "seed" / "daily8-kyodo-trade-talks.txt"


def _texts(text: str) -> list[str]:
    return [text[u.start : u.end] for u in split_units(text)]


@settings(derandomize=True, max_examples=300)
@given(st.text(alphabet=st.sampled_from("ab .:|,-\n\tAB19?!\"'"), max_size=300) | st.text(max_size=200))
def test_units_cover_text_in_order(text: str) -> None:
    units = split_units(text)
    pos = 0
    for u in units:
        assert pos <= u.start < u.end <= len(text)
        piece = text[u.start : u.end]
        assert piece == piece.strip() and piece
        assert "\n" not in piece
        # nothing but white space is skipped between units
        assert not text[pos : u.start].strip()
        pos = u.end
    assert not text[pos:].strip()


def test_lines_and_flags() -> None:
    text = "One line\n\n  Two words and some more words here for the test. Three here and more words too\n"
    units = split_units(text)
    assert [(u.line, u.first, u.last) for u in units] == [(0, True, True), (1, True, False), (1, False, True)]
    short = split_units("Business Brief: Nvidia's into nation building. We cool with that?")
    assert len(short) == 1  # short lines are never cut: titles keep their colons and full stops


def test_byline_prefix_cut_from_body() -> None:
    line = "KYODO NEWS - 9 minutes ago - 14:37 | All, World, Japan Prime Minister Shigeru Ishiba said Thursday."
    texts = _texts(line)
    assert "Prime Minister Shigeru Ishiba said Thursday." in texts
    assert texts[0].startswith("KYODO NEWS")


def test_related_header_cut_from_body() -> None:
    line = (
        "Tariffs rose by 24 percent on goods from China and the EU. "
        "Related coverage: Bessent says pause could be extended"
    )
    assert _texts(line) == [
        "Tariffs rose by 24 percent on goods from China and the EU.",
        "Related coverage:",
        "Bessent says pause could be extended",
    ]


def test_abbreviations_do_not_end_sentences() -> None:
    text = "Mr. Smith met U.S. officials in the capital on Monday afternoon. They talked about trade and tariffs."
    assert _texts(text) == [
        "Mr. Smith met U.S. officials in the capital on Monday afternoon.",
        "They talked about trade and tariffs.",
    ]


def test_run_together_titles_split_on_page_evidence() -> None:
    title = "Japan's top negotiator eyes U.S. trip this week"
    page = f"{title}\nRelated coverage:\nFirst story title here about the tariff talks {title}"
    units = split_units(page)
    texts = [page[u.start : u.end] for u in units]
    assert texts[-2:] == ["First story title here about the tariff talks", title]
    assert units[-1].separate
    assert _texts(page) == [t for t in texts]
    no_split = split_units(page, split_titles=False)
    assert page[no_split[-1].start : no_split[-1].end] == f"First story title here about the tariff talks {title}"


def test_seed_page_units() -> None:
    text = SEED.read_text(encoding="utf-8")
    texts = _texts(text)
    assert "Related coverage:" in texts
    assert "KYODO NEWS - 17 hours ago - 09:29 | World, All" in texts
    assert any(t.startswith("Japan said Thursday it has strongly urged China") for t in texts)


def test_title_cut_from_the_byline_run_onto_it() -> None:
    line = (
        "Best Online Certificate Programs By Alison Plaut Updated on October 21, 2025 "
        "Edited by Cassie Muniz Online certificate programs help people change careers."
    )
    texts = _texts(line)
    assert texts[0] == "Best Online Certificate Programs"
    assert "By Alison Plaut" in texts
    assert not any(t == "Edited" for t in texts)  # "Edited by" stays one cue


def test_phrase_said_twice_in_a_line_is_cut_out() -> None:
    line = (
        "Start / Ausland / EU und Indien besiegeln grösstes Freihandelsabkommen ihrer Geschichte "
        "EU und Indien besiegeln grösstes Freihandelsabkommen ihrer Geschichte am Dienstag in Neu-Delhi"
    )
    texts = _texts(line)
    title = "EU und Indien besiegeln grösstes Freihandelsabkommen ihrer Geschichte"
    assert texts[:3] == ["Start / Ausland /", title, title]


def test_lower_case_repeats_in_prose_are_not_cut() -> None:
    line = (
        "one of the most important things is that one of the most useful tools we have "
        "is patience, and we keep on going."
    )
    assert _texts(line) == [line]


def test_title_said_on_two_lines_is_cut_out_whole() -> None:
    # a collapsed page: the title runs after the breadcrumb on one line and before the
    # byline on another; the header-colon cut would have split it at "sinister:"
    title = "Anti-terror op turns sinister: Pakistani netizens being walled off as army raises spectre"
    text = (
        f"News World News Pakistan News {title}\n"
        f"{title} Aashish Saxena / TIMESOFINDIA.COM / Sep 2, 2024, 17:07 IST Share Follow us\n"
    )
    texts = [text[u.start : u.end] for u in split_units(text)]
    assert texts[:3] == ["News World News Pakistan News", title, title]
    assert texts[3].startswith("Aashish Saxena")


def test_shared_phrase_joined_by_a_lowercase_word_is_not_cut() -> None:
    # "Top U.S. Rental Car Companies of 2025" is said again in a table of contents, but
    # "What Are the" runs into it: it is part of the title
    title = "What Are the Top U.S. Rental Car Companies of 2025? A Guide for Travellers Who Rent Often"
    text = f"{title} and more words here\nTop U.S. Rental Car Companies of 2025\n"
    first = [text[u.start : u.end] for u in split_units(text) if u.line == 0]
    assert not any(t.startswith("Top U.S.") for t in first)
