"""Page metadata: the title, authors and date an HTML page declares about itself.

Raw text carries no markup, but HTML usually says what its article is: schema.org
JSON-LD (``"headline"``, ``"author"``, ``"datePublished"``), Open Graph and Twitter
tags (``og:title``, ``article:published_time``), ``<meta name="author">`` and the
``<title>``. :func:`read_html` takes a page's HTML and gives its text and what it
declares; :func:`page_meta_from_tree` reads the declarations from a tree already
parsed (:func:`cleaner.html_text.parse_html`). :meth:`cleaner.Cleaner.clean_html`
uses them as hints: the title is cut out of the
line it sits in and becomes the main article's headline where it stands in the text
before the article's body, and the authors and date fill the main article's where
its bylines give none. Nothing here is guessed from the text; a field the page does
not declare stays empty.
"""

from __future__ import annotations

import email.utils
import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from lxml import etree

from .bylines import NOT_PERSON_WORDS, everyday_phrase, iso_date, parse_bylines, plausible_person
from .lexicon import UNSPACED, credit_prefix, not_name_word, strip_invisible, tidy_name

if TYPE_CHECKING:
    from .html_text import RenderedPage

__all__ = ["PageMeta", "declared_date", "page_meta_from_tree", "read_html", "read_html_page"]

# JSON-LD types that describe an article (NewsArticle, BlogPosting, ReportageNewsArticle ...)
_ARTICLE_TYPE = re.compile(r"(?:Article|BlogPosting|Posting|Report)$")
# JSON-LD types of a forum thread or a question and its answers: their replies are content
_DISCUSSION_TYPE = re.compile(r"^(?:DiscussionForumPosting|QAPage|Question|SocialMediaPosting)$")
# Separators between a title and a site name in <title> and og:title
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·•»:]\s+|\s*[|»]\s*")
_WS = re.compile(r"\s+")
# A name: two to five words, none of them a URL or a handle
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\b(?:and|und|et|y|og|och)\b)\s*")
_MAX_NAME_WORDS = 5


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What a page declares about its article.

    Attributes:
        title: the article's title, site name removed where the page names its site
            or the title carries one after a separator; None if the page declares none.
        titles: every declared form of the title, longest first (JSON-LD headline,
            ``og:title``, ``twitter:title``, a lone ``<h1>``, ``<title>``, each with and
            without a site name): the forms to look for in the text. Defaults to
            ``(title,)``.
        authors: author names, in the page's order (people, not organisations).
        published: the publication date or time as an ISO string, or None.
        site_name: ``og:site_name`` or the JSON-LD publisher's name, or None.
        furniture: ``(start, end)`` spans of the rendered text that the markup marks
            as page furniture, inside ``<footer>`` or ``<aside>``: never the article's
            body (filled by :func:`read_html`, which knows the rendering; empty from
            :func:`page_meta_from_tree`).
        url: the page's URL: the canonical URL it declares (``<link rel="canonical">``,
            ``og:url``), or the one the caller knows (``cleaner clean --url``). A
            retrained model's scope routes the page by its host
            (:mod:`cleaner.scope`); nothing else reads it.
        kind: what the page declares itself: ``"article"`` (a JSON-LD article type,
            or ``og:type`` "article"), ``"discussion"`` (a JSON-LD forum post, question
            or Q&A page; it wins over an article), or None. On an article the
            comment thread after it is never body (:mod:`cleaner.pipeline.containers`).
    """

    title: str | None = None
    titles: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    published: str | None = None
    site_name: str | None = None
    furniture: tuple[tuple[int, int], ...] = ()
    url: str | None = None
    kind: str | None = None

    def __post_init__(self) -> None:
        if self.title and not self.titles:  # PageMeta(title="...") looks for the title itself
            object.__setattr__(self, "titles", (self.title,))

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict (lists for tuples)."""
        return {
            "title": self.title,
            "titles": list(self.titles),
            "authors": list(self.authors),
            "published": self.published,
            "site_name": self.site_name,
            "furniture": [list(span) for span in self.furniture],
            "url": self.url,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PageMeta:
        """The inverse of :meth:`to_dict`; unknown keys are ignored."""
        return cls(
            title=data.get("title"),
            titles=tuple(data.get("titles") or ()),
            authors=tuple(data.get("authors") or ()),
            published=data.get("published"),
            site_name=data.get("site_name"),
            furniture=tuple((int(a), int(b)) for a, b in data.get("furniture") or ()),
            url=data.get("url"),
        )


def _norm(text: str | None) -> str:
    return _WS.sub(" ", strip_invisible(text or "")).strip()


def _text_of(el: etree._Element, *, spaced: bool = False) -> str:
    """An element's text content, white space normalised; ``spaced``: a space between
    its text nodes, so that an author box's name and date in elements of their own
    ("Mazi", "December 19, 2025") stay apart, as the rendered page shows them."""
    return _norm((" " if spaced else "").join(str(t) for t in el.itertext()))


def _unescaped(text: str | None) -> str:
    """A declared value with entities a CMS escaped twice resolved ("Movers &#038; More")."""
    return _norm(html.unescape(text)) if text and "&" in text else _norm(text)


def _json_ld(root: etree._Element) -> Iterator[dict[str, Any]]:
    """Every JSON object of the page's ``application/ld+json`` scripts, nested ones too."""
    for script in root.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):  # not JSON, or nested deeper than Python's recursion limit
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                yield item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(reversed(graph))
                main = item.get("mainEntity")
                if isinstance(main, dict | list):
                    stack.append(main)


def _types(obj: dict[str, Any]) -> list[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return [t]
    if isinstance(t, list):
        return [x for x in t if isinstance(x, str)]
    return []


def _is_organisation(obj: dict[str, Any]) -> bool:
    """Organization, NewsMediaOrganization, Corporation ... (schema.org types, or their URLs)."""
    return any(t.rsplit("/", 1)[-1].endswith(("Organization", "Corporation")) for t in _types(obj))


def _is_person(obj: dict[str, Any]) -> bool:
    """Typed ``Person`` (a schema.org type, or its URL)."""
    return any(t.rsplit("/", 1)[-1] == "Person" for t in _types(obj))


def _names(value: Any, *, organisations: bool = False, typed_people: bool = False) -> list[str]:
    """Author names from a JSON-LD ``author`` value: people only, not organisations
    (unless ``organisations``); with ``typed_people``, only the items typed ``Person``."""
    out: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            if not typed_people:
                out.append(_unescaped(item))
        elif isinstance(item, dict) and (
            _is_person(item) if typed_people else organisations or not _is_organisation(item)
        ):
            name = item.get("name")
            if isinstance(name, str):
                out.append(_unescaped(name))
    return out


# Links to an author's page: "/author/jane-doe", "/authors/jane-doe", "/profiles/jane-doe-123"
_AUTHOR_HREF = re.compile(r"/(?:author|authors|profiles?|contributors?)/[^/?#]+", re.IGNORECASE)


# The elements whose author mark names the article's author: an ``itemprop="author"``
# on a forum's <section> marks every poster, on a <small> a picture's credit.
_MARKED_TAGS = ("a", "span", "div", "p", "address", "li", "h1", "h2", "h3", "h4", "h5", "h6", "author")


def _marked_authors(root: etree._Element) -> list[str]:
    """Names the markup marks as the article's author: the first ``rel="author"`` or
    ``itemprop="author"`` element (of :data:`_MARKED_TAGS`), or ``<author>`` element, and its siblings marked alike
    (co-authors; marks in teaser cards and comments further down are not read)."""
    first: etree._Element | None = None
    marked: list[str] = []
    for el in root.iter(*_MARKED_TAGS):
        rel, prop = el.get("rel"), el.get("itemprop")
        if (
            not (rel and "author" in rel.lower().split())
            and not (prop and "author" in prop.lower().split())
            and el.tag != "author"
        ):
            continue
        if first is not None and el.getparent() is not first.getparent():
            continue
        if el.tag == "author" and not _clean_names([_text_of(el)], None):  # a quotation box's <author>xxx</author>
            continue
        first = el if first is None else first
        name_el = el.find('.//*[@itemprop="name"]')
        source = name_el if name_el is not None else el
        marked.append(source.get("content") or _text_of(source))
    return marked


def _linked_author(root: etree._Element) -> list[str]:
    """The text of the first link to an author's page that reads as a person's name
    ("View more posts" and "Bluesky" do not), as a one-item list, or none."""
    for el in root.iter("a"):
        if _AUTHOR_HREF.search(el.get("href") or "") and plausible_person(text := _text_of(el)):
            return [text]
    return []


# Class names that mark an author's name ("author", "post-author", "byline__name",
# "elementor-author-box__name", "authorName"), split at "-", "_" and camel case; the
# parts of a class that marks something else about an author (a comment's, a picture,
# a biography, a date).
_AUTHOR_CLASS_PARTS = frozenset({"author", "byline", "writer", "username", "bigusername", "submitted"})
_NOT_AUTHOR_CLASS_PARTS = frozenset(
    "comment comments reply avatar bio biography description desc img image photo pic picture date time "
    "meta social follow email link links url quote".split()
)
# Where an author-marked element names someone other than the article's author: a
# picture's credit, a quotation's author (a sidebar often holds the author's box)
_NOT_AUTHOR_PLACES = frozenset({"figure", "figcaption", "blockquote"})
_NOT_AUTHOR_PLACE_PARTS = frozenset({"quote", "blockquote"})
_ARTICLE_PLACES = frozenset({"article", "main", "body"})
_CLASS_PARTS = re.compile(r"[-_]+")
_CAMEL_CASE = re.compile(r"(?<=[a-z])(?=[A-Z])")
_MAX_CLASS_MARKED = 5


def _markers(el: etree._Element) -> str:
    """An element's class and id, and the component name a script framework writes
    (``data-testid``, ``data-component``), space-separated ("" for none): what it
    holds, by name."""
    cls, eid = el.get("class"), el.get("id")
    return " ".join(v for v in (cls, eid, el.get("data-testid"), el.get("data-component")) if v)


# Every id of a page, as strings (an XPath gathers them faster than a look at every
# element's id in Python)
_IDS = etree.XPath("//@id | //@data-testid | //@data-component", smart_strings=False)
_AUTHOR_ID = re.compile(r"(?i)author|byline|writer|username|submitted")


def _author_class_elements(root: etree._Element) -> list[etree._Element]:
    """The elements whose class or id (or ``data-testid``, ``data-component``) holds
    "author", "byline", "writer", "username" or "submitted" in any case, in document
    order (a pass in Python over the elements' classes: a sixth of the time of an
    XPath that lowercases every class with ``translate``; ids and component names are
    read in it only on a page where one of them holds such a word)."""
    out = []
    found = _IDS(root)
    ids = isinstance(found, list) and any(isinstance(v, str) and _AUTHOR_ID.search(v) for v in found)
    for el in root.iter(etree.Element):
        cls = el.get("class")
        if ids and (el.get("id") or el.get("data-testid") or el.get("data-component")):
            cls = _markers(el)
        if cls:
            cls = cls.lower()  # five substring tests: twice as fast as _AUTHOR_ID on every class
            if "author" in cls or "byline" in cls or "writer" in cls or "username" in cls or "submitted" in cls:
                out.append(el)
    return out


def _class_parts(token: str) -> set[str]:
    """A class token's words, lower case: split at dashes and underscores, and where a
    capital starts a word ("authorName")."""
    return {p.lower() for p in _CLASS_PARTS.split(_CAMEL_CASE.sub("_", token))}


def _author_class(el: etree._Element) -> bool:
    """Whether an element's class or id marks an author's name (see
    ``_AUTHOR_CLASS_PARTS``; a forum's user name too: a site's "BBC Account" menu is
    marked so, and its words are no name's, :func:`cleaner.lexicon.not_name_word`)."""
    cls = _markers(el) if isinstance(el.tag, str) else None
    if not cls:
        return False
    for token in cls.split():
        parts = _class_parts(token)
        if parts & _AUTHOR_CLASS_PARTS and not parts & _NOT_AUTHOR_CLASS_PARTS:
            return True
    return False


def _elsewhere(el: etree._Element) -> bool:
    """Whether an element stands in a figure or a quotation (``_NOT_AUTHOR_PLACES``,
    ``_NOT_AUTHOR_PLACE_PARTS``) inside the article, main part or body it belongs to."""
    for a in el.iterancestors():
        if a.tag in _ARTICLE_PLACES:  # a class of the whole post ("format-quote") says nothing
            return False
        if a.tag in _NOT_AUTHOR_PLACES:
            return True
        cls = _markers(a)
        if cls and "quote" in cls.lower():
            if any(_class_parts(token) & _NOT_AUTHOR_PLACE_PARTS for token in cls.split()):
                return True
    return False


def _author_marked(root: etree._Element) -> list[etree._Element]:
    """The elements whose class or id marks an author's name, in document order, but
    those in a figure or a quotation."""
    return [el for el in _author_class_elements(root) if _author_class(el) and not _elsewhere(el)]


def _innermost(marked: list[etree._Element]) -> Iterator[etree._Element]:
    """The author-marked elements (in document order) that hold no other one: of an
    element and one inside it that are both marked, the inner one is read (in document
    order, a marked element inside this one is the next marked one)."""
    for i, el in enumerate(marked):
        if i + 1 < len(marked) and any(a is el for a in marked[i + 1].iterancestors()):
            continue
        yield el


# A user name: one token of 4 to 30 letters, digits, dots, dashes and underscores, with
# a letter ("chunix64", "Fitzg", "archuser38013"; "TBD", "PhD" and "AFP" are shorter)
_HANDLE = re.compile(r"(?=[\w.-]*[^\W\d_])[\w.-]{4,30}")
_DOMAIN = re.compile(r"\.[a-z]{2,6}$")  # "nytimes.com": a site, not its writer
_MAX_HANDLE_MARKED = 3


_COMMENT_PARTS = frozenset({"comment", "comments", "review", "reviews"})


def _in_comments(el: etree._Element) -> bool:
    """Whether an element stands in comment or review markup (a reader's name there is
    not the page's author: a shop's reviews, a blog's comments)."""
    for a in el.iterancestors():
        if a.tag in ("body", "html"):  # a class of the whole page ("comments-page") says nothing
            return False
        cls = _markers(a)
        if cls and any(_class_parts(token) & _COMMENT_PARTS for token in cls.split()):
            return True
    return False


def _marked_handle(marked: list[etree._Element]) -> tuple[str, ...]:
    """The user name that the first of (at most ``_MAX_HANDLE_MARKED``) author-marked
    elements with text holds alone: a forum post's poster (``<a class="author">Fitzg</a>``,
    Reddit's ``author-name``), where the page names no person. Not an everyday word, a
    word of a button, a desk or a role (:func:`cleaner.lexicon.not_name_word`:
    "Admin", "Anonymous", "Folgen", "Redaktion"), a domain ("nytimes.com") or a
    placeholder ("AuthorName"), nor a name in comments or reviews."""
    seen = 0
    for el in _innermost(marked):
        text = _text_of(el)
        if not text:
            continue
        if (
            _HANDLE.fullmatch(text)
            and _DOMAIN.search(text) is None
            and "author" not in text.casefold()
            and not everyday_phrase(text)
            and not not_name_word(text)
            and not _in_comments(el)
        ):
            return (text,)
        seen += 1
        if seen >= _MAX_HANDLE_MARKED:
            break
    return ()


def _class_marked_author(root: etree._Element, site_name: str | None, marked: list[etree._Element]) -> tuple[str, ...]:
    """The name in the first of (at most ``_MAX_CLASS_MARKED``) elements whose class
    marks an author's name (``class="author-name"``, ``class="byline"``), where no
    ``rel``, ``itemprop`` or author link names one: "Liz Kenny" of
    ``<h4 class="elementor-author-box__name">``. Of an element and one inside it that
    are both marked, the inner one is read, as a byline line
    (:func:`cleaner.bylines.parse_bylines`: "By Jane Doe | March 3" and "Jane
    DoeDecember 17" give "Jane Doe"); its names must look like people's.
    """
    seen = 0
    for el in _innermost(marked):
        if _in_comments(el):  # a commenter's user name ("username" marks a person's too)
            continue
        seen += 1
        line = _text_of(el, spaced=True)
        if credit_prefix(line) is None:  # the markup says "author": read it as credited
            line = f"By {line}"
        found = [n for n in parse_bylines([line]).authors if plausible_person(n)]
        names = _clean_names(found, site_name) or _names_of_leaves(el, site_name)
        if names:
            return names
        if seen >= _MAX_CLASS_MARKED:
            break
    return ()


_MAX_LEAVES = 6


def _names_of_leaves(el: etree._Element, site_name: str | None) -> tuple[str, ...]:
    """The names in a small author-marked element's innermost elements, each read
    apart: co-authors in elements of their own, which its text runs together
    ("<span>Birgit Baumann</span><span>Anna Giulia Fink</span>"). At most
    ``_MAX_LEAVES`` elements with text, and each of two words or more a name or a date
    (an author box with a menu or a product list in it names no one)."""
    texts = [t for leaf in el.iter(etree.Element) if len(leaf) == 0 and leaf is not el and (t := _text_of(leaf))]
    if len(texts) > _MAX_LEAVES:
        return ()
    found: list[str] = []
    for text in texts:
        if len(text.split()) < 2:
            continue
        names = [n for n in parse_bylines([f"By {text}"]).authors if plausible_person(n)]
        if not names and not any(c.isdigit() for c in text):
            return ()
        found.extend(names)
    return _clean_names(found, site_name)


# An author's desk code after the name ("Elena Oberholzer (obe)", NZZ's JSON-LD)
_DESK_CODE = re.compile(r"\s*\([a-zäöüß]{2,5}\)$")


def _name_parts(values: list[str]) -> Iterator[str]:
    """The parts of declared author values: markup and pictographs dropped (an
    ``og:author`` may hold links, a name a heart), credit cut off, split at "and" and
    commas, a desk code in parentheses after a name dropped."""
    for value in values:
        value = tidy_name(_norm(_TAG.sub(" ", value) if "<" in value else value))
        value = value[credit_prefix(value) or 0 :]
        for name in _NAME_SPLIT.split(value):
            yield _DESK_CODE.sub("", name.strip(" .")).strip(" .")


# "Surname, Given names" as library catalogues and scholarly citation tags write an
# author ("Kaufman, Jeff T.", "Jong, Michiel de"): one surname word (or a particle and
# it), a comma, one to three given names, initials or particles
_SURNAME_FIRST = re.compile(
    r"^((?:[a-z]{1,3}\s)?[^\W\d_][\w'’-]+),\s*((?:[^\W\d_][\w'’.-]*\.?)(?:\s+[^\W\d_][\w'’.-]*){0,2})$"
)
# Meta tags whose each value names one author, often surname first
_ONE_AUTHOR_KEYS = frozenset({"citation_author", "dc.creator", "dcterms.creator"})


def _given_name_first(value: str) -> str:
    """A catalogue's "Surname, Given" as a reader writes it ("Kaufman, Jeff T." ->
    "Jeff T. Kaufman"); any other value as it is."""
    m = _SURNAME_FIRST.match(_norm(value))
    given = m.group(2) if m is not None else ""
    # "Reuters, AP": two authors, not a surname and initials
    if m is None or _NAME_SPLIT.search(given) or (given.isalpha() and given.isupper() and len(given) > 1):
        return value
    return f"{m.group(2)} {m.group(1)}"


def _first_of_each(names: Iterable[str]) -> tuple[str, ...]:
    """``names`` without those equal to an earlier one but for case."""
    seen: set[str] = set()
    out = []
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return tuple(out)


def _clean_names(values: list[str], site_name: str | None) -> tuple[str, ...]:
    """Names split at "and" and commas, each of two to five words; no URL, handle, site
    name, desk or agency; the first of names equal but for case."""
    site = (site_name or "").casefold()

    def person(name: str) -> bool:
        words = name.split()
        return (
            2 <= len(words) <= _MAX_NAME_WORDS
            and not name[0].islower()
            and not any(c in name for c in "/@:|()")
            and name.casefold() != site
            and not any(w.casefold() in NOT_PERSON_WORDS for w in words)
        )

    return _first_of_each(name for name in _name_parts(values) if person(name))


_NOT_DECLARED_NAME = re.compile(
    r"(?i)https?:|www\.|/|@|\d{3,}|^(?:admin|administrator|webmaster|root|user|undefined|null|none|unknown)$"
)
_MAX_DECLARED_WORDS = 6


def _declared_names(values: list[str]) -> tuple[str, ...]:
    """The author a page declares where it names no person (its JSON-LD ``author``,
    organisations included, or an author meta tag): a user name, a team, a desk or an
    agency ("Kev", "InstaTunnel Team", "DER SPIEGEL", "dpa"), split at "and" and commas,
    of at most six words; no URL, e-mail address, number, CMS account ("admin") or a
    script's placeholder ("undefined")."""
    return _first_of_each(
        name
        for name in _name_parts(values)
        if name
        and len(name.split()) <= _MAX_DECLARED_WORDS
        and not _NOT_DECLARED_NAME.search(name)
        and any(c.isalpha() for c in name)
    )


def declared_date(value: str | None) -> str | None:
    """A date or time a page declares as an ISO string, if ``value`` is one
    (``2025-01-15``, with a time, ``2025/01/15``; an e-mail style date, "Mon, 09 Jun
    2025 08:30:00 GMT"; or a date as a byline writes it, "December 1, 2016").

    >>> declared_date("2025-06-09T08:00:00Z"), declared_date("soon")
    ('2025-06-09T08:00:00+00:00', None)
    """
    value = _norm(value)
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    else:
        return stamp.isoformat() if ("T" in value or " " in value) else stamp.date().isoformat()
    try:
        return email.utils.parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    m = re.match(r"(\d{4})[-/](\d{2})[-/](\d{2})", value)
    if m is not None:
        return iso_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    # a date as a reader writes it ("December 1, 2016", "1. Dezember 2016"), as a byline's
    return parse_bylines([value]).published if any(c.isdigit() for c in value) else None


def _separators(title: str) -> list[tuple[int, int]]:
    return [m.span() for m in _TITLE_SEPARATORS.finditer(title)]


def _strip_site(title: str, site_name: str | None) -> str:
    """The title without a site name run onto it after a separator ("Storm hits | Daily
    News", "Daily News - Storm hits"). Without a declared site name, only a last part
    of at most four words (as long as the title before it, after "»": "My Title » My
    Website"), or a first of at most three before "|" or "»", is taken for one
    ("Covid-19 - what you need to know" stays whole)."""
    seps = _separators(title)
    if not seps:
        return title
    bounds = [0, *(x for span in seps for x in span), len(title)]
    parts = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]  # (start, end) of each part
    parts = [(a, b) for a, b in parts if title[a:b].strip()]
    if len(parts) < 2:
        return title
    words = [len(title[a:b].split()) for a, b in parts]
    if site_name:
        site = site_name.casefold()
        kept = [(a, b) for a, b in parts if site not in title[a:b].casefold()]
        if kept and len(kept) < len(parts):
            return title[kept[0][0] : kept[-1][1]].strip()
        return title
    if words[-1] <= 4 and sum(words[:-1]) > words[-1]:
        return title[parts[0][0] : parts[-2][1]].strip()
    first_sep = title[seps[0][0] : seps[0][1]].strip()
    if title[seps[-1][0] : seps[-1][1]].strip() == "»" and words[-1] <= 4 and sum(words[:-1]) >= words[-1]:
        return title[parts[0][0] : parts[-2][1]].strip()  # "My Title » My Website"
    if first_sep in ("|", "»") and words[0] <= 3 and sum(words[1:]) > words[0]:
        return title[parts[1][0] : parts[-1][1]].strip()
    return title


_TAG = re.compile(r"<[^>]{0,200}>")
_MAX_TITLE_CHARS = 300


def _title_form(value: str | None) -> str | None:
    """A declared title as text to look for: tags dropped, at least two words (or a
    title in a script without spaces), at most ``_MAX_TITLE_CHARS`` characters."""
    value = _title_text(value)
    if value is None or (len(value.split()) < 2 and not (len(value) >= 4 and UNSPACED.search(value))):
        return None
    return value


def _title_text(value: str | None) -> str | None:
    """A declared title as it is shown, whatever its length: tags dropped, white space
    normalised; None if empty or over ``_MAX_TITLE_CHARS`` characters."""
    if not value:
        return None
    value = _norm(_TAG.sub("", value))
    return value if value and len(value) <= _MAX_TITLE_CHARS else None


# A <title> that is only a domain ("example.com") names the site, not the page (in
# lower case: "Node.js" and "ASP.NET" are titles)
_DOMAIN_TITLE = re.compile(r"\s*(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/?\s*")
# Class tokens of the heading that holds a page's title, where nothing declares it:
# WordPress' "entry-title", "post-title", "article-title", "post__title", a "headline"
# (whole tokens: not "related-post-title", "subheadline")
_TITLE_CLASS = re.compile(r"(?i)(?:post|entry|article)(?:-|__)(?:title|headline)|headline")
_TITLED_EXACTLY = frozenset({"entry-title", "post-title"})


def _marked_title(root: etree._Element) -> str | None:
    """The text of the first ``<h1>`` or ``<h2>`` whose class, id or ``itemprop`` marks
    a title (``_TITLE_CLASS``), else of the first element whose class is exactly
    "entry-title" or "post-title"; None if there is none."""
    exact: str | None = None
    for el in root.iter("h1", "h2", "div", "span", "p", "a", "header"):
        marks = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('itemprop') or ''}"
        if not marks.strip():
            continue
        if el.tag in ("h1", "h2") and any(_TITLE_CLASS.fullmatch(t) for t in marks.split()) and (text := _text_of(el)):
            return text
        if exact is None and (el.get("class") or "").strip() in _TITLED_EXACTLY:
            exact = _text_of(el) or None
    return exact


def _published(root: etree._Element, meta: dict[str, str], declared: str | None) -> str | None:
    """The declared date: JSON-LD, then meta tags, then a ``<time>`` marked as the
    publication date or the first in the page's ``<article>``, then a date in the
    path of the URL the page declares."""
    for value in (declared, *(meta.get(k) for k in _DATE_KEYS)):
        iso = declared_date(value)
        if iso is not None:
            return iso
    for el in root.iter("time"):
        if el.get("datetime") and ((el.get("itemprop") or "").lower() == "datepublished" or "pubdate" in el.attrib):
            return declared_date(el.get("datetime"))
    article = root.find(".//article")
    if article is not None:
        for el in article.iter("time"):
            if el.get("datetime"):
                return declared_date(el.get("datetime"))
    url = _canonical_url(root, meta)
    m = _URL_DATE.search(url) if url else None
    return iso_date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m is not None else None


# A date in the path of a page's URL ("https://example.org/2017/09/01/storm.html")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/")


_AUTHOR_KEYS = (
    "author",
    "citation_author",
    "og:author",
    "dcterms.creator",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "byl",
    "cxenseparse:author",
)
_AUTHOR_KEY_SET = frozenset(_AUTHOR_KEYS)
_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "publish-date",
    "pubdate",
    "citation_publication_date",
    "dc.date.issued",
    "date",
    "dc.date",
    "dcterms.date",
)
# The label of a Twitter card's data field that holds the author (WordPress's Yoast
# writes ``twitter:label1`` "Written by" and ``twitter:data1`` the name).
_WRITTEN_BY_LABEL = re.compile(
    r"(?i)^(?:written by|author|autor|autorin|geschrieben von|écrit par|escrito por|scritto da)$"
)


def _card_author(meta: dict[str, str]) -> list[str]:
    """The author a Twitter card's labelled data field names (``twitter:data1`` under a
    ``twitter:label1`` of "Written by"), as a one-item list, or none."""
    for n in range(1, 5):
        label, data = meta.get(f"twitter:label{n}"), meta.get(f"twitter:data{n}")
        if label is None:
            break
        if data and _WRITTEN_BY_LABEL.match(label.strip()):
            return [data]
    return []


def page_meta_from_tree(root: etree._Element | None) -> PageMeta:
    """Read the title, authors, date, site name and URL a parsed page declares.

    For a page's HTML, use :func:`read_html`, which parses it once for both its text
    and this.

    The title's forms come from JSON-LD's ``headline``, ``og:title`` and
    ``twitter:title``, then a lone ``<h1>`` (the headline a reader sees), ``<title>``
    (unless it is only a domain), where none of these is declared the heading the
    markup marks as a title (``class="entry-title"``), and the first of several
    ``<h1>``; the title is the first form of two words or more the page has, else a
    title of one word ("Impressum"). A form equal to the site name is never a title; a
    form of one word is never looked for in the text. Authors come from the first source
    that yields a person's name: JSON-LD, author meta tags (every tag of a kind:
    ``citation_author`` has one a name, surname first), a Twitter card's "Written by"
    field, then author markup (``rel``, ``itemprop``, class or id) and links; where
    none does, what the first of them declares (a user name, a team, an agency). The
    date comes from JSON-LD, meta tags, ``<time>`` and, last, a date in the path of the
    page's URL.

    >>> from cleaner.html_text import parse_html
    >>> m = page_meta_from_tree(parse_html(
    ...     '<html><head><title>Storm hits coast | Daily News</title>'
    ...     '<meta property="og:site_name" content="Daily News">'
    ...     '<meta name="author" content="Jane Doe and John Smith">'
    ...     '<meta property="article:published_time" content="2025-06-09T08:00:00Z">'
    ...     '</head><body><h1>Storm hits coast</h1></body></html>'))
    >>> m.title, m.authors, m.published
    ('Storm hits coast', ('Jane Doe', 'John Smith'), '2025-06-09T08:00:00+00:00')
    """
    if root is None:
        return PageMeta()
    meta: dict[str, str] = {}
    declared_authors: dict[str, list[str]] = {}  # every value of an author key, in page order
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        # (pages saved by Postlight's parser write value= for content=)
        content = _unescaped(el.get("content") or el.get("value"))
        if key and content:
            if key in _AUTHOR_KEY_SET:
                author = _given_name_first(content) if key in _ONE_AUTHOR_KEYS else content
                if author not in declared_authors.setdefault(key, []):
                    declared_authors[key].append(author)
            if key not in meta:
                meta[key] = content
    headline = None
    ld_authors: list[str] = []
    ld_declared: list[str] = []  # organisations too
    ld_people: list[str] = []  # typed Person, whatever their names look like
    declared_date = None
    site_name = meta.get("og:site_name")
    kind = "article" if meta.get("og:type", "").strip().lower() == "article" else None
    for obj in _json_ld(root):
        types = _types(obj)
        if any(_DISCUSSION_TYPE.match(t) for t in types):
            kind = "discussion"
        if not any(_ARTICLE_TYPE.search(t) for t in types):
            continue
        if kind is None:
            kind = "article"
        if headline is None and isinstance(obj.get("headline"), str) and obj["headline"].strip():
            headline = _unescaped(obj["headline"])
        if not ld_authors:
            ld_authors = _names(obj.get("author"))
        if not ld_declared:
            ld_declared = _names(obj.get("author"), organisations=True)
        if not ld_people:
            ld_people = _names(obj.get("author"), typed_people=True)
        if declared_date is None and isinstance(obj.get("datePublished"), str) and obj["datePublished"].strip():
            declared_date = obj["datePublished"]
        publisher = obj.get("publisher")
        if site_name is None and isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            site_name = _unescaped(publisher["name"]) or None
    authors: tuple[str, ...] = ()
    card = _card_author(meta)
    tagged = [declared_authors[k] for k in _AUTHOR_KEYS if k in declared_authors]
    for source in (ld_authors, *tagged, card):
        authors = _clean_names(source, site_name)
        if authors:
            break
    if not authors:
        # the words of a marked link may be a button's ("View more posts"); a user name is one word
        marked = [m for m in _marked_authors(root) if len(m.split()) < 2 or not everyday_phrase(m)]
        authors = _clean_names(marked, site_name)
        if not authors:  # a Person JSON-LD names, though not by a name's shape ("felixen"), beats a guess
            authors = _declared_names(ld_people)
        if not authors and not marked:
            authors = _clean_names(_linked_author(root), site_name)
        class_marked = _author_marked(root) if not authors else []
        if not authors:
            authors = _class_marked_author(root, site_name, class_marked)
        if not authors:  # no person's name anywhere: what the page declares as its author
            for source in (ld_declared, *tagged, card, marked):
                authors = _declared_names(source)
                if authors:
                    break
        if not authors:  # nor declared: a forum's poster, by the user name the markup marks
            authors = _marked_handle(class_marked)
    title_el = root.find(".//title")
    h1_elements = [h for h in root.iter("h1") if _text_of(h)]
    h1s = [_text_of(h) for h in h1_elements]
    if len(h1s) == 1 and _links_home(h1_elements[0]):  # a logo's heading names the site
        h1s = []
    head_title = _text_of(title_el) if title_el is not None else None
    if head_title is not None and _DOMAIN_TITLE.fullmatch(head_title):  # "example.com" names the site
        head_title = None
    lone_h1 = h1s[0] if len(h1s) == 1 else None
    declared = [headline, meta.get("og:title"), meta.get("twitter:title"), lone_h1, head_title]
    if not any(_title_text(v) for v in declared):  # no title declared: the heading the markup marks as one
        declared.append(_marked_title(root))
    declared.append(h1s[0] if len(h1s) > 1 else None)
    site = (site_name or "").casefold()
    forms: list[str] = []
    for value in declared:
        whole = _title_form(value)
        if whole is None:
            continue
        for form in (whole, _title_form(_strip_site(whole, site_name))):
            if form and form not in forms and form.casefold() != site:
                forms.append(form)
    title = _strip_site(forms[0], site_name) if forms else None
    if title is None:  # a title of one word ("Impressum")
        shown = [t for v in declared if (t := _title_text(v)) and t.casefold() != site]
        title = _strip_site(shown[0], site_name) if shown else None
    return PageMeta(
        title=title,
        titles=tuple(sorted(forms, key=len, reverse=True)),
        authors=authors,
        published=_published(root, meta, declared_date),
        site_name=site_name,
        url=_canonical_url(root, meta),
        kind=kind,
    )


def _links_home(el: etree._Element) -> bool:
    """Whether an element is, or is inside or holds, a link to a site's home page
    (``href`` "/", or a URL without a path): a logo's heading."""
    links = [a for a in (*el.iterancestors("a"), *el.iter("a")) if a.get("href") is not None]
    return any(_HOME_HREF.match((a.get("href") or "").strip()) for a in links)


_HOME_HREF = re.compile(r"^(?:/|(?:https?:)?//[^/?#]+/?|\.?/?index\.\w+)$", re.IGNORECASE)


def _canonical_url(root: etree._Element, meta: dict[str, str]) -> str | None:
    """The absolute URL the page declares for itself: ``<link rel="canonical">``, else ``og:url``."""
    for el in root.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        href = (el.get("href") or "").strip()
        if "canonical" in rel and href.startswith(("http://", "https://")):
            return href
    url = meta.get("og:url", "").strip()
    return url if url.startswith(("http://", "https://")) else None


# Zones of a page (cleaner.html_text.Block.zone) whose text is never an article's body.
# On the peers' 383 test pages, turning body there into junk raises clean_html's body
# word-F1 from 0.8285 to 0.8322 (training/CHANGELOG.md, "HTML hints: footer and aside").
_FURNITURE_ZONES = frozenset({"footer", "aside"})


def read_html(html: str | bytes, *, mode: str = "browser", metadata: bool = True) -> tuple[str, PageMeta | None]:
    """A page's text and what it declares, from its HTML: the entry point for HTML.

    The HTML is parsed once for its text (:func:`cleaner.html_text.render_tree`) and
    its declared title, authors, date and furniture (:func:`page_meta_from_tree`;
    None with ``metadata=False``). ``cleaner.clean(text, meta=meta)`` then cleans the
    text with what the page declares; to clean it as :func:`cleaner.clean_html` does,
    with the markup, pass the rendering too (:func:`read_html_page`:
    ``Cleaner.clean(rendering.text, meta=meta, rendering=rendering)``).

    >>> text, meta = read_html('<html><head><meta name="author" content="Jane Doe"></head>'
    ...                        '<body><p>The storm reached the coast.</p></body></html>')
    >>> text, meta.authors
    ('The storm reached the coast.', ('Jane Doe',))

    Raises:
        InputTypeError, HTMLInputError, UnsupportedInputError: as
            :func:`cleaner.html_text.html_to_text`.
    """
    page, meta = read_html_page(html, mode=mode, metadata=metadata)
    return page.text, meta


def read_html_page(
    html: str | bytes, *, mode: str = "browser", metadata: bool = True
) -> tuple[RenderedPage, PageMeta | None]:
    """:func:`read_html` with the whole rendering (:class:`cleaner.html_text.RenderedPage`:
    the text and the markup of each block), which the HTML stage reads."""
    from .html_text import parse_html, render_tree

    root = parse_html(html)
    page = render_tree(root, mode=mode)
    if not metadata:
        return page, None
    furniture = (
        ()
        if _furniture_wraps_content(root)
        else tuple((b.start, b.end) for b in page.blocks if b.zone in _FURNITURE_ZONES)
    )
    return page, replace(page_meta_from_tree(root), furniture=furniture)


# An <aside> or <footer> holding a <main> or an <article> wraps the page's content (a
# layout that misuses the element: "<aside class='columns'><main>..."): on such a page
# the zones say nothing of what is furniture. On the peers' train and validation pages,
# two lost their whole article to the page-furniture step this way (wcxb-dev/4459 and
# WashingtonTimes_2023_04_28).
_WRAPPING_FURNITURE = etree.XPath("(//aside | //footer)[.//main or .//article]")


def _furniture_wraps_content(root: etree._Element | None) -> bool:
    """Whether the page (None: empty) has an ``<aside>`` or ``<footer>`` around its content."""
    return root is not None and bool(_WRAPPING_FURNITURE(root))
