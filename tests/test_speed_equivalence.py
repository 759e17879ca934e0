"""The vectorized :func:`cleaner.pipeline.featurize.featurize` against the per-unit reference.

``_featurize_reference`` is the per-unit implementation that ``featurize`` replaced
(feature version 4), kept here verbatim (only the hash cache dropped; the reading of
invisible marks, NULs and Chinese or Japanese words that came later added) so that any
difference in the numbers or hashed words the model sees shows up: on the corpus's
pages, on edge cases, and on generated pages of every pattern's tricky characters, to
the last bit. When a feature changes on purpose (a new ``FEATURE_VERSION``), change the
reference with it.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner.pipeline.featurize as features
from cleaner.lexicon import SENTENCE_END_MARKS, span_words, strip_invisible
from cleaner.pipeline.featurize import (
    _AGO,
    _AGO_KEYS,
    _ALL_CAPS,
    _BY_PREFIXES,
    _CAP_WORD,
    _DATE,
    _DATE_DIGIT_FAST,
    _DATE_MONTH,
    _DIGIT,
    _HASH_BITS,
    _HASH_HEAD_WORDS,
    _HASH_TAIL_WORDS,
    _LENGTH_TOKENS,
    _LONG_LINE_WORDS,
    _NAME_PAIR,
    _PROSE_MIN_WORDS,
    _REGION_GAP,
    _STOP_RE,
    _TIME,
    _TIME_FAST,
    _URL,
    _WINDOW_LINES,
    _WORD,
    NUMERIC_FEATURES,
    PageFeatures,
    featurize,
)
from cleaner.pipeline.segment import Unit, split_units

ROOT = Path(__file__).resolve().parent.parent


def _hash(token: str, mask: int) -> int:
    return zlib.crc32(token.encode("utf-8", "surrogatepass")) & mask


def _featurize_reference(text: str, units: Sequence[Unit], *, cjk_words: bool = True) -> PageFeatures:
    """featurize() as it was before vectorizing: one Python pass per unit (with the
    reading of invisible marks, NULs and Chinese or Japanese words added since)."""
    n = len(units)
    mask = (1 << _HASH_BITS) - 1
    indices: list[int] = []
    indptr = [0]
    if n == 0:
        empty = np.zeros((0, len(NUMERIC_FEATURES)))
        return PageFeatures(empty, sp.csr_matrix((0, mask + 1)), np.zeros(0, dtype=np.int64))
    texts = [text[u.start : u.end] for u in units]
    texts = [(strip_invisible(t) or t).replace("\x00", "\ufffd") for t in texts]
    lines = np.fromiter((u.line for u in units), dtype=np.int64, count=n)
    n_lines = int(lines[-1]) + 1
    line_words = [0] * n_lines
    line_units = [0] * n_lines
    word_counts = []
    for u, t in zip(units, texts, strict=True):
        wc = span_words(t) if cjk_words else t.count(" ") + 1
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
    terminal = np.fromiter((t[-1] in SENTENCE_END_MARKS for t in texts), dtype=np.float64, count=n)
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
                last_ch in SENTENCE_END_MARKS,
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
            ends_sentence[u.line] = t[-1] in SENTENCE_END_MARKS
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


# Two words whose hashed buckets collide: a unit holding both has a bucket counted twice.
_COLLIDING = ("w94", "w6800")

_EDGE_PAGES = [
    "a",
    "Hello",
    "x" * 500,
    " ".join(["word"] * 300),
    f"One line with {_COLLIDING[0]} and {_COLLIDING[1]} in it\n{_COLLIDING[1]} {_COLLIDING[0]} {_COLLIDING[1]}",
    "Title here\nBy Jane Doe | June 9, 2025 10:30 am\n" + "The council met on Monday. " * 30,
    "Lone surrogate \ud800 in text\nAnd another line with \udfff here.\nÇa va très bien, merci. 2024-05-01",
    "Related coverage:\nFirst title of a thing here\nSecond title of a thing here\n© 2024 All rights reserved",
    "UPPER CASE LINE HERE\n- bullet one\n• bullet two\n... ellipsis…\nhttp://example.com www.x.com a@b.c",
    "İSTANBUL — Σ ΣΑΣ. Updated 3 hours ago\nvor\t5 Minuten publiſhed\n"
    "Mr. John Smith and Ann Lee met at 5 p.m. on Jan. 3",
    ":\n|\n-\n...\n12\n1999",
]


def _fixture_pages() -> list[tuple[str, str]]:
    pages = [(f"edge{i}", t) for i, t in enumerate(_EDGE_PAGES)]
    for folder in ("seed", "gold"):
        for path in sorted((ROOT / "corpus" / folder).glob("*.txt"))[:6]:
            if path.name != "ids.txt":
                pages.append((path.name, path.read_text(encoding="utf-8")))
    return pages


def test_the_colliding_words_collide() -> None:
    mask = (1 << _HASH_BITS) - 1
    assert _hash(_COLLIDING[0], mask) == _hash(_COLLIDING[1], mask)


@pytest.mark.parametrize(("name", "text"), _fixture_pages(), ids=[p[0] for p in _fixture_pages()])
def test_featurize_matches_the_per_unit_reference(name: str, text: str) -> None:
    units = split_units(text)
    assert units
    ref = _featurize_reference(text, units)
    new = featurize(text, units)
    assert new.numeric.shape == ref.numeric.shape == (len(units), len(NUMERIC_FEATURES))
    assert new.numeric.dtype == np.float64
    np.testing.assert_allclose(new.numeric, ref.numeric, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(new.line, ref.line)
    assert new.words.shape == ref.words.shape
    np.testing.assert_array_equal(new.words.indptr, ref.words.indptr)
    np.testing.assert_array_equal(new.words.indices, ref.words.indices)
    np.testing.assert_allclose(new.words.data, ref.words.data, rtol=0, atol=1e-12)


def test_featurize_of_a_page_with_a_hash_collision_sums_the_bucket() -> None:
    text = _EDGE_PAGES[4]
    units = split_units(text)
    new = featurize(text, units)
    mask = (1 << _HASH_BITS) - 1
    h = _hash(_COLLIDING[0], mask)
    row = new.words.getrow(0)
    assert row[0, h] == pytest.approx(2 * row.data.min())
    np.testing.assert_allclose(new.words.toarray(), _featurize_reference(text, units).words.toarray(), atol=1e-12)


def test_featurize_of_no_units() -> None:
    f = featurize("", [])
    assert f.numeric.shape == (0, len(NUMERIC_FEATURES))
    assert f.words.shape == (0, 1 << _HASH_BITS)
    assert f.line.shape == (0,)


def test_featurize_of_units_cut_inside_words() -> None:
    # units need not start at word boundaries (title cuts can fall anywhere)
    text = "abcDEF ghi, Jkl mno: 12:30 pm www.example.com"
    units = [Unit(0, 3, 0, True, False), Unit(3, 10, 0, False, False), Unit(10, len(text), 0, False, True)]
    ref = _featurize_reference(text, units)
    new = featurize(text, units)
    np.testing.assert_allclose(new.numeric, ref.numeric, rtol=0, atol=1e-9)
    assert (new.words != ref.words).nnz == 0


def test_fast_patterns_match_where_the_plain_ones_do() -> None:
    samples = [t for _name, t in _fixture_pages()] + [
        "ÀB ×Y a×B 3×4 ÉCOLE Ōsaka xÀ _A 1A",
        "ABC DEF gHI JKl M N",
        "12:30 1:05pm 3 a.m. x12:30 12:345 10 PM",
    ]
    for text in samples:
        for line in text.split("\n"):
            assert [m.span() for m in _TIME.finditer(line)] == [m.span() for m in _TIME_FAST.finditer(line)], line
            assert _has_date(line) == (_DATE.search(line) is not None), line


def _has_date(text: str) -> bool:
    """_DATE's test as featurize makes it: the branches starting with a digit, then the
    one starting with a month's name."""
    return _DATE_DIGIT_FAST.search(text) is not None or _DATE_MONTH.search(text) is not None


# Pieces of text for the property tests below: every pattern and class of the features,
# the characters where regular expressions, lower-casing and case-insensitive matching
# differ (long s, Kelvin sign, dotted and dotless i, final sigma), invisible marks, NULs,
# Chinese and Japanese script, digits of other scripts, the separator's stand-in.
_PIECES = (
    *(
        "The council met By Jane Doe by BY Written by von par por Author: June 9, 2025 Jan. 3 3 jan 5. Mai "
        "mai 12/03/2024 1999 2001 19999 14:37 9:05 pm 3 p.m. 10PM ago vor 5 yesterday just now Updated "
        'PUBLISHED © Copyright all rights reserved | - – — • · * > ... … . ! ? : , ; " ” ’ ) ( '
        "http://x.co https://y www.z.com a@b .com .comx NATO USA AB A ÀB Ōsaka Élan xÀ _A 1A "
        "Mr J. Smith Ann Lee ſep ſeptember 3 K İstanbul ıi ΣΑΣ ΟΔΟΣ σ ς 東京 会議 。 ！ ？ "
        "٣ ١٢:٣٠ ０１ Ⅻ ⓐ \u00ad \u200b \ufeff \x00 \ufffd w94 w6800 the a of and der que"
    ).split(" "),
    "John F. Kennedy",
    "Ann B. lee",
    "Jo K.\tLu",
    "Ève Dupont",
)


@st.composite
def _pages(draw: st.DrawFn) -> tuple[str, list[Unit]]:
    """A page of the pieces above and its units: those split_units makes, or cuts at any place."""
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        n = draw(st.sampled_from([1, 2, 3, 5, 8, 20, 30, 60]))
        seps = draw(st.lists(st.sampled_from([" ", " ", " ", "", "  ", "\t", "\u00a0"]), min_size=n, max_size=n))
        words = draw(st.lists(st.sampled_from(_PIECES), min_size=n, max_size=n))
        lines.append("".join(w + sep for w, sep in zip(words, seps, strict=True)).strip() or "x")
    text = "\n".join(lines)
    if draw(st.booleans()):
        return text, split_units(text)
    units = []
    pos = 0
    for i, line in enumerate(lines):
        cuts = sorted(set(draw(st.lists(st.integers(1, max(len(line) - 1, 1)), max_size=4))))
        bounds = [0, *[c for c in cuts if c < len(line)], len(line)]
        for k in range(len(bounds) - 1):
            units.append(Unit(pos + bounds[k], pos + bounds[k + 1], i, k == 0, k == len(bounds) - 2))
        pos += len(line) + 1
    return text, units


def _assert_same(new: PageFeatures, ref: PageFeatures) -> None:
    """Equal to the last bit: the boosted trees split exactly at the values features take."""
    assert new.numeric.dtype == ref.numeric.dtype == np.float64
    for column, name in enumerate(NUMERIC_FEATURES):
        np.testing.assert_array_equal(new.numeric[:, column], ref.numeric[:, column], err_msg=name)
    np.testing.assert_array_equal(new.line, ref.line)
    assert new.words.shape == ref.words.shape
    np.testing.assert_array_equal(new.words.indptr, ref.words.indptr)
    np.testing.assert_array_equal(new.words.indices, ref.words.indices)
    np.testing.assert_array_equal(new.words.data, ref.words.data)


@settings(derandomize=True, max_examples=40, deadline=None)
@given(_pages(), st.booleans())
def test_featurize_of_any_page_is_the_per_unit_reference(page: tuple[str, list[Unit]], cjk_words: bool) -> None:
    text, units = page
    _assert_same(featurize(text, units, cjk_words=cjk_words), _featurize_reference(text, units, cjk_words=cjk_words))


@pytest.mark.slow
@settings(derandomize=True, max_examples=1000, deadline=None)
@given(_pages(), st.booleans())
def test_featurize_of_many_pages_is_the_per_unit_reference(page: tuple[str, list[Unit]], cjk_words: bool) -> None:
    text, units = page
    _assert_same(featurize(text, units, cjk_words=cjk_words), _featurize_reference(text, units, cjk_words=cjk_words))


@settings(derandomize=True, max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map(" ".join) | st.text(max_size=40))
def test_date_branches_match_where_the_date_pattern_does(text: str) -> None:
    assert _has_date(text) == (_DATE.search(text) is not None)


def test_character_classes_are_those_of_the_patterns() -> None:
    """Each class bit is what its regular expression (or test) says of the character,
    for the first 0x800 code points (Latin, Greek, Cyrillic ...), general punctuation and
    spaces, kana, and those where lower-casing or case-insensitive matching is special."""
    patterns = {bit: pattern for bit, pattern in features._CLASS_PATTERNS}
    extra = [0x1E9E, 0x212A, 0x2126, 0x3000, 0x4E00, 0x9FFF, 0xF900, 0xFEFF, 0xFFFD, 0x20000, 0x2FA1F, 0x2FA20]
    for c in [*range(0x800), *range(0x2000, 0x2070), *range(0x3000, 0x3100), *extra]:
        ch = chr(c)
        bits = features._classes(np.array([c], dtype=np.uint32))[0]
        assert bits & features._KNOWN
        for bit, pattern in patterns.items():
            assert bool(bits & bit) == (pattern.fullmatch(ch) is not None), (hex(c), bit)
        assert bool(bits & features._LOWER_CHAR) == ch.islower(), hex(c)
        assert bool(bits & features._TERMINAL_CHAR) == (ch in SENTENCE_END_MARKS), hex(c)
        assert bool(bits & features._BULLET_CHAR) == (ch in "-–—•·*>|"), hex(c)
        assert bool(bits & features._STOP_MARK) == (ch in ".:!?"), hex(c)
        assert bool(bits & features._INVISIBLE_CHAR) == (strip_invisible(ch) == ""), hex(c)
        assert bool(bits & features._CJK_CHAR) == (span_words(ch * 20) == 20), hex(c)


def test_prediction_shortcuts_give_the_same_probabilities() -> None:
    from cleaner.model import load_model
    from cleaner.model.estimator import stack_matrix
    from cleaner.model.fast_path import stage2_proba
    from cleaner.model.predict import BlockPredictor

    est = load_model().estimator
    feats = [featurize(t, split_units(t)) for _name, t in _fixture_pages()]
    # the stacked wide matrix and its product, as fitting computes them
    p1 = est._stage1_proba(est.stage1_, feats)
    predictor = BlockPredictor.of(est)
    np.testing.assert_array_equal(predictor._stage1_proba(feats), p1)
    one = feats[3:4]
    np.testing.assert_array_equal(predictor._stage1_proba(one), est._stage1_proba(est.stage1_, one))
    S = stack_matrix(p1, feats)
    np.testing.assert_array_equal(stage2_proba(est.stage2_, S), est.stage2_.predict_proba(S))


@pytest.mark.parametrize("room", [0, 5])
def test_featurize_when_the_token_cache_is_full(monkeypatch: pytest.MonkeyPatch, room: int) -> None:
    import cleaner.pipeline.featurize as features

    monkeypatch.setattr(features, "_TOKENS", features._TokenCache(room))
    for _name, text in _fixture_pages()[:8]:
        units = split_units(text)
        ref = _featurize_reference(text, units)
        new = featurize(text, units)
        np.testing.assert_allclose(new.numeric, ref.numeric, rtol=0, atol=1e-9)
        np.testing.assert_array_equal(new.words.indices, ref.words.indices)
        np.testing.assert_array_equal(new.words.indptr, ref.words.indptr)
        np.testing.assert_allclose(new.words.data, ref.words.data, rtol=0, atol=1e-12)
    assert len(features._TOKENS.ids) == room
