"""Page metadata: the title, authors and date an HTML page declares about itself.

Raw text carries no markup, but HTML usually says what its article is: schema.org
JSON-LD (``"headline"``, ``"author"``, ``"datePublished"``), Open Graph and Twitter
tags (``og:title``, ``article:published_time``), ``<meta name="author">`` and the
``<title>``. :func:`page_meta` reads them from a parsed tree, and
:meth:`cleaner.Cleaner.clean_html` uses them as hints: the title is cut out of the
line it sits in and becomes the main article's headline where it stands in the text
before the article's body, and the authors and date fill the main article's where
its bylines give none. Nothing here is guessed from the text; a field the page does
not declare stays empty.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from lxml import etree

from .document import CleanResult

__all__ = ["PageMeta", "apply_page_meta", "page_meta", "read_html"]

# JSON-LD types that describe an article (NewsArticle, BlogPosting, ReportageNewsArticle ...)
_ARTICLE_TYPE = re.compile(r"(?:Article|BlogPosting|Posting|Report)$")
# Separators between a title and a site name in <title> and og:title
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·•»:]\s+|\s*[|·•»]\s*")
_WS = re.compile(r"\s+")
# A name: two to five words, none of them a URL or a handle
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b)\s*")
_MAX_NAME_WORDS = 5
_BY_PREFIX = re.compile(r"^(?:by|von|par|por|di|door)\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What a page declares about its article.

    Attributes:
        title: the article's title, site name removed where the page names its site
            or the title carries one after a separator; None if the page declares none.
        titles: every declared form of the title, longest first (JSON-LD headline,
            ``og:title``, ``twitter:title``, ``<title>``, a lone ``<h1>``, each with and
            without a site name): the forms to look for in the text. Defaults to
            ``(title,)``.
        authors: author names, in the page's order (people, not organisations).
        published: the publication date or time as an ISO string, or None.
        site_name: ``og:site_name`` or the JSON-LD publisher's name, or None.
    """

    title: str | None = None
    titles: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    published: str | None = None
    site_name: str | None = None

    def __post_init__(self) -> None:
        if self.title and not self.titles:  # PageMeta(title="...") looks for the title itself
            object.__setattr__(self, "titles", (self.title,))


def _norm(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def _text_of(el: etree._Element) -> str:
    """An element's text content, white space normalised."""
    return _norm("".join(str(t) for t in el.itertext()))


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
        except ValueError:
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


def _names(value: Any) -> list[str]:
    """Author names from a JSON-LD ``author`` value: people only, not organisations."""
    out: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            out.append(_unescaped(item))
        elif isinstance(item, dict) and "Organization" not in _types(item):
            name = item.get("name")
            if isinstance(name, str):
                out.append(_unescaped(name))
    return out


# Links to an author's page: "/author/jane-doe", "/authors/jane-doe", "/profiles/jane-doe-123"
_AUTHOR_HREF = re.compile(r"/(?:author|authors|profiles?|contributors?)/[^/?#]+", re.IGNORECASE)


def _marked_authors(root: etree._Element) -> list[str]:
    """Names the markup marks as the article's author: ``rel="author"`` or
    ``itemprop="author"`` elements, else the first link to an author's page."""
    marked: list[str] = []
    linked: list[str] = []
    for el in root.iter("a", "span", "div", "p", "address"):
        if el.get("rel") == "author" or (el.get("itemprop") or "").lower() == "author":
            name_el = el.find('.//*[@itemprop="name"]')
            source = name_el if name_el is not None else el
            marked.append(source.get("content") or _text_of(source))
        elif el.tag == "a" and not linked and _AUTHOR_HREF.search(el.get("href") or ""):
            linked.append(_text_of(el))
    return marked or linked


def _clean_names(values: list[str], site_name: str | None) -> tuple[str, ...]:
    """Names split at "and" and commas, each of two to five words; no URL, handle or site name."""
    out: list[str] = []
    site = (site_name or "").lower()
    for value in values:
        value = _BY_PREFIX.sub("", _norm(value))
        for name in _NAME_SPLIT.split(value):
            name = name.strip(" .")
            words = name.split()
            if not 2 <= len(words) <= _MAX_NAME_WORDS:
                continue
            if any(c in name for c in "/@:|") or name.lower() == site or not name[0].isupper():
                continue
            if name not in out:
                out.append(name)
    return tuple(out)


def _iso(value: str | None) -> str | None:
    """The date or time as an ISO string, if ``value`` is one (``2025-01-15``, with a time)."""
    value = _norm(value)
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        m = re.match(r"(\d{4}-\d{2}-\d{2})", value)
        return m.group(1) if m else None
    return stamp.isoformat() if ("T" in value or " " in value) else stamp.date().isoformat()


def _strip_site(title: str, site_name: str | None) -> str:
    """The title without a site name run onto it after a separator ("Storm hits | Daily News")."""
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    if site_name:
        site = site_name.lower()
        kept = [p for p in parts if p.strip().lower() != site and site not in p.strip().lower()]
        if kept and len(kept) < len(parts):
            return _rejoin(title, kept)
    # no declared site name: the longest part, if it holds most of the words
    best = max(parts, key=lambda p: len(p.split()))
    if 2 * len(best.split()) > len(title.split()):
        return best.strip()
    return title


def _rejoin(title: str, kept: list[str]) -> str:
    start = title.find(kept[0])
    end = title.rfind(kept[-1]) + len(kept[-1])
    return title[start:end].strip() if 0 <= start < end else kept[0].strip()


def page_meta(root: etree._Element | None) -> PageMeta:
    """Read the title, authors, date and site name a parsed page declares.

    >>> from cleaner.html_text import parse_html
    >>> m = page_meta(parse_html(
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
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = el.get("content")
        if key and content and key not in meta:
            meta[key] = _unescaped(content)
    headline = None
    authors: list[str] = []
    published = None
    site_name = meta.get("og:site_name")
    for obj in _json_ld(root):
        if not any(_ARTICLE_TYPE.search(t) for t in _types(obj)):
            continue
        if headline is None and isinstance(obj.get("headline"), str):
            headline = _unescaped(obj["headline"])
        if not authors:
            authors = _names(obj.get("author"))
        if published is None and isinstance(obj.get("datePublished"), str):
            published = obj["datePublished"]
        publisher = obj.get("publisher")
        if site_name is None and isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            site_name = _unescaped(publisher["name"])
    if not authors:
        for key in ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl"):
            if key in meta:
                authors = [meta[key]]
                break
    if not authors:
        authors = _marked_authors(root)
    if published is None:
        for key in ("article:published_time", "datepublished", "parsely-pub-date", "pubdate", "date", "dc.date"):
            if key in meta:
                published = meta[key]
                break
    if published is None:
        for el in root.iter("time"):
            if el.get("datetime"):
                published = el.get("datetime")
                break
    title_el = root.find(".//title")
    h1s = [_text_of(h) for h in root.iter("h1")]
    raw = [
        headline,
        meta.get("og:title"),
        meta.get("twitter:title"),
        _text_of(title_el) if title_el is not None else None,
        h1s[0] if len(h1s) == 1 else None,
    ]
    forms: list[str] = []
    for t in raw:
        if not t:
            continue
        for form in (t, _strip_site(t, site_name)):
            if form and form not in forms and len(form.split()) >= 2:
                forms.append(form)
    title = _strip_site(forms[0], site_name) if forms else None
    return PageMeta(
        title=title,
        titles=tuple(sorted(forms, key=len, reverse=True)),
        authors=_clean_names(authors, site_name),
        published=_iso(published),
        site_name=site_name,
    )


def read_html(html: str | bytes, *, mode: str = "browser", metadata: bool = True) -> tuple[str, PageMeta | None]:
    """Parse HTML once: its text (:func:`cleaner.html_text.render_tree`) and what it
    declares (:func:`page_meta`; None with ``metadata=False``).

    Raises:
        InputTypeError, HTMLInputError, UnsupportedInputError: as
            :func:`cleaner.html_text.html_to_text`.
    """
    from .html_text import parse_html, render_tree

    root = parse_html(html)
    text = render_tree(root, mode=mode).text
    return text, (page_meta(root) if metadata else None)


def apply_page_meta(result: CleanResult, meta: PageMeta, *, title_in_text: bool) -> CleanResult:
    """``result`` with its main article completed from what the page declares.

    The declared title becomes its headline where it has none, or where no form of the
    title stands in the text (``title_in_text`` False: the text's headline is then a
    guess, the declaration is the page's word); the declared authors follow the ones
    its bylines give (without repeats); the declared date stands where its bylines give
    none. Segments are not changed.
    """
    i = result.main_index
    if i is None:
        return result
    main = result.articles[i]
    have = {a.lower() for a in main.authors}
    authors = [*main.authors, *(a for a in meta.authors if a.lower() not in have)]
    headline = main.headline
    if meta.title is not None and (headline is None or not title_in_text):
        headline = meta.title
    updated = replace(
        main,
        headline=headline,
        authors=authors,
        published=main.published if main.published is not None else meta.published,
    )
    if updated == main:
        return result
    articles = list(result.articles)
    articles[i] = updated
    return CleanResult(articles=articles, segments=result.segments)
