"""Tests of :mod:`training.align` on hand-written fixture pages (tests/fixtures/pages)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cleaner.html_text import render_blocks
from cleaner.labels import Label
from cleaner.samples import LabelledPage
from training.align import Gold, align_body, align_rendered, gold_from_record, words
from training.build_data import label_record

PAGES = Path(__file__).parent / "fixtures" / "pages"


def record(name: str) -> dict[str, Any]:
    rec: dict[str, Any] = json.loads((PAGES / f"{name}.gold.json").read_text(encoding="utf-8"))
    rec["html"] = (PAGES / f"{name}.html").read_text(encoding="utf-8")
    return rec


def labels_of(page: LabelledPage) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for label, text in page.segments():
        out.setdefault(label, []).append(" ".join(text.split()))
    return out


def check_cover(page: LabelledPage) -> None:
    """Spans are in order, do not overlap, and cover every non-space character."""
    pos = 0
    for span in page.spans:
        assert span.start >= pos and span.end > span.start
        assert not page.text[pos : span.start].strip()
        pos = span.end
    assert not page.text[pos:].strip()


def test_article_browser_labels() -> None:
    pages, reason = label_record(record("article"), ["browser"])
    assert reason is None
    page = pages[0]
    check_cover(page)
    got = labels_of(page)
    assert got[Label.HEADLINE] == ["Harbour bridge reopens after repairs"]
    assert got[Label.BYLINE] == ["By Jane Doe", "March 3, 2024"]
    assert len(got[Label.BODY]) == 3 and got[Label.BODY][1].endswith("mild weather along the coast.")
    assert got[Label.RELATED] == [
        "Ferry service to end as bridge traffic returns",
        "Engineers explain how the steel deck was replaced",
        "City council approves new budget for road repairs",
    ]
    junk = got[Label.JUNK]
    for text in ("Home", "Related coverage:", "Privacy Policy Terms of Use", "© 2024 Example News"):
        assert text in junk
    assert any("newsletter" in j for j in junk)  # a link, but a call to action
    assert "do not render me" not in page.text
    assert page.meta["body_coverage"] == 1.0


def test_collapsed_line_is_split_by_label() -> None:
    """The collapsed fixture runs headline, byline, body and related list on one line."""
    pages, _ = label_record(record("article"), ["collapsed"])
    page = pages[0]
    check_cover(page)
    line = next(ln for ln in page.text.split("\n") if "Jane Doe" in ln)
    assert "Jane Doe" in line and "harbour bridge reopened" in line and "Ferry service" in line
    seq = [label for label, _ in page.segments()]
    assert seq == [
        Label.JUNK,
        Label.HEADLINE,
        Label.BYLINE,
        Label.BODY,
        Label.JUNK,
        Label.RELATED,
        Label.JUNK,
    ]
    body = dict((lab, t) for lab, t in page.segments())[Label.BODY]
    assert body.startswith("The harbour bridge") and body.endswith("into the centre.")


def test_blog_prefixed_title_teasers_and_posted_by() -> None:
    pages, reason = label_record(record("blog"), ["browser"])
    assert reason is None
    got = labels_of(pages[0])
    assert got[Label.HEADLINE] == ["Growing tomatoes on a balcony"]  # gold: "Garden Notes - ..."
    assert got[Label.BYLINE] == ["Posted by Sam Green on 12 May 2023"]
    assert got[Label.RELATED] == [
        "Five herbs that survive a windy balcony",
        "Rosemary, thyme and sage cope with wind better than basil does.",
        "Making compost in a small flat without smells",
        "A sealed bin and dry leaves keep it pleasant.",
    ]
    assert "You may also like" in got[Label.JUNK] and "Comments are closed." in got[Label.JUNK]


def test_mixed_block_split_at_word_boundary() -> None:
    """A paragraph that starts with a byline the gold body lacks is split, not merged."""
    html = (
        "<h1>Quiet streets after the storm</h1>"
        "<p>By Ann Lee, Staff Writer - The storm passed overnight and the streets were quiet by "
        "morning, with fallen branches on most corners of the old town.</p>"
        "<p>Crews worked through the day to clear the roads and restore power to homes.</p>"
    )
    gold = Gold(
        title="Quiet streets after the storm",
        authors=("Ann Lee",),
        body="The storm passed overnight and the streets were quiet by morning, with fallen branches "
        "on most corners of the old town.\n\nCrews worked through the day to clear the roads and "
        "restore power to homes.",
    )
    page, stats = align_rendered(render_blocks(html), gold, id="mixed")
    check_cover(page)
    segs = list(page.segments())
    assert segs[0] == (Label.HEADLINE, "Quiet streets after the storm")
    assert segs[1] == (Label.BYLINE, "By Ann Lee, Staff Writer -")
    assert segs[2][0] == Label.BODY and segs[2][1].startswith("The storm passed")
    assert stats.body_coverage == 1.0


def test_body_alignment_prefers_the_chain() -> None:
    """A teaser repeating the first sentence before the article is not body."""
    body = "the council voted on tuesday to close the old library and open a new one downtown"
    page = f"teaser the council voted on tuesday to close nav nav nav {body} footer"
    marks, matched = align_body(words(page), words(body))
    assert matched == len(words(body))
    flagged = [w for w, m in zip(words(page), marks, strict=True) if m]
    assert flagged == words(body)


def test_missing_title_uses_html_fallback_only_for_headings() -> None:
    rec = record("blog")
    rec["gold"]["title"] = None
    pages, _ = label_record(rec, ["browser"])
    assert labels_of(pages[0])[Label.HEADLINE] == ["Growing tomatoes on a balcony"]
    assert pages[0].meta["title_source"] == "html"


def test_skips() -> None:
    rec = record("article")
    rec["gold"]["body"] = None
    assert label_record(rec, ["browser"]) == ([], "no body gold")
    rec = record("article")
    rec["gold"]["body"] = "Completely different words that this page never shows anywhere at all today."
    assert label_record(rec, ["browser"])[1] == "gold body not found in rendering"
    rec = record("article")
    rec["dataset"] = "postlight"
    assert label_record(rec, ["browser"])[1] == "no body gold (postlight)"


def test_gold_from_record() -> None:
    g = gold_from_record({"gold": {"title": "", "authors": ["A B", " "], "body": "x"}})
    assert g.title is None and g.authors == ("A B",) and g.body == "x"


@pytest.mark.parametrize("name", ["article", "blog"])
def test_renders_cover_text(name: str) -> None:
    pages, _ = label_record(record(name), ["browser", "collapsed"])
    assert [p.meta["render"] for p in pages] == ["browser", "collapsed"]
    for p in pages:
        check_cover(p)
        assert p.text.split() == pages[0].text.split()
