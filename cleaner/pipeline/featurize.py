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
import operator
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..budget import check as check_budget
from ..lexicon import CJK_SENTENCE_ENDS, FEATURE_CREDIT_PREFIXES, has_invisible, span_words, strip_invisible
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
_WORD_OR_SEP = re.compile(r"\w+|\x00")
_DIGIT = re.compile(r"\d")
_CAP_WORD = re.compile(r"(?<!\w)[A-ZÀ-ÝĀ-Ž]")
_ALL_CAPS = re.compile(r"(?<!\w)[A-Z]{2,}(?!\w)")
_STOP_RE = re.compile(r"(?<!\w)(?:" + "|".join(sorted(_STOPWORDS, key=len, reverse=True)) + r")(?!\w)")
_TERMINAL = frozenset('.!?"”’)' + CJK_SENTENCE_ENDS)
_BY_PREFIXES = FEATURE_CREDIT_PREFIXES  # as the shipped model was trained
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
# The same patterns written to start with a character class, which lets the regex
# engine skip to candidate characters: "(?<!\w)X" and "\bX" (X a word character)
# become "X(?<!\wX)". They match at the same places (tests/test_speed_equivalence.py).
_CAP_WORD_FAST = re.compile(r"[A-ZÀ-ÝĀ-Ž](?<!\w[A-ZÀ-ÝĀ-Ž])")
_ALL_CAPS_FAST = re.compile(r"[A-Z](?<!\w[A-Z])[A-Z]+(?!\w)")
_NAME_PAIR_FAST = re.compile(r"[A-Z](?<!\w[A-Z])[a-zà-ÿ]+(?:\s[A-Z]\.)?\s[A-Z][a-zà-ÿ]+")
_TIME_FAST = re.compile(r"\d(?<!\w\d)\d?(?::\d{2}\b|\s?[ap]\.?m\b)", re.IGNORECASE)
_AGO_KEYS_RE = re.compile("|".join(re.escape(k) for k in _AGO_KEYS))
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


# Token hashes, kept for the vocabulary seen so far: a token's id indexes _TOKEN_HASHES.
_TOKEN_IDS: dict[str, int] = {}
_TOKEN_HASHES = np.zeros(1024, dtype=np.int64)
_TOKEN_STOP = np.zeros(1024, dtype=bool)  # whether the token is a stop word
# Bound on the token cache: enough for the vocabulary of a large batch, small in memory.
_TOKEN_CACHE_MAX = 500_000
_SEP = "\x00"  # joins a page's units: no pattern below matches it, and it is neither \w nor \s
# What a NUL of the page's own text is read as: like NUL, neither \w nor \s, and
# matched by no pattern below (U+FFFD, the replacement character).
_SEP_IN_TEXT = "\ufffd"
# Tokens longer than this are hashed but not cached: a page of long random "words"
# would otherwise fill the cache, which lives as long as the process, with megabytes.
_TOKEN_CACHE_MAX_CHARS = 64


def _hash(token: str, mask: int) -> int:
    return zlib.crc32(token.encode("utf-8", "surrogatepass")) & mask


def _token_ids(tokens: list[str], mask: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per token: an id (equal tokens, equal ids), its hashed bucket and whether it is a stop word."""
    ids = list(map(_TOKEN_IDS.get, tokens))
    local: dict[str, int] = {}
    if None in ids:
        # new tokens: into the cache while it has room, else ids past its end for this page only
        for n, k in enumerate([k for k, i in enumerate(ids) if i is None]):
            if not n & 0xFFFF:
                check_budget("computing features")
            t = tokens[k]
            i = _TOKEN_IDS.get(t)
            if i is None:
                i = local.get(t)
                if i is None:
                    if len(_TOKEN_IDS) < _TOKEN_CACHE_MAX and len(t) <= _TOKEN_CACHE_MAX_CHARS:
                        i = _add_token(t, mask)
                    else:
                        i = local[t] = _TOKEN_CACHE_MAX + len(local)
            ids[k] = i
    arr = np.asarray(ids, dtype=np.int64)
    if not local:
        return arr, _TOKEN_HASHES[arr], _TOKEN_STOP[arr]
    cached = arr < _TOKEN_CACHE_MAX
    hashes = np.zeros(len(arr), dtype=np.int64)
    stop = np.zeros(len(arr), dtype=bool)
    hashes[cached] = _TOKEN_HASHES[arr[cached]]
    stop[cached] = _TOKEN_STOP[arr[cached]]
    for k in np.flatnonzero(~cached).tolist():
        hashes[k] = _hash(tokens[k], mask)
        stop[k] = tokens[k] in _STOPWORDS
    return arr, hashes, stop


def _add_token(token: str, mask: int) -> int:
    global _TOKEN_HASHES, _TOKEN_STOP
    i = len(_TOKEN_IDS)
    if i >= len(_TOKEN_HASHES):
        _TOKEN_HASHES = np.concatenate([_TOKEN_HASHES, np.zeros(len(_TOKEN_HASHES), dtype=np.int64)])
        _TOKEN_STOP = np.concatenate([_TOKEN_STOP, np.zeros(len(_TOKEN_STOP), dtype=bool)])
    _TOKEN_IDS[token] = i
    _TOKEN_HASHES[i] = _hash(token, mask)
    _TOKEN_STOP[i] = token in _STOPWORDS
    return i


def _log1p(values: np.ndarray) -> np.ndarray:
    """``math.log1p`` of each value: numpy's log1p can differ from it in the last bit,
    and the boosted trees of stage 2 split exactly at values the features take."""
    return np.fromiter(map(math.log1p, values.tolist()), dtype=np.float64, count=len(values))


def _units_of(pattern: re.Pattern[str], joined: str, starts: np.ndarray) -> np.ndarray:
    """The unit of each match of ``pattern`` in the joined unit texts."""
    pos = np.fromiter(map(_match_start, pattern.finditer(joined)), dtype=np.int64)
    return np.searchsorted(starts, pos, side="right") - 1


_match_start = operator.methodcaller("start")


def _counts(pattern: re.Pattern[str], joined: str, starts: np.ndarray, n: int) -> np.ndarray:
    """Matches of ``pattern`` in each unit."""
    return np.bincount(_units_of(pattern, joined, starts), minlength=n)


def _matches(pattern: re.Pattern[str], texts: Sequence[str], which: np.ndarray, n: int) -> np.ndarray:
    """Whether ``pattern`` matches in each unit of ``which`` (False for the others)."""
    out = np.zeros(n, dtype=bool)
    if len(which):
        sub = [texts[i] for i in which.tolist()]
        out[which[_units_of(pattern, _SEP.join(sub), _starts(sub))]] = True
    return out


def _starts(texts: Sequence[str]) -> np.ndarray:
    """Offset of each text in ``_SEP.join(texts)``."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    return starts


def _flags(func: Any, items: Iterable[Any], n: int) -> np.ndarray:
    return np.fromiter(map(func, items), dtype=bool, count=n)


def featurize(text: str, units: Sequence[Unit], *, cjk_words: bool = True) -> PageFeatures:
    """Compute the features of every unit of a page.

    ``cjk_words``: a unit of Chinese or Japanese script counts its words by its
    characters (:func:`cleaner.lexicon.span_words`), not as one word for want of
    spaces. False counts by spaces only, as the HTML stage's training rows were made
    (:mod:`cleaner.html_stage`, fitted on the text model's probabilities of such
    features): HTML pages are featurized so until the stage is refitted.

    The work is done a column at a time: each pattern runs once over the page's
    units joined by ``_SEP`` (which no pattern matches, and which stands for the
    start and end of a unit to look-arounds and ``\\b``), and its matches are
    counted per unit with numpy.
    """
    n = len(units)
    mask = (1 << _HASH_BITS) - 1
    if n == 0:
        empty = np.zeros((0, len(NUMERIC_FEATURES)))
        return PageFeatures(empty, sp.csr_matrix((0, mask + 1)), np.zeros(0, dtype=np.int64))
    texts = [text[u.start : u.end] for u in units]
    if has_invisible(text):  # soft hyphens and zero-width spaces: read as a reader sees the words
        # (a unit of nothing but marks keeps them: a unit's text is never empty)
        texts = [strip_invisible(t) or t for t in texts]
    if _SEP in text:  # the separator stands for a unit's bounds: in the text it is a symbol like any other
        texts = [t.replace(_SEP, _SEP_IN_TEXT) for t in texts]
    lowers = list(map(str.lower, texts))
    lines = np.fromiter(map(_get_line, units), dtype=np.int64, count=n)
    first = _flags(_get_first, units, n)
    last = _flags(_get_last, units, n)
    n_lines = int(lines[-1]) + 1
    wc = np.fromiter(map(_count_spaces, texts), dtype=np.int64, count=n) + 1
    length = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    if cjk_words:  # span_words reads only the units of long "words", where such script may be
        for i in np.flatnonzero(length > 8 * wc).tolist():
            wc[i] = span_words(texts[i])
    line_words = np.bincount(lines, weights=wc, minlength=n_lines).astype(np.int64)
    line_units = np.bincount(lines, minlength=n_lines)
    # distance in lines to the nearest long (prose-like) line before and after
    idx = np.arange(n_lines)
    long_at = np.flatnonzero(line_words >= _LONG_LINE_WORDS)
    prev_long = np.full(n_lines, 50)
    next_long = np.full(n_lines, 50)
    if len(long_at):
        k = np.searchsorted(long_at, idx, side="left")
        prev_long = np.where(k > 0, idx - long_at[np.maximum(k - 1, 0)], 50)
        k = np.searchsorted(long_at, idx, side="right")
        next_long = np.where(k < len(long_at), long_at[np.minimum(k, len(long_at) - 1)] - idx, 50)
    # words in a window of lines around each line: body sits in dense runs of text
    cum = np.concatenate([[0], np.cumsum(line_words)])
    lo = np.maximum(idx - _WINDOW_LINES, 0)
    hi = np.minimum(idx + _WINDOW_LINES + 1, n_lines)
    window_words = np.log1p(cum[hi] - cum[lo])
    last_chars = list(map(_last_char, texts))
    first_chars = list(map(_first_char, texts))
    terminal = _flags(_TERMINAL.__contains__, last_chars, n)
    tcum = np.concatenate([[0.0], np.cumsum(terminal, dtype=np.float64)])
    uidx = np.arange(n)
    ulo = np.maximum(uidx - 5, 0)
    uhi = np.minimum(uidx + 6, n)
    window_terminal = (tcum[uhi] - tcum[ulo]) / (uhi - ulo)

    joined = _SEP.join(texts)
    starts = _starts(texts)
    joined_lower = _SEP.join(lowers)
    # each unit's words (of its lower-cased text) are the tokens between two separators
    tokens = _WORD_OR_SEP.findall(joined_lower)
    is_sep = _flags(_SEP.__eq__, tokens, len(tokens))
    seps = np.flatnonzero(is_sep)
    w_start = np.concatenate([[0], seps + 1])
    n_words = np.concatenate([seps, [len(tokens)]]) - w_start
    nw = np.maximum(n_words, 1).astype(np.float64)
    extra, extra_rows = _extra_tokens(tokens, w_start, n_words, wc)
    ids, hashes, is_stop = _token_ids(tokens + extra, mask)
    # stop words per unit: _STOP_RE matches exactly the words that are stop words
    unit_of_token = np.cumsum(is_sep)
    stop_counts = np.bincount(unit_of_token, weights=is_stop[: len(tokens)], minlength=n)
    caps_ratio = _counts(_CAP_WORD_FAST, joined, starts, n) / nw
    digits = _counts(_DIGIT, joined, starts, n)
    with_digits = np.flatnonzero(digits)
    ends_colon = _flags(":".__eq__, last_chars, n)
    after_header = np.zeros(n, dtype=bool)
    after_header[1:] = (ends_colon & (wc <= 4))[:-1]
    ago = np.zeros(n, dtype=bool)
    if _AGO_KEYS_RE.search(joined_lower):
        ago_gate = np.unique(_units_of(_AGO_KEYS_RE, joined_lower, _starts(lowers)))
        ago = _matches(_AGO, texts, ago_gate, n)
    copyright_ = np.zeros(n, dtype=bool)
    if "©" in joined or "copyright" in joined_lower or "all rights reserved" in joined_lower:
        copyright_ = _flags(_has_copyright, zip(texts, lowers, strict=True), n)
    repeats = Counter(lowers)

    out = np.empty((n, len(NUMERIC_FEATURES)), dtype=np.float64)
    out[:, 0] = _log1p(wc)
    out[:, 1] = _log1p(length)
    out[:, 2] = terminal
    out[:, 3] = ends_colon
    out[:, 4] = caps_ratio
    out[:, 5] = digits / length
    out[:, 6] = _matches(_TIME_FAST, texts, with_digits, n)
    out[:, 7] = _matches(_DATE, texts, with_digits, n)
    out[:, 8] = _flags(_has_pipe, texts, n)
    out[:, 9] = np.fromiter(map(str.startswith, lowers, repeat(_BY_PREFIXES)), dtype=bool, count=n)
    out[:, 10] = stop_counts / nw
    out[:, 11] = np.minimum((length - wc + 1) / nw, 15.0) / 5.0
    out[:, 12] = first
    out[:, 13] = last
    out[:, 14] = first & last
    out[:, 15] = _log1p(line_words)[lines]
    out[:, 16] = lines / n_lines
    out[:, 17] = np.fromiter(map(repeats.__getitem__, lowers), dtype=np.int64, count=n) > 1
    out[:, 18] = after_header
    out[:, 19] = _counts(_ALL_CAPS_FAST, joined, starts, n) / nw
    out[:, 20] = copyright_
    out[:, 21] = _flags("-–—•·*>|".__contains__, first_chars, n)
    out[:, 22] = np.fromiter(map(str.endswith, texts, repeat(("...", "…"))), dtype=bool, count=n)
    # a match of _URL implies the cheap test the per-unit code made first
    out[:, 23] = np.bincount(_units_of(_URL, joined, starts), minlength=n) > 0
    out[:, 24] = np.fromiter(map(_count_commas, texts), dtype=np.int64, count=n) / nw
    out[:, 25] = _flags(str.islower, first_chars, n)
    out[:, 26] = wc >= 40
    out[:, 27] = _log1p(prev_long)[lines]
    out[:, 28] = _log1p(next_long)[lines]
    out[:, 29] = ago
    out[:, 30] = np.bincount(_units_of(_NAME_PAIR_FAST, joined, starts), minlength=n) > 0
    out[:, 31] = _log1p(line_units)[lines]
    out[:, 32] = window_words[lines]
    out[:, 33] = window_terminal
    out[:, 34] = (line_words / line_words.max())[lines]
    out[:, 35] = math.log1p(n)
    out[:, 36] = (wc >= 3) & (wc <= 20) & (caps_ratio >= 0.5) & ~_flags(".:!?".__contains__, last_chars, n)
    out[:, 37:] = _region_features(terminal, last, lines, line_words, n_lines)[lines]
    words = _hashed_words(ids, hashes, w_start, n_words, extra_rows, n, mask)
    return PageFeatures(out, words, lines)


_get_line = operator.attrgetter("line")
_get_first = operator.attrgetter("first")
_get_last = operator.attrgetter("last")
_first_char = operator.itemgetter(0)
_last_char = operator.itemgetter(-1)
_count_spaces = operator.methodcaller("count", " ")
_count_commas = operator.methodcaller("count", ",")


def _has_pipe(t: str) -> bool:
    return "|" in t


def _has_copyright(t_lower: tuple[str, str]) -> bool:
    t, lower = t_lower
    return "©" in t or "copyright" in lower or "all rights reserved" in lower


def _extra_tokens(
    tokens: list[str], w_start: np.ndarray, n_words: np.ndarray, wc: np.ndarray
) -> tuple[list[str], np.ndarray]:
    """Each unit's first and last word marked by their place, its first two words, and
    its length bucket; with the unit of each."""
    has1 = np.flatnonzero(n_words >= 1)
    has2 = np.flatnonzero(n_words >= 2)
    get = tokens.__getitem__
    firsts = w_start[has1].tolist()
    lasts = (w_start + n_words - 1)[has1].tolist()
    pairs = w_start[has2].tolist()
    extra = [
        *map("^".__add__, map(get, firsts)),
        *map("$".__add__, map(get, lasts)),
        *map(operator.add, map("^^".__add__, map(get, pairs)), map(" ".__add__, map(get, [i + 1 for i in pairs]))),
        *map(_LENGTH_TOKENS.__getitem__, np.minimum(wc, 12).tolist()),
    ]
    return extra, np.concatenate([has1, has1, has2, np.arange(len(w_start))])


def _hashed_words(
    ids: np.ndarray,
    hashes: np.ndarray,
    w_start: np.ndarray,
    n_words: np.ndarray,
    extra_rows: np.ndarray,
    n: int,
    mask: int,
) -> sp.csr_matrix:
    """The hashed words of each unit, scaled by one over the root of their number.

    A unit's tokens are its first ``_HASH_HEAD_WORDS`` and last ``_HASH_TAIL_WORDS``
    words and the tokens of :func:`_extra_tokens`. Each distinct token counts once;
    two tokens of a unit in one bucket count twice there.
    """
    n_tokens = len(ids) - len(extra_rows)
    # positions (in tokens) of the head and tail words of each unit, without overlap
    head = np.minimum(n_words, _HASH_HEAD_WORDS)
    w_end = w_start + n_words
    tail_start = np.maximum(w_end - _HASH_TAIL_WORDS, w_start + head)
    tail = w_end - tail_start
    rows = np.concatenate([np.repeat(np.arange(n), head), np.repeat(np.arange(n), tail), extra_rows])
    pos = np.concatenate([_ranges(w_start, head), _ranges(tail_start, tail)])
    tok = np.concatenate([ids[pos], ids[n_tokens:]])
    tok_hash = np.concatenate([hashes[pos], hashes[n_tokens:]])
    width = int(tok.max()) + 1  # at most the token cache's size plus a page's tokens: no overflow below
    # one sort by (unit, bucket, token): distinct tokens of a unit, then buckets in
    # descending order within a unit, which is the order in which the product with a
    # diagonal scaling matrix (the per-unit code) left them
    key = np.sort((rows * (mask + 1) + (mask - tok_hash)) * width + tok)
    new = np.empty(len(key), dtype=bool)
    new[0] = True
    np.not_equal(key[1:], key[:-1], out=new[1:])
    key = key[new]
    cells = key // width
    nnz = np.bincount(cells >> _HASH_BITS, minlength=n)
    starts = np.empty(len(cells), dtype=bool)
    starts[0] = True
    np.not_equal(cells[1:], cells[:-1], out=starts[1:])
    first = np.flatnonzero(starts)
    counts = np.diff(np.append(first, len(cells)))
    cells = cells[first]
    c_rows = cells >> _HASH_BITS
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(c_rows, minlength=n), out=indptr[1:])
    scale = 1.0 / np.sqrt(np.maximum(nnz, 1))
    data = counts * scale[c_rows]
    return sp.csr_matrix((data, (mask - (cells & mask)).astype(np.int32), indptr), shape=(n, mask + 1))


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``starts[i], starts[i] + 1, ..., starts[i] + lengths[i] - 1`` for every i, concatenated."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    offs = np.repeat(starts - (ends - lengths), lengths)
    out: np.ndarray = np.arange(total, dtype=np.int64) + offs
    return out


def _region_features(
    terminal: np.ndarray, last: np.ndarray, lines: np.ndarray, line_words: np.ndarray, n_lines: int
) -> np.ndarray:
    """Where each line stands relative to the page's main run of prose: ``(n_lines, 6)``.

    A line is prose when it has at least ``_PROSE_MIN_WORDS`` words and its last unit
    ends a sentence. Prose lines with fewer than ``_REGION_GAP`` non-prose lines
    between them form a region; the region with the most prose words is the main
    one, which on most article pages is the body.
    """
    ends_sentence = np.zeros(n_lines, dtype=bool)
    ends_sentence[lines[last]] = terminal[last]
    prose = np.where((line_words >= _PROSE_MIN_WORDS) & ends_sentence, line_words, 0)
    total = int(prose.sum()) or 1
    regions: list[list[int]] = []  # [first line, last line, prose words]
    gap = _REGION_GAP
    for i in np.flatnonzero(prose).tolist():
        w = int(prose[i])
        if regions and i - regions[-1][1] <= gap:
            regions[-1][1] = i
            regions[-1][2] += w
        else:
            regions.append([i, i, w])
    out = np.zeros((n_lines, 6))
    idx = np.arange(n_lines)
    if regions:
        main = max(range(len(regions)), key=lambda k: regions[k][2])
        m_start, m_end = regions[main][0], regions[main][1]
        for a, b, w in regions:
            out[a : b + 1, 1] = w / total
        out[m_start : m_end + 1, 0] = 1.0
    else:
        m_start = m_end = n_lines
    out[:m_start, 2] = _log1p(m_start - idx[:m_start])
    out[m_end + 1 :, 3] = _log1p(idx[m_end + 1 :] - m_end)
    before = np.zeros(n_lines, dtype=np.int64)
    np.cumsum(prose[:-1], out=before[1:])
    out[:, 4] = _log1p(before)
    out[:, 5] = before / total
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
