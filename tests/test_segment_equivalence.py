"""The segmenter's page-wide passes against its per-line reference (issue 17).

:func:`split_units` runs its patterns over the page at once and makes its units a
column at a time; ``tests/segment_reference.py`` keeps the per-line code it replaced.
Both must give the same units, field for field, on any text; and each pattern written
to start with a character class must match where its plain form does.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from segment_reference import split_units_reference

from cleaner.errors import InputTooLargeError
from cleaner.pipeline import segment
from cleaner.pipeline.segment import Unit, split_units

# Words that set off every kind of cut: sentence ends and abbreviations, list headers,
# bylines, dates and times, section lists, repeated phrases and titles.
_WORDS = tuple(
    'The council met on Monday to vote . ! ? … ... Mr. U.S. Dr. J. e.g. "Yes." (it) [x] '
    "By Jane Doe by Written Reviewed Edited di Mario Rossi von Par Por Updated Published Posted "
    "Last updated June 9, 2025 Jan. 3 2024 1999 14:37 9:05 pm EST ago | World, Japan, All · • – - "
    "Related coverage: Related Read more: See also: More: Title: here Home / News / "
    "Storm hits the coast tonight Farmers count the cost À É ſ K İ 東京 会議 。 _ 12 3".split()
)
_LINE_BREAKS = ("\n", "\n\n", "\r\n", "\r", " \n ", "\n\t", "\u2028", "\x85", "\x0b")


@st.composite
def _pages(draw: st.DrawFn) -> str:
    """A page of lines of the words above, some long, some said twice, with odd breaks."""
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.integers(0, 9))
        if kind == 0 and lines:  # a line said again, alone or run into another
            line = draw(st.sampled_from(lines))
            if draw(st.booleans()):
                line = " ".join([line, draw(st.sampled_from(lines)), *draw(st.lists(st.sampled_from(_WORDS)))])
        else:
            n = draw(st.sampled_from([1, 3, 4, 6, 15, 16, 20, 40, 90]))
            line = " ".join(draw(st.lists(st.sampled_from(_WORDS), min_size=n, max_size=n)))
        if draw(st.integers(0, 5)) == 0:
            line = draw(st.sampled_from(["  ", "\t", "\u00a0", "\x00", "\u200b"])) + line
        lines.append(line)
    breaks = draw(st.lists(st.sampled_from(_LINE_BREAKS), min_size=len(lines), max_size=len(lines)))
    return "".join(line + br for line, br in zip(lines, breaks, strict=True))


def _fields(units: list[Unit]) -> list[str]:
    """Each unit's fields with their types (a numpy integer or a 1 for True would differ)."""
    return [repr(dataclasses.astuple(u)) + repr([type(v) for v in dataclasses.astuple(u)]) for u in units]


def _same(text: str, **kwargs: object) -> None:
    try:
        expected = _fields(split_units_reference(text, **kwargs))  # type: ignore[arg-type]
    except InputTooLargeError:
        with pytest.raises(InputTooLargeError, match="max_units"):
            split_units(text, **kwargs)  # type: ignore[arg-type]
        return
    assert _fields(split_units(text, **kwargs)) == expected  # type: ignore[arg-type]


@settings(derandomize=True, max_examples=40, deadline=None)
@given(_pages(), st.booleans())
def test_units_are_those_of_the_per_line_reference(text: str, split_titles: bool) -> None:
    _same(text, split_titles=split_titles)


@pytest.mark.slow
@settings(derandomize=True, max_examples=1000, deadline=None)
@given(_pages(), st.booleans(), st.data())
def test_units_of_many_pages_are_those_of_the_reference(text: str, split_titles: bool, data: st.DataObject) -> None:
    _same(text, split_titles=split_titles)
    spans = [m.span() for m in re.finditer(r"\S+(?: \S+){0,5}", text)]
    _same(text, phrases=data.draw(st.lists(st.sampled_from(spans), max_size=4)) if spans else [])


@settings(derandomize=True, max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab AB.:|,-\n\r\t\u2028\x85\xa019?!\"'“”…ſ東。\x00"), max_size=400) | st.text())
def test_units_of_any_text_are_those_of_the_reference(text: str) -> None:
    _same(text)


@settings(derandomize=True, max_examples=25, deadline=None)
@given(_pages(), st.data())
def test_units_around_known_phrases_and_under_max_units(text: str, data: st.DataObject) -> None:
    spans = [m.span() for m in re.finditer(r"\S+(?: \S+){0,5}", text)]
    phrases = data.draw(st.lists(st.sampled_from(spans), max_size=4)) if spans else []
    _same(text, phrases=phrases)
    _same(text, max_units=data.draw(st.integers(0, 40)))


def test_pages_of_the_corpus_split_as_the_reference(repo_root) -> None:  # type: ignore[no-untyped-def]
    for path in sorted((repo_root / "corpus" / "seed").glob("*.txt")) + sorted(
        (repo_root / "corpus" / "gold").glob("*.txt")
    ):
        text = path.read_text(encoding="utf-8")
        assert _fields(split_units(text)) == _fields(split_units_reference(text)), path.name


# -- the patterns written to start with a character class ------------------------------

_PLAIN_SENTENCE_END = re.compile(r"(?<![.!?…])[.!?…]++[\"”’')\]]*+\s++(?=[\"“‘(\[]?[A-Z0-9À-Ý])")
_PLAIN_DATE_OR_TIME = re.compile(
    r"(?:\b\d{1,2}:\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?(?:\s?[A-Z]{2,4}\b)?|\b(?:19|20)\d{2}\b|\bago\b)"
    r"[\s,.·•-]*\s(?=[A-Z\"“])"
)
_PLAIN_BYLINE_CUE = re.compile(
    r"(?<!Written)(?<!Reviewed)(?<!Edited)(?<![|·•,/–—-])\s"
    r"(?=(?:(?:[Bb]y|Written [Bb]y|Reviewed [Bb]y|Edited [Bb]y|di|von|par|por|Von|Par|Por)\s+"
    r"[A-Z][\w'’.-]+\s+[A-Z]"
    r"|(?:Updated|Published|Posted|Last updated)\b"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+(?:19|20)\d{2}\b))"
)
_PLAIN_RELATED = re.compile(r"(?<=\s)(?:Related(?: coverage| stories| articles)?|Read more|See also|More):\s")

_pattern_text = st.lists(
    st.sampled_from(
        (*_WORDS, "a", "x", "Z", "0", "1", "2", "19", "20", "A.", "p.m.", "AM", "PM", "\u2009", "\xa0", "’", "“")
    ),
    max_size=40,
).map(lambda words: "".join(w + (" " if i % 3 else "") for i, w in enumerate(words)))


@settings(derandomize=True, max_examples=100, deadline=None)
@given(_pattern_text | st.text(alphabet=st.sampled_from("a1A .!?…\"”’')]\t\n“‘(["), max_size=60))
def test_sentence_ends_and_dates_match_where_the_plain_patterns_do(text: str) -> None:
    spans = [m.span() for m in segment._SENTENCE_END.finditer(text)]
    assert spans == [m.span() for m in _PLAIN_SENTENCE_END.finditer(text)]
    spans = [m.span() for pattern in (segment._DATE_OR_TIME, segment._AGO_BEFORE) for m in pattern.finditer(text)]
    assert sorted(spans) == [m.span() for m in _PLAIN_DATE_OR_TIME.finditer(text)]


@settings(derandomize=True, max_examples=100, deadline=None)
@given(_pattern_text, st.integers(0, 250))
@example("Title of the story Last updated 9 June | By Ann Lee Written by Jo Doe, Edited by Al Bo", 200)
@example("See the Jan 3, 2025 report Reviewed by Max Mo Posted Published di Mario Rossi Par Jean Luc", 80)
@example("It rose. Related coverage: Bessent says More: x Read more: y See also: z", 250)
def test_byline_cues_and_list_headers_match_where_the_plain_patterns_do(text: str, end: int) -> None:
    ends = [m.end() for m in segment._BYLINE_CUE.finditer(text, 0, end)]
    assert ends == [m.end() for m in _PLAIN_BYLINE_CUE.finditer(text, 0, end)]
    headers = [(m.end(), m.end(1)) for m in segment._RELATED_HEADER.finditer(text)]
    assert headers == [m.span() for m in _PLAIN_RELATED.finditer(text)]


@settings(derandomize=True, max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2028\u2029\u3000\u200b"), max_size=60))
def test_stripped_lines_are_the_lines_stripped(text: str) -> None:
    expected = []
    for m in segment.LINE_RE.finditer(text):
        raw = m.group()
        if raw.strip():
            start = m.start() + len(raw) - len(raw.lstrip())
            expected.append((start, start + len(raw.strip())))
    assert [m.span() for m in segment._STRIPPED_LINE.finditer(text)] == expected


def test_units_made_a_column_at_a_time_are_units() -> None:
    assert not hasattr(Unit, "__post_init__")  # _make_units sets the slots as __init__ does
    columns = ([0, 5], [4, 9], [0, 1], [True, True], [True, False], [False, True])
    made = segment._make_units(*columns)
    assert made == [Unit(*fields) for fields in zip(*columns, strict=True)]
    assert all(type(u) is Unit for u in made)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made[0].start = 1  # type: ignore[misc]
