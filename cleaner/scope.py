"""Site scope of a retrained model: which pages it is for.

A model retrained on a few pages of a user's sites (``cleaner train --base``) fits
those sites' layouts, and the heavy weight of the user's pages can cost a little on
every other site (a lost headline here and there). So a retrained model keeps the
model it was retrained from as its *fallback*, and a :class:`SiteScope` decides, page
by page, which of the two cleans it (:meth:`cleaner.model.Model.for_text`).

A page is in scope by what the user declares, where the page's URL is known, and else
by its text:

* **By URL** (``cleaner clean --url``, the canonical URL an HTML page declares,
  :attr:`cleaner.PageMeta.url`): a site named by its host (``# site: mysite.example``)
  takes the pages of that host and its subdomains, and only those; URL patterns
  (``cleaner train --url-pattern 'mysite.example/news/*'``), when given, take the pages
  whose URL (without its scheme) matches one of them, and only those.
* **By text**: the sites' *template lines*, navigation, section labels and footers
  that come back on every page of a layout. For each site of the user's samples:

  * the lines found on at least two of its labelled pages;
  * with one page only, the lines labelled ``junk`` on it;
  * less the lines found on pages of two or more sites of the base training data and
    of the shipped table of lines common across sites (:func:`load_common_lines`:
    "Home", "Share this article", "digg", "Privacy Policy |"): those say nothing about
    a site.

  A page is in scope when it shares at least :data:`MIN_SHARED_LINES` template lines
  with one site, and at least :data:`MIN_SHARED_FRACTION` of them; a site with fewer
  template lines than :data:`MIN_SHARED_LINES` has no scope by text. Lines are
  compared after :func:`template_key`: white space collapsed, case folded, digits
  made ``0`` (the year in "(c) 2025 Almanac" changes).

A site that is not named by a host (its samples' folder name) is judged by text even
when the URL is known.

>>> from cleaner.samples import page_from_segments
>>> pages = [
...     page_from_segments([("junk", "ALMANAC"), ("junk", "Home | Letters"), ("headline", f"The {w} title"),
...                         ("body", f"The {w} text."), ("junk", "More from the Almanac"),
...                         ("junk", "(c) 2025 Almanac")],
...                        id=w, site="almanac.example")
...     for w in ("first", "second")
... ]
>>> scope = build_scope(pages, common_lines={"home | letters"})
>>> sorted(scope.sites["almanac.example"])
['(c) 0 almanac', 'almanac', 'more from the almanac']
>>> scope.covers("ALMANAC\\nA new title\\nNew text.\\nMore from the Almanac\\n(c) 2026 Almanac")
True
>>> scope.covers("ALMANAC\\nHome | Letters\\nA page of another site")
False
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .samples import LabelledPage

__all__ = [
    "COMMON_LINES_FILE",
    "COMMON_LINES_MIN_SITES",
    "MIN_SHARED_FRACTION",
    "MIN_SHARED_LINES",
    "SiteScope",
    "build_scope",
    "common_lines_table",
    "common_template_lines",
    "host_of",
    "load_common_lines",
    "site_host",
    "template_key",
    "template_keys",
]

# Shared template lines that put a page in a site's scope; a site with fewer template
# lines has no scope. `python benchmarks/scope_probe.py` (3 pages of each of 31 test
# sites as the samples, every other test page as a probe): at 3 lines, 0 of 20,216
# pages of other sites fell in a scope and 52 of the sites' 89 other pages; at 2
# lines, 1 and 59.
MIN_SHARED_LINES = 3

# The share of a site's template lines a page must hold too. A large template (a shop's
# hundreds of category links) shares a few generic lines with many sites ("Sandals",
# "Insoles"): on real multi-page hosts (`python benchmarks/scope_hosts.py`, the table
# held out), 3 samples a host, 0.1 took the stray pages of other hosts from 52 to 13
# of 34,578 (those left share a CMS: sister sites of one publisher) for one page of
# 73 lost (63 -> 62 in scope; 0.2: 8 strays, 60 in scope); 5 samples a host, from 26
# to 1 of 10,018, none lost. The pages of a site hold most of its template (median
# share above 0.5 on that benchmark).
MIN_SHARED_FRACTION = 0.1

COMMON_LINES_FILE = Path(__file__).resolve().parent / "models" / "common_lines.json"
"""The shipped table of lines common across sites: ``python -m training.common_lines``."""

COMMON_LINES_MIN_SITES = 2
"""A line is in the shipped table when pages of this many distinct sites show it. On
`benchmarks/scope_hosts.py` with the table held out, 2 left 52 stray pages of 34,578
and 3 left 74 (3 samples a host, no :data:`MIN_SHARED_FRACTION`)."""

_DIGITS = re.compile(r"\d+")


def template_key(line: str) -> str:
    """The form a line is compared in: white space collapsed, case folded, digit runs
    made ``0``; ``""`` for a line without a letter (never a template line).

    >>> template_key("  Copyright 2025   ALMANAC ")
    'copyright 0 almanac'
    """
    key = _DIGITS.sub("0", " ".join(line.split()).casefold())
    return key if any(c.isalpha() for c in key) else ""


def template_keys(text: str) -> set[str]:
    """The distinct :func:`template_key` of a text's lines."""
    keys = {template_key(line) for line in text.splitlines()}
    keys.discard("")
    return keys


@functools.lru_cache(maxsize=1)
def load_common_lines() -> frozenset[str]:
    """The shipped table of lines common across sites (:data:`COMMON_LINES_FILE`);
    empty when the file is missing."""
    if not COMMON_LINES_FILE.is_file():
        return frozenset()
    data = json.loads(COMMON_LINES_FILE.read_text(encoding="utf-8"))
    return frozenset(str(line) for line in data["lines"])


def host_of(url: str) -> str | None:
    """The host of a URL, lower case, without ``www.`` (a URL without a scheme too).

    >>> host_of("https://WWW.Example.com:8080/a?b"), host_of("news.example.com/x"), host_of("no host")
    ('example.com', 'news.example.com', None)
    """
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host or "." not in host or " " in host:
        return None
    return host.strip(".").removeprefix("www.")


def site_host(site: str) -> str | None:
    """The host a site's name declares (``# site: mysite.example``), or None for a
    name that is not a host (a folder's name such as ``samples``).

    >>> site_host("MySite.example"), site_host("www.bbc.co.uk"), site_host("samples"), site_host("a b.c")
    ('mysite.example', 'bbc.co.uk', None, None)
    """
    if not _HOST.fullmatch(site):
        return None
    return site.lower().removeprefix("www.")


_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


def _url_key(url: str) -> str:
    """A URL (or a URL pattern) as patterns are matched: without its scheme, its host
    lower case and without ``www.``.

    >>> _url_key("https://WWW.MySite.example/News/1"), _url_key("mysite.example/News/*")
    ('mysite.example/News/1', 'mysite.example/News/*')
    """
    rest = url.split("//", 1)[1] if "//" in url else url
    host, slash, path = rest.partition("/")
    return host.lower().removeprefix("www.") + slash + path


def common_lines_table(pages: Iterable[LabelledPage], *, min_sites: int) -> set[str]:
    """Keys of lines found on pages of at least ``min_sites`` distinct sites (a page
    without a site is a site of its own; composed pages are left out): the recipe of
    the shipped table of common lines (:func:`load_common_lines`)."""
    sites_of: dict[str, set[str]] = {}
    first_site: dict[str, str] = {}
    for page in pages:
        if page.meta.get("render") == "composed":
            continue
        site = page.site or page.id
        for key in template_keys(page.text):
            seen = first_site.setdefault(key, site)
            if seen != site:
                sites_of.setdefault(key, {seen}).add(site)
    return {key for key, sites in sites_of.items() if len(sites) >= min_sites}


def common_template_lines(pages: Iterable[LabelledPage]) -> set[str]:
    """Keys of lines found on pages of two or more sites (a page without a site is a
    site of its own). Composed pages (``meta["render"] == "composed"``, built from
    other pages' lines) are left out."""
    return common_lines_table(pages, min_sites=2)


@dataclass(frozen=True)
class SiteScope:
    """The sites a model was retrained on: their template lines, and what the user declared.

    Attributes:
        sites: per site, the keys (:func:`template_key`) of its template lines.
        min_shared: template lines of one site a page must share to be in scope.
        min_fraction: the share of a site's template lines a page must hold too
            (0 in scopes made before it existed).
        url_patterns: glob patterns (``fnmatch``, ``*`` any text) that a page's URL,
            without its scheme, must match when the URL is known; none: the sites'
            hosts decide (:func:`site_host`).
    """

    sites: dict[str, frozenset[str]]
    min_shared: int = MIN_SHARED_LINES
    min_fraction: float = 0.0
    url_patterns: tuple[str, ...] = ()

    def match(self, text: str, url: str | None = None) -> tuple[str, int] | None:
        """The site a page belongs to, and how many of its template lines the page
        shares, or None when the page is outside the scope.

        With the page's URL (``url``) and a declaration to judge it by (URL patterns,
        or sites named by their host), the URL decides for those sites; the others,
        and every site when the URL is unknown, are judged by template lines
        (:meth:`match_keys`)."""
        return self.match_page(template_keys(text), url)

    def match_page(self, keys: set[str] | frozenset[str], url: str | None = None) -> tuple[str, int] | None:
        """:meth:`match` of a page given by its :func:`template_keys` and its URL."""
        if url is not None and (self.url_patterns or self.declared_hosts()):
            site = self.match_url(url)
            if site is not None:
                return site, len(keys & self.sites.get(site, frozenset()))
            undeclared = [s for s in self.sites if site_host(s) is None] if not self.url_patterns else []
            return self._match_keys(keys, undeclared)
        return self.match_keys(keys)

    def declared_hosts(self) -> dict[str, str]:
        """The sites named by a host, and their hosts."""
        out = {}
        for site in self.sites:
            host = site_host(site)
            if host is not None:
                out[site] = host
        return out

    def match_url(self, url: str) -> str | None:
        """The site a URL belongs to by what the user declared, or None: with URL
        patterns, the first site when the URL matches one of them; else the site whose
        host is the URL's host or a parent of it (``news.mysite.example`` is
        ``mysite.example``'s)."""
        host = host_of(url)
        by_host = None
        if host is not None:
            for site, declared in sorted(self.declared_hosts().items()):
                if host == declared or host.endswith("." + declared):
                    by_host = site
                    break
        if not self.url_patterns:
            return by_host
        key = _url_key(url)
        if not any(fnmatchcase(key, _url_key(p)) for p in self.url_patterns):
            return None
        return by_host if by_host is not None else min(self.sites, default="")

    def match_keys(self, keys: set[str] | frozenset[str]) -> tuple[str, int] | None:
        """:meth:`match` by text, of a page given by its :func:`template_keys`."""
        return self._match_keys(keys, self.sites)

    def _match_keys(self, keys: set[str] | frozenset[str], sites: Iterable[str]) -> tuple[str, int] | None:
        best: tuple[str, int] | None = None
        for site in sites:
            lines = self.sites[site]
            if len(lines) < self.min_shared:
                continue
            shared = len(keys & lines)
            need = max(self.min_shared, math.ceil(self.min_fraction * len(lines)))
            if shared >= need and (best is None or shared > best[1]):
                best = (site, shared)
        return best

    def site_of(self, text: str, url: str | None = None) -> str | None:
        """The site of :meth:`match`, or None."""
        found = self.match(text, url)
        return None if found is None else found[0]

    def covers(self, text: str, url: str | None = None) -> bool:
        """Whether the page is in scope: it is of one of the sites (see :meth:`match`)."""
        return self.site_of(text, url) is not None

    def sites_without_scope(self) -> list[str]:
        """Sites with fewer than ``min_shared`` template lines: none of their pages is
        in scope by text (by URL, a site named by its host still takes its pages)."""
        return sorted(site for site, lines in self.sites.items() if len(lines) < self.min_shared)

    def describe(self) -> dict[str, object]:
        """Plain data for a model's manifest."""
        return {
            "min_shared_lines": self.min_shared,
            "min_shared_fraction": self.min_fraction,
            "template_lines": {site: len(lines) for site, lines in sorted(self.sites.items())},
            "hosts": dict(sorted(self.declared_hosts().items())),
            "url_patterns": list(self.url_patterns),
        }

    def to_dict(self) -> dict[str, Any]:
        """The whole scope as plain data (a model file stores it so); :meth:`from_dict`
        reads it back."""
        return {
            "sites": {site: sorted(lines) for site, lines in sorted(self.sites.items())},
            "min_shared": self.min_shared,
            "min_fraction": self.min_fraction,
            "url_patterns": list(self.url_patterns),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SiteScope:
        """The inverse of :meth:`to_dict`."""
        return cls(
            {str(site): frozenset(str(x) for x in lines) for site, lines in data["sites"].items()},
            int(data.get("min_shared", MIN_SHARED_LINES)),
            float(data.get("min_fraction", 0.0)),
            tuple(str(p) for p in data.get("url_patterns", ())),
        )


def build_scope(
    pages: Sequence[LabelledPage],
    *,
    common_lines: Iterable[str] = (),
    min_shared: int = MIN_SHARED_LINES,
    min_fraction: float = MIN_SHARED_FRACTION,
    url_patterns: Sequence[str] = (),
) -> SiteScope:
    """The scope of a model retrained on ``pages`` (the user's labelled samples).

    Args:
        pages: the samples; pages without a site form one site.
        common_lines: keys of lines that are not a site's own (see
            :func:`common_template_lines` of the base training data and
            :func:`load_common_lines`; without them, "Home" or "Share" can put pages of
            any site in scope).
        min_shared, min_fraction, url_patterns: see :class:`SiteScope`.
    """
    common = set(common_lines)
    by_site: dict[str, list[LabelledPage]] = {}
    for page in pages:
        by_site.setdefault(page.site or "", []).append(page)
    sites: dict[str, frozenset[str]] = {}
    for site, site_pages in by_site.items():
        if len(site_pages) >= 2:
            counts = Counter(key for page in site_pages for key in template_keys(page.text))
            lines = {key for key, n in counts.items() if n >= 2}
        else:
            lines = set().union(*(template_keys(text) for label, text in site_pages[0].segments() if label == "junk"))
        sites[site] = frozenset(lines - common)
    return SiteScope(sites, min_shared, min_fraction, tuple(url_patterns))
