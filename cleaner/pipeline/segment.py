"""Segmenting: raw page text becomes units with character offsets.

A *unit* is the smallest piece of text the classifier labels. Each non-blank line of
the page is one or more units: a line is cut further where the label may change
inside it, because scraped pages run blocks together on one line (the seed page's
cards put a byline, a whole body and a "Related coverage:" list on one line). Cuts
are proposed, never forced on the labels: after classification, neighbouring units
of one line that get the same label are merged back into one segment (see
:func:`cleaner.pipeline.assemble.merge_units`). The proposed cuts are:

* sentence ends (``. ``, ``? ``, ``! `` before a capital, digit or quote), except
  after common abbreviations and initials ("U.S.", "Mr.");
* after a short list header ending in a colon ("Related coverage: ...");
* after a byline prefix: a ``| Section, Section, Section`` list, or a date or time
  early in a line ("... 14:37 | All, World, Japan Prime Minister said ...");
* before a byline cue in a line's first 200 characters ("... Programs By Alison
  Plaut Updated on October 21, 2025"): a name after "By", "Written by", "di";
  "Updated", "Published"; a date written with its month's name;
* around a capitalised phrase of four or more words said twice in a line's first 80
  words (a breadcrumb's last item and the title, or a title and its repetition, run
  together by the scraper);
* around titles that stand elsewhere on the page as lines of their own, inside a
  line that follows a list header (run-together related titles);
* around a phrase of five or more words, not starting in lowercase, that two of the
  page's first lines share, one of them starting with it (a title run together with
  its breadcrumb on one line and with its byline on another); other cuts inside such
  a phrase are dropped, so that "Anti-terror op turns sinister: Pakistani netizens ..."
  stays one unit.

Every unit is stripped of surrounding white space and is never empty.

The work is done a page at a time where it can be: the page's lines are found by one
regular expression, the sentence ends and "Related:" headers of all the lines to cut
by one pass each over those lines joined by ``_SEP`` (which none of the patterns
matches, so that each line reads as a string of its own), and the units are made
column by column. What stays per line is bounded by the line's first words (bylines,
dates, repeats) and is skipped quickly where a line has none of it.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import operator
import re
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..budget import check as check_budget
from ..errors import InputTooLargeError
from ..lexicon import DATE_CUES, FEATURE_MONTHS, SEGMENT_BYLINE_CUES, SEGMENT_RELATED_HEADERS, credit_alternation

__all__ = ["LINE_RE", "Unit", "is_abbreviation", "split_units"]

LINE_RE = re.compile(r"[^\n\r]+")
# A line of the page without the white space around it: LINE_RE's match stripped
# (``\s`` is the white space of ``str.strip()``), found from its first to its last
# character that is not white space. Lines of nothing but white space have no match.
_STRIPPED_LINE = re.compile(r"\S(?:[^\n\r]*\S)?")
# Joins the lines that are cut, for the passes over all of them at once: none of the
# patterns run over the joined lines matches it, and it is neither white space nor a
# word character, so that each line reads as it would on its own (no match crosses it,
# and look-arounds and ``\b`` see it as they see the start or end of a string).
_SEP = "\x00"

# A sentence end: terminal punctuation, optional closing quotes/brackets, white
# space, then something that can start a sentence. A match starts only where a run of
# terminal marks starts, and no part of it gives back what it took (none could be given
# back to a match anyway: the parts' characters differ): a line of 80,000 dots took a
# minute when every dot started a match that ran to the run's end. Written to start
# with a character class, which lets the regex engine skip to candidate characters:
# "[.!?…](?<![.!?…][.!?…])" is "(?<![.!?…])[.!?…]" (tests/test_segment.py).
_SENTENCE_END = re.compile(r"[.!?…](?<![.!?…][.!?…])[.!?…]*+[\"”’')\]]*+\s++(?=[\"“‘(\[]?[A-Z0-9À-Ý])")
# Tokens after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr prof gen gov sen rep lt col capt sgt no vs etc inc ltd co corp "
    "jan feb mar apr jun jul aug sep sept oct nov dec fig approx dept est".split()
)
# A list header: up to four words ending in a colon ("Related coverage:").
_HEADER_COLON = re.compile(r"^(?:[^\s:]+\s+){0,3}[^\s:]+:\s+")
# A list header inside a line, after white space ("... the EU. Related coverage: ..."):
# the white space before it is matched, the header itself (group 1) looked ahead at,
# which finds the headers that "(?<=\s)(?:Related...):\s" finds, quicker.
_RELATED_HEADER = re.compile(
    r"\s(?=((?:" + "|".join(re.escape(h) for h in SEGMENT_RELATED_HEADERS) + r"):\s))"
)  # the headers of cleaner.lexicon.SEGMENT_RELATED_HEADERS
_RELATED_HEADER_KEYS = tuple(f"{h}:" for h in SEGMENT_RELATED_HEADERS)  # one of which each match holds
# A section list after a pipe: "| World, Japan, All" then the next word starts the body.
_PIPE_SECTIONS = re.compile(r"\|\s*(?:[\w&'’-]+(?:\s[\w&'’-]+)?,\s*)*[\w&'’-]+\s+(?=\S)")
# A date or time early in a line, followed by a capitalised word:
#   (?:\b\d{1,2}:\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?(?:\s?[A-Z]{2,4}\b)?|\b(?:19|20)\d{2}\b|\bago\b)
#   [\s,.·•-]*\s(?=[A-Z\"“])
# written as two patterns that start with a digit and with "ago" ("\d(?<!\w\d)" is
# "\b\d"), which the regex engine finds quickly. No match of one can hold a match of the
# other (a time or year takes no "ago", "ago" no digit), so the two find what the one
# finds (tests/test_segment_equivalence.py).
_DATE_OR_TIME = re.compile(
    r"\d(?<!\w\d)(?:\d?:\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?(?:\s?[A-Z]{2,4}\b)?|(?<=1)9\d{2}\b|(?<=2)0\d{2}\b)"
    r"[\s,.·•-]*\s(?=[A-Z\"“])"
)
_AGO_BEFORE = re.compile(r"ago(?<!\wago)\b[\s,.·•-]*\s(?=[A-Z\"“])")
# Where a byline starts early in a line, after a title run onto it: a name after a credit
# of the lexicon's SEGMENT_BYLINE_CUES ("By", "Written by", "di" ...); a word of its
# DATE_CUES ("Updated", "Published"); a date written with its month's name.
# Not after a separator: "By Jane Doe | June 9, 2025" is one byline already. (The white
# space is matched first, then the first letter of what may follow it, then the words
# before it looked back at: the same matches as "(?<!Written)...(?<![|·•,/–—-])\s(?=...)",
# found quicker.)
_CUE_FIRST_WORDS = sorted({cue.split()[0] for cue in SEGMENT_BYLINE_CUES if " " in cue})
_CUE_DATES = credit_alternation(DATE_CUES, cases=("capital",))
_CUE_MONTHS = "|".join(m.capitalize() for m in FEATURE_MONTHS["before-day"])
_CUE_LETTERS = "".join(
    sorted(
        {c[0] for c in SEGMENT_BYLINE_CUES}
        | {c[0].upper() for c in DATE_CUES}
        | {m[0].upper() for m in FEATURE_MONTHS["before-day"]}
    )
)
_BYLINE_CUE = re.compile(
    rf"\s(?=[{_CUE_LETTERS}])"
    + "".join(rf"(?<!{word}\s)" for word in _CUE_FIRST_WORDS)
    + r"(?<![|·•,/–—-]\s)"
    + rf"(?=(?:(?:{'|'.join(re.escape(cue) for cue in sorted(SEGMENT_BYLINE_CUES, key=len, reverse=True))})\s+"
    r"[A-Z][\w'’.-]+\s+[A-Z]"
    rf"|(?:{_CUE_DATES})\b"
    rf"|(?:{_CUE_MONTHS})[a-z]*\.?\s+\d{{1,2}},?\s+(?:19|20)\d{{2}}\b))"
)
_BYLINE_CUE_MAX_CHARS = 200
# A phrase of at least this many words said twice in one line (a breadcrumb's last
# item and the title, or a title and its repetition) is cut out where it stands.
_REPEAT_MIN_WORDS = 4  # the scan below compares four-word keys
_REPEAT_SCAN_WORDS = 80
_WORD_SPAN = re.compile(r"\S+")
# Lines shorter than this are one unit: a short line is one block on almost every
# page, and cutting it would split titles such as "Business Brief: Nvidia's into
# nation building. We cool with that?" (seen on validation pages).
_MIN_WORDS_TO_CUT = 16
_TITLE_MIN_WORDS = 4
_TITLE_MAX_WORDS = 25
# A phrase of at least this many words shared by two of the page's first lines is cut
# out as one piece (see _shared_phrases).
_SHARED_MIN_WORDS = 5  # _shared_phrases compares five-word keys
_SHARED_SCAN_LINES = 50
_PUNCTUATION = ".,:;!?\"'“”‘’()[]|"
# Cut byline prefixes only in the first words of a line: a date further in is prose.
_BYLINE_PREFIX_MAX_CHARS = 160


@dataclass(frozen=True, slots=True)
class Unit:
    """A piece of one line of page text, the smallest thing the classifier labels.

    Attributes:
        start: offset of the first character in the page text.
        end: offset one past the last character.
        line: index of the line among the page's non-blank lines.
        first: whether the unit starts its line.
        last: whether the unit ends its line.
        separate: whether the cut before it separates two items of a list (a title
            found elsewhere on the page): such units are never merged into one segment.
    """

    start: int
    end: int
    line: int
    first: bool
    last: bool
    separate: bool = False


# Units are made a column at a time (:func:`_make_units`): each field's slot is set as
# the dataclass's __init__ sets it, without a Python call per unit and field. Unit has
# no __post_init__ (tests/test_segment.py holds it to that).
_UNIT_SLOTS: tuple[Any, ...] = tuple(getattr(Unit, f.name).__set__ for f in dataclasses.fields(Unit))
_new_object = object.__new__


def _make_units(*columns: Sequence[Any]) -> list[Unit]:
    """Units from their fields' columns (start, end, line, first, last, separate)."""
    units: list[Unit] = list(map(_new_object, itertools.repeat(Unit, len(columns[0]))))
    for set_slot, column in zip(_UNIT_SLOTS, columns, strict=True):
        deque(map(set_slot, units, column), maxlen=0)
    return units


def is_abbreviation(text: str, dot: int, start: int = 0) -> bool:
    """Whether the full stop at ``text[dot]`` closes an abbreviation or initial (the
    token before it read back to white space or to ``start``, its line's start)."""
    j = dot
    while j > start and not text[j - 1].isspace():
        j -= 1
    token = text[j:dot].lstrip("(\"“'‘").lower()
    if len(token) == 1 and token.isalpha():
        return True  # an initial: "John F. Kennedy"
    if "." in token and len(token) <= 5:
        return True  # "U.S", "a.m", "e.g"
    return token in _ABBREVIATIONS


@dataclass(frozen=True, slots=True)
class _PageCues:
    """What the passes over all the lines to cut found, by line, in each line's offsets.

    Attributes:
        ends: sentence ends (where the next sentence starts) that are no abbreviation.
        headers: "Related coverage:" headers inside a line, as (start, end).
        early: where a date or time in the line's first :data:`_BYLINE_PREFIX_MAX_CHARS`
            characters ends, and where a byline cue in its first
            :data:`_BYLINE_CUE_MAX_CHARS` characters starts.
    """

    ends: dict[int, list[int]]
    headers: dict[int, list[tuple[int, int]]]
    early: dict[int, list[int]]


def _page_cues(lines: Sequence[str], which: Sequence[int]) -> _PageCues:
    """Sentence ends and list headers of the lines ``which``, found in one pass each
    over those lines joined by ``_SEP``."""
    ends: dict[int, list[int]] = {}
    headers: dict[int, list[tuple[int, int]]] = {}
    early: dict[int, list[int]] = {}
    if not which:
        return _PageCues(ends, headers, early)
    joined, starts = _joined([lines[i] for i in which])
    for m in _SENTENCE_END.finditer(joined):
        dot = m.start()
        k = bisect.bisect_right(starts, dot) - 1
        if joined[dot] == "." and is_abbreviation(joined, dot, starts[k]):
            continue
        ends.setdefault(which[k], []).append(m.end() - starts[k])
    if any(key in joined for key in _RELATED_HEADER_KEYS):
        for m in _RELATED_HEADER.finditer(joined):
            k = bisect.bisect_right(starts, m.end()) - 1
            headers.setdefault(which[k], []).append((m.end() - starts[k], m.end(1) - starts[k]))
    # the lines' first characters, each read as a string of its own
    for size, patterns in (
        (_BYLINE_PREFIX_MAX_CHARS, (_DATE_OR_TIME, _AGO_BEFORE)),
        (_BYLINE_CUE_MAX_CHARS, (_BYLINE_CUE,)),
    ):
        heads, starts = _joined([lines[i][:size] for i in which])
        for pattern in patterns:
            for m in pattern.finditer(heads):
                k = bisect.bisect_right(starts, m.start()) - 1
                early.setdefault(which[k], []).append(m.end() - starts[k])
    return _PageCues(ends, headers, early)


def _joined(texts: list[str]) -> tuple[str, list[int]]:
    """``texts`` joined by ``_SEP``, and where each starts."""
    starts = [0] * len(texts)
    pos = 0
    for k, t in enumerate(texts):
        starts[k] = pos
        pos += len(t) + 1
    return _SEP.join(texts), starts


def _cuts_in_line(
    line: str,
    words: list[str],
    after_header: bool,
    titles: _PageTitles | None,
    shared: list[tuple[int, int]] | None,
    ends: Sequence[int],
    headers: Sequence[tuple[int, int]],
    early: Sequence[int],
) -> tuple[list[int], set[int]]:
    """Offsets inside ``line`` at which to cut it into units, and which of them separate list items.

    ``words`` are the line's first words, lower-cased; ``ends``, ``headers`` and ``early``
    its sentence ends, list headers, and dates, times and byline cues (:func:`_page_cues`).
    ``shared`` are spans of the line said again on another line (:func:`_shared_phrases`):
    cut around, never inside.
    """
    cuts: set[int] = set(ends)
    hard: set[int] = set()
    header = _HEADER_COLON.match(line)
    if header and header.end() < len(line):
        cuts.add(header.end())
        after_header = True
    head = line[:_BYLINE_PREFIX_MAX_CHARS]
    if "|" in head:
        for m in _PIPE_SECTIONS.finditer(head):
            cuts.add(m.end())
    cuts.update(early)
    _repeat_cuts(line, words, cuts)
    for a, b in headers:
        cuts.add(a)
        cuts.add(b)
        after_header = True
    if after_header and titles is not None:
        titles.cut(line, hard)
        cuts |= hard
    if shared:
        cuts = {c for c in cuts if not any(a < c < b for a, b in shared)}
        for a, b in shared:
            cuts.add(a)
            cuts.add(b)
    return sorted(c for c in cuts if 0 < c < len(line)), hard


class _LowerWords(dict[int, list[str]]):
    """The first :data:`_REPEAT_SCAN_WORDS` words of each line, lower-cased, by line
    index: split when first asked for, and kept for the page's first
    :data:`_SHARED_SCAN_LINES` lines (which the repeat and shared-phrase cuts both read;
    keeping every line's would hold tens of bytes a character of a long page)."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__()
        self._lines = lines

    def __missing__(self, index: int) -> list[str]:
        words = self._lines[index].lower().split(None, _REPEAT_SCAN_WORDS)[:_REPEAT_SCAN_WORDS]
        if index < _SHARED_SCAN_LINES:
            self[index] = words
        return words


def _shared_phrases(lines: list[str], cut: list[bool], lower_words: _LowerWords) -> dict[int, list[tuple[int, int]]]:
    """Spans of the lines to be cut that another of the page's first lines says too.

    Collapsed pages run a title together with the breadcrumb before it on one line, and
    with its byline or first paragraph on another: the words the two lines share show
    where the title starts and ends. Only the first :data:`_SHARED_SCAN_LINES` lines and
    the first :data:`_REPEAT_SCAN_WORDS` words of each are compared (lower-cased, with
    punctuation around them stripped); a shared phrase has at least
    :data:`_SHARED_MIN_WORDS` words, does not start with a lowercase letter, and starts
    one of the two lines.
    """
    k = _SHARED_MIN_WORDS
    n_lines = min(len(lines), _SHARED_SCAN_LINES)
    if not any(cut[:n_lines]):
        return {}
    strip = itertools.repeat(_PUNCTUATION)
    # (a line of fewer than k words has no key: its words are left as they are, unread)
    words = [w if len(w) < k else list(map(str.strip, w, strip)) for w in map(lower_words.__getitem__, range(n_lines))]
    keys = [set(zip(w, w[1:], w[2:], w[3:], w[4:], strict=False)) for w in words]  # each line's k-word keys
    seen: set[tuple[str, ...]] = set()
    twice: set[tuple[str, ...]] = set()  # keys that two lines say
    for line_keys in keys:
        twice |= line_keys & seen
        seen |= line_keys
    out: dict[int, list[tuple[int, int]]] = {}
    if not twice:
        return out
    for index in range(n_lines):
        if not cut[index]:
            continue
        said_twice = keys[index] & twice  # keys that two lines say, this one among them
        if not said_twice:
            continue
        w = words[index]
        grams = list(zip(w, w[1:], w[2:], w[3:], w[4:], strict=False))
        line = lines[index]
        spans: list[tuple[int, int]] = []
        found: list[tuple[int, int]] = []
        i = 0
        while i <= len(w) - k:
            key = grams[i]
            if key not in said_twice:
                i += 1
                continue
            # the first other line saying it (the first line, or the next one after this)
            other = next(j for j in range(n_lines) if j != index and key in keys[j])
            if not spans:
                spans = [m.span() for m in itertools.islice(_WORD_SPAN.finditer(line), _REPEAT_SCAN_WORDS)]
            if line[spans[i][0]].islower():
                i += 1
                continue
            n, j = _run_length(w, i, words[other])
            if i > 0 and j > 0:  # neither line starts with it: a menu's items, not a title
                i += n
                continue
            if n >= len(w):
                break  # the whole line is said elsewhere: nothing to cut out
            before = i > 0 and line[spans[i - 1][0]].islower()
            after = i + n < len(spans) and line[spans[i + n][0]].islower()
            if not (before or after):  # "What Are the | Top U.S. Rental Car Companies" is one title
                found.append((spans[i][0], spans[i + n - 1][1]))
            i += n
        if found:
            out[index] = found
    return out


def _run_length(w: list[str], i: int, other: list[str]) -> tuple[int, int]:
    """The longest run of words from ``w[i]`` on that ``other`` says as it stands, and
    where it starts in ``other`` (the first such place)."""
    best, at = 0, 0
    for j in range(len(other)):
        n = 0
        while i + n < len(w) and j + n < len(other) and w[i + n] == other[j + n]:
            n += 1
        if n > best:
            best, at = n, j
    return best, at


def _repeat_cuts(line: str, words: list[str], cuts: set[int]) -> None:
    """Cut around the first capitalised phrase that a line's first words say twice.

    A title run together with its breadcrumb or its own repetition ("Home / EU and
    India seal a deal EU and India seal a deal 27 January ...") shows its bounds by
    the repetition. ``words``: the line's first words, lower-cased (:class:`_LowerWords`).
    """
    k = _REPEAT_MIN_WORDS
    keys = list(zip(words, words[1:], words[2:], words[3:], strict=False))
    if len(set(keys)) == len(keys):
        return  # no four words said twice (most lines)
    seen: dict[tuple[str, ...], int] = {}
    spans: list[tuple[int, int]] = []  # the words' offsets, found once a repeat needs them
    for i, key in enumerate(keys):
        first = seen.setdefault(key, i)
        if first + k > i:
            continue
        if not spans:
            spans = [m.span() for m in itertools.islice(_WORD_SPAN.finditer(line), _REPEAT_SCAN_WORDS)]
        if not line[spans[first][0]].isupper():
            continue
        n = k
        while i + n < len(words) and first + n < i and words[first + n] == words[i + n]:
            n += 1
        for a in (first, i):
            cuts.add(spans[a][0])
            cuts.add(spans[a + n - 1][1])
        return


# The most reading that title cuts may do on a page, in characters: per character of
# the page, plus a floor. On the pages of corpus/training and the renderings of the
# peers' datasets (shared/datasets), title cuts read at most 6.9 times a page's length
# and 204,060 characters (fundus DailyMaverick_2025_05_22): the floor alone covers them.
_TITLE_SCAN_PER_CHAR = 16
_TITLE_SCAN_MIN = 1_000_000


class _PageTitles:
    """Short, title-like lines of the page: evidence for cutting run-together titles
    out of the lines after a list header (:meth:`cut`).

    Each title is filed under one of its middle words (a word between two of its
    spaces, which any line holding the title holds as a whole word between spaces: the
    rarest of them among the page's titles), so that a line is searched only for the
    titles whose word it holds, not for every title of the page. The searching is
    bounded: it reads at most :data:`_TITLE_SCAN_PER_CHAR` times the page's length (plus
    :data:`_TITLE_SCAN_MIN`), after which no more titles are cut; a page of 12,000
    titles and 12,000 list lines took 80 s before. The index is built when a line is
    first cut (most pages have no line to cut after a list header).
    """

    __slots__ = ("_by_word", "_left", "_lines", "_n_spaces")

    def __init__(self, lines: Sequence[str], n_spaces: Sequence[int], page_chars: int) -> None:
        self._lines = lines
        self._n_spaces = n_spaces  # of each line
        self._by_word: dict[str, tuple[list[int], list[str]]] | None = None
        self._left = _TITLE_SCAN_PER_CHAR * page_chars + _TITLE_SCAN_MIN

    def _index(self) -> dict[str, tuple[list[int], list[str]]]:
        if self._by_word is not None:
            return self._by_word
        sized = [
            line
            for line, k in zip(self._lines, self._n_spaces, strict=True)
            if _TITLE_MIN_WORDS <= k + 1 <= _TITLE_MAX_WORDS  # words, counted by spaces
        ]
        titles = [line for line in dict.fromkeys(sized) if line[:1].isupper() and not line.endswith(":")]
        middles = [set(title.split(" ")[1:-1]) for title in titles]
        counts = Counter(itertools.chain.from_iterable(middles))
        by_word: dict[str, list[str]] = {}
        rank = {w: (c, -len(w), w) for w, c in counts.items()}  # the rarest, then longest, then first in order
        for title, words in zip(titles, middles, strict=True):
            word = min(words, key=rank.__getitem__)
            by_word.setdefault(word, []).append(title)
        # each word's titles, shortest first, with their lengths: a line is searched
        # only for titles shorter than itself
        self._by_word = {
            word: ([len(t) for t in group], group)
            for word, group in ((w, sorted(g, key=len)) for w, g in by_word.items())
        }
        return self._by_word

    def __bool__(self) -> bool:
        return bool(self._index())

    def cut(self, line: str, cuts: set[int]) -> None:
        """Cut around each title that ``line`` holds (every place it stands, left to
        right, without overlap)."""
        by_word = self._index()
        words = by_word.keys() & set(line.split(" "))
        for word in sorted(words):
            lengths, group = by_word[word]
            for title in group[: bisect.bisect_left(lengths, len(line) - 1)]:
                if self._left < len(line):
                    return
                self._left -= len(line)
                pos = line.find(title)
                while pos >= 0:
                    cuts.add(pos)
                    cuts.add(pos + len(title))
                    pos = line.find(title, pos + len(title))


_count_spaces = operator.methodcaller("count", " ")


def split_units(
    text: str,
    *,
    split_titles: bool = True,
    phrases: Sequence[tuple[int, int]] = (),
    max_units: int | None = None,
) -> list[Unit]:
    """Split page text into units, in page order, with offsets into ``text``.

    ``phrases`` are spans of ``text`` known to be one unit each (a title the page's
    HTML declares, found by :func:`cleaner.pipeline.read.find_phrases`): lines are cut around them, never
    inside, whatever their length.

    Raises:
        InputTooLargeError: the page has more than ``max_units`` units (None: no
            limit); raised as soon as that many are found.

    >>> t = ("Title: here\\nBy Jane Doe | June 9, 2025 The council met on Monday to vote on "
    ...      "the plan for the park. It voted yes.")
    >>> [t[u.start:u.end] for u in split_units(t)]  # doctest: +NORMALIZE_WHITESPACE
    ['Title: here', 'By Jane Doe | June 9, 2025',
     'The council met on Monday to vote on the plan for the park.', 'It voted yes.']
    """
    spans, lines = _lines(text, max_units)
    check_budget("segmenting")
    if not spans:
        return []
    n_spaces = list(map(_count_spaces, lines))
    cut = [k + 1 >= _MIN_WORDS_TO_CUT for k in n_spaces]
    to_cut = list(itertools.compress(range(len(lines)), cut))
    lower_words = _LowerWords(lines)
    shared = _shared_phrases(lines, cut, lower_words)
    known = _phrases_by_line(spans, phrases)
    titles = _PageTitles(lines, n_spaces, len(text)) if split_titles else None
    cues = _page_cues(lines, to_cut)
    pieces: dict[int, list[tuple[int, int, bool]]] = {}  # the lines cut in more than one unit
    n_units = len(lines)
    for k, index in enumerate(sorted({*to_cut, *known})):
        if not k & 1023:
            check_budget("segmenting")
        line = lines[index]
        if cut[index]:
            keep = shared.get(index)
            if index in known:
                keep = [*(keep or []), *known[index]]
            # after a short line that ends in a colon ("Related coverage:")
            after_header = index > 0 and n_spaces[index - 1] < 4 and lines[index - 1].endswith(":")
            ends, headers, early = cues.ends.get(index, ()), cues.headers.get(index, ()), cues.early.get(index, ())
            cuts, hard = _cuts_in_line(line, lower_words[index], after_header, titles, keep, ends, headers, early)
        else:
            cuts, hard = sorted({c for span in known[index] for c in span if 0 < c < len(line)}), set()
        if cuts or 0 in hard:
            pieces[index] = _pieces(line, cuts, hard)
            n_units += len(pieces[index]) - 1
            if max_units is not None and n_units > max_units:
                raise _too_many_units(max_units)
    return _units_of_lines(spans, pieces)


def _lines(text: str, max_units: int | None) -> tuple[list[tuple[int, int]], list[str]]:
    """The page's lines that are not blank, stripped, and where each stands in ``text``.

    Raises:
        InputTooLargeError: more than ``max_units`` lines (None: no limit).
    """
    limit = len(text) if max_units is None else max_units
    if "\r" in text or text.count("\n") >= limit:
        # lines found one by one: no more than the limit are kept before it raises
        spans = [m.span() for m in itertools.islice(_STRIPPED_LINE.finditer(text), limit + 1)]
        if len(spans) > limit:
            raise _too_many_units(limit)
        return spans, [text[a:b] for a, b in spans]
    # lines end at "\n" only, and are fewer than the limit: splitting is quicker than the regex
    spans = []
    lines = []
    pos = 0
    for raw in text.split("\n"):
        line = raw.strip()
        if line:
            start = pos + len(raw) - len(raw.lstrip())
            spans.append((start, start + len(line)))
            lines.append(line)
        pos += len(raw) + 1
    return spans, lines


def _pieces(line: str, cuts: list[int], hard: set[int]) -> list[tuple[int, int, bool]]:
    """The pieces of ``line`` between its cuts, stripped (the empty ones left out), and
    whether the cut before each separates list items."""
    out = []
    for a0, b0 in itertools.pairwise([0, *cuts, len(line)]):
        piece = line[a0:b0]
        body = piece.strip()
        if body:
            a = a0 + len(piece) - len(piece.lstrip())
            out.append((a, a + len(body), a0 in hard))
    return out


def _units_of_lines(spans: list[tuple[int, int]], pieces: dict[int, list[tuple[int, int, bool]]]) -> list[Unit]:
    """The units of the lines at ``spans``: one a line, or the line's ``pieces`` where it has them."""
    line_starts = [a for a, _ in spans]
    line_ends = [b for _, b in spans]
    starts: list[int] = []
    ends: list[int] = []
    line: list[int] = []
    first: list[bool] = []
    last: list[bool] = []
    separate: list[bool] = []
    done = 0  # lines before this are in the columns
    for index in [*sorted(pieces), len(spans)]:
        whole = index - done  # lines of one unit each
        starts += line_starts[done:index]
        ends += line_ends[done:index]
        line += range(done, index)
        first += itertools.repeat(True, whole)
        last += itertools.repeat(True, whole)
        separate += itertools.repeat(False, whole)
        if index == len(spans):
            break
        s = line_starts[index]
        cut = pieces[index]  # one piece or more: the line is not blank
        starts += [s + a for a, _, _ in cut]
        ends += [s + b for _, b, _ in cut]
        line += itertools.repeat(index, len(cut))
        first += [True, *itertools.repeat(False, len(cut) - 1)]
        last += [*itertools.repeat(False, len(cut) - 1), True]
        separate += [sep for _, _, sep in cut]
        done = index + 1
    return _make_units(starts, ends, line, first, last, separate)


def _too_many_units(max_units: int) -> InputTooLargeError:
    return InputTooLargeError(
        f"the page has more than max_units={max_units:,} units (lines, and the sentences and blocks they are "
        "cut into); each takes about 3 KB of memory while the page is cleaned. A page this long is nearly "
        "always broken input, or many pages in one: split it, or raise CleanerConfig(max_units=...) "
        "(None: no limit) to clean it whole"
    )


def _phrases_by_line(
    lines: Sequence[tuple[int, int]], phrases: Sequence[tuple[int, int]]
) -> dict[int, list[tuple[int, int]]]:
    """Each phrase that lies inside one line, by line index, in that line's offsets."""
    out: dict[int, list[tuple[int, int]]] = {}
    if not phrases:
        return out
    starts = [s for s, _ in lines]
    for a, b in phrases:
        index = bisect.bisect_right(starts, a) - 1
        if index < 0:
            continue
        s, e = lines[index]
        if s <= a and b <= e:
            out.setdefault(index, []).append((a - s, b - s))
    return out
