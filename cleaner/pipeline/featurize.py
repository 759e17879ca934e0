"""Features: numbers and hashed words that describe each unit and its neighbours.

:func:`featurize` turns one page (its text and units) into a :class:`PageFeatures`:
a dense matrix of numeric features (shape, punctuation, dates, position, repetition)
and the hashed word features, a sparse matrix in CSR form (:class:`HashedWords`: its
arrays, without scipy, which costs a program that cleans one page 0.1 s to import;
``PageFeatures.words`` gives it as scipy's matrix). Context features, the numeric features
of the units before and after, are added by :func:`with_context` so that the model
sees "a short title-cased line right before a run of long sentences".

``FEATURE_VERSION`` names this layout; a model trained on another layout refuses to
load (:mod:`cleaner.model`). Change it whenever a feature changes.
"""

from __future__ import annotations

import bisect
import math
import operator
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING, Any

import numpy as np

from ..budget import check as check_budget
from ..lexicon import (
    FEATURE_CREDIT_PREFIXES,
    FEATURE_MONTHS,
    SENTENCE_END_MARKS,
    has_invisible,
    is_cjk,
    span_words,
    strip_invisible,
)
from .segment import Unit

if TYPE_CHECKING:
    import scipy.sparse as sp

__all__ = [
    "CONTEXT_OFFSETS",
    "FEATURE_VERSION",
    "NUMERIC_FEATURES",
    "HashedWords",
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
# The patterns that define the columns, as the per-unit code ran them on each unit's
# text (tests/test_speed_equivalence.py keeps that code): featurize reads the columns
# of the one- and two-character ones from character classes, and runs the others, or
# the forms of them below, only where they can match.
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_CAP_WORD = re.compile(r"(?<!\w)[A-ZÀ-ÝĀ-Ž]")
_ALL_CAPS = re.compile(r"(?<!\w)[A-Z]{2,}(?!\w)")
_STOP_RE = re.compile(r"(?<!\w)(?:" + "|".join(sorted(_STOPWORDS, key=len, reverse=True)) + r")(?!\w)")
_BY_PREFIXES = FEATURE_CREDIT_PREFIXES  # as the shipped model was trained
# Words of a unit that are hashed: the first 20 and last 5 carry what a line is
# (a byline's "By", a teaser's "Read more"); the rest of a long body sentence adds
# little but cost.
_HASH_HEAD_WORDS = 20
_HASH_TAIL_WORDS = 5
_LENGTH_TOKENS = tuple(f"#n{k}" for k in range(13))
_MONTH_FIRST = "|".join(FEATURE_MONTHS["before-day"])
_MONTH_AFTER_DAY = "|".join(FEATURE_MONTHS["after-day"])
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\s?[ap]\.?m\b", re.IGNORECASE)
_DATE = re.compile(
    r"\b(?:19|20)\d{2}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|"
    rf"\b(?:{_MONTH_FIRST})[a-z]*\.?\s+\d{{1,2}}\b|"
    rf"\b\d{{1,2}}\.?\s+(?:{_MONTH_AFTER_DAY})",
    re.IGNORECASE,
)
_AGO = re.compile(r"\bago\b|\bvor\s+\d|\byesterday\b|\bjust now\b|\bupdated\b|\bpublished\b", re.IGNORECASE)
_AGO_KEYS = ("ago", "vor ", "yesterday", "just now", "updated", "published")
_NAME_PAIR = re.compile(r"\b[A-Z][a-zà-ÿ]+(?:\s[A-Z]\.)?\s[A-Z][a-zà-ÿ]+")
_URL = re.compile(r"https?://|www\.|@|\.com\b")
# _TIME written to start with its first digit ("\b\d" as "\d(?<!\w\d)"): it matches
# where _TIME does (tests/test_speed_equivalence.py), and is tried only at a digit that
# follows no word character.
_TIME_FAST = re.compile(r"\d(?<!\w\d)\d?(?::\d{2}\b|\s?[ap]\.?m\b)", re.IGNORECASE)
# _DATE is these two: its branches that start with a digit, written so ...
_DATE_DIGIT_FAST = re.compile(
    r"\d(?<!\w\d)(?:(?<=1)9\d{2}\b|(?<=2)0\d{2}\b|\d?[./-]\d{1,2}[./-]\d{2,4}\b|"
    rf"\d?\.?\s+(?:{_MONTH_AFTER_DAY}))",
    re.IGNORECASE,
)
# ... and the one that starts with a month's name (at a word's first letter, one of
# _MONTH_FIRST_CHAR's).
_DATE_MONTH = re.compile(rf"\b(?:{_MONTH_FIRST})[a-z]*\.?\s+\d{{1,2}}\b", re.IGNORECASE)
# _URL's branches as plain strings (".com" then no word character)
_URL_KEYS = ("http://", "https://", "www.", "@")
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
class HashedWords:
    """A sparse matrix in CSR form, as scipy's ``csr_matrix`` holds it, without scipy:
    row ``i`` has the values ``data[indptr[i]:indptr[i + 1]]`` in the columns
    ``indices[indptr[i]:indptr[i + 1]]``, in that order.

    Attributes:
        indptr: ``(rows + 1,)`` offsets of the rows' values.
        indices: each value's column.
        data: the values.
        shape: ``(rows, columns)``.
    """

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    shape: tuple[int, int]

    @classmethod
    def of(cls, matrix: Any) -> HashedWords:
        """The arrays of a scipy CSR matrix (not copied)."""
        rows, cols = matrix.shape
        return cls(matrix.indptr, matrix.indices, matrix.data, (int(rows), int(cols)))

    def to_csr(self) -> sp.csr_matrix:
        """The same matrix as scipy's (on its arrays, not copied)."""
        import scipy.sparse as sp

        return sp.csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)


class PageFeatures:
    """Features of one page's units.

    Attributes:
        numeric: ``(n_units, len(NUMERIC_FEATURES))`` float array.
        hashed: the ``(n_units, 2**18)`` hashed word counts (:class:`HashedWords`).
        words: the same as a scipy sparse matrix, made when first asked for (scipy
            is imported then: cleaning a page needs only ``hashed``).
        line: the line index of each unit.
    """

    __slots__ = ("_words", "hashed", "line", "numeric")

    def __init__(self, numeric: np.ndarray, words: HashedWords | sp.csr_matrix, line: np.ndarray) -> None:
        self.numeric = numeric
        self.line = line
        if isinstance(words, HashedWords):
            self.hashed = words
            self._words: sp.csr_matrix | None = None
        else:
            self.hashed = HashedWords.of(words)
            self._words = words

    @property
    def words(self) -> sp.csr_matrix:
        if self._words is None:
            self._words = self.hashed.to_csr()
        return self._words

    @property
    def n_units(self) -> int:
        return int(self.numeric.shape[0])


# Bound on the token cache: enough for the vocabulary of a large batch, small in memory.
_TOKEN_CACHE_MAX = 500_000
_MASK = (1 << _HASH_BITS) - 1
_SEP = "\x00"  # joins a page's units: no pattern below matches it, and it is neither \w nor \s
# What a NUL of the page's own text is read as: like NUL, neither \w nor \s, and
# matched by no pattern below (U+FFFD, the replacement character).
_SEP_IN_TEXT = "\ufffd"
# Tokens longer than this are hashed but not cached: a page of long random "words"
# would otherwise fill the cache, which lives as long as the process, with megabytes.
_TOKEN_CACHE_MAX_CHARS = 64

# Character classes, by code point, as the patterns above read them: a page's text is
# turned into an array of code points (:func:`_codes`) and each column that a pattern
# of one or two characters would give is computed from the classes of all its
# characters at once (:func:`featurize`). Each class is what a regular expression of
# that class matches (``\w``, ``\d``, ``\s``, ``[A-Z]`` ...) or what the per-unit code
# asked (``str.islower``, membership of a set of characters), so the columns are those
# of the patterns (tests/test_speed_equivalence.py). A class is looked up once per
# character a process meets, on first meeting (:func:`_classes`).
_KNOWN = 1  # the entry is filled in
_WORD_CHAR = 2  # \w
_DIGIT_CHAR = 4  # \d
_SPACE_CHAR = 8  # \s
_LOWER_CHAR = 16  # str.islower()
_TERMINAL_CHAR = 32  # in SENTENCE_END_MARKS
_BULLET_CHAR = 64  # starts a dash or bullet item: in "-–—•·*>|"
_STOP_MARK = 128  # in ".:!?" (a title does not end so)
_CAP_CHAR = 256  # starts a capitalised word: [A-ZÀ-ÝĀ-Ž]
_UPPER_CHAR = 512  # [A-Z]
_NAME_LOWER_CHAR = 1024  # [a-zà-ÿ]
_INVISIBLE_CHAR = 2048  # one of lexicon.INVISIBLE_MARKS
_CJK_CHAR = 4096  # lexicon.is_cjk: Chinese or Japanese script
_MONTH_FIRST_CHAR = 8192  # a month's first letter, as _DATE_MONTH reads it: (?i)[jfmasond]
_CLASS_PATTERNS = (
    (_WORD_CHAR, re.compile(r"\w")),
    (_DIGIT_CHAR, re.compile(r"\d")),
    (_SPACE_CHAR, re.compile(r"\s")),
    (_CAP_CHAR, re.compile(r"[A-ZÀ-ÝĀ-Ž]")),
    (_UPPER_CHAR, re.compile(r"[A-Z]")),
    (_NAME_LOWER_CHAR, re.compile(r"[a-zà-ÿ]")),
    (_MONTH_FIRST_CHAR, re.compile(r"[jfmasond]", re.IGNORECASE)),
)
_BULLETS = "-–—•·*>|"
_CHAR_CLASSES = np.zeros(0x110000, dtype=np.uint16)  # zeros are allocated lazily: 2 MB at most


def _char_class(ch: str) -> int:
    """The class bits of one character."""
    bits = _KNOWN
    for bit, pattern in _CLASS_PATTERNS:
        if pattern.fullmatch(ch):
            bits |= bit
    if ch.islower():
        bits |= _LOWER_CHAR
    if ch in SENTENCE_END_MARKS:
        bits |= _TERMINAL_CHAR
    if ch in _BULLETS:
        bits |= _BULLET_CHAR
    if ch in ".:!?":
        bits |= _STOP_MARK
    if has_invisible(ch):
        bits |= _INVISIBLE_CHAR
    if is_cjk(ch):
        bits |= _CJK_CHAR
    return bits


def _codes(text: str) -> np.ndarray:
    """The code points of ``text`` (lone surrogates too)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _classes(codes: np.ndarray) -> np.ndarray:
    """The class bits of each code point."""
    classes: np.ndarray = _CHAR_CLASSES[codes]
    if not classes.all():  # characters not met before
        for c in np.unique(codes[classes == 0]).tolist():
            _CHAR_CLASSES[c] = _char_class(chr(c))
        classes = _CHAR_CLASSES[codes]
    return classes


# math.log1p of the small whole numbers that most counts are (see _log1p).
_LOG1P_TABLE = np.array([math.log1p(i) for i in range(1 << 12)])


def _hash(token: str, mask: int) -> int:
    return zlib.crc32(token.encode("utf-8", "surrogatepass")) & mask


class _TokenCache:
    """The tokens seen so far, each with an id (an index into the arrays), its hashed
    bucket, whether it is a stop word, and the ids of the token marked as a unit's first
    and last word ("^the", "$said"; -1 until first needed), and of pairs of tokens
    that start a unit ("^^the council"), by the pair's ids.

    It holds at most ``size`` tokens of at most ``_TOKEN_CACHE_MAX_CHARS`` characters;
    other tokens get ids past ``size`` for one page only, from the page's ``local``
    dictionary (shared by all the lookups of a page, so that equal tokens get equal ids
    and different tokens different ones).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.ids: dict[str, int] = {}
        self.hashes = np.zeros(1024, dtype=np.int64)
        self.stop = np.zeros(1024, dtype=bool)
        self.marked = np.full((2, 1024), -1, dtype=np.int64)
        self.pairs: dict[int, int] = {}  # the id of "^^a b" by a's id * size + b's id

    def _add(self, token: str) -> int:
        i = len(self.ids)
        if i >= len(self.hashes):
            grow = len(self.hashes)
            self.hashes = np.concatenate([self.hashes, np.zeros(grow, dtype=np.int64)])
            self.stop = np.concatenate([self.stop, np.zeros(grow, dtype=bool)])
            self.marked = np.concatenate([self.marked, np.full((2, grow), -1, dtype=np.int64)], axis=1)
        self.ids[token] = i
        self.hashes[i] = _hash(token, _MASK)
        self.stop[i] = token in _STOPWORDS
        return i

    def lookup(self, tokens: list[str], local: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per token: an id (equal tokens, equal ids), its hashed bucket and whether it is a stop word."""
        ids = list(map(self.ids.get, tokens))
        if None in ids:
            # new tokens: into the cache while it has room, else ids past its end for this page only
            for n, k in enumerate([k for k, i in enumerate(ids) if i is None]):
                if not n & 0xFFFF:
                    check_budget("computing features")
                t = tokens[k]
                i = self.ids.get(t)
                if i is None:
                    i = local.get(t)
                    if i is None:
                        if len(self.ids) < self.size and len(t) <= _TOKEN_CACHE_MAX_CHARS:
                            i = self._add(t)
                        else:
                            i = local[t] = self.size + len(local)
                ids[k] = i
        arr = np.fromiter(ids, dtype=np.int64, count=len(ids))
        if not local or not len(arr) or arr.max() < self.size:
            return arr, self.hashes[arr], self.stop[arr]
        cached = arr < self.size
        hashes = np.zeros(len(arr), dtype=np.int64)
        stop = np.zeros(len(arr), dtype=bool)
        hashes[cached] = self.hashes[arr[cached]]
        stop[cached] = self.stop[arr[cached]]
        for k in np.flatnonzero(~cached).tolist():
            hashes[k] = _hash(tokens[k], _MASK)
            stop[k] = tokens[k] in _STOPWORDS
        return arr, hashes, stop

    def _merged_hashes(self, out: np.ndarray, todo: np.ndarray, hashes: np.ndarray) -> np.ndarray:
        """The hashed buckets of the ids ``out``: ``hashes`` at the positions ``todo``
        (the ids just looked up, which may lie past the cache), the cache's elsewhere."""
        merged = np.zeros(len(out), dtype=np.int64)
        done = np.ones(len(out), dtype=bool)
        done[todo] = False
        merged[done] = self.hashes[out[done]]
        merged[todo] = hashes
        return merged

    def marked_ids(
        self, which: int, tokens: list[str], at: np.ndarray, word_ids: np.ndarray, local: dict[str, int]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ids and hashed buckets of the tokens at ``at`` (of ids ``word_ids[at]``)
        marked as a first (``which`` 0: "^" before) or last word (1: "$" before)."""
        word_ids = word_ids[at]
        out = np.full(len(word_ids), -1, dtype=np.int64)
        cached = word_ids < self.size
        out[cached] = self.marked[which, word_ids[cached]]
        todo = np.flatnonzero(out < 0)
        if not len(todo):
            return out, self.hashes[out]
        mark = "$" if which else "^"
        ids, hashes, _ = self.lookup([mark + tokens[k] for k in at[todo].tolist()], local)
        out[todo] = ids
        keep = cached[todo] & (ids < self.size)
        self.marked[which, word_ids[todo[keep]]] = ids[keep]
        return out, self._merged_hashes(out, todo, hashes)

    def pair_ids(
        self, tokens: list[str], at: np.ndarray, word_ids: np.ndarray, local: dict[str, int]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ids and hashed buckets of the tokens at ``at`` and after them as a unit's
        first two words ("^^the council")."""
        first, second = word_ids[at], word_ids[at + 1]
        cached = (first < self.size) & (second < self.size)
        keys = first * self.size + second
        out = np.full(len(at), -1, dtype=np.int64)
        out[cached] = np.fromiter(
            map(self.pairs.get, keys[cached].tolist(), repeat(-1)), dtype=np.int64, count=int(cached.sum())
        )
        todo = np.flatnonzero(out < 0)
        if not len(todo):
            return out, self.hashes[out]
        ids, hashes, _ = self.lookup([f"^^{tokens[i]} {tokens[i + 1]}" for i in at[todo].tolist()], local)
        out[todo] = ids
        keep = cached[todo] & (ids < self.size)
        self.pairs.update(zip(keys[todo[keep]].tolist(), ids[keep].tolist(), strict=True))
        return out, self._merged_hashes(out, todo, hashes)


_TOKENS = _TokenCache(_TOKEN_CACHE_MAX)


def _log1p(values: np.ndarray) -> np.ndarray:
    """``math.log1p`` of each value: numpy's log1p can differ from it in the last bit,
    and the boosted trees of stage 2 split exactly at values the features take. Whole
    numbers below ``len(_LOG1P_TABLE)`` are looked up."""
    if values.dtype.kind in "iu" and values.size and 0 <= values.min() and values.max() < len(_LOG1P_TABLE):
        out: np.ndarray = _LOG1P_TABLE[values]
        return out
    flat = values.ravel().tolist()
    return np.fromiter(map(math.log1p, flat), dtype=np.float64, count=len(flat)).reshape(values.shape)


def _units_holding(joined: str, starts: list[int], key: str, followed: np.ndarray | None = None) -> list[int]:
    """The units that hold ``key`` (in the joined unit texts, starting at ``starts``),
    in order; with ``followed``, only where the character after ``key`` is not set in
    it (or ``key`` ends the text). Each unit is searched up to its first hit."""
    out: list[int] = []
    find = joined.find
    pos = find(key)
    while pos >= 0:
        end = pos + len(key)
        if followed is not None and end < len(followed) and followed[end]:
            pos = find(key, pos + 1)
            continue
        unit = bisect.bisect_right(starts, pos) - 1
        out.append(unit)
        if unit + 1 == len(starts):
            break
        pos = find(key, starts[unit + 1])
    return out


def _any_of(joined: str, starts: list[int], keys: Sequence[str], n: int) -> np.ndarray:
    """Whether each unit holds one of ``keys``."""
    out = np.zeros(n, dtype=bool)
    for key in keys:
        out[_units_holding(joined, starts, key)] = True
    return out


def _units_of(pattern: re.Pattern[str], joined: str, starts: np.ndarray) -> np.ndarray:
    """The unit of each match of ``pattern`` in the joined unit texts."""
    pos = np.fromiter(map(_match_start, pattern.finditer(joined)), dtype=np.int64)
    return np.searchsorted(starts, pos, side="right") - 1


_match_start = operator.methodcaller("start")


def _matches(pattern: re.Pattern[str], texts: Sequence[str], which: np.ndarray, n: int) -> np.ndarray:
    """Whether ``pattern`` matches in each unit of ``which`` (False for the others)."""
    out = np.zeros(n, dtype=bool)
    if len(which):
        sub = [texts[i] for i in which.tolist()]
        out[which[_units_of(pattern, _SEP.join(sub), _starts(sub))]] = True
    return out


def _matches_at(pattern: re.Pattern[str], joined: str, at: np.ndarray, unit_at: np.ndarray, n: int) -> np.ndarray:
    """Whether ``pattern`` matches in each unit, where it can only start at ``at``
    (places in the joined units, in the units ``unit_at``)."""
    found: set[int] = set()
    match = pattern.match
    for pos, unit in zip(at.tolist(), unit_at.tolist(), strict=True):
        if unit not in found and match(joined, pos):
            found.add(unit)
    out = np.zeros(n, dtype=bool)
    out[list(found)] = True
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

    The work is done a column at a time over the page's units joined by ``_SEP``
    (which no pattern matches, and which stands for the start and end of a unit to
    look-arounds and ``\\b``): the patterns of one or two characters (digits, capitals,
    words, commas ...) are read from the classes of the joined text's characters
    (:func:`_classes`) and counted per unit with numpy; the longer patterns run once
    over the joined text, or over the units that can hold a match, and their matches
    are counted per unit likewise.
    """
    n = len(units)
    mask = (1 << _HASH_BITS) - 1
    if n == 0:
        empty = np.zeros((0, len(NUMERIC_FEATURES)))
        no_words = HashedWords(np.zeros(1, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0), (0, mask + 1))
        return PageFeatures(empty, no_words, np.zeros(0, dtype=np.int64))
    texts = [text[u.start : u.end] for u in units]
    if _SEP in text:  # the separator stands for a unit's bounds: in the text it is a symbol like any other
        texts = [t.replace(_SEP, _SEP_IN_TEXT) for t in texts]
    joined = _SEP.join(texts)
    codes = _codes(joined)
    classes = _classes(codes)
    if (classes & _INVISIBLE_CHAR).any():  # soft hyphens and zero-width spaces: read as a reader sees the words
        # (a unit of nothing but marks keeps them: a unit's text is never empty)
        texts = [strip_invisible(t) or t for t in texts]
        joined = _SEP.join(texts)
        codes = _codes(joined)
        classes = _classes(codes)
    lines = np.fromiter(map(_get_line, units), dtype=np.int64, count=n)
    first = _flags(_get_first, units, n)
    last = _flags(_get_last, units, n)
    n_lines = int(lines[-1]) + 1
    length = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    starts = _starts_of(length)
    chars = _character_columns(joined, codes, classes, starts, length)
    del codes, classes  # (the largest arrays: a few bytes a character of the page)
    wc = chars.spaces + 1
    if cjk_words:  # span_words counts otherwise only in units of long "words" that hold such script
        for i in np.flatnonzero((chars.cjk > 0) & (length > 8 * wc)).tolist():
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
    terminal = (chars.last_class & _TERMINAL_CHAR) != 0
    tcum = np.concatenate([[0.0], np.cumsum(terminal, dtype=np.float64)])
    uidx = np.arange(n)
    ulo = np.maximum(uidx - 5, 0)
    uhi = np.minimum(uidx + 6, n)
    window_terminal = (tcum[uhi] - tcum[ulo]) / (uhi - ulo)

    # the lower-cased units and their words (runs of word characters)
    joined_lower = joined.lower()  # the units lower-cased one by one, joined: _SEP lower-cases to itself
    lowers = joined_lower.split(_SEP)  # (and no character lower-cases to _SEP)
    lower_starts = _starts_of(np.fromiter(map(len, lowers), dtype=np.int64, count=n))
    tokens, n_words = _words(joined_lower, lower_starts)
    w_start = np.zeros(n, dtype=np.int64)
    np.cumsum(n_words[:-1], out=w_start[1:])
    nw = np.maximum(n_words, 1).astype(np.float64)
    local: dict[str, int] = {}  # ids of this page's tokens that are not cached
    word_ids, word_hashes, is_stop = _TOKENS.lookup(tokens, local)
    extra_ids, extra_hashes, extra_rows = _extra_tokens(tokens, word_ids, w_start, n_words, wc, local)
    del tokens
    # stop words per unit: _STOP_RE matches exactly the words that are stop words
    token_unit = np.repeat(uidx, n_words)
    stop_counts = np.bincount(token_unit, weights=is_stop, minlength=n)
    caps_ratio = chars.caps / nw
    ends_colon = chars.last_code == 58
    after_header = np.zeros(n, dtype=bool)
    after_header[1:] = (ends_colon & (wc <= 4))[:-1]
    # patterns with a plain string that every match holds: run in the units holding it
    starts_list = starts.tolist()
    lower_starts_list = lower_starts.tolist()
    ago = _matches(_AGO, texts, np.flatnonzero(_any_of(joined_lower, lower_starts_list, _AGO_KEYS, n)), n)
    copyright_ = _any_of(joined, starts_list, ("©",), n)
    copyright_ |= _any_of(joined_lower, lower_starts_list, ("copyright", "all rights reserved"), n)
    repeats = Counter(lowers)

    out = np.empty((n, len(NUMERIC_FEATURES)), dtype=np.float64)
    unit_logs = _log1p(np.stack([wc, length]))
    line_logs = _log1p(np.stack([line_words, prev_long, next_long, line_units]))
    out[:, 0] = unit_logs[0]
    out[:, 1] = unit_logs[1]
    out[:, 2] = terminal
    out[:, 3] = ends_colon
    out[:, 4] = caps_ratio
    out[:, 5] = chars.digits / length
    out[:, 6] = chars.has_time
    out[:, 7] = chars.has_date
    out[:, 8] = chars.pipes > 0
    out[:, 9] = np.fromiter(map(str.startswith, lowers, repeat(_BY_PREFIXES)), dtype=bool, count=n)
    out[:, 10] = stop_counts / nw
    out[:, 11] = np.minimum((length - wc + 1) / nw, 15.0) / 5.0
    out[:, 12] = first
    out[:, 13] = last
    out[:, 14] = first & last
    out[:, 15] = line_logs[0, lines]
    out[:, 16] = lines / n_lines
    out[:, 17] = np.fromiter(map(repeats.__getitem__, lowers), dtype=np.int64, count=n) > 1
    out[:, 18] = after_header
    out[:, 19] = chars.all_caps / nw
    out[:, 20] = copyright_
    out[:, 21] = (chars.first_class & _BULLET_CHAR) != 0
    out[:, 22] = chars.ellipsis
    out[:, 23] = chars.has_url
    out[:, 24] = chars.commas / nw
    out[:, 25] = (chars.first_class & _LOWER_CHAR) != 0
    out[:, 26] = wc >= 40
    out[:, 27] = line_logs[1, lines]
    out[:, 28] = line_logs[2, lines]
    out[:, 29] = ago
    out[:, 30] = chars.name_pair
    out[:, 31] = line_logs[3, lines]
    out[:, 32] = window_words[lines]
    out[:, 33] = window_terminal
    out[:, 34] = (line_words / line_words.max())[lines]
    out[:, 35] = math.log1p(n)
    out[:, 36] = (wc >= 3) & (wc <= 20) & (caps_ratio >= 0.5) & ((chars.last_class & _STOP_MARK) == 0)
    out[:, 37:] = _region_features(terminal, last, lines, line_words, n_lines)[lines]
    words = _hashed_words(word_ids, word_hashes, extra_ids, extra_hashes, token_unit, w_start, n_words, extra_rows, n)
    return PageFeatures(out, words, lines)


@dataclass(frozen=True, slots=True)
class _UnitCharacters:
    """What each unit's characters show (:func:`_character_columns`): counts of spaces,
    commas, pipes, digits, CJK characters, capitalised words (``_CAP_WORD``) and all-caps
    words (``_ALL_CAPS``); the classes of its first and last characters and the last
    one's code point; and whether it ends with an ellipsis, holds a name pair
    (``_NAME_PAIR``), a time (``_TIME``), a date (``_DATE``), a URL or "@" (``_URL``)."""

    spaces: np.ndarray
    commas: np.ndarray
    pipes: np.ndarray
    digits: np.ndarray
    cjk: np.ndarray
    caps: np.ndarray
    all_caps: np.ndarray
    first_class: np.ndarray
    last_class: np.ndarray
    last_code: np.ndarray
    ellipsis: np.ndarray
    name_pair: np.ndarray
    has_time: np.ndarray
    has_date: np.ndarray
    has_url: np.ndarray


def _character_columns(
    joined: str, codes: np.ndarray, classes: np.ndarray, starts: np.ndarray, length: np.ndarray
) -> _UnitCharacters:
    """The columns read from the units' characters: ``joined`` (the units joined by
    ``_SEP``, starting at ``starts``, of ``length``), its code points and their classes.
    The arrays of a character each live only here."""
    n = len(starts)
    ends = starts + length - 1
    last_code = codes[ends]
    dots = (codes[np.maximum(ends - 1, 0)] == 46) & (codes[np.maximum(ends - 2, 0)] == 46)
    ellipsis = (last_code == 0x2026) | ((length >= 3) & (last_code == 46) & dots)  # ends with "..." or "…"
    around = _Around(classes)
    digit = (classes & _DIGIT_CHAR) != 0
    digits = _per_unit(digit, starts)
    # a time, and a date but one starting with a month's name, starts at a digit after no
    # word character: the patterns are tried there only
    at = np.flatnonzero(digit & ~around.word[: around.n])
    del digit
    unit_at = np.searchsorted(starts, at, side="right") - 1
    has_time = _matches_at(_TIME_FAST, joined, at, unit_at, n)
    has_date = _matches_at(_DATE_DIGIT_FAST, joined, at, unit_at, n)
    at = np.flatnonzero((classes & _MONTH_FIRST_CHAR != 0) & ~around.word[: around.n])
    unit_at = np.searchsorted(starts, at, side="right") - 1
    maybe = (digits[unit_at] > 0) & ~has_date[unit_at]  # (every date holds a digit)
    has_date |= _matches_at(_DATE_MONTH, joined, at[maybe], unit_at[maybe], n)
    starts_list = starts.tolist()
    has_url = _any_of(joined, starts_list, _URL_KEYS, n)
    has_url[_units_holding(joined, starts_list, ".com", around.word[1 : around.n + 1])] = True
    return _UnitCharacters(
        spaces=_per_unit(codes == 32, starts),
        commas=_per_unit(codes == 44, starts),
        pipes=_per_unit(codes == 124, starts),
        digits=digits,
        cjk=_per_unit((classes & _CJK_CHAR) != 0, starts),
        caps=_cap_word_counts(classes, around, starts),
        all_caps=_all_caps_counts(around, starts, n),
        first_class=classes[starts],
        last_class=classes[ends],
        last_code=last_code,
        ellipsis=ellipsis,
        name_pair=_has_name_pair(codes, around, starts, n),
        has_time=has_time,
        has_date=has_date,
        has_url=has_url,
    )


def _words(joined_lower: str, lower_starts: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The words (runs of word characters) of the lower-cased units joined, in order,
    and how many each unit holds (its text starting at ``lower_starts``)."""
    buffer = bytearray(joined_lower.encode("utf-32-le", "surrogatepass"))  # its code points, to be written over
    codes = np.frombuffer(buffer, dtype="<u4")
    in_word = (_classes(codes) & _WORD_CHAR) != 0
    n_words = _per_unit(in_word & ~_shift(in_word, 1), lower_starts)  # where words start
    # the text with every other character made a space, split
    codes[~in_word] = 32
    del codes, in_word
    spaced = buffer.decode("utf-32-le")
    del buffer
    return spaced.split(), n_words


def _starts_of(lengths: np.ndarray) -> np.ndarray:
    """Offset of each text in the texts of ``lengths`` joined by ``_SEP``."""
    starts = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    return starts


def _per_unit(flags: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """How many of ``flags`` (one per character of the joined units) are set in each unit."""
    counts: np.ndarray = np.add.reduceat(flags, starts, dtype=np.int64)
    return counts


def _shift(flags: np.ndarray, by: int) -> np.ndarray:
    """``flags`` moved ``by`` places: ``out[i] = flags[i - by]``, False where that is outside."""
    out = np.zeros_like(flags)
    if by > 0:
        out[by:] = flags[:-by]
    else:
        out[:by] = flags[-by:]
    return out


class _Around:
    """Class tests of each character of the joined units and of its neighbours.

    Each array holds a test of every character, with one place of padding (no class)
    before the text and ``_PAD - 1`` after it: ``word[1 + i]`` tests the character at
    ``i``, ``word[i]`` the one before it and ``word[2 + i]`` the one after.
    """

    __slots__ = ("lower", "n", "space", "upper", "word")

    def __init__(self, classes: np.ndarray) -> None:
        self.n = len(classes)
        padded = np.zeros(self.n + _PAD, dtype=classes.dtype)
        padded[1 : self.n + 1] = classes
        self.word = (padded & _WORD_CHAR) != 0
        self.upper = (padded & _UPPER_CHAR) != 0
        self.lower = (padded & _NAME_LOWER_CHAR) != 0
        self.space = (padded & _SPACE_CHAR) != 0


_PAD = 8  # the places of padding of _Around's arrays: the most a test reads past the text, plus one


def _cap_word_counts(classes: np.ndarray, around: _Around, starts: np.ndarray) -> np.ndarray:
    """Matches of ``_CAP_WORD`` (``(?<!\\w)[A-ZÀ-ÝĀ-Ž]``) in each unit."""
    return _per_unit(((classes & _CAP_CHAR) != 0) & ~around.word[: around.n], starts)


def _all_caps_counts(around: _Around, starts: np.ndarray, n: int) -> np.ndarray:
    """Matches of ``_ALL_CAPS`` (``(?<!\\w)[A-Z]{2,}(?!\\w)``) in each unit: the runs of
    two or more of [A-Z] with no word character on either side."""
    m, upper, word = around.n, around.upper, around.word
    at = upper[1 : m + 1]
    run_start = np.flatnonzero(at & ~upper[:m])
    run_end = np.flatnonzero(at & ~upper[2 : m + 2])  # each run's last character
    alone = (run_end > run_start) & ~word[run_start] & ~word[run_end + 2]
    counts: np.ndarray = np.bincount(np.searchsorted(starts, run_start[alone], side="right") - 1, minlength=n)
    return counts


def _has_name_pair(codes: np.ndarray, around: _Around, starts: np.ndarray, n: int) -> np.ndarray:
    """Whether ``_NAME_PAIR`` (``\\b[A-Z][a-zà-ÿ]+(?:\\s[A-Z]\\.)?\\s[A-Z][a-zà-ÿ]+``)
    matches in each unit.

    A match starts at a capital after no word character, followed by a run of
    lowercase letters; it goes on from the run's end (no shorter run could: a
    lowercase letter is no white space) with white space and a capital, then either a
    lowercase letter, or a full stop, white space, a capital and a lowercase letter.
    """
    m, upper, lower, space = around.n, around.upper, around.lower, around.space
    out = np.zeros(n, dtype=bool)
    at = np.flatnonzero(upper[1 : m + 1] & ~around.word[:m] & lower[2 : m + 2])
    if not len(at):
        return out
    not_lower = np.flatnonzero(~lower[1:])  # positions in the text; the padding is none
    q = not_lower[np.searchsorted(not_lower, at + 1)] + 1  # where each run ends, in the padded arrays
    dot = (q + 1 < m) & (codes[np.minimum(q + 1, m - 1)] == 46)  # a "." at text position q + 1
    pair = space[q] & upper[q + 1] & (lower[q + 2] | (dot & space[q + 3] & upper[q + 4] & lower[q + 5]))
    out[np.searchsorted(starts, at[pair], side="right") - 1] = True
    return out


_get_line = operator.attrgetter("line")
_get_first = operator.attrgetter("first")
_get_last = operator.attrgetter("last")


def _extra_tokens(
    tokens: list[str],
    word_ids: np.ndarray,
    w_start: np.ndarray,
    n_words: np.ndarray,
    wc: np.ndarray,
    local: dict[str, int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each unit's first and last word marked by their place ("^the", "$said"), its
    first two words ("^^the council"), and its length bucket ("#n12"): their ids, hashed
    buckets and units."""
    has1 = np.flatnonzero(n_words >= 1)
    has2 = np.flatnonzero(n_words >= 2)
    firsts = w_start[has1]
    lasts = (w_start + n_words - 1)[has1]
    first_ids, first_hashes = _TOKENS.marked_ids(0, tokens, firsts, word_ids, local)
    last_ids, last_hashes = _TOKENS.marked_ids(1, tokens, lasts, word_ids, local)
    pair_ids, pair_hashes = _TOKENS.pair_ids(tokens, w_start[has2], word_ids, local)
    length_ids, length_hashes, _ = _TOKENS.lookup(list(_LENGTH_TOKENS), local)
    bucket = np.minimum(wc, len(_LENGTH_TOKENS) - 1)
    ids = np.concatenate([first_ids, last_ids, pair_ids, length_ids[bucket]])
    hashes = np.concatenate([first_hashes, last_hashes, pair_hashes, length_hashes[bucket]])
    return ids, hashes, np.concatenate([has1, has1, has2, np.arange(len(w_start))])


def _hashed_words(
    word_ids: np.ndarray,
    word_hashes: np.ndarray,
    extra_ids: np.ndarray,
    extra_hashes: np.ndarray,
    token_unit: np.ndarray,
    w_start: np.ndarray,
    n_words: np.ndarray,
    extra_rows: np.ndarray,
    n: int,
) -> HashedWords:
    """The hashed words of each unit, scaled by one over the root of their number.

    A unit's tokens are its first ``_HASH_HEAD_WORDS`` and last ``_HASH_TAIL_WORDS``
    words and the tokens of :func:`_extra_tokens`. Each distinct token counts once;
    two tokens of a unit in one bucket count twice there.
    """
    mask = _MASK
    # the head and tail words of each unit: by their place in the unit
    place = np.arange(len(word_ids)) - w_start[token_unit]
    hashed = (place < _HASH_HEAD_WORDS) | (place >= (n_words - _HASH_TAIL_WORDS)[token_unit])
    rows = np.concatenate([token_unit[hashed], extra_rows])
    tok = np.concatenate([word_ids[hashed], extra_ids])
    tok_hash = np.concatenate([word_hashes[hashed], extra_hashes])
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
    return HashedWords(indptr, (mask - (cells & mask)).astype(np.int32), data, (n, mask + 1))


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
    prose_words = prose.tolist()
    for i in np.flatnonzero(prose).tolist():
        w = prose_words[i]
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
