"""The segmenter as it was before its page-wide passes, kept verbatim as a reference.

:func:`split_units_reference` is :func:`cleaner.pipeline.segment.split_units` as it was
(per-line regular expressions and loops) when it was rewritten to run its patterns over
the page at once (issue 17): tests/test_segment_equivalence.py checks that both give the
same units on any text. Only the budget checks are dropped and the error's message
shortened. When segmenting changes on purpose, change this with it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Sequence

from cleaner.errors import InputTooLargeError
from cleaner.pipeline.segment import Unit

LINE_RE = re.compile(r"[^\n\r]+")

# A sentence end: terminal punctuation, optional closing quotes/brackets, white
# space, then something that can start a sentence. A match starts only where a run of
# terminal marks starts, and no part of it gives back what it took (none could be given
# back to a match anyway: the parts' characters differ): a line of 80,000 dots took a
# minute when every dot started a match that ran to the run's end.
_SENTENCE_END = re.compile(r"(?<![.!?…])[.!?…]++[\"”’')\]]*+\s++(?=[\"“‘(\[]?[A-Z0-9À-Ý])")
# Tokens after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr prof gen gov sen rep lt col capt sgt no vs etc inc ltd co corp "
    "jan feb mar apr jun jul aug sep sept oct nov dec fig approx dept est".split()
)
# A list header: up to four words ending in a colon ("Related coverage:").
_HEADER_COLON = re.compile(r"^(?:[^\s:]+\s+){0,3}[^\s:]+:\s+")
# A section list after a pipe: "| World, Japan, All" then the next word starts the body.
_PIPE_SECTIONS = re.compile(r"\|\s*(?:[\w&'’-]+(?:\s[\w&'’-]+)?,\s*)*[\w&'’-]+\s+(?=\S)")
# A date or time early in a line, followed by a capitalised word.
_DATE_OR_TIME = re.compile(
    r"(?:\b\d{1,2}:\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?(?:\s?[A-Z]{2,4}\b)?|\b(?:19|20)\d{2}\b|\bago\b)"
    r"[\s,.·•-]*\s(?=[A-Z\"“])"
)
# Where a byline starts early in a line, after a title run onto it: a name after "By",
# "Written by", "di" ...; "Updated" or "Published"; a date written with its month's name.
# Not after a separator: "By Jane Doe | June 9, 2025" is one byline already.
_BYLINE_CUE = re.compile(
    r"(?<!Written)(?<!Reviewed)(?<!Edited)(?<![|·•,/–—-])\s"
    r"(?=(?:(?:[Bb]y|Written [Bb]y|Reviewed [Bb]y|Edited [Bb]y|di|von|par|por|Von|Par|Por)\s+"
    r"[A-Z][\w'’.-]+\s+[A-Z]"
    r"|(?:Updated|Published|Posted|Last updated)\b"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+(?:19|20)\d{2}\b))"
)
_BYLINE_CUE_MAX_CHARS = 200
# Strings one of which every _BYLINE_CUE match holds (a cheap test before the regex).
_BYLINE_CUE_KEYS = (
    "y ",
    "di ",
    "von ",
    "par ",
    "por ",
    "Von ",
    "Par ",
    "Por ",
    "Updated",
    "Published",
    "Posted",
    "updated",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
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
_SHARED_MIN_WORDS = 5
_SHARED_SCAN_LINES = 50
_PUNCTUATION = ".,:;!?\"'“”‘’()[]|"
# Cut byline prefixes only in the first words of a line: a date further in is prose.
_BYLINE_PREFIX_MAX_CHARS = 160


def _is_abbreviation(line: str, dot: int) -> bool:
    """Whether the full stop at ``line[dot]`` closes an abbreviation or initial."""
    j = dot
    while j > 0 and not line[j - 1].isspace():
        j -= 1
    token = line[j:dot].lstrip("(\"“'‘").lower()
    if len(token) == 1 and token.isalpha():
        return True  # an initial: "John F. Kennedy"
    if "." in token and len(token) <= 5:
        return True  # "U.S", "a.m", "e.g"
    return token in _ABBREVIATIONS


def _cuts_in_line(
    line: str, after_header: bool, titles: _PageTitles | None, shared: list[tuple[int, int]] | None = None
) -> tuple[list[int], set[int]]:
    """Offsets inside ``line`` at which to cut it into units, and which of them separate list items.

    ``shared`` are spans of the line said again on another line (:func:`_shared_phrases`):
    cut around, never inside.
    """
    cuts: set[int] = set()
    hard: set[int] = set()
    for m in _SENTENCE_END.finditer(line):
        dot = m.start()
        if line[dot] == "." and _is_abbreviation(line, dot):
            continue
        cuts.add(m.end())
    header = _HEADER_COLON.match(line)
    if header and header.end() < len(line):
        cuts.add(header.end())
        after_header = True
    head = line[:_BYLINE_PREFIX_MAX_CHARS]
    for m in _PIPE_SECTIONS.finditer(head):
        cuts.add(m.end())
    for m in _DATE_OR_TIME.finditer(head):
        cuts.add(m.end())
    cue_head = line[:_BYLINE_CUE_MAX_CHARS]
    if any(key in cue_head for key in _BYLINE_CUE_KEYS):
        for m in _BYLINE_CUE.finditer(line, 0, _BYLINE_CUE_MAX_CHARS):
            cuts.add(m.end())
    _repeat_cuts(line, cuts)
    for m in re.finditer(r"(?<=\s)(?:Related(?: coverage| stories| articles)?|Read more|See also|More):\s", line):
        cuts.add(m.start())
        cuts.add(m.end())
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


def _shared_phrases(lines: list[str], cut: list[bool]) -> dict[int, list[tuple[int, int]]]:
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
    words = [
        [x.strip(_PUNCTUATION) for x in line.lower().split(None, _REPEAT_SCAN_WORDS)[:_REPEAT_SCAN_WORDS]]
        for line in lines[:n_lines]
    ]
    grams = [list(zip(*(w[t:] for t in range(k)), strict=False)) for w in words]  # each line's k-word keys
    first: dict[tuple[str, ...], int] = {}  # a key -> the first line saying it
    for index in range(n_lines - 1, -1, -1):
        first.update(dict.fromkeys(grams[index], index))
    second: dict[tuple[str, ...], int] = {}  # -> the next line saying it
    seen: set[tuple[str, ...]] = set()
    for index in range(n_lines):
        keys = set(grams[index])
        for key in (keys & seen) - second.keys():
            second[key] = index
        seen |= keys
    out: dict[int, list[tuple[int, int]]] = {}
    for index in range(n_lines):
        if not cut[index]:
            continue
        said_twice = second.keys() & grams[index]  # keys that two lines say, this one among them
        if not said_twice:
            continue
        w = words[index]
        line = lines[index]
        spans: list[tuple[int, int]] = []
        found: list[tuple[int, int]] = []
        i = 0
        while i <= len(w) - k:
            key = grams[index][i]
            if key not in said_twice:
                i += 1
                continue
            other = first[key]
            if other == index:  # this line says it first: the next line saying it
                other = second[key]
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


def _repeat_cuts(line: str, cuts: set[int]) -> None:
    """Cut around the first capitalised phrase that a line's first words say twice.

    A title run together with its breadcrumb or its own repetition ("Home / EU and
    India seal a deal EU and India seal a deal 27 January ...") shows its bounds by
    the repetition.
    """
    words = line.lower().split(None, _REPEAT_SCAN_WORDS)[:_REPEAT_SCAN_WORDS]
    k = _REPEAT_MIN_WORDS
    seen: dict[tuple[str, ...], int] = {}
    spans: list[tuple[int, int]] = []  # the words' offsets, found once a repeat needs them
    for i in range(len(words) - k + 1):
        key = (words[i], words[i + 1], words[i + 2], words[i + 3])
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
    titles and 12,000 list lines took 80 s before.
    """

    __slots__ = ("_by_word", "_left")

    def __init__(self, lines: Sequence[str], page_chars: int) -> None:
        titles = []
        for line in dict.fromkeys(lines):
            n = line.count(" ") + 1
            if _TITLE_MIN_WORDS <= n <= _TITLE_MAX_WORDS and line[:1].isupper() and not line.endswith(":"):
                titles.append(line)
        middles = [set(title.split(" ")[1:-1]) for title in titles]
        counts = Counter(word for words in middles for word in words)
        by_word: dict[str, list[str]] = {}
        for title, words in zip(titles, middles, strict=True):
            word = min(sorted(words), key=lambda w: (counts[w], -len(w)))
            by_word.setdefault(word, []).append(title)
        # each word's titles, shortest first, with their lengths: a line is searched
        # only for titles shorter than itself
        self._by_word = {
            word: ([len(t) for t in group], group)
            for word, group in ((w, sorted(g, key=len)) for w, g in by_word.items())
        }
        self._left = _TITLE_SCAN_PER_CHAR * page_chars + _TITLE_SCAN_MIN

    def __bool__(self) -> bool:
        return bool(self._by_word)

    def cut(self, line: str, cuts: set[int]) -> None:
        """Cut around each title that ``line`` holds (every place it stands, left to
        right, without overlap)."""
        words = self._by_word.keys() & set(line.split(" "))
        for word in sorted(words):
            lengths, group = self._by_word[word]
            for title in group[: bisect.bisect_left(lengths, len(line) - 1)]:
                if self._left < len(line):
                    return
                self._left -= len(line)
                pos = line.find(title)
                while pos >= 0:
                    cuts.add(pos)
                    cuts.add(pos + len(title))
                    pos = line.find(title, pos + len(title))


def split_units_reference(
    text: str,
    *,
    split_titles: bool = True,
    phrases: Sequence[tuple[int, int]] = (),
    max_units: int | None = None,
) -> list[Unit]:
    """``split_units`` as it was before the page-wide passes (the same arguments and result)."""
    spans: list[tuple[int, int]] = []
    lines: list[str] = []
    for m in LINE_RE.finditer(text):
        raw = m.group()
        line = raw.strip()
        if line:
            s = m.start() + len(raw) - len(raw.lstrip())
            spans.append((s, s + len(line)))
            lines.append(line)
            if max_units is not None and len(lines) > max_units:
                raise InputTooLargeError(f"more than max_units={max_units:,} units")
    titles = _PageTitles(lines, len(text)) if split_titles else None
    n_words = [line.count(" ") + 1 for line in lines]
    shared = _shared_phrases(lines, [n >= _MIN_WORDS_TO_CUT for n in n_words])
    known = _phrases_by_line(spans, phrases)
    units: list[Unit] = []
    after_header = False
    for index, ((s, _e), line) in enumerate(zip(spans, lines, strict=True)):
        if n_words[index] >= _MIN_WORDS_TO_CUT:
            keep = shared.get(index)
            if index in known:
                keep = [*(keep or []), *known[index]]
            cuts, hard = _cuts_in_line(line, after_header, titles or None, keep)
        elif index in known:
            cuts, hard = sorted({c for span in known[index] for c in span if 0 < c < len(line)}), set()
        else:
            cuts, hard = [], set()
        bounds = [0, *cuts, len(line)]
        pieces: list[tuple[int, int, bool]] = []
        for a0, b in itertools.pairwise(bounds):
            a = a0
            while a < b and line[a].isspace():
                a += 1
            while b > a and line[b - 1].isspace():
                b -= 1
            if a < b:
                pieces.append((a, b, a0 in hard))
        if max_units is not None and len(units) + len(pieces) > max_units:
            raise InputTooLargeError(f"more than max_units={max_units:,} units")
        for k, (a, b, sep) in enumerate(pieces):
            units.append(Unit(s + a, s + b, index, k == 0, k == len(pieces) - 1, sep))
        after_header = line.endswith(":") and line.count(" ") < 4
    return units


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
