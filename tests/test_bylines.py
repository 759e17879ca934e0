"""Byline parsing: authors, source, dates."""

from __future__ import annotations

from datetime import datetime

import pytest

from cleaner.bylines import is_date_line, parse_bylines


@pytest.mark.parametrize(
    ("lines", "authors", "source", "published", "raw"),
    [
        (["By Jane Doe and Max Roe | June 9, 2025"], ["Jane Doe", "Max Roe"], None, "2025-06-09", "June 9, 2025"),
        (["KYODO NEWS - 17 hours ago - 09:29 | World, All"], [], "KYODO NEWS", None, "17 hours ago"),
        (["Nikkei Asia", "2 hours ago", "- Nikkei Asia"], [], "Nikkei Asia", None, "2 hours ago"),
        (["Jane Doe, Staff Writer"], ["Jane Doe"], None, None, None),
        # rendered text glues "By" to the linked name, and runs the date on after it
        (
            ["ByKathy Owen January 21, 2025January 12, 2026 Updated onJanuary 12, 2026"],
            ["Kathy Owen"],
            None,
            "2025-01-21",
            "January 21, 2025",
        ),
        (
            ["By Genaveve Bradshaw ⋅ Senior Review Analyst ⋅ Updated March 5, 2025"],
            ["Genaveve Bradshaw"],
            None,
            "2025-03-05",
            "March 5, 2025",
        ),
        (["By April Smith 3 min read"], ["April Smith"], None, None, None),
        (["By Mary May Smith 3 min read"], ["Mary May Smith"], None, None, None),
        (["By Jane Doe Updated March 5, 2025"], ["Jane Doe"], None, "2025-03-05", "March 5, 2025"),
        (["Par Jean Dupont le 3 mars 2025"], ["Jean Dupont"], None, "2025-03-03", "3 mars 2025"),
        (["By Marine Le Pen"], ["Marine Le Pen"], None, None, None),
        # an honorific is not one of a name's four words
        (
            ["Written by Dr Marna van der Merwe, Dr Dieter Veldsman, Erik van Vulpen"],
            ["Dr Marna van der Merwe", "Dr Dieter Veldsman", "Erik van Vulpen"],
            None,
            None,
            None,
        ),
        (["ByteDance Staff"], [], "ByteDance Staff", None, None),
        (
            ["Von Birgit Baumann, Anna Giulia Fink und Jan Michael Marchart", "3. Mai 2024, 15:47"],
            ["Birgit Baumann", "Anna Giulia Fink", "Jan Michael Marchart"],
            None,
            "2024-05-03",
            "3. Mai 2024",
        ),
        (["Published 2023-11-02T10:15:00Z"], [], None, "2023-11-02", "2023-11-02T10:15"),
        (["12 March 2021"], [], None, "2021-03-12", "12 March 2021"),
        ([], [], None, None, None),
    ],
)
def test_parse_bylines(
    lines: list[str], authors: list[str], source: str | None, published: str | None, raw: str | None
) -> None:
    info = parse_bylines(lines)
    assert info.authors == authors
    assert info.source == source
    assert info.published == published
    assert info.published_raw == raw


def test_relative_date_resolved_with_reference_time() -> None:
    info = parse_bylines(["KYODO NEWS - 17 hours ago"], reference_time=datetime(2025, 6, 10, 12, 0))
    assert info.published == "2025-06-09T19:00"
    assert info.published_raw == "17 hours ago"


def test_impossible_date_is_not_resolved() -> None:
    info = parse_bylines(["February 30, 2024"])
    assert info.published is None
    assert info.published_raw == "February 30, 2024"


def test_capitalised_phrases_of_common_words_are_not_authors() -> None:
    from cleaner.bylines import _common_words

    assert len(_common_words()) > 1000  # the shipped list is there
    info = parse_bylines(["Related Topics", "Up Next", "Story Timeline", "Jane Doe", "Senior Director"])
    assert info.authors == ["Jane Doe"]
    # a name after "By" is taken whatever its words
    assert parse_bylines(["By Grant Price"]).authors == ["Grant Price"]
    assert parse_bylines(["John Smith | Staff Writer"]).authors == ["John Smith"]


def test_capitalised_phrases_of_everyday_words_are_not_authors() -> None:
    """Issue 13: a bare phrase of words that sites write in lowercase in running text
    ("Circular Motion", "Oatmeal Bread") is no person; a name is, and a credited
    phrase is whatever its words."""
    from cleaner.bylines import _everyday_words, plausible_person

    assert len(_everyday_words()) > 5000  # the shipped list is there
    assert "motion" in _everyday_words() and "mark" not in _everyday_words()  # a gold author's word is never on it
    for phrase in ("Circular Motion", "Oatmeal Bread", "Wedding Planning", "Home Security Expert"):
        assert not plausible_person(phrase), phrase
        assert parse_bylines([phrase]).authors == [], phrase
        assert parse_bylines([f"{phrase} | March 3, 2025"]).authors == [], phrase
    assert parse_bylines(["Circular Motion", "Kaitlin Green"]).authors == ["Kaitlin Green"]
    assert parse_bylines(["By Bill Gates"]).authors == ["Bill Gates"]
    assert parse_bylines(["Mark Price | May 3, 2025"]).authors == ["Mark Price"]
    # the cost: a bare name all of whose words are everyday words is lost ("Rose Hill")
    assert parse_bylines(["Rose Hill | May 3, 2025"]).authors == []


def test_forum_credits_and_user_names() -> None:
    """Issue 14: a forum's "Thread starter" and "Started by" credit the thread's author,
    whose user name may hold digits; "last post by" credits a reply's."""
    assert parse_bylines(["Thread starter paulb203", "Click For Summary"]).authors == ["paulb203"]
    assert parse_bylines(["Thread starter slow-poke", "Start date Tuesday at 4:27 AM"]).authors == ["slow-poke"]
    assert parse_bylines(["Started by Biology Forums, June 04, 2024, 11:23:55 AM"]).authors == ["Biology Forums"]
    assert parse_bylines(["6.5K views 5 replies 5 participants last post by nwberm Jun 5, 2024"]).authors == []
    assert parse_bylines(["By JWoodguy13"]).authors == ["JWoodguy13"]
    assert [parse_bylines([x]).authors for x in ("By Jun5", "By May2025", "By 2025")] == [[], [], []]


def test_first_post_header_names_the_thread_author() -> None:
    """Issue 14: a forum's first post header (user name, date, post number 1) and a
    "Discussion starter" mark name the thread's author; a later post's header does not,
    nor does a word that is no user name."""
    assert parse_bylines(["blumo September 22, 2024, 2:43pm 1"]).authors == ["blumo"]
    assert parse_bylines(["hayley.p 2 May 2025 18:48 1"]).authors == ["hayley.p"]
    assert parse_bylines(["Laubrani (Laubrani) July 30, 2024, 3:22pm 1"]).authors == ["Laubrani"]
    assert parse_bylines(["JWoodguy13 Discussion starter"]).authors == ["JWoodguy13"]
    assert parse_bylines(["charrich87 April 5, 2023, 11:48am 2"]).authors == []
    assert parse_bylines(["Updated September 22, 2024 1", "Jane Doe"]).authors == ["Jane Doe"]


def test_agency_after_a_name_and_postmedia_credit() -> None:
    """Issue 13: "with AP" / "mit dpa" after a credited name, and "Author of the
    article:" before it (the name on its own line or after the colon)."""
    assert parse_bylines(["By Jane Doe with AP"]).authors == ["Jane Doe"]
    assert parse_bylines(["Von Diana Resnik mit AP"]).authors == ["Diana Resnik"]
    assert parse_bylines(["Author of the article: Jody Robbins"]).authors == ["Jody Robbins"]
    lines = ["Author of the article:", "Jody Robbins", "Published Jun 05, 2026"]
    assert parse_bylines(lines).authors == ["Jody Robbins"]


def test_names_ending_in_in_and_roles_keep_their_person() -> None:
    assert parse_bylines(["By Kevin Smith"]).authors == ["Kevin Smith"]
    assert parse_bylines(["Erin Spain"]).authors == ["Erin Spain"]
    # a role says the line is a person, even one of common words
    assert parse_bylines(["Mark Price, Staff Writer"]).authors == ["Mark Price"]
    # given names of the training data's authors are not common words
    assert parse_bylines(["John Green"]).authors == ["John Green"]


def test_words_run_together_are_no_bare_name() -> None:
    """Issue 13: a rendering that drops the space between two blocks glues words into
    a phrase that looks like a name ("AufsichtsratDeutsche Bank"); names such as
    "McKinsey" or "DeAndre" are no such glue."""
    assert parse_bylines(["AufsichtsratDeutsche Bank"]).authors == []
    assert parse_bylines(["Jane McKinsey"]).authors == ["Jane McKinsey"]
    assert parse_bylines(["DeAndre Hopkins"]).authors == ["DeAndre Hopkins"]


def test_credited_author_without_a_word_glued_on() -> None:
    from cleaner.bylines import credited_author

    line = "On January 12, 2025 By Gabby BoucherIn Budget Travel, Budget Travel Guides"
    assert credited_author(line, 0, len(line)) == "Gabby Boucher"


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        # issue 13: byline lines the classifier found whose author was not read
        ("by Amanda · Dec 20, 2025 at 3:00 am · One comment so far", ["Amanda"]),
        ("By: ShawnHymel | December 16, 2025 | Categories: Uncategorized", ["ShawnHymel"]),
        ("12/19 — 2025 by ibby", ["ibby"]),
        ("May 21, 2025 by The Ritualist", ["The Ritualist"]),
        ("Andrius Juodis June 2, 2025 Blog", ["Andrius Juodis"]),
        ("Emmanuel Oyibo #Cloud Computing Published on Oct 21, 2025", ["Emmanuel Oyibo"]),
        ("Per-Erik Ofstad", ["Per-Erik Ofstad"]),  # "per" is a common word, "Per-Erik" is not
        ("Posted by IndustrySelect on Tuesday, August 29, 2023", ["IndustrySelect"]),
        ("Author Posted by Soliant on December 20, 2024", ["Soliant"]),
        ("Liz Kenny Former McKinsey Consultant", ["Liz Kenny"]),
        ("27. Januar 2026 • Gregor Meier • 3 Minuten", ["Gregor Meier"]),
        ("June 9, 2025 | Home | World News", []),
        # issue 14: marks a rendering leaves, glued credits and a name after the date
        ("by Meaghan Weeden ● December 23, 2025 ● 6 min read", ["Meaghan Weeden"]),
        ("By Workzone Team• 4 mins read", ["Workzone Team"]),
        ("Pierce Freeman//", ["Pierce Freeman"]),
        ("Posted byDamien WalterDecember 30, 2024December 30, 2024Posted inPodcast", ["Damien Walter"]),
        ("Dec 17, 2025Julian K. Arni", ["Julian K. Arni"]),
        ("May 3, 2025 Read More", []),
        # one word after a credit is a name only if it may be a person's
        ("by admin", []),
        ("By Staff", []),
        ("by Guest", []),
        # "by" inside a title-like line without a date or mark before it is no credit
        ("Stand by Me", []),
    ],
)
def test_authors_of_byline_lines(line: str, authors: list[str]) -> None:
    assert parse_bylines([line]).authors == authors


@pytest.mark.parametrize(
    ("lines", "authors"),
    [
        # issue 14: a credit the rendering put in a block of its own credits the next line
        (["By", "The Meetingnotes Team", "February 28, 2026"], ["The Meetingnotes Team"]),
        (["Written by", "Lauren", "Updated October 17, 2025"], ["Lauren"]),
        (["By", "Remote Work"], []),  # a category line under the credit: no person
        (["By"], []),
        (["By MaziDecember 19, 2025"], ["Mazi"]),  # a month's name glued on
    ],
)
def test_a_credit_on_a_line_of_its_own(lines: list[str], authors: list[str]) -> None:
    assert parse_bylines(lines).authors == authors


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("By Samya Kullab and Vasilisa Stepanenko The Associated Press", ["Samya Kullab", "Vasilisa Stepanenko"]),
        ("By Jane Doe Reuters", ["Jane Doe"]),
        # a credit that names an agency or a desk only: it is the author, as the pages'
        # gold and the peers take it
        ("By The Associated Press", ["The Associated Press"]),
        ("Von dpa 30.04.2024, 18:58", ["dpa"]),
        ("By MND Staff", ["MND Staff"]),
        ("Photo by David Kawai/Bloomberg", []),
        ("New York Times", []),
    ],
)
def test_an_outlet_run_onto_the_last_name_is_cut_off(line: str, authors: list[str]) -> None:
    assert parse_bylines([line]).authors == authors


def test_a_credit_line_may_end_with_its_outlet() -> None:
    from cleaner.bylines import credit_tail

    assert credit_tail(" The Associated Press")
    assert not credit_tail(" Times Square was busy on Monday")


@pytest.mark.parametrize(
    ("line", "authors", "published"),
    [
        ("Por María García | 12 de marzo de 2025", ["María García"], "2025-03-12"),  # Spanish
        ("12 de março de 2025 por João Silva", ["João Silva"], "2025-03-12"),  # Portuguese
        ("作者：张伟 2025年3月12日", ["张伟"], "2025-03-12"),  # Chinese: a two-character name
        ("文/李四", ["李四"], None),
        ("文・山田太郎 2024年12月3日 10:00", ["山田太郎"], "2024-12-03"),  # Japanese
        ("Par Jean Dupont, le 3 mars 2025", ["Jean Dupont"], "2025-03-03"),
        ("Von Hans Müller und Eva Schmidt", ["Hans Müller", "Eva Schmidt"], None),
    ],
)
def test_names_and_dates_of_other_languages(line: str, authors: list[str], published: str | None) -> None:
    info = parse_bylines([line])
    assert info.authors == authors
    assert info.published == published


def test_a_cjk_phrase_is_a_name_only_after_a_credit() -> None:
    assert parse_bylines(["张伟"]).authors == []  # a bare two-character line names no one
    assert is_date_line("2025年3月12日")
