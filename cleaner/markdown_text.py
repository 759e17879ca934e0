"""Markdown input: the page text that scrapers writing Markdown give, read as text.

Many crawlers hand over a page as Markdown (html2text, markdownify, Jina Reader,
Firecrawl, crawl4ai): "# Title", "* [Home](https://example.org/)", "**bold**",
"![photo](https://cdn.example.org/a.jpg)". The model learned page text as a browser
shows it, where none of that syntax stands; read with it, link targets and markers
are words of their own, and a menu of links looks like prose.

:func:`markdown_view` gives the text with the syntax blanked out: every character of
a marker, a link's target, an image or a reference definition becomes a space, and
nothing else changes, so the view has the length and the line breaks of the text and
every offset into it is an offset into the text the caller gave. :func:`cleaner.clean`
cleans the view of a text that :func:`looks_like_markdown` (``CleanerConfig.markdown``
says when): segments keep the caller's text, articles the view's words.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, replace

from .document import CleanResult

__all__ = [
    "ReaderHeader",
    "blank_span",
    "from_view",
    "join_wrapped_lines",
    "looks_like_markdown",
    "markdown_title",
    "markdown_view",
    "reader_header",
]

# Inline link or image: [text](target "title") / ![alt](src); the target may hold one
# level of parentheses ("https://en.wikipedia.org/wiki/Foo_(bar)") and must look like
# one (a URL, a path, an anchor, a file: "handlers[name](event)" in code is no link).
# No pattern here backtracks over more than a line, or a bounded span: page text is
# untrusted input (``docs/security.md``).
_URLISH = r"(?:[a-zA-Z][\w+.-]*:|/|#|\?|\.{1,2}/|www\.|[^()\s]*\.[a-zA-Z]{2,}\b)"
_TARGET = r"\(" + _URLISH + r"(?:[^()\s]|\([^()\s]*\))*(?:[ \t]+\"[^\"\n]*\")?[ \t]*\)"
_IMAGE = re.compile(r"!\[[^\[\]\n]*\]" + _TARGET)
_LINK = re.compile(r"(?<![!\]])\[([^\[\]\n]*)\]" + _TARGET)  # links run together too: "[A](/a)[B](/b)"
_REF_LINK = re.compile(r"(?<![\w!\]])\[([^\[\]\n]+)\]\[[^\[\]\n]*\]")  # [text][ref]
_REF_DEFINITION = re.compile(r"(?m)^ {0,3}\[(?!\^)[^\[\]\n]+\]:[ \t]*\S+[^\n]*$")
_AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^>\s]*>")
_HEADING = re.compile(r"(?m)^ {0,3}(#{1,6})(?=[ \t])")
_HEADING_CLOSE = re.compile(r"(?<=[ \t])#+[ \t\r]*$")  # "## Title ##": on a heading's line
_SETEXT = re.compile(r"(?m)^ {0,3}(?:=+|-{2,})[ \t\r]*$")
_RULE = re.compile(r"(?m)^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})\r?$")
_LIST_MARKER = re.compile(r"(?m)^[ \t]*(?:[*+-]|\d{1,3}[.)])[ \t]+")
_QUOTE = re.compile(r"(?m)^[ \t]*(?:>[ \t]?)+")
_FENCE = re.compile(r"(?m)^ {0,3}(?:```|~~~)[^\n]*$")
_TABLE_RULE = re.compile(r"(?m)^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+(?:[ \t]*:?-{3,}:?[ \t]*)?\|?[ \t\r]*$")
_TABLE_PIPE = re.compile(r"(?m)(?:^[ \t]*\||\|[ \t\r]*$|(?<=\S)[ \t]*\|[ \t]*(?=\S))")
# emphasis: a marker, up to 300 characters of one line without its character, the same
# marker (a scan stops at the next marker: linear on "*a *a *a ...")
_EMPHASIS = re.compile(
    r"(?<![\w*\\])(\*{1,3})(?=[^\s*])([^*\n]{1,300}?)(?<=[^\s\\])\1(?![\w*])"
    r"|(?<![\w\\])(_{1,3})(?=[^\s_])([^_\n]{1,300}?)(?<=[^\s\\])\3(?!\w)"
)
_CODE = re.compile(r"`+")
_ESCAPE = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!|>~])")

# How much Markdown a text must hold to be read as Markdown: syntax that plain page
# text (a browser's rendering, a PDF's) never has. Lines of code that start with "# "
# (a shell's comments and prompts) are no headings of a text without links. Pages of
# the validation split written out by html2text and markdownify hold 14 links or
# more on 98% of pages (a throw-away count over 150 pages).
_MIN_LINKS = 3
_MIN_SIGNS = 6


# Jina Reader's header before the Markdown of a page: "Title: ...", "URL Source: ...",
# perhaps "Published Time: ..." and warnings, then "Markdown Content:"
_READER_HEADER = re.compile(
    r"\ATitle:[ \t]*([^\n]*)\r?\n(?:[ \t\r]*\n)*URL Source:[ \t]*([^\n]*)\r?\n(?:[ \t\r]*\n)*"
    r"(?:Published Time:[ \t]*([^\n]*)\r?\n(?:[ \t\r]*\n)*)?(?:Warning:[^\n]*\n(?:[ \t\r]*\n)*){0,5}"
    r"Markdown Content:[ \t\r]*\n"
)


@dataclass(frozen=True, slots=True)
class ReaderHeader:
    """What Jina Reader's header says of the page before its Markdown.

    Attributes:
        end: the offset where the header ends (the Markdown starts).
        title: the page's title ("Title:"), or None.
        url: the page's URL ("URL Source:"), or None.
        published: the publication time as the header writes it ("Published Time:"), or None.
    """

    end: int
    title: str | None
    url: str | None
    published: str | None


def reader_header(text: str) -> ReaderHeader | None:
    """Jina Reader's header at the start of ``text``, or None.

    >>> h = reader_header("Title: Storm hits coast\\n\\nURL Source: https://x.org/s\\n\\nMarkdown Content:\\nText")
    >>> h.title, h.url, h.end
    ('Storm hits coast', 'https://x.org/s', 72)
    """
    m = _READER_HEADER.match(text) if text.startswith("Title:") else None
    if m is None:
        return None
    title, url, published = (_tidy(g) if g else None for g in m.groups())
    return ReaderHeader(m.end(), title or None, url or None, published or None)


def looks_like_markdown(text: str) -> bool:
    """Whether ``text`` is written in Markdown: Jina Reader's header, or at least three
    links or images and six signs of Markdown counting them, headings ("# Title") and
    reference definitions.

    >>> looks_like_markdown("# Storm\\n* [Home](/)\\n* [News](/n)\\n* [Sport](/s)\\n* [Arts](/a)\\n![](/a.png)")
    True
    >>> looks_like_markdown("# pacman -S package\\n# systemctl daemon-reload\\n# reboot\\n# ls\\n# cd /\\n# exit")
    False
    """
    if reader_header(text) is not None:
        return True
    if "](" not in text:
        return False
    links = len(_LINK.findall(text)) + len(_IMAGE.findall(text))
    if links < _MIN_LINKS:
        return False
    return links + len(_HEADING.findall(text)) + len(_REF_DEFINITION.findall(text)) >= _MIN_SIGNS


# A line that starts a block of its own: a list item, a heading, a quotation, a table
# row, a fence, a rule or a heading's underline, a reference definition
_BLOCK_START = re.compile(
    r"^[ \t]*(?:[*+-][ \t]|\d{1,3}[.)][ \t]|#{1,6}[ \t]|>|\||```|~~~|={3,}|-{3,}|\*{3,}|_{3,}|\[[^\]]+\]:)"
)
# Lines of wrapped prose are long (html2text wraps at 78 characters); a menu's are not.
# A text is wrapped when most of its long lines, their syntax blanked and spaces
# closed up, are no longer than a wrapping width: a writer that does not wrap gives
# each paragraph one line, most of them longer.
_MIN_WRAPPED_LINE = 40
_MAX_WRAP_WIDTH = 100
_MIN_WRAPPED_LINES = 5


def _hard_wrapped(collapsed: list[int]) -> bool:
    """Whether lines of these lengths (the view's, spaces closed up) are prose wrapped
    at a fixed width."""
    lengths = sorted(n for n in collapsed if n >= _MIN_WRAPPED_LINE)
    return len(lengths) >= _MIN_WRAPPED_LINES and lengths[(3 * len(lengths)) // 4] <= _MAX_WRAP_WIDTH


def join_wrapped_lines(
    text: str, chars: list[str], block_start: re.Pattern[str] | None = None, *, full_lines: bool = False
) -> None:
    """Turn into spaces the line breaks Markdown reads as spaces inside a paragraph a
    writer wrapped (html2text wraps at 78 characters), in a text whose lines are so
    wrapped (:func:`_hard_wrapped`): between a long line and the next line of the same
    paragraph; never before a line that starts a block (``block_start``, by default
    Markdown's ``_BLOCK_START``), after a heading, next to a table row (a line with a
    "|"), inside a fenced code block, or at a hard break (two spaces or a backslash at
    the line's end). With ``full_lines`` (a text browser's dump), only where the
    wrapping cut the line (:func:`_wrapped_here`): a heading, a byline or a list's
    last item ends where the next word would have fit, a paragraph under a heading
    starts at another column."""
    view_lines = "".join(chars).split("\n")
    collapsed = [len(" ".join(v.split())) for v in view_lines]
    if not _hard_wrapped(collapsed):
        return
    # a dump's wrapping width: the 75th percentile of its long lines' lengths (a longer
    # line holds a word longer than the width, a URL)
    widths = sorted(n for v in view_lines if (n := len(v.rstrip())) >= _MIN_WRAPPED_LINE)
    width = widths[(3 * len(widths)) // 4] if widths else 0
    pos = 0
    fenced = False
    for (line, following), view, length in zip(
        itertools.pairwise(text.split("\n")), view_lines, collapsed, strict=False
    ):
        end = pos + len(line)  # the offset of this line's "\n"
        pos = end + 1
        line = line.rstrip("\r")
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if (
            not fenced
            and length >= _MIN_WRAPPED_LINE
            and following.strip()
            and not (block_start or _BLOCK_START).match(following)
            and "|" not in stripped
            and "|" not in following
            and not stripped.startswith("#")
            and not line.endswith(("  ", "\\"))
            and (not full_lines or _wrapped_here(view, following, width))
        ):
            chars[end] = " "
            if end and chars[end - 1] == "\r":  # a Windows line end: both characters
                chars[end - 1] = " "


def _wrapped_here(view_line: str, following: str, width: int) -> bool:
    """Whether a dump's line was cut by its wrapping ``width``: the next line, at the
    line's own indentation, starts with a word that would not have fit on it (a
    heading, a byline or a list's last item ends where the next word would have fit)."""
    if _indent(view_line) != _indent(following):
        return False
    words = following.split(maxsplit=1)
    return bool(words) and len(view_line.rstrip()) + 1 + len(words[0]) > width


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def blank_span(chars: list[str], start: int, end: int) -> None:
    """Make spaces of ``chars[start:end]``, line breaks ("\\n", "\\r") kept: a view's
    one way of hiding text (it keeps its length and its lines)."""
    for i in range(start, end):
        if chars[i] not in "\r\n":
            chars[i] = " "


def markdown_view(text: str) -> str:
    """``text`` with its Markdown syntax blanked: markers, link targets, images,
    reference definitions, code fences and table rules each become spaces of the same
    length; a link's text stays where it stands.

    >>> markdown_view("## Storm **hits** [coast](https://x.org/c)")
    '   Storm   hits    coast                  '
    """
    chars = list(text)
    header = reader_header(text)
    if header is not None:
        blank_span(chars, 0, header.end)
    for pattern in (_IMAGE, _REF_DEFINITION, _FENCE, _RULE, _TABLE_RULE, _SETEXT, _AUTOLINK):
        for m in pattern.finditer(text):
            blank_span(chars, *m.span())
    mid = "".join(chars)  # links read after images: "[![logo](/l.png)](/)" is a link around one
    for pattern in (_LINK, _REF_LINK):  # keep the text, blank "[" and "](target)" or "][ref]"
        for m in pattern.finditer(mid):
            blank_span(chars, m.start(), m.start(1))
            blank_span(chars, m.end(1), m.end())
    for m in _HEADING.finditer(text):
        blank_span(chars, *m.span(1))
        line_end = text.find("\n", m.end())
        close = _HEADING_CLOSE.search(text, m.end(), len(text) if line_end < 0 else line_end)
        if close is not None:
            blank_span(chars, *close.span())
    for pattern in (_LIST_MARKER, _QUOTE, _TABLE_PIPE, _CODE, _ESCAPE):
        for m in pattern.finditer(text):
            blank_span(chars, *m.span())
    join_wrapped_lines(text, chars)
    view = "".join(chars)
    # emphasis on the view, so that a marker inside a blanked target is not paired
    out = list(view)
    for m in _EMPHASIS.finditer(view):
        marker, inner = (1, 2) if m.group(1) else (3, 4)
        for i in (*range(m.start(marker), m.end(marker)), *range(m.end(inner), m.end())):
            out[i] = " "
    return "".join(out)


# "# Title" (one "#"), or a line underlined with "=" (markdownify writes them so)
_TITLE_HEADING = re.compile(r"(?m)^ {0,3}#[ \t]+([^\n]*)$|^(?=[^\n]*\S)([^\n]+)\n {0,3}=+[ \t\r]*$")


def markdown_title(text: str, view: str) -> str | None:
    """The title a Markdown text gives itself: the text of its one first-level heading
    ("# Storm hits the coast", or a line underlined with "="), read in ``view``
    (:func:`markdown_view`: no link syntax); None where it has none or several.

    >>> t = "* [Home](/)\\n# Storm hits the [coast](/c)\\n## More\\nText"
    >>> markdown_title(t, markdown_view(t))
    'Storm hits the coast'
    """
    fences = [m.start() for m in _FENCE.finditer(text)]
    found = []
    for m in _TITLE_HEADING.finditer(text):
        if bisect.bisect_left(fences, m.start()) % 2:  # a "# comment" in a code block
            continue
        start, end = m.span(1) if m.group(1) is not None else m.span(2)
        underlined = m.group(1) is None
        if underlined and (_BLOCK_START.match(text[start:end]) or "|" in text[start:end]):
            continue  # "=====" under a list item or a table row: a rule
        found.append((start, end))
    if len(found) != 1:  # several: a menu's, a listing's (the first of them: fewer right)
        return None
    start, end = found[0]
    if _LINK.fullmatch(text[start:end].strip()):  # "# [Home](/)": a logo's link
        return None
    title = _tidy(view[start:end])
    return title or None


def _tidy(text: str) -> str:
    return " ".join(text.split())


def from_view(result: CleanResult, source: str) -> CleanResult:
    """A result cleaned from a view of ``source`` (:func:`markdown_view`,
    :func:`cleaner.dump_text.dump_view`) as the
    caller reads it: each segment's text cut from ``source`` at its offsets (the
    syntax kept, as given), the articles' texts with the blanks the syntax left
    closed up."""
    segments = [replace(s, text=source[s.start : s.end]) for s in result.segments]
    articles = [
        replace(
            a,
            headline=None if a.headline is None else _tidy(a.headline),
            bylines=[_tidy(x) for x in a.bylines],
            authors=[_tidy(x) for x in a.authors],
            published_raw=None if a.published_raw is None else _tidy(a.published_raw),
            source=None if a.source is None else _tidy(a.source),
            body=[_tidy(x) for x in a.body],
            related=[_tidy(x) for x in a.related],
            extra={k: [_tidy(x) for x in v] for k, v in a.extra.items()},
        )
        for a in result.articles
    ]
    return CleanResult(articles=articles, segments=segments)
