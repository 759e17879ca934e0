"""The lexicon (cleaner/lexicon.py): credits, months and word counts in many languages,
and the stages that read it agreeing with it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.bylines import parse_bylines
from cleaner.lexicon import MONTHS, count_words, credit_prefix, is_cjk, not_name_word


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
    ],
)
def test_the_byline_parser_stops_names_at_the_lexicons_words(byline: str, authors: list[str]) -> None:
    assert parse_bylines([byline]).authors == authors
