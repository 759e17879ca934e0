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
    "hash_bits",
    "with_context",
]

FEATURE_VERSION = "1"

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
)
# Which numeric features of neighbouring units the model sees, and at what offsets.
_CONTEXT_FEATURES = (0, 2, 3, 4, 6, 7, 8, 9, 14, 15, 26)
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
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\s?[ap]\.?m\b", re.IGNORECASE)
_DATE = re.compile(
    r"\b(?:19|20)\d{2}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|"
    r"\b\d{1,2}\.?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|januar|februar|märz|mai|juni|juli|okt|dez)",
    re.IGNORECASE,
)
_AGO = re.compile(r"\bago\b|\bvor\s+\d|\byesterday\b|\bjust now\b|\bupdated\b|\bpublished\b", re.IGNORECASE)
_NAME_PAIR = re.compile(r"\b[A-Z][a-zà-ÿ]+(?:\s[A-Z]\.)?\s[A-Z][a-zà-ÿ]+")
_URL = re.compile(r"https?://|www\.|@|\.com\b")
_LONG_LINE_WORDS = 25
# Number of hashed word features: 2**18 buckets keep collisions rare for the
# vocabulary of a few thousand pages while the model stays a few MB.
_HASH_BITS = 18


def hash_bits() -> int:
    """The number of bits of the word-hashing space."""
    return _HASH_BITS


@dataclass(frozen=True)
class PageFeatures:
    """Features of one page's units.

    Attributes:
        numeric: ``(n_units, len(NUMERIC_FEATURES))`` float array.
        words: ``(n_units, 2**hash_bits())`` sparse matrix of hashed word counts.
        line: the line index of each unit.
    """

    numeric: np.ndarray
    words: sp.csr_matrix
    line: np.ndarray

    @property
    def n_units(self) -> int:
        return int(self.numeric.shape[0])


def _hash(token: str, mask: int) -> int:
    return zlib.crc32(token.encode("utf-8", "surrogatepass")) & mask


def featurize(text: str, units: Sequence[Unit]) -> PageFeatures:
    """Compute the features of every unit of a page."""
    n = len(units)
    nf = len(NUMERIC_FEATURES)
    out = np.zeros((n, nf), dtype=np.float64)
    mask = (1 << _HASH_BITS) - 1
    indices: list[int] = []
    indptr = [0]
    if n == 0:
        return PageFeatures(out, sp.csr_matrix((0, mask + 1)), np.zeros(0, dtype=np.int64))
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
    prev_header = False
    for i, (u, t) in enumerate(zip(units, texts, strict=True)):
        words = _WORD.findall(t)
        nw = max(len(words), 1)
        lower = t.lower()
        row = out[i]
        row[0] = math.log1p(word_counts[i])
        row[1] = math.log1p(len(t))
        last_ch = t[-1]
        row[2] = last_ch in ".!?\"”’)"
        row[3] = last_ch == ":"
        caps = sum(1 for w in words if w[0].isupper())
        row[4] = caps / nw
        row[5] = len(_DIGIT.findall(t)) / len(t)
        row[6] = _TIME.search(t) is not None
        row[7] = _DATE.search(t) is not None
        row[8] = "|" in t
        row[9] = lower.startswith(("by ", "von ", "par ", "por ", "written by", "author"))
        stops = sum(1 for w in words if w.lower() in _STOPWORDS)
        row[10] = stops / nw
        row[11] = min(sum(len(w) for w in words) / nw, 15.0) / 5.0
        row[12] = u.first
        row[13] = u.last
        row[14] = u.first and u.last
        row[15] = math.log1p(line_words[u.line])
        row[16] = u.line / n_lines
        row[17] = repeats[lower] > 1
        row[18] = prev_header
        row[19] = sum(1 for w in words if len(w) > 1 and w.isupper()) / nw
        row[20] = "©" in t or "copyright" in lower or "all rights reserved" in lower
        row[21] = t[0] in "-–—•·*>|"
        row[22] = t.endswith(("...", "…"))
        row[23] = _URL.search(t) is not None
        row[24] = t.count(",") / nw
        row[25] = t[0].islower()
        row[26] = word_counts[i] >= 40
        row[27] = math.log1p(prev_long[u.line])
        row[28] = math.log1p(next_long[u.line])
        row[29] = _AGO.search(t) is not None
        row[30] = _NAME_PAIR.search(t) is not None
        row[31] = math.log1p(line_units[u.line])
        prev_header = last_ch == ":" and word_counts[i] <= 4
        # hashed words: every word, plus the first and last word marked as such
        lw = [w.lower() for w in words[:60]]
        toks = set(lw)
        if lw:
            toks.add("^" + lw[0])
            toks.add("$" + lw[-1])
            if len(lw) > 1:
                toks.add("^^" + lw[0] + " " + lw[1])
        toks.add(f"#n{min(word_counts[i], 12)}")
        indices.extend(_hash(tok, mask) for tok in toks)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float64)
    words_m = sp.csr_matrix(
        (data, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int32)),
        shape=(n, mask + 1),
    )
    # scale hashed counts per unit so that long units do not dominate
    row_nnz = np.diff(words_m.indptr)
    words_m = sp.diags(1.0 / np.sqrt(np.maximum(row_nnz, 1))) @ words_m
    return PageFeatures(out, sp.csr_matrix(words_m), lines)


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
