"""The features of each unit of an HTML page that its markup gives (issue 14, item 1).

When cleaner renders HTML (:mod:`cleaner.html_text`), every block of the text keeps
where it came from: its tag and heading level, the furniture zone around it, its
links, its enclosing block elements, the :mod:`cleaner.markup` groups its ``class``,
``id``, ``itemprop``, ``role`` and ``rel`` name (near: its own element and the inline
elements inside it; far: any enclosing element) and the tags around it (list, table,
figure, quotation, ``<article>`` ...). :func:`unit_dom_features` gives each unit of
the text (:mod:`cleaner.pipeline.segment`) the features of the block it starts in, of that
block's container (the enclosing block element that holds it and its siblings: its
words, link share and blocks) and of the page's main container (the deepest element
holding most of the page's prose), with the unit's own words (CJK-aware,
:func:`cleaner.lexicon.count_words`) and link share. :mod:`cleaner.html_stage` reads
them with the text model's probabilities.

>>> from cleaner.html_text import render_blocks
>>> from cleaner.pipeline.segment import split_units
>>> page = render_blocks("<nav><a href='/'>Home</a></nav><article><p>One two three four.</p></article>")
>>> x = unit_dom_features(page, split_units(page.text))
>>> col = DOM_FEATURES.index
>>> x.shape == (2, len(DOM_FEATURES)), float(x[0, col("zone_nav")]), float(x[1, col("ctx_article")])
(True, 1.0, 1.0)
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np

from .html_text import Block, RenderedPage
from .lexicon import count_words, is_cjk
from .markup import ATTRIBUTE_GROUPS, TAG_CONTEXTS
from .pipeline.segment import Unit

__all__ = ["DOM_FEATURES", "unit_dom_features"]

_TAGS = ("p", "div", "li", "tr", "dd", "dt", "blockquote", "figcaption", "pre", "section", "article", "body")
_ZONES = ("nav", "header", "footer", "aside", "form", "menu")
_NUMERIC = (
    "heading",
    "in_card",
    "depth",
    "block_words",
    "block_link_share",
    "unit_words",
    "unit_link_share",
    "unit_share_of_block",
    "unit_cjk_share",
    "parent_words",
    "parent_link_share",
    "parent_blocks",
    "parent_prose_share",
    "in_main",
    "main_prose_share",
    "position",
    "page_words",
)

DOM_FEATURES: tuple[str, ...] = (
    *(f"near_{g}" for g in ATTRIBUTE_GROUPS),
    *(f"far_{g}" for g in ATTRIBUTE_GROUPS),
    *(f"ctx_{t}" for t in TAG_CONTEXTS),
    *(f"tag_{t}" for t in _TAGS),
    *(f"zone_{z}" for z in _ZONES),
    *_NUMERIC,
)
"""The names of the columns of :func:`unit_dom_features`."""

_N_GROUPS = len(ATTRIBUTE_GROUPS)
_N_CTX = len(TAG_CONTEXTS)
_TAG_COL = {t: i for i, t in enumerate(_TAGS)}
_ZONE_COL = {z: i for i, z in enumerate(_ZONES)}
# A block is prose when it has this many words (count_words) and at most this share of
# link text: what the main container is found by (as readability-style extractors do;
# set by hand).
_PROSE_WORDS = 10
_PROSE_MAX_LINK_SHARE = 0.5
# The main container holds at least this share of the page's prose (set by hand).
_MAIN_SHARE = 0.6


def _bits(values: np.ndarray, n: int) -> np.ndarray:
    return ((values[:, None] >> np.arange(n, dtype=np.int64)[None, :]) & 1).astype(np.float32)


def _link_chars(links: Sequence[tuple[int, int]], start: int, end: int) -> int:
    return sum(max(0, min(e, end) - max(s, start)) for s, e in links)


def _main_container(blocks: Sequence[Block], prose: np.ndarray) -> tuple[int, dict[int, float]]:
    """The id of the deepest container holding :data:`_MAIN_SHARE` of the prose (-1:
    none), and every container's prose words."""
    held: dict[int, float] = {}
    for blk, words in zip(blocks, prose.tolist(), strict=True):
        if words:
            for a in blk.ancestors:
                held[a] = held.get(a, 0.0) + words
    total = float(prose.sum())
    if total <= 0:
        return -1, held
    best, best_depth = -1, -1
    for blk in blocks:
        for depth, a in enumerate(blk.ancestors):
            if depth > best_depth and held.get(a, 0.0) >= _MAIN_SHARE * total:
                best, best_depth = a, depth
    return best, held


def unit_dom_features(page: RenderedPage, units: Sequence[Unit]) -> np.ndarray:
    """The markup features (:data:`DOM_FEATURES`) of each unit of ``page.text``, a
    ``(len(units), len(DOM_FEATURES))`` float32 array. A unit takes the block it starts
    in (units do not cross lines, and in the browser rendering a block is a line)."""
    n = len(units)
    out = np.zeros((n, len(DOM_FEATURES)), dtype=np.float32)
    blocks = page.blocks
    if n == 0 or not blocks:
        return out
    text = page.text
    starts = [b.start for b in blocks]
    which = np.asarray([max(0, bisect.bisect_right(starts, u.start) - 1) for u in units], dtype=np.int64)
    nb = len(blocks)
    words = np.asarray([count_words(text[b.start : b.end]) for b in blocks], dtype=np.float64)
    chars = np.asarray([max(1, b.end - b.start) for b in blocks], dtype=np.float64)
    link_share = np.asarray([b.link_chars for b in blocks], dtype=np.float64) / chars
    prose = np.where((words >= _PROSE_WORDS) & (link_share <= _PROSE_MAX_LINK_SHARE), words, 0.0)
    main, held = _main_container(blocks, prose)
    total_prose = max(1.0, float(prose.sum()))
    # each block's container: its innermost enclosing block element other than its own
    parent = [b.ancestors[-2] if len(b.ancestors) >= 2 else -1 for b in blocks]
    p_words: dict[int, float] = {}
    p_links: dict[int, float] = {}
    p_chars: dict[int, float] = {}
    p_blocks: dict[int, int] = {}
    for i, b in enumerate(blocks):
        for a in b.ancestors[-3:-1]:  # the block's container and the one around it
            p_words[a] = p_words.get(a, 0.0) + words[i]
            p_links[a] = p_links.get(a, 0.0) + b.link_chars
            p_chars[a] = p_chars.get(a, 0.0) + chars[i]
            p_blocks[a] = p_blocks.get(a, 0) + 1
    col = 0
    near = np.asarray([blocks[i].near for i in which.tolist()], dtype=np.int64)
    far = np.asarray([blocks[i].far for i in which.tolist()], dtype=np.int64)
    ctx = np.asarray([blocks[i].context for i in which.tolist()], dtype=np.int64)
    out[:, col : col + _N_GROUPS] = _bits(near, _N_GROUPS)
    col += _N_GROUPS
    out[:, col : col + _N_GROUPS] = _bits(far, _N_GROUPS)
    col += _N_GROUPS
    out[:, col : col + _N_CTX] = _bits(ctx, _N_CTX)
    col += _N_CTX
    tag_col, zone_col, num_col = col, col + len(_TAGS), col + len(_TAGS) + len(_ZONES)
    page_words = float(words.sum())
    for k, (u, i) in enumerate(zip(units, which.tolist(), strict=True)):
        b = blocks[i]
        t = _TAG_COL.get(b.tag)
        if t is not None:
            out[k, tag_col + t] = 1.0
        z = _ZONE_COL.get(b.zone)
        if z is not None:
            out[k, zone_col + z] = 1.0
        utext = text[u.start : u.end]
        uwords = count_words(utext)
        uchars = max(1, u.end - u.start)
        cjk = sum(1 for c in utext if is_cjk(c)) / uchars if uwords > len(utext.split()) else 0.0
        pa = parent[i]
        pc = p_chars.get(pa, chars[i])
        out[k, num_col:] = (
            b.heading,
            float(b.card >= 0),
            np.log1p(b.depth),
            np.log1p(words[i]),
            link_share[i],
            np.log1p(uwords),
            _link_chars(b.links, u.start, u.end) / uchars,
            uchars / chars[i],
            cjk,
            np.log1p(p_words.get(pa, words[i])),
            p_links.get(pa, 0.0) / pc,
            np.log1p(p_blocks.get(pa, 1)),
            held.get(pa, 0.0) / total_prose,
            float(main >= 0 and main in b.ancestors),
            held.get(b.ancestors[-1], 0.0) / total_prose if b.ancestors else 0.0,
            i / nb,
            np.log1p(page_words),
        )
    return out
