"""What an element's markup says about its text: the project's one markup vocabulary.

Sites name their containers for what they hold: ``class="comment-list"``,
``id="sidebar"``, ``itemprop="author"``, ``role="navigation"``. :func:`attribute_groups`
reads an element's ``class``, ``id``, ``itemprop``, ``role`` and ``rel`` into a bit mask
of :data:`ATTRIBUTE_GROUPS` (comment, byline, sidebar, related, share, ad ...), and
:data:`TAG_CONTEXTS` gives a bit to each tag whose presence among a text's enclosing
elements matters (inside a list, a table, a figure, a quotation, an ``<article>``).
:mod:`cleaner.html_text` records both for every rendered block, and
:mod:`cleaner.dom_features` turns them into the features of the HTML stage.

>>> names = lambda mask: [g for g, bit in zip(ATTRIBUTE_GROUPS, range(64)) if mask >> bit & 1]
>>> names(attribute_groups("comments widget", "sidebar-2", None, None, None))
['comment', 'sidebar']
>>> names(attribute_groups("header-ad", None, None, None, None))
['header', 'ad']
>>> names(attribute_groups("shadow read", None, None, None, None))
[]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

__all__ = [
    "ATTRIBUTE_GROUPS",
    "GROUP_ATTRIBUTES",
    "TAG_CONTEXTS",
    "attribute_groups",
    "main_container",
    "tag_context",
    "value_groups",
]

# Each group: words that start a token of the attribute values (tokens are cut at
# anything but a letter: "comment-list" and "commentList" both hold "comment"), with
# the short words that would start unrelated tokens ("ad" in "address") matched whole.
# Chosen by hand from the class names of the peers' pages and the usual CMS themes
# (WordPress, Drupal, Discourse, news sites' own); German words where the pages of
# issue 14 used them.
_GROUPS: dict[str, tuple[str, ...]] = {
    "comment": ("comment", "disqus", "respond", "reply", "replies", "pingback", "trackback", "discussion", "kommentar"),
    "byline": ("byline", "author", "writer", "contributor", "autor", "reporter", "creator"),
    "date": ("date", "time", "publish", "posted", "dateline", "timestamp", "datum"),
    "headline": ("headline", "title", "heading", "hed"),
    "sidebar": ("sidebar", "aside", "rail", "widget", "sidebox", "marginal"),
    "related": ("related", "recommend", "teaser", "popular", "trending", "mostread", "more", "also", "next", "prev"),
    "nav": ("nav", "menu", "breadcrumb", "crumb", "pagination", "pager", "toc", "tabs", "skip"),
    "footer": ("footer", "copyright", "legal", "bottom", "impressum", "colophon"),
    "header": ("header", "masthead", "topbar", "banner", "logo", "brand"),
    "share": ("share", "social", "facebook", "twitter", "whatsapp", "sharing", "print", "email", "follow", "teilen"),
    "ad": ("ad=", "ads=", "advert", "adsense", "adslot", "adunit", "adsby", "sponsor", "promo", "dfp", "outbrain",
           "taboola", "commercial", "anzeige", "werbung", "native"),
    "caption": ("caption", "credit", "photo", "image", "img", "media", "gallery", "video", "figure", "picture", "bild"),
    "content": ("content", "article", "post", "entry", "story", "body", "text", "main", "prose", "artikel", "beitrag"),
    "subscribe": ("newsletter", "subscribe", "signup", "paywall", "premium", "register", "login", "abo", "paid",
                  "plus"),
    "tag": ("tag", "categor", "topic", "keyword", "label", "rubrik", "schlagw"),
    "cookie": ("cookie", "consent", "gdpr", "privacy", "datenschutz"),
    "hidden": ("hidden", "sronly", "visuallyhidden", "screenreader", "offscreen", "hide"),
    "lead": ("lead", "intro", "summary", "standfirst", "dek", "subtitle", "subhead", "kicker", "excerpt", "abstract"),
    "card": ("card", "item", "tile", "grid", "feed", "list", "listing", "stream"),
    "profile": ("user", "profile", "avatar", "bio", "member", "person"),
    "form": ("search", "form", "input", "button", "btn", "field", "submit"),
    "rating": ("rating", "review", "stars", "vote", "like", "reaction"),
    "modal": ("modal", "popup", "overlay", "dialog", "lightbox", "toast", "notice", "alert"),
    "quote": ("quote", "pullquote", "blockquote", "zitat"),
}  # fmt: skip

ATTRIBUTE_GROUPS: tuple[str, ...] = tuple(_GROUPS)
"""The names of the attribute groups, in the order of their bits."""

# word -> (group bit, whether the word must be a whole token)
_WORDS: dict[str, tuple[int, bool]] = {
    w.rstrip("="): (1 << i, w.endswith("=")) for i, words in enumerate(_GROUPS.values()) for w in words
}
_LONGEST = max(map(len, _WORDS))
# every start of two letters or more of a word: a token whose start is none of them
# starts no word with more letters either
_STARTS = frozenset(w[:k] for w in _WORDS for k in range(2, len(w) + 1))
# tokens: runs of letters, cut where lower case turns to upper ("commentList")
_TOKEN = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def _token_groups(token: str) -> int:
    """The bit mask of the groups whose words start a token (or are the whole token)."""
    token = token.lower()
    mask = 0
    for k in range(2, min(len(token), _LONGEST) + 1):
        start = token[:k]
        if start not in _STARTS:
            break
        hit = _WORDS.get(start)
        if hit is not None and (not hit[1] or k == len(token)):
            mask |= hit[0]
    return mask


# _token_groups of the tokens met, kept across pages: a class value is often a page's
# own ("post-1234 wp-block-group ..."), its tokens are mostly everyone's; emptied when
# it holds _MAX_TOKENS (about 2 MB; the 383 test pages of the peers benchmark have
# 20,431 distinct tokens), so that it never grows without bound
_TOKEN_GROUPS: dict[str, int] = {}
_MAX_TOKENS = 1 << 14


@functools.lru_cache(maxsize=8192)
def _groups_of(value: str) -> int:
    mask = 0
    known = _TOKEN_GROUPS
    for token in _TOKEN.findall(value):
        bits = known.get(token)
        if bits is None:
            if len(known) >= _MAX_TOKENS:
                known.clear()
            bits = known[token] = _token_groups(token)
        mask |= bits
    return mask


GROUP_ATTRIBUTES = frozenset({"class", "id", "itemprop", "role", "rel"})
"""The attributes whose values :func:`attribute_groups` reads."""


def value_groups(value: str) -> int:
    """The bit mask of :data:`ATTRIBUTE_GROUPS` one attribute value names (its first
    200 characters); ``attribute_groups`` ORs those of an element's values."""
    return _groups_of(value[:200]) if value else 0


def attribute_groups(cls: str | None, id_: str | None, itemprop: str | None, role: str | None, rel: str | None) -> int:
    """The bit mask of :data:`ATTRIBUTE_GROUPS` an element's attribute values name."""
    mask = 0
    for value in (cls, id_, itemprop, role, rel):
        if value:
            mask |= _groups_of(value[:200])
    return mask


TAG_CONTEXTS: tuple[str, ...] = (
    "ul", "ol", "li", "table", "figure", "figcaption", "blockquote", "article", "main", "section",
    "header", "footer", "nav", "aside", "form", "dl", "pre", "a", "p", "h", "time", "address",
    "strong", "em", "small", "button", "label", "cite", "details",
)  # fmt: skip
"""Tags whose presence among a text's enclosing elements is a feature, in bit order
(``"h"``: any of ``h1``-``h6``; ``"strong"`` takes ``b`` too, ``"em"`` takes ``i``)."""

_TAG_BIT = {t: 1 << i for i, t in enumerate(TAG_CONTEXTS)}
for _h in ("h1", "h2", "h3", "h4", "h5", "h6"):
    _TAG_BIT[_h] = _TAG_BIT["h"]
_TAG_BIT["b"] = _TAG_BIT["strong"]
_TAG_BIT["i"] = _TAG_BIT["em"]


def tag_context(tag: str) -> int:
    """The bit of :data:`TAG_CONTEXTS` a (lower-case) tag sets, or 0."""
    return _TAG_BIT.get(tag, 0)


def main_container(
    chains: Sequence[tuple[int, ...]], weights: Sequence[float], share: float
) -> tuple[int | None, dict[int, float]]:
    """The deepest element that holds at least ``share`` of the weight of some texts, and
    each element's weight: text ``k`` weighs ``weights[k]`` and stands inside the
    elements ``chains[k]`` (ids, outermost first). None when nothing weighs anything or
    no element holds so much. The HTML stage's features (:mod:`cleaner.dom_features`,
    blocks weighed by their prose) and the decoding steps that read the markup
    (:mod:`cleaner.pipeline.containers`, units by their words) find the main article's
    container so.

    >>> main_container([(1, 2), (1, 2), (1, 3)], [10, 10, 5], 0.6)
    (2, {1: 25, 2: 20, 3: 5})
    """
    held: dict[int, float] = {}
    total: float = 0
    for chain, weight in zip(chains, weights, strict=True):
        total += weight
        if weight:
            for a in chain:
                held[a] = held.get(a, 0) + weight
    if total <= 0:
        return None, held
    need = share * total
    best, best_depth = None, -1
    last: tuple[int, ...] | None = None
    for chain in chains:
        if chain is last:  # texts of one element share its tuple: nothing new in it
            continue
        last = chain
        for depth in range(best_depth + 1, len(chain)):
            if held.get(chain[depth], 0) >= need:
                best, best_depth = chain[depth], depth
    return best, held
