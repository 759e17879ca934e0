"""Output formats: a cleaned page as plain text, JSON or Markdown, and the explain view."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .document import Article, CleanResult

__all__ = ["FORMATS", "articles_to_markdown", "articles_to_text", "explain", "render", "result_to_json"]

FORMATS = ("text", "json", "markdown")


def _article_text(article: Article) -> str:
    parts: list[str] = []
    if article.headline:
        parts.append(article.headline)
    parts.extend(article.bylines)
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
    """Articles as Markdown: ``#`` headline, italic bylines, paragraphs, a related list."""
    out: list[str] = []
    for a in articles:
        if a.headline:
            out.append(f"# {_md_escape(a.headline)}\n")
        for b in a.bylines:
            out.append(f"*{_md_escape(b)}*  ")
        if a.bylines:
            out.append("")
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
    """The articles (and optionally segments) as JSON."""
    data: dict[str, object] = {"articles": [a.to_dict() for a in result.articles]}
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
