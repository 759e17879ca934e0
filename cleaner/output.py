"""Output formats: a cleaned page as plain text, JSON or Markdown, and the explain view.

Text and Markdown show each article's headline, its bylines as they stand on the page,
then its authors and date (:attr:`Article.authors`, :attr:`Article.published`) whatever
their source, the bylines or what an HTML page declares, then its body. JSON holds the
articles as :meth:`Article.to_dict` gives them and ``"main"``, the index of the main
article (:attr:`CleanResult.main_index`, null without articles).

Page text is untrusted, and every format is safe to show as it is: text, Markdown and
the explain view hold no terminal control characters (an ANSI escape sequence in a
page could otherwise clear a terminal, retitle it or hide lines: :func:`terminal_safe`);
Markdown escapes HTML and link syntax (a page's ``<script>``, ``<img onerror=...>`` or
``[x](javascript:...)`` would otherwise be live in a Markdown viewer:
:func:`_md_escape`); JSON writes those characters as ``\\u`` escapes, so that its
strings hold the page's text exactly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from .document import Article, CleanResult

__all__ = [
    "FORMATS",
    "articles_to_markdown",
    "articles_to_text",
    "explain",
    "render",
    "result_to_json",
    "terminal_safe",
]

FORMATS = ("text", "json", "markdown")

# Terminal escape sequences (ECMA-48: CSI ... final byte, OSC/DCS/SOS/PM/APC strings to
# their terminator or the end of the line, two-character escapes), then any control
# character left but tab and line feed: C0, DEL and C1.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*+[ -/]*+[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*+(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*+[0-~]?"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """``text`` without terminal escape sequences and control characters (but tab and
    line feed), so that printing it shows it and does nothing else.

    >>> terminal_safe("Storm \\x1b[31mhits\\x1b[0m the coast\\x07")
    'Storm hits the coast'
    """
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def _credits(article: Article) -> list[tuple[str, str]]:
    """The article's authors and date as (label, value) lines, those it has."""
    lines = []
    if article.authors:
        lines.append(("Authors", ", ".join(article.authors)))
    if article.published is not None:
        lines.append(("Published", article.published))
    return lines


def _article_text(article: Article) -> str:
    parts: list[str] = []
    if article.headline:
        parts.append(article.headline)
    parts.extend(article.bylines)
    parts.extend(f"{label}: {value}" for label, value in _credits(article))
    if parts:
        parts.append("")
    parts.append("\n\n".join(article.body))
    for label, texts in article.extra.items():
        parts.append("")
        parts.append(f"[{label}]")
        parts.extend(texts)
    if article.related:
        parts.append("")
        parts.append("Related:")
        parts.extend(f"- {r}" for r in article.related)
    return "\n".join(parts).strip()


def articles_to_text(articles: Sequence[Article]) -> str:
    """Articles as plain text, separated by a line of dashes (terminal-safe:
    :func:`terminal_safe`)."""
    return terminal_safe("\n\n-----\n\n".join(_article_text(a) for a in articles) + ("\n" if articles else ""))


# Markdown's emphasis, heading, code and link marks, escaped with a backslash; "<" (a
# tag, comment or autolink) and "&" before what reads as an entity, written as entities.
_MD_SPECIAL = re.compile(r"[\\*_#`\[\]]")
_MD_ENTITY_LIKE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


def _md_escape(text: str) -> str:
    text = _MD_SPECIAL.sub(r"\\\g<0>", terminal_safe(text))
    return _MD_ENTITY_LIKE.sub("&amp;", text).replace("<", "&lt;")


def articles_to_markdown(articles: Sequence[Article]) -> str:
    """Articles as Markdown: ``#`` headline, italic bylines, bold-labelled authors and
    date, paragraphs, a related list.

    The text is escaped (:func:`_md_escape`): a viewer shows the page's text, and no
    HTML, link or image of the page.
    """
    out: list[str] = []
    for a in articles:
        if a.headline:
            out.append(f"# {_md_escape(a.headline)}\n")
        lines = [f"*{_md_escape(b)}*" for b in a.bylines]
        lines += [f"**{label}:** {_md_escape(value)}" for label, value in _credits(a)]
        if lines:  # a hard line break (two spaces) after each but the last
            out.extend(f"{line}  " for line in lines[:-1])
            out.append(lines[-1] + "\n")
        for p in a.body:
            out.append(_md_escape(p) + "\n")
        for label, texts in a.extra.items():
            out.append(f"**{label}**\n")
            out.extend(_md_escape(t) + "\n" for t in texts)
        if a.related:
            out.append("## Related\n")
            out.extend(f"- {_md_escape(r)}" for r in a.related)
            out.append("")
        out.append("---\n")
    return "\n".join(out[:-1]).rstrip() + "\n" if out else ""


_JSON_UNSAFE = re.compile(r"[\x7f-\x9f]")


def result_to_json(result: CleanResult, *, segments: bool = False, cleaned_by: str | None = None) -> str:
    """The articles, the index of the main one (``"main"``, null without articles) and
    optionally the segments, as JSON; control characters as ``\\u`` escapes (DEL and C1
    too, which JSON would allow as they are). With ``cleaned_by``, which model cleaned
    the page (:meth:`cleaner.Cleaner.cleaned_by`) under that key."""
    data: dict[str, object] = {"articles": [a.to_dict() for a in result.articles], "main": result.main_index}
    if segments:
        data["segments"] = result.to_dict()["segments"]
    if cleaned_by is not None:
        data["cleaned_by"] = cleaned_by
    out = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", out)


def render(result: CleanResult, fmt: str) -> str:
    """Render a result in one of :data:`FORMATS`."""
    if fmt == "text":
        return articles_to_text(result.articles)
    if fmt == "json":
        return result_to_json(result)
    if fmt == "markdown":
        return articles_to_markdown(result.articles)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def explain(result: CleanResult, *, main_only: bool = False) -> str:
    """Every segment with its label and probability, one a line: ``label  0.97  text``
    (terminal-safe: :func:`terminal_safe`);
    with ``main_only``, those of the result's first article only (a result from
    :meth:`CleanResult.with_main_only` holds its main article alone). After the
    probability, what set the label: ``model`` (its most probable class) or the
    decoding step that changed it (:data:`cleaner.pipeline.decode.STEPS`, for example
    ``headline 0.03 one-headline-per-body``: the probability stays the model's)."""
    lines = []
    segments = result.segments
    if main_only:
        first = result.articles[0] if result.articles else None
        segments = [] if first is None else [s for s in segments if first.start <= s.start < first.end]
    for s in segments:
        text = " ".join(terminal_safe(s.text).split())
        if len(text) > 160:
            text = text[:157] + "..."
        lines.append(f"{s.label:<13} {s.confidence:.2f} {s.rule or 'model':<21} {s.start:>6}-{s.end:<6} {text}")
    return "\n".join(lines) + ("\n" if lines else "")
