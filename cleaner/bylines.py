"""Byline parsing: authors, source name and publication date from byline lines.

Bylines come in many shapes ("By Jane Doe and Max Roe | June 9, 2025",
"KYODO NEWS - 17 hours ago - 09:29 | World, All", "Nikkei Asia", "2 hours ago").
:func:`parse_bylines` pulls out what can be read without guessing:

* ``authors``: names after a credit (:func:`cleaner.lexicon.credit_prefix`: "By",
  "Von", "Autorin:", "Par", "Por", "di", "Reported by" ...), or a line that is only a
  person's name (two to four capitalised words, not an agency or outlet name);
* ``source``: an agency or outlet name ("KYODO NEWS", "- Nikkei Asia");
* ``published``: an ISO date (``YYYY-MM-DD``) where a byline gives an absolute date,
  or, with a reference time, a relative one ("17 hours ago") resolved against it;
* ``published_raw``: the date or time text as it stands, always kept when found.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from .lexicon import (
    CREDIT_CUES,
    DATE_START,
    DESK_WORDS,
    INTERFACE_WORDS,
    MONTH_PATTERN,
    MONTHS,
    NEWS_AGENCIES,
    ROLE_WORDS,
    WEEKDAYS,
    credit_alternation,
    credit_prefix,
    is_cjk,
    not_name_word,
    tidy_name,
    words_of,
)

__all__ = [
    "NOT_NAMES",
    "PERSON_NAME",
    "BylineInfo",
    "credit_tail",
    "credited_author",
    "is_date_line",
    "iso_date",
    "parse_bylines",
]

_MONTHS = MONTHS
_ISO = re.compile(r"\b((?:19|20)\d{2})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2}))?")
_MDY = re.compile(rf"\b({MONTH_PATTERN})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{{2}})(?!\d)", re.IGNORECASE)
# day first; Spanish and Portuguese put "de" between ("12 de marzo de 2025")
_DMY = re.compile(
    rf"\b(\d{{1,2}})\.?\s+(?:de\s+)?({MONTH_PATTERN})\.?,?\s+(?:de\s+)?((?:19|20)\d{{2}})(?!\d)", re.IGNORECASE
)
# Chinese and Japanese: 2025年3月12日
_CJK_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DOTTED = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})\b")
_RELATIVE = re.compile(r"\b(\d+|an?|one)\s+(second|minute|min|hour|hr|day|week)s?\s+ago\b", re.IGNORECASE)
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?(?:\s?[A-Z]{2,4}\b)?")
# "ByKathy Owen": rendered text drops the space between "By" and the linked name
_GLUED_CREDITS = credit_alternation(CREDIT_CUES["glued"], cases=("capital",))
# ("Posted byDamien Walter" too)
_BY_GLUED = re.compile(rf"^\s*(?:{_GLUED_CREDITS}|(?i:posted|written)\s+by)([A-ZÀ-Ý][a-zà-ÿ'’-]+\s.+)$")
# a name ends where a date starts ("Kathy Owen January 21, 2025", "Jane Doe 3 min read"),
# a month's whole English name glued on too ("MaziDecember 19, 2025")
_NAME_END = re.compile(
    rf"\s(?:(?:{MONTH_PATTERN})\.?\s*\d|\d)|(?<=[a-zà-ÿ])(?-i:January|February|March|April|May|June|July|"
    rf"August|September|October|November|December)\s*\d",
    re.IGNORECASE,
)
_NAME = re.compile(
    r"^(?:(?:Dr|Prof|Mr|Mrs|Ms|Mx)\.?\s+)?"  # an honorific is no word of the name's four
    r"(?:[A-ZÀ-Ý][\w'’.-]*\.?|van|von|de|der|da|di|del|la|le|bin|al-?\w*)"
    r"(?:\s+(?:[A-ZÀ-Ý][\w'’.-]*|van|von|de|der|da|di|del|la|le|bin|al-?\w*)){1,3}$"
)
_SOURCE_WORDS = re.compile(
    r"\b(?:news|press|times|post|agency|agence|reuters|ap|afp|dpa|associated|herald|tribune|"
    r"journal|daily|gazette|magazine|media|tv|radio|network|staff|editors?|desk|wire|"
    r"newsroom|bloomberg|asia|today|online|zeitung|presse|redaktion)\b",
    re.IGNORECASE,
)
_ROLE = re.compile(
    r"(?:,\s*|\s+)(?:staff writer|staff reporter|correspondent|reporter|contributor|editor|"
    r"senior writer|columnist|for .+|from .+|in .+)$",
    re.IGNORECASE,
)
_UNIT_SECONDS = {"second": 1, "minute": 60, "min": 60, "hour": 3600, "hr": 3600, "day": 86400, "week": 604800}


@dataclass(frozen=True, slots=True)
class BylineInfo:
    """What :func:`parse_bylines` found."""

    authors: list[str]
    source: str | None
    published: str | None
    published_raw: str | None


def iso_date(year: int, month: int, day: int) -> str | None:
    """The ISO date of a year, month and day, or None where there is no such day.

    >>> iso_date(2025, 6, 9), iso_date(2025, 2, 30)
    ('2025-06-09', None)
    """
    try:
        return datetime(year, month, day).date().isoformat()
    except ValueError:
        return None


def _find_date(line: str, reference_time: datetime | None) -> tuple[str | None, str | None]:
    """Return ``(iso_or_none, raw_or_none)`` for the first date or time in a line."""
    m = _ISO.search(line)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return iso_date(y, mo, d), m.group(0)
    m = _CJK_DATE.search(line)
    if m:
        return iso_date(int(m.group(1)), int(m.group(2)), int(m.group(3))), m.group(0)
    m = _MDY.search(line)
    if m:
        return iso_date(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2))), m.group(0)
    m = _DMY.search(line)
    if m:
        return iso_date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))), m.group(0)
    m = _DOTTED.search(line)
    if m:
        return iso_date(int(m.group(3)), int(m.group(2)), int(m.group(1))), m.group(0)
    m = _RELATIVE.search(line)
    if m:
        raw = m.group(0)
        if reference_time is None:
            return None, raw
        count = m.group(1).lower()
        k = 1 if count in ("a", "an", "one") else int(count)
        unit = m.group(2).lower()
        when = reference_time - timedelta(seconds=k * _UNIT_SECONDS[unit])
        return when.isoformat(timespec="minutes"), raw
    m = _TIME.search(line)
    if m:
        return None, m.group(0)
    return None, None


_DATE_LINE_MAX_WORDS = 6


def is_date_line(line: str) -> bool:
    """Whether a short line is a date or time ("2 hours ago", "June 9, 2025 14:37").

    >>> is_date_line("24 minutes ago"), is_date_line("Updated 7:12 AM CET"), is_date_line("Sports")
    (True, True, False)
    """
    if line.count(" ") >= _DATE_LINE_MAX_WORDS:
        return False
    return _find_date(line, None)[1] is not None


# A word run onto a name by a rendering that dropped the space ("Gabby BoucherIn
# Budgeting", "Amanda FurrerUpdated: Dec 19"): a lower-case letter, then a capitalised
# word that many sites use. "McKinsey", "MacDonald" or "DeAndre" stay whole.
_GLUED = re.compile(r"(?<=[a-zà-ÿ])(?<!\bMc)(?<!\bMac)([A-ZÀ-Ý][a-zà-ÿ]+)")


# A word glued onto another with no space between, where the first ends in three or
# more small letters ("AufsichtsratDeutsche Bank", "BoucherIn"); "McKinsey", "DeAndre"
# and "MacDonald" are names.
_CAMEL_GLUE = re.compile(r"[a-zà-ÿ]{3}[A-ZÀ-Ý]")


def unglue_name(text: str) -> str:
    """A name without a word many sites use glued onto its end (see ``_GLUED``).

    >>> unglue_name("Gabby BoucherIn"), unglue_name("Jane McKinsey"), unglue_name("Rachel MacDonald")
    ('Gabby Boucher', 'Jane McKinsey', 'Rachel MacDonald')
    """
    return _unglue(text).strip()


def _unglue(text: str) -> str:
    """``text`` up to the first word glued onto a name (see ``_GLUED``)."""
    first_space = text.find(" ")
    for m in _GLUED.finditer(text):
        if 0 < first_space < m.start() and (m.group(1).lower() in _common_words() or not_name_word(m.group(1))):
            return text[: m.start()]
    return text


# Words a name stops before: a role or title, a button, a day (cleaner.lexicon). A
# desk's words are not among them: "Sky Sports News" is a source, not "Sky Sports".
_CUT_BEFORE = words_of(ROLE_WORDS, INTERFACE_WORDS, WEEKDAYS)


def _before_role(text: str) -> str:
    """``text`` up to its first word of a role, a button or a day (``_CUT_BEFORE``), when
    two or more words stand before it (a name, then its role: "Liz Kenny Former
    McKinsey Consultant" -> "Liz Kenny", "Bertrand Bissuel Publié" -> "Bertrand Bissuel")."""
    words = text.split()
    role = next((k for k, w in enumerate(words) if w.strip(",.:;").lower() in _CUT_BEFORE), None)
    return " ".join(words[:role]) if role is not None and role >= 2 else text


# An outlet named after the last author: "The Associated Press", or an agency's one word
_OUTLET = re.compile(r"\s(?:The\s+[A-Z]\S*(?:\s+\S+){0,3}|(?:Reuters|AP|AFP|dpa|DPA|Bloomberg|ANSA|EFE|SDA|APA))$")


def _before_outlet(part: str) -> str:
    """A name with the outlet run onto it cut off ("Vasilisa Stepanenko The Associated
    Press" -> "Vasilisa Stepanenko"); a part that is not so is returned as it is."""
    m = _OUTLET.search(part)
    if m is None or not _SOURCE_WORDS.search(m.group(0)) or m.start() == 0:
        return part
    return part[: m.start()]


# Marks a rendering leaves around a credited name ("Pierce Freeman//", "By Summer Swann -")
_END_MARKS = " -–—|·•/"


def _split_names(text: str, *, credited: bool = False) -> list[str]:
    text = text.strip(_END_MARKS)
    text = re.split(
        r"\s[|·•⋅–—»›-]\s|\s*[•●◆▪]|\s-\s|,?\s*\b(?i:(?:last\s+)?(?:updated|published|posted))\b|\s(?:on|am|um|le|el)\s",
        text,
        maxsplit=1,
    )[0]
    text = _NAME_END.split(_unglue(tidy_name(text)), maxsplit=1)[0]
    text = re.sub(r"\s+(?:on|am|um|le|el)$", "", text)
    text = _ROLE.sub("", text.strip())
    # names are listed with "and", or with an agency that co-wrote ("with AP", "mit dpa")
    parts = re.split(r"\s*(?:,|&|\b(?:and|und|et|y|with|mit|avec|con|met)\b)\s*", text)
    names: list[str] = []
    for part in parts:
        part = _before_outlet(part.strip(" .;:"))
        # a credited user name may hold digits ("Thread starter paulb203"), not a date
        handle = credited and not names and _HANDLE.match(part) is not None
        if not part or _SOURCE_WORDS.search(part) or (re.search(r"\d", part) and not handle):
            continue
        part = _before_role(part)
        if (
            _NAME.match(part)
            or (credited and not names and _SINGLE_NAME.match(part) and plausible_person(part))
            or (credited and 2 <= len(part) <= 6 and all(map(is_cjk, part)))  # "作者：张伟", "文/李四"
        ):
            if not any(w in _CUT_BEFORE for w in _LETTERS_AND_DASH.findall(part.lower())):
                names.append(part)
    return names


_DESK_MAX_WORDS = 5
_AGENCIES = frozenset(NEWS_AGENCIES)


def _credited_desk(text: str) -> list[str]:
    """The agency, desk or outlet a credit names where it names no person ("By The
    Associated Press", "Von dpa 30.04.2024", "By MND Staff"), as the datasets' gold and
    the peers take it: up to a date, a time or a separator; at most five words."""
    text = re.split(r"\s[|·•⋅–—-]\s|,", text.strip(_END_MARKS), maxsplit=1)[0]
    text = _NAME_END.split(text, maxsplit=1)[0].strip(" .;:")
    words = text.split()
    if not words or len(words) > _DESK_MAX_WORDS or re.search(r"[\d/»›]|\bby\b", text):
        return []  # no photo credit ("David Kawai/Bloomberg"), no second credit
    if not _SOURCE_WORDS.search(text):
        return []
    if len(words) == 1 and not (text.isupper() or text.casefold() in _AGENCIES):
        return []  # one word: an agency ("dpa", "AFP"), not a desk ("By Staff")
    return [text]


# After a credit in so many words, a name may be one word: a first name or a user name
# ("by Amanda · Dec 20, 2025", "By: ShawnHymel |", "by ibby").
_SINGLE_NAME = re.compile(r"^[^\W\d_][\w'’.-]{2,29}$")
# A user name with digits: letters first, letters after the digits or four letters before
# them ("paulb203", "JWoodguy13"; not "Jun5", "May2025")
_HANDLE = re.compile(r"^[^\W\d_]{4,}[\w.-]*\d[\w.-]*$|^[^\W\d_][\w.-]*\d+[^\W\d_][\w.-]*$")
# A credit inside a byline line, after a date or a separator ("12/19 — 2025 by ibby",
# "May 21, 2025 by The Ritualist"): what comes before it holds a digit or a mark.
_AFTER_DATE_CREDITS = credit_alternation(CREDIT_CUES["after-date"], cases=("lower", "capital", "upper"))
# The header of a forum thread's first post: the user name, then the date and the post's
# number 1 ("blumo September 22, 2024, 2:43pm 1", "hayley.p 2 May 2025 18:48 1",
# "Laubrani (Laubrani) July 30, 2024, 3:22pm 1"), or the user name marked as the thread's
# starter ("JWoodguy13 Discussion starter").
_POSTER = re.compile(r"^([^\W\d_][\w.'’-]{1,39})(?:\s+\([^)]{1,40}\))?\s+")
_FIRST_POST = re.compile(r"\s#?1$")
_STARTER = re.compile(r"^([^\W\d_][\w.'’-]{1,39})\s+(?i:discussion\s+starter|thread\s+starter|original\s+poster|OP)$")


def _forum_poster(text: str) -> str | None:
    """The user name of a forum thread's first post header or starter mark (see
    ``_POSTER``), or None."""
    m = _STARTER.match(text)
    if m is not None:
        return m.group(1)
    m = _POSTER.match(text)
    if m is None or _FIRST_POST.search(text) is None or not DATE_START.match(text, m.end()):
        return None
    name = m.group(1)
    return None if common_word(name) or not_name_word(name.lower()) else name  # not "Updated"


_LAST_POST = re.compile(r"(?i)\blast\s+(?:post|reply|comment)\s*$")
_INLINE_BY = re.compile(rf"(?<=[\s|·•/—–-])(?:{_AFTER_DATE_CREDITS})\s+(?=\S)")


_MODELS = Path(__file__).resolve().parent / "models"
_LETTERS = re.compile(r"[^\W\d_]+")
_LETTERS_AND_DASH = re.compile(r"[^\W\d_][\w-]*")


@functools.cache
def _word_list(name: str) -> frozenset[str]:
    """The words of a list shipped in ``cleaner/models/`` (one a line, ``#`` comments);
    empty if the list is missing, so that nothing is dropped."""
    try:
        lines = (_MODELS / name).read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    return frozenset(w for w in lines if w and not w.startswith("#"))


def _common_words() -> frozenset[str]:
    """Words that many sites use (``python -m training.common_words``)."""
    return _word_list("common_words.txt")


def _everyday_words() -> frozenset[str]:
    """Words that sites write in lowercase in their running text
    (``python -m training.common_words``)."""
    return _word_list("everyday_words.txt")


def everyday_phrase(name: str) -> bool:
    """Whether every word of a capitalised phrase is one that sites write in lowercase
    in running text, or one that many sites use: "Circular Motion", "Oatmeal Bread",
    "Home Security Expert" have a name's shape, but not a person's words."""
    words = _LETTERS.findall(name.lower())
    everyday, common = _everyday_words(), _common_words()
    return bool(words) and all(w in everyday or w in common for w in words)


# Credits that name a desk or an agency, not a person (:data:`cleaner.lexicon.DESK_WORDS`)
NOT_PERSON_WORDS = words_of(DESK_WORDS)


def common_word(word: str) -> bool:
    """Whether a word (any case) is one that many sites use (``common_words.txt``)."""
    return word.lower() in _common_words()


def plausible_person(name: str) -> bool:
    """Whether a capitalised phrase may be a person's name: not only words many sites
    use or write in lowercase (:func:`everyday_phrase`), and no word that is never a
    name's: of a desk or an agency ("Staff", "Reuters", "Newsroom"), a role, a button
    ("Twitter", "Teilen") or a day (:func:`cleaner.lexicon.not_name_word`).

    >>> [plausible_person(x) for x in ("Jane Doe", "Circular Motion", "Staff Writer")]
    [True, False, False]
    """
    words = _LETTERS.findall(name.lower())
    # words both whole and split at dashes: "Staff-Writer" and "Facebook-f" hold one
    tokens = {*words, *(w.lower() for w in _LETTERS_AND_DASH.findall(name))}
    return bool(words) and not everyday_phrase(name) and not any(not_name_word(w) for w in tokens)


def _common_phrase(name: str) -> bool:
    """Whether a capitalised phrase opens with a word many sites use: "Related Topics",
    "Share Bookmark", "Zur Startseite", "The Yomiuri Shimbun" look like names but are
    not. The list leaves out the given names of the training data's authors, so a
    person's name opens with a word that is not on it."""
    words = _LETTERS_AND_DASH.findall(name.lower())  # "Per-Erik Ofstad" opens with "per-erik"
    return bool(words) and words[0] in _common_words()


def parse_bylines(bylines: Sequence[str], *, reference_time: datetime | None = None) -> BylineInfo:
    """Read authors, source and date from an article's byline lines.

    >>> info = parse_bylines(["By Jane Doe and Max Roe | June 9, 2025"])
    >>> info.authors, info.published, info.published_raw
    (['Jane Doe', 'Max Roe'], '2025-06-09', 'June 9, 2025')
    >>> parse_bylines(["ByKathy Owen January 21, 2025 Updated onJanuary 12, 2026"]).authors
    ['Kathy Owen']
    >>> info = parse_bylines(["Kyodo News", "2 hours ago"])
    >>> info.source, info.published, info.published_raw
    ('Kyodo News', None, '2 hours ago')

    A bare capitalised phrase is an author only if it does not open with a word that
    many sites use (:func:`_common_phrase`), and only when no line credits an author in
    so many words; a name after "By" always is:

    >>> parse_bylines(["Related Topics", "Jane Doe"]).authors
    ['Jane Doe']
    >>> parse_bylines(["Tom Alweendo", "By Timo Shihepo", "15 November 2023"]).authors
    ['Timo Shihepo']
    >>> parse_bylines(["Written by", "The Meetingnotes Team", "February 28, 2026"]).authors
    ['The Meetingnotes Team']
    >>> parse_bylines(["By Amanda FurrerUpdated: Dec 19, 2025"]).authors
    ['Amanda Furrer']
    >>> [parse_bylines([x]).authors for x in ("Autorin: Jane Doe", "di Mario Rossi", "Reported by Jane Doe")]
    [['Jane Doe'], ['Mario Rossi'], ['Jane Doe']]
    >>> [parse_bylines([x]).published for x in ("Por Ana Ruiz | 12 de marzo de 2025", "作者：张伟 2025年3月12日")]
    ['2025-03-12', '2025-03-12']
    """
    authors: list[str] = []
    source: str | None = None
    published: str | None = None
    published_raw: str | None = None
    bare: list[str] = []  # names of lines that are only a name: used when no line credits one
    credited = False
    credit = ""  # a line that is only a credit ("By", "Written by"): it credits the next line
    for line in bylines:
        text = " ".join(line.split())
        carried = bool(credit and text)
        if carried:
            text, credit = f"{credit} {text}", ""
        at = credit_prefix(f"{text} X")
        if at is not None and at >= len(text):  # the rendering put the name in a block of its own
            credit = text
            continue
        iso, raw = _find_date(text, reference_time)
        if raw is not None and ((published is None and iso is not None) or published_raw is None):
            published_raw = raw
            if iso is not None:
                published = iso
        at = credit_prefix(text)
        glued = _BY_GLUED.match(text) if at is None else None
        named = text[at:] if at is not None else glued.group(1) if glued else None
        if named is not None:
            again = credit_prefix(named)  # "Author Posted by Soliant on ..."
            if again is not None:
                named = named[again:]
        if named is None:
            named = _forum_poster(text)
        if named is None:
            inline = _INLINE_BY.search(text)
            if inline is not None and _LAST_POST.search(text[: inline.start()]):
                inline = None  # "... last post by nwberm": a reply's author, not the thread's
            if inline is not None and re.search(r"[\d|·•/—–]", text[: inline.start()]):
                named = text[inline.end() :]
        if named:
            credited = True
            for name in _split_names(named, credited=True) or _credited_desk(named):
                if carried and everyday_phrase(name):  # "By" over a category line ("Remote Work")
                    continue
                if name not in authors:
                    authors.append(name)
            continue
        head = re.split(r"\s[|·•#]|\s*[•●◆▪]|\s[-–—]\s", text.strip(" -–—|/"), maxsplit=1)[0].strip()
        head = _NAME_END.split(head, maxsplit=1)[0].strip()  # "Andrius Juodis June 2, 2025 Blog"
        if not head or re.search(r"\d", head) or (raw is not None and text.startswith(raw)):
            if raw is not None:  # a dated line: a name may stand between its marks, or after its date
                parts = re.split(r"\s[|·•/]\s", text)[1:]
                if text.startswith(raw):  # "Dec 17, 2025Julian K. Arni", "12.05.2024 Jane Doe"
                    parts.append(text[len(raw) :])
                for part in parts:
                    part = part.strip(" .,")
                    if (
                        _NAME.match(part)
                        and len(part.split()) <= 4
                        and not _common_phrase(part)
                        and plausible_person(part)
                        and not _SOURCE_WORDS.search(part)
                        and part not in bare
                    ):
                        bare.append(part)
            continue
        head = _before_role(head)
        person = _ROLE.sub("", head).strip()
        run_together = _CAMEL_GLUE.search(head) is not None  # words the rendering ran together
        if person != head and _NAME.match(person):
            if person not in bare and not _common_phrase(person) and not run_together:
                bare.append(person)
        elif _SOURCE_WORDS.search(head) or (head.isupper() and len(head) > 2):
            if source is None:
                source = head
        elif _NAME.match(head) and len(head.split()) <= 4 and not run_together:
            for name in _split_names(head):
                if name not in bare and not _common_phrase(name) and not everyday_phrase(name):
                    bare.append(name)
    if not credited:
        authors.extend(name for name in bare if name not in authors)
    return BylineInfo(authors, source, published, published_raw)


# Credits inside lines: the shape of an author credit that decoding (the
# "credited-author" step) and enriching (an author credited in the text) both read.
_UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
PERSON_NAME = re.compile(
    rf"(?:(?:Dr|Prof|Mr|Mrs|Ms)\.?\s)?[{_UPPER}][^\W\d_][\w'’.-]*"
    rf"(?:\s(?:(?:van|von|de|der|da|di|del|la|le|bin|al)\s)?[{_UPPER}][\w'’.-]*){{1,3}}"
)
# Two capitalised words that are menu entries, not names.
NOT_NAMES = frozenset(
    x.strip()
    for x in """read more|sign in|log in|sign up|share this|related articles|most popular|top stories|
    privacy policy|contact us|about us|terms of use|cookie settings|latest news|more news|show more""".split("|")
)
# What may follow a credited name: nothing, a separator, a date or time ("December 3,
# 2025", "on May 5", "am 3. Mai", "11. Sep 2024"), another name ("and Max Roe"), or a
# short role after a comma ("Jane Doe, Staff Writer").
_CREDIT_SEPARATOR = re.compile(r"\s*[|·•⋅»–—-]")
_CREDIT_DATE = re.compile(
    r"(?i)\s*(?:(?:on|am|le|el)\s+(?:the\s+)?)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    rf"(?:\d|(?:{MONTH_PATTERN})\.?\s*\d)"
)
_ROLE_SMALL_WORDS = frozenset("and & of for the at in".split())
_CREDIT_AND = re.compile(r"(?i)\s*(?:and|und|et|y|&)\s+")
_MAX_ROLE_WORDS = 4


# A credit inside a line, where the segmenter found no cut: a capitalised prefix (running
# text says "by" in lower case) that no word runs into ("Uhr Von: Jane Doe", "Datum
# 28.04.2023 Autorin/Autor Jane Doe Themenseiten ...", "... VERSAMM10 By Jane Doe").
_INLINE_CREDIT = re.compile(
    rf"(?<![\w'’])(?:{credit_alternation(CREDIT_CUES['inside-line'], cases=('capital', 'upper'))})\s*:?\s+"
)
_NOT_NAME_WORDS = frozenset("the at in on of and for to a an".split())


def credited_author(text: str, start: int, end: int, skip: Sequence[tuple[int, int]] = ()) -> str | None:
    """The first author that ``text[start:end]`` credits in so many words inside a line,
    or None; credits that start inside a span of ``skip`` (headlines: "Beach Closed By
    Coast Guard") are not read.

    The credit needs a capitalised prefix ("By", "Von:", "Autorin/Autor", "Written
    by"), a person's name of two to four words on the prefix's line
    (:func:`plausible_person`), then what keeps a line a byline: its
    end, a separator, a date, a role or another name (:func:`credit_tail`). A month
    name or a word many sites use run onto the name is not part of it ("By Jane Doe
    Nov 12, 2025", "By Jane Doe News").

    >>> credited_author("Politik 12:30 Uhr Von: Jane Doe | Kommentare", 0, 45)
    'Jane Doe'
    >>> credited_author("funded by Jane Doe and others", 0, 29) is None
    True
    """
    for m in _INLINE_CREDIT.finditer(text, start, end):
        if any(a <= m.start() < b for a, b in skip):
            continue
        line_end = text.find("\n", m.end(), end)
        stop = end if line_end < 0 else line_end
        name = PERSON_NAME.match(text, m.end(), stop)
        if name is None:
            continue
        words = name.group(0).split()
        run_on = False
        while len(words) > 2 and (words[-1].lower().rstrip(".") in MONTHS or common_word(words[-1])):
            run_on = run_on or words[-1].lower().rstrip(".") not in MONTHS
            words = words[:-1]
        found = unglue_name(" ".join(words))
        if (
            found.count(" ") < 1
            or any(ch.isdigit() for ch in found)
            or found.lower() in NOT_NAMES
            or any(w.lower() in _NOT_NAME_WORDS for w in words)
            or not plausible_person(found)
        ):
            continue
        if run_on or credit_tail(text[m.end() + len(found) : stop]):
            return found
    return None


def credit_tail(tail: str) -> bool:
    """Whether what follows a credited name keeps the line a byline (see _CREDIT_DATE)."""
    if not tail.strip() or _CREDIT_SEPARATOR.match(tail) or _CREDIT_DATE.match(tail):
        return True
    if tail.lstrip().startswith(","):
        after = tail.lstrip()[1:]
        if _CREDIT_DATE.match(after) or after.count(" ") < _MAX_ROLE_WORDS + 1:
            return True
        name = PERSON_NAME.match(after.lstrip())  # another author: "By LISA MASCARO, MARY CLARE JALONICK and ..."
        if name is not None and credit_tail(after.lstrip()[name.end() :]):
            return True
        # a role in title case: "by Daniel Burstein, Senior Director, Content & Marketing"
        return all(w[:1].isupper() or w.lower() in _ROLE_SMALL_WORDS for w in after.replace(",", " ").split())
    more = _CREDIT_AND.match(tail)
    if more:
        name = PERSON_NAME.match(tail, more.end())
        return name is not None and credit_tail(tail[name.end() :])
    return _outlet_tail(tail)


def _outlet_tail(tail: str) -> bool:
    """Whether a tail is an outlet's name and nothing else: at most five title-case
    words, one of them a word of outlets ("The Associated Press", "Press")."""
    words = tail.split()
    return 0 < len(words) <= 5 and all(w[:1].isupper() for w in words) and _SOURCE_WORDS.search(tail) is not None
