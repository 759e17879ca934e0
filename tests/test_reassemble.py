"""The reassembler: labelled segments become articles."""

from __future__ import annotations

import pytest

from cleaner.bylines import credited_author
from cleaner.document import CleanResult, Segment
from cleaner.pipeline.assemble import assemble_articles, headline_text, merge_units, split_title
from cleaner.pipeline.enrich import with_credited_author
from cleaner.pipeline.segment import split_units


def _segs(*pairs: tuple[str, str]) -> list[Segment]:
    out, pos = [], 0
    for label, text in pairs:
        out.append(Segment(pos, pos + len(text), label, 1.0, text))
        pos += len(text) + 1
    return out


def test_main_article_then_cards_with_bylines_before_headline() -> None:
    arts = assemble_articles(
        _segs(
            ("headline", "Main story"),
            ("byline", "By Jane Doe"),
            ("body", "Para one."),
            ("body", "Para two."),
            ("junk", "Related coverage:"),
            ("related-item", "Other story"),
            ("junk", "Comments"),
            ("byline", "Kyodo News"),
            ("byline", "2 hours ago"),
            ("headline", "Card story"),
            ("body", "Card body."),
        )
    )
    assert [a.headline for a in arts] == ["Main story", "Card story"]
    assert arts[0].bylines == ["By Jane Doe"] and arts[0].authors == ["Jane Doe"]
    assert arts[0].body == ["Para one.", "Para two."]
    assert arts[0].related == ["Other story"]
    assert arts[1].bylines == ["Kyodo News", "2 hours ago"]
    assert arts[1].body == ["Card body."]
    assert arts[1].source == "Kyodo News"


def test_body_without_headline_is_an_article() -> None:
    arts = assemble_articles(_segs(("junk", "Menu"), ("body", "Only text here.")))
    assert len(arts) == 1 and arts[0].headline is None and arts[0].body == ["Only text here."]


def test_bylines_between_bodies_stay_with_the_article() -> None:
    arts = assemble_articles(_segs(("body", "A."), ("byline", "Reuters"), ("body", "B.")))
    assert [a.body for a in arts] == [["A.", "B."]]
    assert arts[0].bylines == ["Reuters"]


def test_bare_headline_joins_a_related_list_or_is_dropped() -> None:
    arts = assemble_articles(_segs(("headline", "H1"), ("body", "x."), ("headline", "Newsletter")))
    assert len(arts) == 1 and arts[0].related == []
    arts = assemble_articles(
        _segs(("headline", "H1"), ("body", "x."), ("related-item", "Story A"), ("headline", "Story B"))
    )
    assert len(arts) == 1 and arts[0].related == ["Story A", "Story B"]
    kept = assemble_articles(
        _segs(("headline", "H1"), ("body", "x."), ("headline", "Teaser title")), keep_headline_only=True
    )
    assert [a.headline for a in kept] == ["H1", "Teaser title"]


def test_custom_labels_kept_in_extra() -> None:
    arts = assemble_articles(_segs(("headline", "H"), ("caption", "A photo."), ("body", "Text.")))
    assert arts[0].extra == {"caption": ["A photo."]}


def test_only_junk_gives_no_article() -> None:
    assert assemble_articles(_segs(("junk", "Menu"), ("related-item", "Teaser"))) == []


def test_merge_units_joins_same_label_within_a_line() -> None:
    text = "Byline here | World Body one is a sentence of words. Body two is another sentence.\nNext line."
    units = split_units(text)
    labels = ["byline"] + ["body"] * (len(units) - 1)
    segs = merge_units(text, units, labels, [0.5] * len(units))
    assert [s.text for s in segs] == [
        "Byline here | World",
        "Body one is a sentence of words. Body two is another sentence.",
        "Next line.",
    ]
    for s in segs:
        assert text[s.start : s.end] == s.text


def test_breadcrumb_run_onto_a_headline_is_dropped() -> None:
    arts = assemble_articles(
        _segs(("headline", "Home / Car Reviews / Best EVs of 2026"), ("body", "The Mach-E won our test."))
    )
    assert arts[0].headline == "Best EVs of 2026"
    assert headline_text("Home › Containers › All Containers › Indoor Pots & Pottery") == "Indoor Pots & Pottery"
    for kept in (
        "Top 10 / Data",  # one separator
        "A > B > C",  # a one-word last item
        "Storm hits the coast",
        "Ukraine war: Kyiv / Kharkiv / Odesa under fire",  # a colon before the last item
        "AC/DC / Metallica / Iron Maiden tour dates announced",  # "/" without a root, fewer than 3
        "Yes / No / Maybe: the referendum explained",
        "Car Talk / Car Reviews / Best EVs of 2026",  # the price of the "/" rule: kept whole
        "The long first item here > Second > Third part",  # an item of more than three words
    ):
        assert headline_text(kept) == kept, kept


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Politik 28.04.2023 Autorin/Autor Roman Goncharenko | Themenseiten Krim-Krise", "Roman Goncharenko"),
        ("Weather 12:30 Uhr Von: Nadja Zinsmeister", "Nadja Zinsmeister"),
        ("Deposit RM100 with the code VERSAMM10 By Yiswaree Palansamy", "Yiswaree Palansamy"),
        ("Best earbuds under $50 By Nathan Birch Nov 12, 2025 We tested them", "Nathan Birch"),
        ("Report card Written by Moses Kim and Kate Shokurova", "Moses Kim"),
        # running text, weekdays, places and menus are not credits
        ("The plan was funded by Jane Doe and her brother.", None),
        ("By Tuesday Morning, rescue teams had reached the village", None),
        ("Stand By Me Tonight at the Grand Hall in town", None),
        ("Photos By The Sea Gallery opens", None),
        ("By CNN Staff", None),
        ("By Jane Doe", "Jane Doe"),
        # the name stays on its line; a word many sites use run onto it is dropped
        ("Police said By Jane Doe\nResidents were told to stay inside", "Jane Doe"),
        ("Updated 12:30 By Jane Doe News", "Jane Doe"),
    ],
)
def test_credited_author_inside_a_line(line: str, name: str | None) -> None:
    assert credited_author(line, 0, len(line)) == name


def test_with_credited_author_fills_only_a_main_article_without_authors() -> None:
    head = "Ukraine: was the Crimea vote legal"
    credit = "Datum 28.04.2023 Autorin/Autor Roman Goncharenko | Themenseiten Krim-Krise"
    body = "The vote was held under the eyes of soldiers, observers said on Monday in Kyiv."
    text = f"{head}\n{credit} {body}"
    segs = [
        Segment(0, len(head), "headline", 1.0, head),
        Segment(len(head) + 1, len(text), "body", 1.0, text[len(head) + 1 :]),
    ]
    result = CleanResult(articles=assemble_articles(segs), segments=segs)
    assert result.articles[0].authors == []
    credited = with_credited_author(text, result)
    assert credited.articles[0].authors == ["Roman Goncharenko"]
    assert credited.segments == result.segments and credited.articles[0].body == result.articles[0].body
    # a credit far past the article's start is not read
    far = f"{head}\n{body * 40} {credit}"
    segs = [
        Segment(0, len(head), "headline", 1.0, head),
        Segment(len(head) + 1, len(far), "body", 1.0, far[len(head) + 1 :]),
    ]
    result = CleanResult(articles=assemble_articles(segs), segments=segs)
    assert with_credited_author(far, result).articles[0].authors == []


def test_credits_in_headlines_and_past_the_article_are_not_read() -> None:
    head = "Swimmer Bitten By Great White Shark"
    body = "The swimmer was taken to hospital on Sunday after the attack near the pier, police said."
    text = f"{head}\n{body}\nRelated: Storm hits coast | By Max Roe"
    segs = [
        Segment(0, len(head), "headline", 1.0, head),
        Segment(len(head) + 1, len(head) + 1 + len(body), "body", 1.0, body),
    ]
    result = CleanResult(articles=assemble_articles(segs), segments=segs)
    assert with_credited_author(text, result).articles[0].authors == []


@pytest.mark.parametrize(
    ("line", "title", "byline"),
    [
        # a credit with a name, or with a date, a "|" or a cue after it (issue 13: the
        # collapsed rendering runs the byline onto the title)
        (
            "Video Post-Production Review and Approval Process by Jim Donnelly | August 24, 2023",
            "Video Post-Production Review and Approval Process",
            "by Jim Donnelly | August 24, 2023",
        ),
        (
            "Code Kata: Formatting Strings In ColdFusion By Ben Nadel Published 2025-12-20 in ColdFusion",
            "Code Kata: Formatting Strings In ColdFusion",
            "By Ben Nadel Published 2025-12-20 in ColdFusion",
        ),
        (
            "Präsidiumswechsel und besondere Ehrung von Landesspiegel 30. Juni 2025",
            "Präsidiumswechsel und besondere Ehrung",
            "von Landesspiegel 30. Juni 2025",
        ),
        (
            "How Inspection Cameras Are Changing Plumbing Written By",
            "How Inspection Cameras Are Changing Plumbing",
            "Written By",
        ),
        (
            "The History of coffee: from its origins By the Lavazza Team 2–3 minutes",
            "The History of coffee: from its origins",
            "By the Lavazza Team 2–3 minutes",
        ),
        # a date or a reading time that ends the line, a date that opens it
        (
            "Upcoming Tech Conferences in Atlanta in 2026 February 17, 2026",
            "Upcoming Tech Conferences in Atlanta in 2026",
            "February 17, 2026",
        ),
        (
            "Gym Injury Lawsuits: We Can Do the Heavy Lifting 4 min read",
            "Gym Injury Lawsuits: We Can Do the Heavy Lifting",
            "4 min read",
        ),
        ("Dec 18 2025 Preparing a transition in Debusine", "Preparing a transition in Debusine", "Dec 18 2025"),
        ("Japan PM Dodges Criticism During Debate Post Share Post", "Japan PM Dodges Criticism During Debate", None),
        # titles that only look so: left whole
        ("Stabbed By Man In Subway Station", "Stabbed By Man In Subway Station", None),
        ("Killed by police in Texas last night", "Killed by police in Texas last night", None),
        ("Sales rose May 15 after talks", "Sales rose May 15 after talks", None),
        ("Things I Love to Share", "Things I Love to Share", None),
        ("By Jane Doe", "By Jane Doe", None),
        ("May 5 2025 Vote", "May 5 2025 Vote", None),
    ],
)
def test_split_title(line: str, title: str, byline: str | None) -> None:
    assert split_title(line) == (title, () if byline is None else (byline,))


def test_a_date_before_a_title_and_a_credit_after_it_are_two_bylines() -> None:
    """Each byline is text of the page: the date and the credit around a title are not
    joined into one (hostile-input fuzzing found 'Dec. 6, 2024 Dec. 7, 2024 ... By ...')."""
    line = "Dec 18 2025 Preparing a transition in Debusine By Colin Watson"
    assert split_title(line) == ("Preparing a transition in Debusine", ("Dec 18 2025", "By Colin Watson"))


def test_byline_cut_from_a_title_line_joins_the_article() -> None:
    arts = assemble_articles(
        _segs(("headline", "Storm Hits the Coast Again By Jane Doe | June 9, 2025"), ("body", "Rain fell."))
    )
    assert arts[0].headline == "Storm Hits the Coast Again"
    assert arts[0].bylines == ["By Jane Doe | June 9, 2025"] and arts[0].authors == ["Jane Doe"]
    assert arts[0].published is not None and arts[0].published.startswith("2025-06-09")
    # a title whose only byline came from its own line is still a bare title: no article
    arts = assemble_articles(
        _segs(("headline", "H1"), ("body", "x."), ("headline", "Newsletter Signup Today June 9, 2025"))
    )
    assert len(arts) == 1


def test_a_teaser_title_with_a_date_is_no_article() -> None:
    """Issue 13: a "more news" teaser (a title and its date, no text) after the article
    made a second article on a single-article page."""
    arts = assemble_articles(
        _segs(
            ("headline", "Main story"),
            ("body", "Para one."),
            ("byline", "10.11.2025 17:59"),
            ("headline", "Another story somewhere"),
            ("byline", "10.11.2025 16:02"),
            ("headline", "A third story"),
        )
    )
    assert [a.headline for a in arts] == ["Main story"]
    # a card with its text is still an article
    arts = assemble_articles(
        _segs(
            ("headline", "Main story"),
            ("body", "Para one."),
            ("byline", "Kyodo"),
            ("headline", "Card"),
            ("body", "Text."),
        )
    )
    assert [a.headline for a in arts] == ["Main story", "Card"]
