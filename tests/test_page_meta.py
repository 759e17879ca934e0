"""Tests of :mod:`cleaner.page_meta` and of cleaning HTML guided by what a page declares."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, CleanerConfig
from cleaner.batch import BatchOptions, run_batch
from cleaner.cli import main
from cleaner.html_text import html_to_text, parse_html
from cleaner.page_meta import PageMeta, page_meta_from_tree, read_html
from cleaner.pipeline.read import find_phrases
from cleaner.pipeline.segment import split_units

BODY = (
    "<p>The storm reached the coast on Monday night, and people in the harbour town stayed "
    "inside while the wind blew over the roofs until the early morning hours.</p>"
    "<p>Fishermen had pulled their boats onto the beach on Sunday, and the council opened "
    "the school hall for families whose houses stood too close to the water.</p>"
)


def _page(head: str, body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_json_ld_article_with_graph_people_and_publisher() -> None:
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Coast Daily"},
            {
                "@type": ["NewsArticle"],
                "headline": "Storm hits coast &amp; harbour",
                "author": [
                    {"@type": "Person", "name": "Jane Doe"},
                    {"@type": "Organization", "name": "Coast Daily Newsroom"},
                    {"@type": "Person", "name": "John Smith"},
                ],
                "datePublished": "2025-06-09",
                "publisher": {"@type": "Organization", "name": "Coast Daily"},
            },
        ],
    }
    m = page_meta_from_tree(parse_html(_page(f'<script type="application/ld+json">{json.dumps(ld)}</script>')))
    assert m.title == "Storm hits coast & harbour"
    assert m.authors == ("Jane Doe", "John Smith")
    assert m.published == "2025-06-09"
    assert m.site_name == "Coast Daily"


def test_open_graph_title_site_name_removed_and_meta_author_split() -> None:
    m = page_meta_from_tree(
        parse_html(
            _page(
                '<meta property="og:title" content="Storm hits coast | Coast Daily">'
                '<meta property="og:site_name" content="Coast Daily">'
                '<meta name="author" content="By Jane Doe and John Smith">'
                '<meta property="article:published_time" content="2025-06-09T08:30:00Z">'
                "<title>Storm hits coast | Coast Daily</title>"
            )
        )
    )
    assert m.title == "Storm hits coast"
    assert m.titles == ("Storm hits coast | Coast Daily", "Storm hits coast")
    assert m.authors == ("Jane Doe", "John Smith")
    assert m.published == "2025-06-09T08:30:00+00:00"


def test_marked_authors_rel_itemprop_and_author_links() -> None:
    rel = page_meta_from_tree(parse_html(_page("", '<a rel="author" href="/jd">Jane Doe</a>')))
    assert rel.authors == ("Jane Doe",)
    item = page_meta_from_tree(
        parse_html(_page("", '<span itemprop="author"><span itemprop="name">Ann Lee</span> (editor)</span>'))
    )
    assert item.authors == ("Ann Lee",)
    # without markup, the first link to an author's page; later ones (other stories') are not read
    links = '<a href="/author/ann-lee">Ann Lee</a> <a href="/author/bo-li">Bo Li</a>'
    linked = page_meta_from_tree(parse_html(_page("", links)))
    assert linked.authors == ("Ann Lee",)


def test_an_author_link_that_reads_as_no_person_is_skipped() -> None:
    """Issue 14: "View more posts" and "Bluesky" link to author pages but name no one."""
    links = '<a href="/author/dw/">View more posts</a> <a href="/author/dw/">Damien Walters</a>'
    assert page_meta_from_tree(parse_html(_page("", links))).authors == ("Damien Walters",)
    only = '<a href="https://bsky.app/profile/x">x</a><a href="/author/x/">Bluesky</a>'
    assert page_meta_from_tree(parse_html(_page("", only))).authors == ()
    marked = '<a rel="author" href="/author/dw/">View more posts</a>'
    assert page_meta_from_tree(parse_html(_page("", marked))).authors == ()


@pytest.mark.parametrize(
    ("head", "authors"),
    [
        # WordPress's Yoast: a Twitter card field labelled "Written by"
        ('<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Tyler Brown">',
         ("Tyler Brown",)),
        ('<meta name="twitter:label1" content="Est. reading time"><meta name="twitter:data1" content="4 minutes">'
         '<meta name="twitter:label2" content="Written by"><meta name="twitter:data2" content="Staff">',
         ("Staff",)),  # no person: the declared author
        ('<meta name="twitter:label1" content="Est. reading time"><meta name="twitter:data1" content="4 minutes">', ()),
        ('<meta name="cXenseParse:author" content="Harry Rabinowitz">', ("Harry Rabinowitz",)),
    ],
)  # fmt: skip
def test_author_meta_of_twitter_cards_and_cxense(head: str, authors: tuple[str, ...]) -> None:
    assert page_meta_from_tree(parse_html(_page(head))).authors == authors


@pytest.mark.parametrize(
    ("head", "authors"),
    [
        # one author a tag, as many tags as authors
        ('<meta name="author" content="Jenny Smith"><meta name="author" content="John Smith">',
         ("Jenny Smith", "John Smith")),
        ('<meta property="author" content="Jenny Smith"><meta property="author" content="Jenny Smith">',
         ("Jenny Smith",)),
        # scholarly citation tags, surname first as catalogues write it
        ('<meta name="citation_author" content="Kaufman, Jeff T.">'
         '<meta name="citation_author" content="Jong, Michiel de">', ("Jeff T. Kaufman", "Michiel de Jong")),
        ('<meta name="citation_author" content="Md Najmul Hossain">', ("Md Najmul Hossain",)),
        ('<meta name="DC.creator" content="Kooman, F.">', ("F. Kooman",)),
        ('<meta name="citation_author" content="Reuters, AP">', ("Reuters", "AP")),  # two agencies
        # an og:author holding links, a name with a heart
        ('<meta property="og:author" content="By &lt;a href=&quot;/p/av&quot;&gt;Amir Vera&lt;/a&gt;, '
         'Tara Subramaniam and Adam Renton, CNN">', ("Amir Vera", "Tara Subramaniam", "Adam Renton")),
        ('<meta name="author" content="Jenny Smith ❤️">', ("Jenny Smith",)),
        # a page saved by Postlight's parser writes value= for content=
        ('<meta name="author" value="Jenny Smith">', ("Jenny Smith",)),
    ],
)  # fmt: skip
def test_every_author_tag_and_its_forms(head: str, authors: tuple[str, ...]) -> None:
    assert page_meta_from_tree(parse_html(_page(head))).authors == authors


@pytest.mark.parametrize(
    ("body", "authors"),
    [
        ('<h3 itemprop="author">Jenny Smith</h3>', ("Jenny Smith",)),  # a heading marked
        ('<span itemprop="author name">Shannon Deery, Susie O’Brien</span>', ("Shannon Deery", "Susie O’Brien")),
        ('<span id="author-name">Jenny Smith</span>', ("Jenny Smith",)),  # an id marks it as a class does
        ('<span class="wrapper--detail__writer">Jenny Smith</span>', ("Jenny Smith",)),
        ('<a class="author">Jenny Smith from Trafilatura</a>', ("Jenny Smith",)),  # "from" an outlet cut off
        # the names script frameworks give their components, and an <author> element
        ('<div data-component="Byline">Jenny Smith</div>', ("Jenny Smith",)),
        ('<div><a data-testid="author-name" href="/by/p5">Jenny Smith</a></div>', ("Jenny Smith",)),
        ("<author>Jenny Smith</author>", ("Jenny Smith",)),
        ("<blockquote><p>Words.</p><author>xxx</author></blockquote>", ()),  # a quotation's
        # Drupal's "submitted" line, and a user-name mark holding a person's name
        ('<div class="submitted">Submitted by <a href="/u/2">Jenny Smith</a> on 3 May</div>', ("Jenny Smith",)),
        ('<div class="submitted-by"><a>Jenny Smith</a></div>', ("Jenny Smith",)),
        ('<a class="username">Jenny Smith</a>', ("Jenny Smith",)),
        # ... not a commenter's
        ("<section class='comments'><div><a class='username'>Jenny Smith</a></div></section>", ()),
        # someone else's name: a picture's credit, a quotation's author
        ('<figure><img src="a.jpg"><div class="author">Jenny Smith</div></figure>', ()),
        ('<div class="quote"><p>My quote here</p><p class="quote-author">Jenny Smith</p></div>', ()),
        ('<blockquote><p>Words.</p><span class="author">Jenny Smith</span></blockquote>', ()),
        # a class of the whole post says nothing of where the name stands (WordPress's post formats)
        ('<article class="post format-quote"><span class="author-name">Jane Doe</span></article>', ("Jane Doe",)),
        # a forum's every poster and a picture's credit are marked on elements that name no author
        ('<section itemprop="author">phinds Science Advisor</section>', ()),
        ('<small itemprop="author">Photograph by Tyrone Turner</small>', ()),
    ],
)
def test_author_marks_in_the_body(body: str, authors: tuple[str, ...]) -> None:
    assert page_meta_from_tree(parse_html(_page("", body))).authors == authors


def test_a_person_json_ld_names_beats_an_author_link() -> None:
    """Issue 14: a Person the JSON-LD names, though no name's shape ("felixen", a desk),
    is the author before a guess from links to author pages (the site owner's)."""
    ld = '{"@type": "DiscussionForumPosting", "author": {"@type": "Person", "name": "felixen"}}'
    page = _page(f'<script type="application/ld+json">{ld}</script>', '<a href="/author/arnold-kim">Arnold Kim</a>')
    assert page_meta_from_tree(parse_html(page)).authors == ("felixen",)
    org = '{"@type": "NewsArticle", "author": {"@type": "Organization", "name": "USA TODAY"}}'
    link = '<a href="/author/brian-truitt">Brian Truitt</a>'
    page = _page(f'<script type="application/ld+json">{org}</script>', link)
    assert page_meta_from_tree(parse_html(page)).authors == ("Brian Truitt",)  # an organisation does not


def test_a_user_name_the_markup_marks_as_author() -> None:
    """Issue 14: a forum's or Q&A site's poster (itemprop="author"), a user name no
    person's name beats: the first post's, not a reply's."""
    body = (
        '<div itemprop="author" itemscope><a href="/u/1">drat</a><meta itemprop="name" content="drat"></div>'
        '<p>How do I ...</p><div class="reply"><span itemprop="author">ewok</span></div>'
    )
    assert page_meta_from_tree(parse_html(_page("", body))).authors == ("drat",)


@pytest.mark.parametrize(
    ("body", "authors"),
    [
        (  # an author box: its name element, not the box with the biography
            '<div class="elementor-author-box"><img alt="Picture of Liz Kenny"><h4 class="elementor-author-box__name">'
            'Liz Kenny</h4><p class="elementor-author-box__bio">Liz is a consultant.</p></div>',
            ("Liz Kenny",),
        ),
        ('<p class="Byline">By Jane Doe | March 3, 2025</p>', ("Jane Doe",)),  # credit and date cut off
        ('<span class="c-byline__author-name">Max Roe</span>', ("Max Roe",)),
        ('<p class="authorName">Max Roe</p>', ("Max Roe",)),  # camel case
        # co-authors in elements of their own, which the element's text runs together
        (
            '<div class="article-byline"><span>Birgit Baumann</span><span>Anna Giulia Fink</span>'
            "<span>3. Mai 2024, 17:47</span></div>",
            ("Birgit Baumann", "Anna Giulia Fink"),
        ),
        # ... not where another of its elements is neither a name nor a date (a menu, a list)
        (
            '<div class="article-byline"><span>Birgit Baumann</span><span>Anna Giulia Fink</span>'
            "<span>See our pottery classes</span></div>",
            (),
        ),
        ('<div class="postAuthorAvatar">Max Roe</div>', ()),  # its picture
        ('<div class="comment-author">Max Roe</div>', ()),  # a comment's author
        ('<div class="author-bio">Jane Doe writes about food.</div>', ()),  # not a name
        ('<p class="byline">Staff Reporter</p>', ()),  # a desk
        # a credit and a name in elements of their own are read apart ("BySummer Swann-" before)
        ('<div class="td-post-author-name">By<a href="/u/ss">Summer Swann</a>-</div>', ("Summer Swann",)),
    ],
)
def test_authors_marked_by_class_where_nothing_else_names_one(body: str, authors: tuple[str, ...]) -> None:
    page = f"<html><body><article><h1>A story</h1>{body}<p>Text.</p></article></body></html>"
    assert page_meta_from_tree(parse_html(page)).authors == authors


def test_rel_author_comes_before_an_author_class() -> None:
    page = '<html><body><span class="author-name">Max Roe</span><a rel="author" href="/u/jd">Jane Doe</a></body></html>'
    assert page_meta_from_tree(parse_html(page)).authors == ("Jane Doe",)


def test_names_that_are_not_people_are_dropped() -> None:
    m = page_meta_from_tree(
        parse_html(
            _page(
                '<meta property="og:site_name" content="Coast Daily">'
                '<meta name="author" content="https://example.com/jane, Coast Daily, admin, jane doe">'
            )
        )
    )
    # no person's name: what the page declares stands, but for a URL and a CMS account
    assert m.authors == ("Coast Daily", "jane doe")
    person = page_meta_from_tree(
        parse_html(
            _page(
                '<meta property="og:site_name" content="Coast Daily">'
                '<meta name="author" content="Coast Daily, admin, Jane Doe">'
            )
        )
    )
    assert person.authors == ("Jane Doe",)  # a person's name, where there is one, and only it


@pytest.mark.parametrize(
    ("declared", "authors"),
    [
        ('{"@type": "NewsArticle", "author": {"@type": "Organization", "name": "DER SPIEGEL"}}', ("DER SPIEGEL",)),
        ('{"@type": "BlogPosting", "author": {"@type": "Person", "name": "Kev"}}', ("Kev",)),
        ('{"@type": "Article", "author": [{"name": "InstaTunnel Team"}]}', ("InstaTunnel Team",)),
        ('{"@type": "Article", "author": "Trine Juncher Jørgensen og Tôrtia Reimer-Johansen"}',
         ("Trine Juncher Jørgensen", "Tôrtia Reimer-Johansen")),
        ('{"@type": "Article", "author": [{"@type": "Person", "name": "Elena Oberholzer (obe)"}]}',
         ("Elena Oberholzer",)),  # a desk code after the name
        ('{"@type": "Article", "author": "https://www.facebook.com/someone"}', ()),
        ('{"@type": "Article", "author": "undefined"}', ()),
    ],
)  # fmt: skip
def test_declared_authors_where_no_person_is_named(declared: str, authors: tuple[str, ...]) -> None:
    """Issue 14: a user name, a team, a desk or an agency that the page declares as its
    author is its author where no person's name is found."""
    page = _page(f'<script type="application/ld+json">{declared}</script>')
    assert page_meta_from_tree(parse_html(page)).authors == authors


def test_nothing_declared_gives_an_empty_meta() -> None:
    assert page_meta_from_tree(None) == PageMeta()
    m = page_meta_from_tree(parse_html(_page("", "<p>Just text.</p>")))
    assert (m.title, m.titles, m.authors, m.published) == (None, (), (), None)


def test_bad_json_ld_and_dates_are_ignored() -> None:
    m = page_meta_from_tree(
        parse_html(
            _page(
                '<script type="application/ld+json">{"@type": "NewsArticle", broken</script>'
                '<meta name="date" content="next Tuesday">'
                "<title>Storm hits the coast</title>"
            )
        )
    )
    assert m.title == "Storm hits the coast" and m.published is None


_LD_KEYS = st.sampled_from(["@type", "headline", "author", "name", "@graph"])
_VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["NewsArticle", "Person", "Jane Doe", "JANE DOE", "admin", "Reuters Staff", "2025-06-09", ""]),
)


@pytest.mark.slow
@settings(derandomize=True, max_examples=150)
@given(
    st.lists(
        st.tuples(st.sampled_from(["og:title", "author", "article:published_time", "og:site_name", "x"]), _VALUES),
        max_size=6,
    ),
    st.one_of(
        st.none(),
        st.recursive(
            _VALUES | st.integers(),
            lambda c: st.lists(c) | st.dictionaries(_LD_KEYS, c),
            max_leaves=12,
        ),
    ),
    st.text(max_size=60),
)
def test_page_meta_never_crashes_and_keeps_its_promises(tags: list[tuple[str, str]], ld: object, title: str) -> None:
    head = "".join(f'<meta property="{k}" content="{html.escape(v, quote=True)}">' for k, v in tags)
    if ld is not None:
        head += f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    head += f"<title>{html.escape(title)}</title>"
    m = page_meta_from_tree(parse_html(_page(head, "<p>text</p>")))
    # a person's name (2 to 5 words), or where none is found what the page declares: at
    # most 6 words, no URL or address, some letters, no white space at the ends
    assert all(1 <= len(a.split()) <= 6 and not re.search(r"(?i)https?:|www\.|[/@]", a) for a in m.authors)
    assert all(a == a.strip() != "" and any(c.isalpha() for c in a) for a in m.authors)
    assert len({a.casefold() for a in m.authors}) == len(m.authors)
    assert m.title is None or m.title == m.title.strip() != ""
    assert all(len(t) <= 300 for t in m.titles)
    assert m.published is None or m.published[:4].isdigit()


def test_organisations_desks_and_caseless_duplicates_are_not_authors() -> None:
    ld = {
        "@type": "NewsArticle",
        "author": [
            {"@type": "NewsMediaOrganization", "name": "Coast Daily"},
            {"@type": "Person", "name": "Reuters Staff"},
            {"@type": "Person", "name": "Jane Doe"},
            {"@type": "Person", "name": "JANE DOE"},
            {"@type": "Person", "name": "Di Wang"},
        ],
    }
    m = page_meta_from_tree(parse_html(_page(f'<script type="application/ld+json">{json.dumps(ld)}</script>')))
    assert m.authors == ("Jane Doe", "Di Wang")


def test_unusable_author_values_fall_through_to_the_next_source() -> None:
    m = page_meta_from_tree(
        parse_html(
            _page(
                '<meta property="article:author" content="https://facebook.com/coastdaily">'
                '<meta name="parsely-author" content="Jane Doe">'
            )
        )
    )
    assert m.authors == ("Jane Doe",)
    # names in scripts without case are people too
    assert page_meta_from_tree(parse_html(_page('<meta name="author" content="محمد علي">'))).authors == ("محمد علي",)


def test_marked_authors_are_the_first_block_only() -> None:
    body = (
        '<div><a rel="author noopener" href="/a">Ann Lee</a>, <a rel="author" href="/b">Bo Li</a></div>'
        '<aside><span itemprop="author">Carl Mayer</span></aside>'
    )
    assert page_meta_from_tree(parse_html(_page("", body))).authors == ("Ann Lee", "Bo Li")


def test_title_forms_site_names_separators_and_scripts() -> None:
    def meta(head: str) -> object:
        return page_meta_from_tree(parse_html(_page(head)))

    # a title that is the site's name is no title
    site_only = meta('<meta property="og:site_name" content="Daily News"><title>Daily News</title>')
    assert site_only.title is None and site_only.titles == ()
    # a site name is cut where it stands, even when it repeats a word of the title
    m = meta('<meta property="og:site_name" content="Daily News"><title>Storm hits | News | Daily News</title>')
    assert m.title == "Storm hits | News"
    # without a declared site name, only a short last part is taken for one
    assert meta("<title>Covid-19 - what you need to know</title>").title == "Covid-19 - what you need to know"
    assert meta("<title>Storm hits the coast - Daily News</title>").title == "Storm hits the coast"
    # a middle dot inside a word is no separator (Catalan)
    assert meta("<title>La intel·ligència artificial avança</title>").title == "La intel·ligència artificial avança"
    # titles in scripts without spaces, markup dropped, overlong titles ignored
    assert meta("<title>東京で大雨、交通に影響</title>").title == "東京で大雨、交通に影響"
    ld = {"@type": "NewsArticle", "headline": "Storm <b>hits</b> coast"}
    assert meta(f'<script type="application/ld+json">{json.dumps(ld)}</script>').title == "Storm hits coast"
    assert meta(f"<title>{'word ' * 100}</title>").title is None
    # an empty JSON-LD headline does not hide og:title
    empty = {"@type": "NewsArticle", "headline": ""}
    m = meta(
        f'<script type="application/ld+json">{json.dumps(empty)}</script>'
        '<meta property="og:title" content="Storm hits coast">'
    )
    assert m.title == "Storm hits coast"


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        # a lone <h1> is the headline the reader sees; <title> is often the search engine's
        ("<title>Storm hits the coast, and more news</title>", "<h1>Storm hits coast</h1>", "Storm hits coast"),
        # of several <h1>, the first with text, after <title>
        ("<title>Storm hits coast</title>", "<h1>Daily News</h1><h1>Other story</h1>", "Storm hits coast"),
        ("", "<h1> </h1><h1>Storm hits coast</h1><h1>Other story</h1>", "Storm hits coast"),
        # a logo's heading, a link to the home page, names the site
        ("<title>Storm hits the coast | Daily Post</title>", '<h1><a href="/">Daily Post</a></h1>',
         "Storm hits the coast"),
        # the page's own declarations come first
        ('<meta property="og:title" content="Storm hits the coast">', "<h1>Storm hits coast</h1>",
         "Storm hits the coast"),
        # nothing declared as a title: the heading the markup marks as one
        ("", '<h2 class="block-title">Menu</h2><h2 class="entry-title">Storm hits</h2><h1>A</h1><h1>B</h1>',
         "Storm hits"),
        ("", '<h1> </h1><div class="post-title">Storm hits coast</div>', "Storm hits coast"),
        # a <title> that is only a domain names the site: the first of several <h1>
        ("<title>example.com</title>", "<h1>Storm hits</h1><h1>Other story</h1>", "Storm hits"),
        # a title of one word where no longer one is declared; no <h2> ("Main menu")
        ("<title>Impressum</title>", "", "Impressum"),
        ("", "<h2>First</h2><h2>Second</h2>", None),
        ("", "<h3 class='title'>T</h3>", None),
        # a class that names another title ("related-post-title"); a title that is a name
        ("", '<h2 class="related-post-title">Ten tips</h2><h1>A</h1><h1>B</h1>', "A"),
        ("<title>Node.js</title>", "", "Node.js"),
        # a longer title declared wins over a one-word heading (readability's test pages)
        ("<title>Replace brs test</title>", "<h1>Lorem</h1>", "Replace brs test"),
        # a site name after "»" as long as the title is cut off
        ("<title>My Title » My Website</title>", "", "My Title"),
    ],
)  # fmt: skip
def test_declared_title_and_headings(head: str, body: str, title: str | None) -> None:
    assert page_meta_from_tree(parse_html(_page(head, body))).title == title


@pytest.mark.parametrize(
    ("head", "body", "published"),
    [
        ('<meta name="date" content="Mon, 09 Jun 2025 08:30:00 GMT">', "", "2025-06-09T08:30:00+00:00"),
        ('<meta name="date" content="2025-13-45 bogus">', "", None),
        (
            '<meta property="article:published_time" content=" ">',
            '<article><time datetime="2025-06-09">x</time></article>',
            "2025-06-09",
        ),
        ("", '<time datetime="2020-01-01">comment</time>', None),
        ("", '<time datetime="2025-06-09" itemprop="datePublished">9 June</time>', "2025-06-09"),
        ('<meta property="og:published_time" content="2017-09-01">', "", "2017-09-01"),
        ('<meta name="citation_publication_date" content="2020/05/03">', "", "2020-05-03"),
        ('<meta name="publish-date" content="December 1, 2016">', "", "2016-12-01"),  # as a reader writes it
        ('<meta name="article:published_time" value="2016-12-16T18:05:39+00:00">', "", "2016-12-16T18:05:39+00:00"),
        # nothing declared but the date in the path of the page's URL
        ('<meta property="og:url" content="https://example.org/2017/09/01/content.html">', "", "2017-09-01"),
        ('<link rel="canonical" href="https://example.org/2017/13/01/content.html">', "", None),
    ],
)
def test_declared_dates(head: str, body: str, published: str | None) -> None:
    assert page_meta_from_tree(parse_html(_page(head, body))).published == published


def test_find_phrases_whole_words_longest_first() -> None:
    text = "Home > Storm hits coast\nStorm hits coastline\nStorm hits coast | Coast Daily"
    spans = find_phrases(text, ["Storm hits coast", "Storm hits coast | Coast Daily"])
    assert [text[a:b] for a, b in spans] == ["Storm hits coast", "Storm hits coast | Coast Daily"]
    assert find_phrases(text, ["", "  "]) == []


def test_find_phrases_skips_running_text_and_matches_any_case() -> None:
    text = "Storm Watch\nDay three of the Storm Watch\nSTORM WATCH | News\nStorm Watch continues today"
    spans = find_phrases(text, ["Storm Watch"])
    assert [text[a:b] for a, b in spans] == ["Storm Watch", "STORM WATCH"]
    many = "\n".join(["Storm Watch"] * 6)
    assert len(find_phrases(many, ["Storm Watch"], max_repeats=5)) == 0
    assert len(find_phrases(many, ["Storm Watch"], max_repeats=6)) == 6


def test_split_units_cuts_around_a_phrase_never_inside() -> None:
    text = "News > Weather > Storm hits coast. Wind and rain expected\nBody"
    (a, b) = find_phrases(text, ["Storm hits coast. Wind and rain expected"])[0]
    units = split_units(text, phrases=[(a, b)])
    assert [text[u.start : u.end] for u in units] == [
        "News > Weather >",
        "Storm hits coast. Wind and rain expected",
        "Body",
    ]
    # without the phrase, a short line is one unit
    first = split_units(text)[0]
    assert text[first.start : first.end] == text.split("\n")[0]


# A title run together with its section name ("Weather"), no byline: what the page declares decides.
HTML = _page(
    '<meta property="og:title" content="Storm hits coast | Coast Daily">'
    '<meta property="og:site_name" content="Coast Daily">'
    '<meta name="author" content="Jane Doe">'
    '<meta property="article:published_time" content="2025-06-09">',
    '<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>'
    "<div>Weather Storm hits coast</div>" + BODY + "<footer>Contact us</footer>",
)


def test_clean_html_uses_the_declared_title_authors_and_date() -> None:
    result = Cleaner().clean_html(HTML)
    main = result.main
    assert main is not None
    assert main.headline == "Storm hits coast"
    assert main.authors == ["Jane Doe"]
    assert main.published == "2025-06-09"
    # the headline is a segment of the text, cut out of its line
    heads = [s for s in result.segments if s.label == "headline"]
    assert [s.text for s in heads] == ["Storm hits coast"]
    # without the metadata, nothing of it is invented
    plain = Cleaner(config=CleanerConfig(html_metadata=False)).clean_html(HTML).main
    assert plain is not None and plain.authors == [] and plain.published is None
    assert plain.headline != "Storm hits coast"


def test_declared_title_missing_from_the_text_becomes_the_headline() -> None:
    html = _page('<meta property="og:title" content="Harbour town braces for the storm">', BODY)
    main = Cleaner().clean_html(html).main
    assert main is not None and main.headline == "Harbour town braces for the storm"


def test_a_headline_sharing_no_word_with_the_declared_title_gives_way_to_it() -> None:
    """Issue 14: the text's headline that shares no word with the title the page
    declares (a section's name, a slogan, a date line) is not the article's title."""
    head = '<meta property="og:title" content="Harbour town braces for the storm">'
    section = _page(head, f"<h1>Weather and climate</h1>{BODY}")
    main = Cleaner().clean_html(section).main
    assert main is not None and main.headline == "Harbour town braces for the storm"
    # a headline worded otherwise but sharing words stays: the page shows it
    shown = _page(head, f"<h1>Storm hits the harbour town</h1>{BODY}")
    main = Cleaner().clean_html(shown).main
    assert main is not None and main.headline == "Storm hits the harbour town"


def test_the_declared_title_is_not_put_on_a_second_article() -> None:
    """The declared title replaces the main article's headline only where no article of
    the page has a headline sharing a word with it, and only a title of two words or more."""
    from cleaner.document import Article, CleanResult
    from cleaner.pipeline.enrich import apply_page_meta

    def art(headline: str, words: int) -> Article:
        return Article(headline, [], [], None, None, None, ["word " * words], [])

    meta = PageMeta(title="The history of coffee")
    own = CleanResult(articles=[art("History of coffee", 50), art("Espresso machines", 500)], segments=[])
    assert apply_page_meta(own, meta, title_in_text=True).articles[1].headline == "Espresso machines"
    lone = CleanResult(articles=[art("Shop now", 500)], segments=[])
    assert apply_page_meta(lone, meta, title_in_text=True).articles[0].headline == "The history of coffee"
    home = CleanResult(articles=[art("Storm hits the coast", 500)], segments=[])
    assert apply_page_meta(home, PageMeta(title="Home"), title_in_text=True).articles[0].headline == (
        "Storm hits the coast"
    )


def test_clean_with_meta_on_raw_text_and_clean_many() -> None:
    text, meta = read_html(HTML)
    assert text == html_to_text(HTML) and meta is not None
    cleaner = Cleaner()
    one = cleaner.clean(text, meta=meta)
    many = cleaner.clean_many([text, text], meta=[meta, None])
    assert many[0] == one
    assert many[1] == cleaner.clean(text)
    assert many[0] != many[1]
    with pytest.raises(ValueError):
        cleaner.clean_many([text, text], meta=[meta])


def test_cli_clean_html_and_no_metadata(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "storm.html"
    page.write_text(HTML, encoding="utf-8")
    assert main(["clean", str(page), "-f", "json"]) == 0
    art = json.loads(capsys.readouterr().out)["articles"][0]
    assert (art["headline"], art["authors"]) == ("Storm hits coast", ["Jane Doe"])
    assert main(["clean", str(page), "-f", "json", "--no-metadata"]) == 0
    art = json.loads(capsys.readouterr().out)["articles"][0]
    assert art["authors"] == []


def test_batch_html_pages_use_their_metadata(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "storm.html").write_text(HTML, encoding="utf-8")
    (src / "plain.txt").write_text(html_to_text(HTML), encoding="utf-8")
    out = tmp_path / "out"
    report = run_batch(src, out, options=BatchOptions(jobs=1))
    assert report.exit_code == 0
    rows = {}
    for name in sorted(out.glob("part-*.jsonl")):
        for line in name.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            rows.setdefault(row["path"], []).append(row)
    html_main = max(rows["storm.html"], key=lambda r: len(" ".join(r["body"])))
    text_main = max(rows["plain.txt"], key=lambda r: len(" ".join(r["body"])))
    assert html_main["headline"] == "Storm hits coast" and html_main["authors"] == ["Jane Doe"]
    assert text_main["authors"] == []


def test_a_stored_title_guides_cleaning_raw_text() -> None:
    import cleaner

    text = html_to_text(HTML)
    meta = cleaner.PageMeta(title="Storm hits coast")
    assert meta.titles == ("Storm hits coast",)
    main = cleaner.clean(text, meta=meta).main
    assert main is not None and main.headline == "Storm hits coast"


def test_a_title_named_in_the_body_does_not_split_the_article() -> None:
    html_page = _page(
        "<title>Harbour Town</title>",
        "<h2>Storm hits coast</h2>"
        "<p>The storm reached Harbour Town on Monday night, and people in Harbour Town stayed inside "
        "while the wind blew over the roofs until the early morning hours of Tuesday.</p>"
        "<p>Fishermen in Harbour Town had pulled their boats onto the beach on Sunday, and the council "
        "opened the school hall for families whose houses stood too close to the water.</p>",
    )
    result = Cleaner().clean_html(html_page)
    assert len(result.articles) == 1
    body = result.articles[0].body
    assert len(body) == 2 and all("Harbour Town" in p for p in body)


def test_the_copy_of_the_title_heading_the_article_is_chosen_and_others_dropped() -> None:
    text = (
        "Home News Sport\n"
        "Storm hits coast\n"
        "Short teaser that mentions the storm.\n"
        "Storm hits coast\n"
        "By Jane Doe | June 9, 2025\n"
        + "The storm reached the coast on Monday night, and people stayed inside while the wind blew. " * 4
        + "\n"
        + "Fishermen pulled their boats onto the beach, and the council opened the school hall for them. " * 4
    )
    meta = PageMeta(title="Storm hits coast")
    result = Cleaner().clean(text, meta=meta)
    heads = [s for s in result.segments if s.label == "headline"]
    assert [h.text for h in heads] == ["Storm hits coast"]
    main = result.main
    assert main is not None and main.headline == "Storm hits coast" and main.authors == ["Jane Doe"]


def test_declared_authors_join_without_repeats() -> None:
    text = "Storm hits coast\nBy Jane Doe\n" + "The storm reached the coast on Monday night and the wind blew. " * 5
    meta = PageMeta(title="Storm hits coast", authors=("JANE  DOE", "John Smith"))
    main = Cleaner().clean(text, meta=meta).main
    assert main is not None and main.authors == ["Jane Doe", "John Smith"]


def test_footer_and_aside_text_is_never_body() -> None:
    aside = (
        "Our newsletter arrives every Friday morning, and readers who sign up before the end of the "
        "month receive a free tote bag along with the weekly digest of stories from the harbour."
    )
    html_page = _page(
        '<meta property="og:title" content="Storm hits coast">',
        "<h1>Storm hits coast</h1>" + BODY + f"<aside><p>{aside}</p></aside><footer><p>{aside}</p></footer>",
    )
    text, meta = read_html(html_page)
    assert meta is not None and len(meta.furniture) == 2
    assert all(text[a:b] == aside for a, b in meta.furniture)
    assert PageMeta.from_dict(meta.to_dict()) == meta
    with_meta = Cleaner().clean_html(html_page)
    assert not any(s.label == "body" and aside in s.text for s in with_meta.segments)
    assert with_meta.main is not None and len(with_meta.main.body) == 2


def test_an_aside_around_the_article_is_no_furniture() -> None:
    # a layout that wraps the page's <main> in an <aside>: its article is no furniture
    html_page = _page(
        '<meta property="og:title" content="Storm hits coast">',
        "<aside class='columns'><main><article><h1>Storm hits coast</h1>" + BODY + "</article></main></aside>",
    )
    _, meta = read_html(html_page)
    assert meta is not None and meta.furniture == ()
    main = Cleaner().clean_html(html_page).main
    assert main is not None and len(main.body) == 2


def test_furniture_takes_a_unit_only_when_most_of_it_is_furniture() -> None:
    from cleaner.pipeline.decode import decode_labels
    from cleaner.pipeline.segment import Unit

    classes = ["body", "junk"]
    units = [Unit(0, 100, 0, True, False, False), Unit(100, 110, 0, False, True, False)]
    proba = np.asarray([[0.9, 0.1], [0.8, 0.2]])
    # a ten-character aside run onto a long paragraph: only the aside's own unit goes
    labels, conf = decode_labels("x" * 110, units, proba, classes, furniture=[(95, 110)])
    assert labels == ["body", "junk"] and conf.tolist() == [0.9, 0.2]


def test_public_functions_are_named_for_what_they_take() -> None:
    """read_html takes HTML; page_meta_from_tree a parsed tree (it was ``page_meta``,
    a name that read as if it took a page)."""
    import cleaner.page_meta as module

    assert {"read_html", "page_meta_from_tree"} <= set(module.__all__)
    assert not hasattr(module, "page_meta")
    html = _page('<meta name="author" content="Jane Doe"><title>Storm hits coast | Daily News</title>', "<p>Text.</p>")
    text, meta = read_html(html)
    assert text == html_to_text(html)
    assert meta == page_meta_from_tree(parse_html(html)) and meta is not None and meta.authors == ("Jane Doe",)


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        ('<meta property="og:type" content="article">', "article"),
        ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "A"}</script>', "article"),
        ('<meta property="og:type" content="article"><script type="application/ld+json">'
         '{"@type": "DiscussionForumPosting", "headline": "A"}</script>', "discussion"),
        ('<script type="application/ld+json">{"@type": "QAPage"}</script>', "discussion"),
        ('<meta property="og:type" content="website">', None),
    ],
)  # fmt: skip
def test_what_the_page_declares_itself(head: str, kind: str | None) -> None:
    assert page_meta_from_tree(parse_html(_page(head))).kind == kind


def test_the_declared_url_is_read() -> None:
    """A retrained model's scope routes a page by the URL it declares (issue 19)."""
    canonical = (
        '<html><head><link rel="canonical" href="https://news.example/a">'
        '<meta property="og:url" content="https://x.example/b"></head></html>'
    )
    assert page_meta_from_tree(parse_html(canonical)).url == "https://news.example/a"
    og = '<html><head><link rel="canonical" href="/relative"><meta property="og:url" content="https://x.example/b"></head></html>'
    assert page_meta_from_tree(parse_html(og)).url == "https://x.example/b"
    assert page_meta_from_tree(parse_html("<html><head><title>T</title></head></html>")).url is None
    meta = PageMeta(title="T", url="https://x.example/b")
    assert PageMeta.from_dict(meta.to_dict()) == meta


def test_a_forum_posts_user_name_is_its_author() -> None:
    """Issue 14: a forum thread names its poster by a user name ("Fitzg", Reddit's
    ``author-name``), which is no person's name by its shape; where the page names no
    one else, the first author-marked user name is the author."""
    post = "<p>I'm interested to know how people get into woodworking as a hobby.</p>"

    def page(body: str) -> str:
        return f"<html><head><title>Beginning woodworking</title></head><body>{body}</body></html>"

    thread = page(
        f"<div class='question__info'><a class='author' href='/u/1'>Fitzg</a> posted</div>{post}"
        "<ol class='comments__list'><li><a class='author'>BMilton</a><p>Start small.</p></li></ol>"
    )
    assert page_meta_from_tree(parse_html(thread)).authors == ("Fitzg",)
    # a person's name declared elsewhere wins
    named = thread.replace("<title>", "<meta name='author' content='Jane Doe'><title>")
    assert page_meta_from_tree(parse_html(named)).authors == ("Jane Doe",)
    # a reader's name in comments or reviews, or a word, is no author
    reviews = page(
        f"{post}<ol><li class='review'><p class='meta'><strong class='review__author'>Claudio</strong></p></li></ol>"
    )
    assert page_meta_from_tree(parse_html(reviews)).authors == ()
    assert page_meta_from_tree(parse_html(page(f"<a class='author'>Admin</a>{post}"))).authors == ()
    assert page_meta_from_tree(parse_html(page(f"<span class='author'>2024</span>{post}"))).authors == ()
    # a forum's user-name markup marks a user name (vBulletin's "bigusername")...
    vbulletin = page(f"<div id='postmenu_1'><a class='bigusername' href='/u/7'>microfast</a></div>{post}")
    assert page_meta_from_tree(parse_html(vbulletin)).authors == ("microfast",)
    # ... and no menu's words: a site's account menu is marked so
    menu = page(f"<span class='username'>BBC Account</span>{post}")
    assert page_meta_from_tree(parse_html(menu)).authors == ()
    # a class of the whole page says nothing of a post (Reddit's body "comments-page")
    reddit = thread.replace("<body>", "<body class='single-page comments-page'>")
    assert page_meta_from_tree(parse_html(reddit)).authors == ("Fitzg",)
    # buttons, desks, sites and placeholders are no user names
    for word in ("Folgen", "Redaktion", "nytimes.com", "AuthorName", "TBD"):
        assert page_meta_from_tree(parse_html(page(f"<span class='author'>{word}</span>{post}"))).authors == ()
