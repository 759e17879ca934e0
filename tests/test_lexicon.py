"""The lexicon (cleaner/lexicon.py): credits, months and word counts in many languages,
and the stages that read it agreeing with it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.bylines import parse_bylines
from cleaner.lexicon import (
    BYLINE_OPENERS,
    CREDIT_CUES,
    CREDIT_PREFIXES,
    DATE_CUES,
    EDITOR_CREDITS,
    FEATURE_MONTHS,
    FORUM_CREDITS,
    MONTHS,
    SEGMENT_BYLINE_CUES,
    count_words,
    credit_alternation,
    credit_prefix,
    is_cjk,
    not_name_word,
    tidy_name,
)


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("By Jane Doe", "Jane Doe"),  # en
        ("Reported by Jane Doe", "Jane Doe"),
        ("Additional reporting by Jane Doe", "Jane Doe"),
        ("Written by: Jane Doe", "Jane Doe"),
        ("Von Max Mustermann", "Max Mustermann"),  # de
        ("Autorin: Erika Mustermann", "Erika Mustermann"),
        ("Autorin/Autor Roman Goncharenko", "Roman Goncharenko"),
        ("Text: Erika Mustermann", "Erika Mustermann"),
        ("Par Jean Dupont", "Jean Dupont"),  # fr
        ("Propos recueillis par Jean Dupont", "Jean Dupont"),
        ("Por Juan Pérez", "Juan Pérez"),  # es
        ("Escrito por Juan Pérez", "Juan Pérez"),
        ("di Mario Rossi", "Mario Rossi"),  # it
        ("A cura di Mario Rossi", "Mario Rossi"),
        ("Door Jan Jansen", "Jan Jansen"),  # nl
        ("作者：张三", "张三"),  # zh
        ("文/李四", "李四"),
        ("記者：山田太郎", "山田太郎"),  # ja
    ],
)
def test_credit_prefixes(line: str, name: str) -> None:
    at = credit_prefix(line)
    assert at is not None and line[at:] == name


@pytest.mark.parametrize(
    "line",
    ["Bystander says it was loud", "Text messages show", "Di Wang", "Paris is lovely", "Porto wins", "Vonage"],
)
def test_not_credits(line: str) -> None:
    assert credit_prefix(line) is None


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("Autorin: Jane Doe", ["Jane Doe"]),
        ("di Mario Rossi", ["Mario Rossi"]),
        ("Reported by Jane Doe", ["Jane Doe"]),
        ("Par Jean Dupont et Marie Curie", ["Jean Dupont", "Marie Curie"]),
        ("Por Juan Pérez y Ana López", ["Juan Pérez", "Ana López"]),
        ("Von Max Mustermann und Erika Mustermann | 3. Mai 2025", ["Max Mustermann", "Erika Mustermann"]),
    ],
)
def test_the_byline_parser_reads_the_lexicons_credits(byline: str, authors: list[str]) -> None:
    assert parse_bylines([byline]).authors == authors


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("June 9, 2025", "2025-06-09"),  # en
        ("9. Juni 2025", "2025-06-09"),  # de
        ("9 juin 2025", "2025-06-09"),  # fr
        ("9 junio 2025", "2025-06-09"),  # es
        ("9 giugno 2025", "2025-06-09"),  # it
        ("9 junho 2025", "2025-06-09"),  # pt
        ("9 juni 2025", "2025-06-09"),  # nl
    ],
)
def test_months_in_many_languages(line: str, iso: str) -> None:
    assert parse_bylines([line]).published == iso


def test_month_table() -> None:
    assert MONTHS["märz"] == MONTHS["mars"] == MONTHS["marzo"] == 3
    assert all(1 <= v <= 12 for v in MONTHS.values())


@pytest.mark.parametrize(
    ("text", "words"),
    [("The cat sat on the mat.", 6), ("東京で会議が開かれた", 10), ("Tokyo 東京 2025", 4), ("", 0), ("  ", 0)],
)
def test_count_words(text: str, words: int) -> None:
    assert count_words(text) == words


@settings(derandomize=True, max_examples=200)
@given(st.text())
def test_count_words_is_at_least_the_spaced_words(text: str) -> None:
    assert count_words(text) >= len(text.split())
    assert count_words(text) <= len(text.replace(" ", ""))
    assert count_words(text) == sum(is_cjk(c) for c in text) + len(
        "".join(" " if is_cjk(c) else c for c in text).split()
    )


def test_strip_invisible() -> None:
    from cleaner.lexicon import strip_invisible

    assert strip_invisible("Wäh\u00adrend\u200b der\u2060 Zeit\ufeff") == "Während der Zeit"
    # joiners that spell words (Persian, Indic scripts) and emoji sequences stay
    assert strip_invisible("می\u200cخواهم") == "می\u200cخواهم"
    assert strip_invisible("plain") == "plain"


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("January 14, 2026 20 Mins Read", "January 14, 2026"),  # English, month first
        ("14. Januar 2026 um 10:00", "14. Januar 2026"),  # German
        ("3 mars 2025", "3 mars 2025"),  # French
        ("12 de marzo", None),  # Spanish puts "de" between: not a date start here
        ("Dec 18 2025 by Jane", "Dec 18 2025"),
        ("2025-12-20", "2025-12-20"),
        ("20/12/2025 — Roma", "20/12/2025"),
        ("May the best win", None),  # a month name without a day
        ("2025 was a year", None),
    ],
)
def test_date_start(text: str, date: str | None) -> None:
    from cleaner.lexicon import DATE_START

    m = DATE_START.match(text)
    assert (m.group(0) if m else None) == date


@pytest.mark.parametrize(
    ("text", "found"),
    [("4 min read", "4 min read"), ("2–3 minutes", "2–3 minutes"), ("20 Mins Read", "20 Mins Read"), ("Minutes", None)],
)
def test_read_time(text: str, found: str | None) -> None:
    from cleaner.lexicon import READ_TIME

    m = READ_TIME.match(text)
    assert (m.group(0) if m else None) == found


@pytest.mark.parametrize(
    "word",
    [
        "Korrespondent",  # de, a role
        "rédactrice",  # fr
        "corresponsal",  # es
        "inviato",  # it
        "Staff",  # a desk
        "Twitter",  # a button
        "Teilen",  # de
        "Publié",  # fr: "published"
        "compartir",  # es
        "condividi",  # it
        "Donnerstag",  # de, a day
        "vendredi",  # fr
        "Editor,",  # marks around a word are ignored
        "Category",  # a menu's word
        "Blog",
        "Nachrichten",  # de: "Aktuelle Nachrichten" was read as an author
        "Lesen",  # de: "Lesen Hören", a player's buttons
    ],
)
def test_words_that_are_never_a_name(word: str) -> None:
    assert not_name_word(word)


@pytest.mark.parametrize("word", ["Jane", "Müller", "García", "Rossi", "Dupont", "Stand", "Green", "Friend"])
def test_names_are_not_name_words(word: str) -> None:
    assert not not_name_word(word)


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("Bertrand Bissuel Publié le 1 septembre 2023", ["Bertrand Bissuel"]),  # fr
        ("By Jane Doe Monday, March 3, 2025", ["Jane Doe"]),  # en
        ("Mario Rossi Inviato a Roma", ["Mario Rossi"]),  # it
        ("SMS Facebook Twitter Email", []),
        ("Teilen Twittern Senden", []),  # de
        ("APA Donnerstag", []),  # de
        ("Compartir Imprimir Comentarios", []),  # es
        ("Aktuelle Nachrichten", []),  # de: a section's header over the byline
        ("By Jenny Smith from Trafilatura", ["Jenny Smith"]),  # the outlet after "from"
        ("By Jenny Smith ❤️ | May 3", ["Jenny Smith"]),  # a profile's pictograph
    ],
)
def test_the_byline_parser_stops_names_at_the_lexicons_words(byline: str, authors: list[str]) -> None:
    assert parse_bylines([byline]).authors == authors


def test_every_stages_credits_are_the_lexicons() -> None:
    """The credits each stage looks for in its own context (CREDIT_CUES, the
    segmenter's SEGMENT_BYLINE_CUES) are credits the lexicon knows: no stage keeps a
    credit of its own that the others disagree with."""
    known = {c for cs in CREDIT_PREFIXES.values() for c in cs} | set(FORUM_CREDITS) | set(EDITOR_CREDITS)
    for place, cues in CREDIT_CUES.items():
        assert set(cues) <= known, (place, set(cues) - known)
    assert {c.lower() for c in SEGMENT_BYLINE_CUES} <= known
    assert {m for ms in FEATURE_MONTHS.values() for m in ms} <= set(MONTHS)
    assert {opener.strip() for opener in BYLINE_OPENERS} - known - set(DATE_CUES) == {"vor", "am", "on", "um"}


def test_credit_alternation_cases() -> None:
    pattern = credit_alternation(("written by",), cases=("lower", "capital", "title", "upper"))
    for form in ("written by", "Written by", "Written By", "WRITTEN BY"):
        assert re.fullmatch(pattern, form)
    assert not re.fullmatch(pattern, "wRITTEN bY")
    assert not re.fullmatch(credit_alternation(("written by",), cases=("capital",)), "written by")
    # the longest first: "Autorin" is not read as "Autor" followed by "in"
    assert re.match(credit_alternation(("autor", "autorin"), cases=("capital",)), "Autorin").group(0) == "Autorin"
    with pytest.raises(ValueError, match="unknown case"):
        credit_alternation(("by",), cases=("sentence",))


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("ByKathy Owen", ["Kathy Owen"]),  # glued: rendering dropped the space
        ("VonErika Mustermann", ["Erika Mustermann"]),
        ("May 21, 2025 by Jane Doe", ["Jane Doe"]),  # after a date
        ("12/19 — 2025 von Max Mustermann", ["Max Mustermann"]),
        ("12/19 — 2025 POR Juan Pérez", ["Juan Pérez"]),
    ],
)
def test_the_byline_parser_reads_the_cue_tables(line: str, authors: list[str]) -> None:
    assert parse_bylines([line]).authors == authors


def test_stages_read_the_cue_tables() -> None:
    """Each stage's credit pattern is written from the lexicon's tables."""
    from cleaner.bylines import credited_author
    from cleaner.pipeline.assemble import _trim_title
    from cleaner.pipeline.byline_rules import prefixed_author

    assert prefixed_author("Interview by Jane Doe December 3, 2025")
    assert prefixed_author("Thread starter jdoe42")
    assert not prefixed_author("Bystander Jane Doe")
    assert credited_author("Politik 12:30 Uhr AUTORIN: Jane Doe | Kommentare", 0, 48) == "Jane Doe"
    assert credited_author("Datum 28.04.2023 Autorin/Autor Jane Doe | Themen", 0, 48) == "Jane Doe"
    # a date after the name, its month in the lexicon's languages
    line = "Politik Von: Max Mustermann März 2025 | Kommentare"
    assert credited_author(line, 0, len(line)) == "Max Mustermann"
    assert _trim_title("How the Bridge Was Built Story By Jane Doe") == "How the Bridge Was Built"


def test_a_credited_news_agency_is_the_author() -> None:
    """Issues 13 and 14: a credit naming only a news agency of the lexicon gives the
    agency as the author, in German and English alike; another lone word does not."""
    from cleaner.bylines import parse_bylines
    from cleaner.lexicon import NEWS_AGENCIES

    for agency in ("dpa", "AFP", "Reuters", "Kyodo"):
        assert agency.lower() in NEWS_AGENCIES
        assert parse_bylines([f"Von {agency}"]).authors == [agency]
        assert parse_bylines([f"By {agency} | May 3, 2025"]).authors == [agency]
    assert parse_bylines(["By Newsroom"]).authors == []


@pytest.mark.parametrize(
    ("name", "tidy"),
    [
        ("Jenny Smith ❤️", "Jenny Smith"),
        ("✍ Jenny  Smith", "Jenny Smith"),
        ("Jenny 📝 Smith", "Jenny Smith"),
        ("Anna Ūdre", "Anna Ūdre"),
        ("小暮ひさのり", "小暮ひさのり"),
        ("Jenny_Smith", "Jenny_Smith"),  # a user name stays as it is written
        ("ശ്\u200dരീ അരുണ്\u200d", "ശ്\u200dരീ അരുണ്\u200d"),  # a joiner that spells Malayalam stays
        ("Jenny Smith 👩\u200d💻", "Jenny Smith"),  # one that joins pictographs goes with them
    ],
)
def test_tidy_name(name: str, tidy: str) -> None:
    assert tidy_name(name) == tidy


@pytest.mark.parametrize(
    ("title", "unspaced"),
    [
        ("東京で会議", True),  # Japanese
        ("习近平主席致贺信", True),  # Chinese
        ("ประเทศไทย", True),  # Thai
        ("ປະເທດລາວ", True),  # Lao
        ("မြန်မာ", True),  # Burmese
        ("ព័ត៌មាន", True),  # Khmer
        ("대한민국 정부", False),  # Korean is written with spaces
        ("Storm hits coast", False),
    ],
)
def test_scripts_written_without_spaces(title: str, unspaced: bool) -> None:
    # one definition, which page_meta (a declared title of one "word") and enrich
    # (titles that share no word) both read
    from cleaner import page_meta
    from cleaner.lexicon import UNSPACED
    from cleaner.pipeline import enrich

    assert (UNSPACED.search(title) is not None) is unspaced
    assert page_meta.UNSPACED is UNSPACED and enrich.UNSPACED is UNSPACED
