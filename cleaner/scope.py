"""Site scope of a retrained model: which pages it is for.

A model retrained on a few pages of a user's sites (``cleaner train --base``) fits
those sites' layouts, and the heavy weight of the user's pages can cost a little on
every other site (a lost headline here and there). So a retrained model keeps the
model it was retrained from as its *fallback*, and a :class:`SiteScope` decides, page
by page, which of the two cleans it (:meth:`cleaner.model.Model.for_text`).

The scope is the sites' *template lines*: navigation, section labels and footers that
come back on every page of a layout. For each site of the user's samples:

* the lines found on at least two of its labelled pages;
* with one page only, the lines labelled ``junk`` on it;
* less the lines found on pages of two or more sites of the base training data
  ("Home", "Share this article", "Advertisement"): those say nothing about a site.

A page is in scope when it shares at least :data:`MIN_SHARED_LINES` template lines
with one site; a site with fewer template lines than that has no scope (its pages go
to the fallback). Lines are compared after
:func:`template_key`: white space collapsed, case folded, digits made ``0`` (the year
in "(c) 2025 Almanac" changes).

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

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .samples import LabelledPage

__all__ = ["MIN_SHARED_LINES", "SiteScope", "build_scope", "common_template_lines", "template_key", "template_keys"]

# Shared template lines that put a page in a site's scope; a site with fewer template
# lines has no scope. `python benchmarks/scope_probe.py` (3 pages of each of 31 test
# sites as the samples, every other test page as a probe): at 3 lines, 0 of 20,216
# pages of other sites fell in a scope and 52 of the sites' 89 other pages; at 2
# lines, 1 and 59.
MIN_SHARED_LINES = 3

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


def common_template_lines(pages: Iterable[LabelledPage]) -> set[str]:
    """Keys of lines found on pages of two or more sites (a page without a site is a
    site of its own). Composed pages (``meta["render"] == "composed"``, built from
    other pages' lines) are left out."""
    first_site: dict[str, str] = {}
    common: set[str] = set()
    for page in pages:
        if page.meta.get("render") == "composed":
            continue
        site = page.site or page.id
        for key in template_keys(page.text):
            seen = first_site.setdefault(key, site)
            if seen != site:
                common.add(key)
    return common


@dataclass(frozen=True)
class SiteScope:
    """The template lines of each site a model was retrained on.

    Attributes:
        sites: per site, the keys (:func:`template_key`) of its template lines.
        min_shared: template lines of one site a page must share to be in scope.
    """

    sites: dict[str, frozenset[str]]
    min_shared: int = MIN_SHARED_LINES

    def match(self, text: str) -> tuple[str, int] | None:
        """The site whose template the page shares most lines with, and how many, if it
        shares at least ``min_shared``, else None."""
        keys = template_keys(text)
        best: tuple[str, int] | None = None
        for site, lines in self.sites.items():
            if len(lines) < self.min_shared:
                continue
            shared = len(keys & lines)
            if shared >= self.min_shared and (best is None or shared > best[1]):
                best = (site, shared)
        return best

    def site_of(self, text: str) -> str | None:
        """The site of :meth:`match`, or None."""
        found = self.match(text)
        return None if found is None else found[0]

    def covers(self, text: str) -> bool:
        """Whether the page is in scope: it looks like a page of one of the sites."""
        return self.site_of(text) is not None

    def sites_without_scope(self) -> list[str]:
        """Sites with fewer than ``min_shared`` template lines: none of their pages is
        in scope."""
        return sorted(site for site, lines in self.sites.items() if len(lines) < self.min_shared)

    def describe(self) -> dict[str, object]:
        """Plain data for a model's manifest."""
        return {
            "min_shared_lines": self.min_shared,
            "template_lines": {site: len(lines) for site, lines in sorted(self.sites.items())},
        }


def build_scope(
    pages: Sequence[LabelledPage], *, common_lines: Iterable[str] = (), min_shared: int = MIN_SHARED_LINES
) -> SiteScope:
    """The scope of a model retrained on ``pages`` (the user's labelled samples).

    Args:
        pages: the samples; pages without a site form one site.
        common_lines: keys of lines that are not a site's own (see
            :func:`common_template_lines` of the base training data; without them,
            "Home" or "Share" can put pages of any site in scope).
        min_shared: see :class:`SiteScope`.
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
    return SiteScope(sites, min_shared)
