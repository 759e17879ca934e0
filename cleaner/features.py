"""Features: numbers and hashed words that describe each unit and its neighbours.

:func:`featurize` turns one page (its text and units) into a :class:`PageFeatures`:
a dense matrix of numeric features (shape, punctuation, dates, position, repetition)
and a sparse matrix of hashed word features. Context features, the numeric features
of the units before and after, are added by :func:`with_context` so that the model
sees "a short title-cased line right before a run of long sentences".

``FEATURE_VERSION`` names this layout; a model trained on another layout refuses to
load (:mod:`cleaner.model`). Change it whenever a feature changes.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .segment import Unit

__all__ = [
    "CONTEXT_OFFSETS",
    "FEATURE_VERSION",
    "NUMERIC_FEATURES",
    "PageFeatures",
    "featurize",
    "with_context",
]

FEATURE_VERSION = "4"

NUMERIC_FEATURES: tuple[str, ...] = (
    "log_words",
    "log_chars",
    "ends_terminal",
    "ends_colon",
    "title_case_ratio",
    "digit_ratio",
    "has_time",
    "has_date",
    "has_pipe",
    "starts_by",
    "stopword_ratio",
    "mean_word_len",
    "first_in_line",
    "last_in_line",
    "alone_in_line",
    "log_line_words",
    "line_position",
    "repeated_on_page",
    "after_list_header",
    "all_caps_ratio",
    "has_copyright",
    "starts_dash_or_bullet",
    "ends_ellipsis",
    "has_url_or_at",
    "comma_ratio",
    "starts_lower",
    "long_unit",
    "log_lines_to_prev_long",
    "log_lines_to_next_long",
    "has_ago",
    "has_name_pair",
    "log_units_in_line",
    "log_window_words",
    "window_terminal_ratio",
    "rel_line_words",
    "log_page_units",
    "title_like",
    "in_main_region",
    "region_share",
    "log_lines_before_main",
    "log_lines_after_main",
    "log_prose_words_before",
    "prose_share_before",
)
# Which numeric features of neighbouring units the model sees, and at what offsets.
_CONTEXT_FEATURES = (0, 2, 3, 4, 6, 7, 8, 9, 14, 15, 26, 36, 37)
# Lines on each side counted by the window features (jusText looks at neighbours the same way).
_WINDOW_LINES = 3
CONTEXT_OFFSETS = (-3, -2, -1, 1, 2, 3)

_STOPWORDS = frozenset(
    """a an the and or but of to in on at for with by from as is are was were be been
    it its this that these those he she they we you i his her their our not no has have
    had will would can could said says about after before over into than then there
    der die das und ist nicht mit den dem des ein eine zu von im auf le la les et des du
    el los las y en que""".split()
)
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_CAP_WORD = re.compile(r"(?<!\w)[A-ZÀ-ÝĀ-Ž]")
_ALL_CAPS = re.compile(r"(?<!\w)[A-Z]{2,}(?!\w)")
_STOP_RE = re.compile(r"(?<!\w)(?:" + "|".join(sorted(_STOPWORDS, key=len, reverse=True)) + r")(?!\w)")
_TERMINAL = frozenset(".!?\"”’)")
_BY_PREFIXES = ("by ", "von ", "par ", "por ", "written by", "author")
# Words of a unit that are hashed: the first 20 and last 5 carry what a line is
# (a byline's "By", a teaser's "Read more"); the rest of a long body sentence adds
# little but cost.
_HASH_HEAD_WORDS = 20
_HASH_TAIL_WORDS = 5
_LENGTH_TOKENS = tuple(f"#n{k}" for k in range(13))
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\s?[ap]\.?m\b", re.IGNORECASE)
_DATE = re.compile(
    r"\b(?:19|20)\d{2}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|"
    r"\b\d{1,2}\.?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|januar|februar|märz|mai|juni|juli|okt|dez)",
    re.IGNORECASE,
)
_AGO = re.compile(r"\bago\b|\bvor\s+\d|\byesterday\b|\bjust now\b|\bupdated\b|\bpublished\b", re.IGNORECASE)
_AGO_KEYS = ("ago", "vor ", "yesterday", "just now", "updated", "published")
_NAME_PAIR = re.compile(r"\b[A-Z][a-zà-ÿ]+(?:\s[A-Z]\.)?\s[A-Z][a-zà-ÿ]+")
_URL = re.compile(r"https?://|www\.|@|\.com\b")
_LONG_LINE_WORDS = 25
# A prose line has at least this many words and ends a sentence; prose lines with at
# most _REGION_GAP other lines between them are one region (chosen by looking at the
# seed page and a handful of WCXB articles, where comment and footer prose stands
# apart from the body by at least three lines of widgets).
_PROSE_MIN_WORDS = 8
_REGION_GAP = 3
# Number of hashed word features: 2**18 buckets keep collisions rare for the
# vocabulary of a few thousand pages while the model stays a few MB.
_HASH_BITS = 18


@dataclass(frozen=True)
class PageFeatures:
    """Features of one page's units.

    Attributes:
        numeric: ``(n_units, len(NUMERIC_FEATURES))`` float array.
        words: ``(n_units, 2**18)`` sparse matrix of hashed word counts.
        line: the line index of each unit.
    """

    numeric: np.ndarray
    words: sp.csr_matrix
    line: np.ndarray

    @property
    def n_units(self) -> int:
        return int(self.numeric.shape[0])


_HASH_CACHE: dict[str, int] = {}
# Bound on the token-hash cache: enough for the vocabulary of a large batch, small in memory.
_HASH_CACHE_MAX = 500_000


def _hash(token: str, mask: int) -> int:
    h = _HASH_CACHE.get(token)
    if h is None:
        h = zlib.crc32(token.encode("utf-8", "surrogatepass")) & mask
        if len(_HASH_CACHE) < _HASH_CACHE_MAX:
            _HASH_CACHE[token] = h
    return h


def featurize(text: str, units: Sequence[Unit]) -> PageFeatures:
    """Compute the features of every unit of a page."""
    n = len(units)
    mask = (1 << _HASH_BITS) - 1
    indices: list[int] = []
    indptr = [0]
    if n == 0:
        empty = np.zeros((0, len(NUMERIC_FEATURES)))
        return PageFeatures(empty, sp.csr_matrix((0, mask + 1)), np.zeros(0, dtype=np.int64))
    texts = [text[u.start : u.end] for u in units]
    lines = np.fromiter((u.line for u in units), dtype=np.int64, count=n)
    n_lines = int(lines[-1]) + 1
    line_words = [0] * n_lines
    line_units = [0] * n_lines
    word_counts = []
    for u, t in zip(units, texts, strict=True):
        wc = t.count(" ") + 1
        word_counts.append(wc)
        line_words[u.line] += wc
        line_units[u.line] += 1
    # distance in lines to the nearest long (prose-like) line before and after
    long_lines = [w >= _LONG_LINE_WORDS for w in line_words]
    prev_long = [0] * n_lines
    last = -1
    for i in range(n_lines):
        prev_long[i] = i - last if last >= 0 else 50
        if long_lines[i]:
            last = i
    next_long = [0] * n_lines
    last = -1
    for i in range(n_lines - 1, -1, -1):
        next_long[i] = last - i if last >= 0 else 50
        if long_lines[i]:
            last = i
    repeats = Counter(t.lower() for t in texts)
    # words in a window of lines around each line: body sits in dense runs of text
    cum = np.concatenate([[0], np.cumsum(line_words)])
    idx = np.arange(n_lines)
    lo = np.maximum(idx - _WINDOW_LINES, 0)
    hi = np.minimum(idx + _WINDOW_LINES + 1, n_lines)
    window_words = np.log1p(cum[hi] - cum[lo])
    max_line_words = max(line_words)
    terminal = np.fromiter((t[-1] in ".!?\"”’)" for t in texts), dtype=np.float64, count=n)
    tcum = np.concatenate([[0.0], np.cumsum(terminal)])
    uidx = np.arange(n)
    ulo = np.maximum(uidx - 5, 0)
    uhi = np.minimum(uidx + 6, n)
    window_terminal = (tcum[uhi] - tcum[ulo]) / (uhi - ulo)
    log_units = math.log1p(n)
    region_feats = _region_features(texts, units, line_words, n_lines)
    prev_header = False
    rows: list[tuple[float, ...]] = []
    for i, (u, t) in enumerate(zip(units, texts, strict=True)):
        lower = t.lower()
        words = _WORD.findall(lower)
        nw = max(len(words), 1)
        wc = word_counts[i]
        last_ch = t[-1]
        caps_ratio = len(_CAP_WORD.findall(t)) / nw
        digits = len(_DIGIT.findall(t))
        # every time and date pattern has a digit
        has_time = digits > 0 and _TIME.search(t) is not None
        has_date = digits > 0 and _DATE.search(t) is not None
        rows.append(
            (
                math.log1p(wc),
                math.log1p(len(t)),
                last_ch in _TERMINAL,
                last_ch == ":",
                caps_ratio,
                digits / len(t),
                has_time,
                has_date,
                "|" in t,
                lower.startswith(_BY_PREFIXES),
                len(_STOP_RE.findall(lower)) / nw,
                min((len(t) - wc + 1) / nw, 15.0) / 5.0,
                u.first,
                u.last,
                u.first and u.last,
                math.log1p(line_words[u.line]),
                u.line / n_lines,
                repeats[lower] > 1,
                prev_header,
                len(_ALL_CAPS.findall(t)) / nw,
                "©" in t or "copyright" in lower or "all rights reserved" in lower,
                t[0] in "-–—•·*>|",
                t.endswith(("...", "…")),
                ("@" in t or "www." in lower or "http" in lower or ".com" in lower) and _URL.search(t) is not None,
                t.count(",") / nw,
                t[0].islower(),
                wc >= 40,
                math.log1p(prev_long[u.line]),
                math.log1p(next_long[u.line]),
                any(k in lower for k in _AGO_KEYS) and _AGO.search(t) is not None,
                _NAME_PAIR.search(t) is not None,
                math.log1p(line_units[u.line]),
                window_words[u.line],
                window_terminal[i],
                line_words[u.line] / max_line_words,
                log_units,
                3 <= wc <= 20 and caps_ratio >= 0.5 and last_ch not in ".:!?",
                *region_feats[u.line],
            )
        )
        prev_header = last_ch == ":" and wc <= 4
        # hashed words: the first and last words (which tell a line's kind), each
        # marked by its place, and a length bucket
        head = words[:_HASH_HEAD_WORDS]
        toks = set(head)
        toks.update(words[-_HASH_TAIL_WORDS:])
        if words:
            toks.add("^" + words[0])
            toks.add("$" + words[-1])
            if len(words) > 1:
                toks.add("^^" + words[0] + " " + words[1])
        toks.add(_LENGTH_TOKENS[min(wc, 12)])
        indices.extend(sorted([_hash(tok, mask) for tok in toks]))  # sorted: the same matrix in every process
        indptr.append(len(indices))
    out = np.asarray(rows, dtype=np.float64)
    data = np.ones(len(indices), dtype=np.float64)
    words_m = sp.csr_matrix(
        (data, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int32)),
        shape=(n, mask + 1),
    )
    # scale hashed counts per unit so that long units do not dominate
    row_nnz = np.diff(words_m.indptr)
    words_m = sp.diags(1.0 / np.sqrt(np.maximum(row_nnz, 1))) @ words_m
    return PageFeatures(out, sp.csr_matrix(words_m), lines)


def _region_features(
    texts: Sequence[str], units: Sequence[Unit], line_words: list[int], n_lines: int
) -> list[tuple[float, ...]]:
    """Where each line stands relative to the page's main run of prose.

    A line is prose when it has at least ``_PROSE_MIN_WORDS`` words and its last unit
    ends a sentence. Prose lines with fewer than ``_REGION_GAP`` non-prose lines
    between them form a region; the region with the most prose words is the main
    one, which on most article pages is the body.
    """
    ends_sentence = [False] * n_lines
    for u, t in zip(units, texts, strict=True):
        if u.last:
            ends_sentence[u.line] = t[-1] in _TERMINAL
    prose = [line_words[i] if line_words[i] >= _PROSE_MIN_WORDS and ends_sentence[i] else 0 for i in range(n_lines)]
    total = sum(prose) or 1
    regions: list[list[int]] = []  # [first line, last line, prose words]
    gap = _REGION_GAP
    for i, w in enumerate(prose):
        if not w:
            continue
        if regions and i - regions[-1][1] <= gap:
            regions[-1][1] = i
            regions[-1][2] += w
        else:
            regions.append([i, i, w])
    region_of = [-1] * n_lines
    for k, (a, b, _) in enumerate(regions):
        for i in range(a, b + 1):
            region_of[i] = k
    if regions:
        main = max(range(len(regions)), key=lambda k: regions[k][2])
        m_start, m_end = regions[main][0], regions[main][1]
    else:
        main, m_start, m_end = -1, n_lines, n_lines
    out: list[tuple[float, ...]] = []
    before = 0
    for i in range(n_lines):
        k = region_of[i]
        out.append(
            (
                float(k == main and main >= 0),
                regions[k][2] / total if k >= 0 else 0.0,
                math.log1p(m_start - i) if i < m_start else 0.0,
                math.log1p(i - m_end) if i > m_end else 0.0,
                math.log1p(before),
                before / total,
            )
        )
        before += prose[i]
    return out


def shift_rows(values: np.ndarray, offset: int, fill: float = 0.0) -> np.ndarray:
    """Rows of ``values`` moved by ``offset`` (row i gets row i+offset), padded with ``fill``."""
    out = np.full_like(values, fill)
    n = values.shape[0]
    if abs(offset) >= n:
        return out
    if offset > 0:
        out[: n - offset] = values[offset:]
    elif offset < 0:
        out[-offset:] = values[: n + offset]
    else:
        out[:] = values
    return out


def with_context(numeric: np.ndarray, lines: np.ndarray) -> np.ndarray:
    """Numeric features plus those of neighbouring units and same-line flags."""
    sub = numeric[:, _CONTEXT_FEATURES]
    blocks = [numeric]
    n = numeric.shape[0]
    for off in CONTEXT_OFFSETS:
        blocks.append(shift_rows(sub, off))
        exists = np.zeros((n, 1))
        same_line = np.zeros((n, 1))
        if abs(off) < n:
            if off > 0:
                exists[: n - off] = 1
                same_line[: n - off, 0] = lines[off:] == lines[: n - off]
            else:
                exists[-off:] = 1
                same_line[-off:, 0] = lines[: n + off] == lines[-off:]
        blocks.append(exists)
        blocks.append(same_line)
    return np.hstack(blocks)
