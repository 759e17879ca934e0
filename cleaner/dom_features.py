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

from .html_text import RenderedPage
from .lexicon import count_words, is_cjk
from .markup import ATTRIBUTE_GROUPS, TAG_CONTEXTS, main_container
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
    lchars = [b.link_chars for b in blocks]
    link_share = np.asarray(lchars, dtype=np.float64) / chars
    prose = np.where((words >= _PROSE_WORDS) & (link_share <= _PROSE_MAX_LINK_SHARE), words, 0.0)
    found, held = main_container([b.ancestors for b in blocks], prose.tolist(), _MAIN_SHARE)
    main = -1 if found is None else found
    total_prose = max(1.0, float(prose.sum()))
    # each block's container: its innermost enclosing block element other than its own
    parent = [b.ancestors[-2] if len(b.ancestors) >= 2 else -1 for b in blocks]
    p_words: dict[int, float] = {}
    p_links: dict[int, float] = {}
    p_chars: dict[int, float] = {}
    p_blocks: dict[int, int] = {}
    words_list = words.tolist()
    chars_list = chars.tolist()
    for b, bw, bl, bc in zip(blocks, words_list, lchars, chars_list, strict=True):
        for a in b.ancestors[-3:-1]:  # the block's container and the one around it
            p_words[a] = p_words.get(a, 0.0) + bw
            p_links[a] = p_links.get(a, 0.0) + bl
            p_chars[a] = p_chars.get(a, 0.0) + bc
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
    # the numeric columns, block by block and then unit by unit, as arrays (float64
    # before the one cast to float32, as the row-by-row writes of old: the same values)
    tag_of = np.asarray([_TAG_COL.get(b.tag, -1) for b in blocks], dtype=np.int64)[which]
    zone_of = np.asarray([_ZONE_COL.get(b.zone, -1) for b in blocks], dtype=np.int64)[which]
    rows = np.arange(n)
    out[rows[tag_of >= 0], tag_col + tag_of[tag_of >= 0]] = 1.0
    out[rows[zone_of >= 0], zone_col + zone_of[zone_of >= 0]] = 1.0
    block_cols = np.asarray(
        [
            (
                b.heading,
                float(b.card >= 0),
                b.depth,
                p_words.get(parent[i], words_list[i]),
                p_links.get(parent[i], 0.0) / p_chars.get(parent[i], chars_list[i]),
                p_blocks.get(parent[i], 1),
                held.get(parent[i], 0.0) / total_prose,
                float(main >= 0 and main in b.ancestors),
                held.get(b.ancestors[-1], 0.0) / total_prose if b.ancestors else 0.0,
                i / nb,
            )
            for i, b in enumerate(blocks)
        ],
        dtype=np.float64,
    )[which]
    ustarts = [u.start for u in units]
    uends = [u.end for u in units]
    utexts = [text[a:e] for a, e in zip(ustarts, uends, strict=True)]
    # a unit that is its whole block has the block's words (counted above)
    uwords = np.asarray(
        [
            words_list[i] if a == blocks[i].start and e == blocks[i].end else count_words(t)
            for i, a, e, t in zip(which.tolist(), ustarts, uends, utexts, strict=True)
        ],
        dtype=np.float64,
    )
    uchars = np.asarray([max(1, e - a) for a, e in zip(ustarts, uends, strict=True)], dtype=np.int64)
    ulinks = np.asarray(
        [
            _link_chars(blocks[i].links, a, e) if blocks[i].links else 0
            for i, a, e in zip(which.tolist(), ustarts, uends, strict=True)
        ],
        dtype=np.int64,
    )
    ucjk = np.asarray(
        [
            sum(1 for c in t if is_cjk(c)) / max(1, e - a) if w > len(t.split()) else 0.0
            for t, w, a, e in zip(utexts, uwords.tolist(), ustarts, uends, strict=True)
        ],
        dtype=np.float64,
    )
    numeric = (
        block_cols[:, 0],  # heading
        block_cols[:, 1],  # in_card
        np.log1p(block_cols[:, 2]),  # depth
        np.log1p(words[which]),  # block_words
        link_share[which],  # block_link_share
        np.log1p(uwords),  # unit_words
        ulinks / uchars,  # unit_link_share
        uchars / chars[which],  # unit_share_of_block
        ucjk,  # unit_cjk_share
        np.log1p(block_cols[:, 3]),  # parent_words
        block_cols[:, 4],  # parent_link_share
        np.log1p(block_cols[:, 5]),  # parent_blocks
        block_cols[:, 6],  # parent_prose_share
        block_cols[:, 7],  # in_main
        block_cols[:, 8],  # main_prose_share
        block_cols[:, 9],  # position
        np.full(n, np.log1p(page_words)),  # page_words
    )
    for j, column in enumerate(numeric):
        out[:, num_col + j] = column
    return out
