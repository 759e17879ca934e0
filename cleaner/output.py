"""Output formats: a cleaned page as plain text, JSON or Markdown, and the explain view.

Text and Markdown show each article's headline, its bylines as they stand on the page,
then its authors and date (:attr:`Article.authors`, :attr:`Article.published`) whatever
their source, the bylines or what an HTML page declares, then its body. JSON holds the
articles as :meth:`Article.to_dict` gives them and ``"main"``, the index of the main
article (:attr:`CleanResult.main_index`, null without articles).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from .document import Article, CleanResult

__all__ = ["FORMATS", "articles_to_markdown", "articles_to_text", "explain", "render", "result_to_json"]

FORMATS = ("text", "json", "markdown")


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
    """Articles as plain text, separated by a line of dashes."""
    return "\n\n-----\n\n".join(_article_text(a) for a in articles) + ("\n" if articles else "")


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("#", "\\#")


def articles_to_markdown(articles: Sequence[Article]) -> str:
    """Articles as Markdown: ``#`` headline, italic bylines, bold-labelled authors and
    date, paragraphs, a related list."""
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


def result_to_json(result: CleanResult, *, segments: bool = False) -> str:
    """The articles, the index of the main one (``"main"``, null without articles) and
    optionally the segments, as JSON."""
    data: dict[str, object] = {"articles": [a.to_dict() for a in result.articles], "main": result.main_index}
    if segments:
        data["segments"] = result.to_dict()["segments"]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


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
    """Every segment with its label and probability, one a line: ``label  0.97  text``;
    with ``main_only``, those of the result's first article only (a result from
    :meth:`CleanResult.with_main_only` holds its main article alone). After the
    probability, what set the label: ``model`` (its most probable class) or the
    decoding step that changed it (:data:`cleaner.decode.STEPS`, for example
    ``headline 0.03 one-headline-per-body``: the probability stays the model's)."""
    lines = []
    segments = result.segments
    if main_only:
        first = result.articles[0] if result.articles else None
        segments = [] if first is None else [s for s in segments if first.start <= s.start < first.end]
    for s in segments:
        text = " ".join(s.text.split())
        if len(text) > 160:
            text = text[:157] + "..."
        lines.append(f"{s.label:<13} {s.confidence:.2f} {s.rule or 'model':<21} {s.start:>6}-{s.end:<6} {text}")
    return "\n".join(lines) + ("\n" if lines else "")
