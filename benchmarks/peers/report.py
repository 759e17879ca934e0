"""The error-analysis report: cleaner's worst pages, segments coloured by label.

:func:`worst_pages_html` writes one self-contained HTML file (inline CSS, no scripts
needed) with the ``n`` pages of lowest body word-F1: for each, its scores, the gold
and predicted titles, and the page text cut into cleaner's segments, each coloured by
its label with the label and probability in a tooltip and a small badge.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from cleaner.evaluate import PageScore

COLOURS = {
    "headline": "#f4a261",
    "byline": "#e9c46a",
    "body": "#90e0a0",
    "related-item": "#8ecae6",
    "junk": "#e5e5e5",
}

CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
h1 { font-size: 1.5em; }
h2 { font-size: 1.15em; margin-top: 2.5em; border-top: 2px solid #999; padding-top: .8em; }
.legend span, .seg { padding: 1px 4px; border-radius: 3px; }
.legend span { margin-right: .6em; display: inline-block; }
.page { white-space: pre-wrap; border: 1px solid #ccc; padding: .8em; max-height: 45em; overflow: auto;
        font: 13px/1.5 ui-monospace, monospace; }
.seg .p { font-size: 10px; color: #555; vertical-align: super; }
.low { outline: 2px dashed #c00; }
table.meta td { padding: 1px 10px 1px 0; vertical-align: top; }
details { margin: .5em 0; } .gold { white-space: pre-wrap; background: #f7f7f7; padding: .6em; }
"""


def _legend() -> str:
    items = "".join(f'<span style="background:{c}">{html.escape(lbl)}</span>' for lbl, c in COLOURS.items())
    return (
        f'<p class="legend">{items}<span class="low" style="background:#fff">probability &lt; 0.6</span></p>'
        "<p>Hover over a segment for its label and probability; the small number after each "
        "segment is the probability of its label.</p>"
    )


def _page_html(text: str, segments: list[list[Any]]) -> str:
    out: list[str] = []
    pos = 0
    for start, end, label, conf in segments:
        if start > pos:
            out.append(html.escape(text[pos:start]))
        colour = COLOURS.get(label, "#ffffff")
        cls = "seg low" if conf < 0.6 else "seg"
        out.append(
            f'<span class="{cls}" style="background:{colour}" title="{html.escape(label)} p={conf:.2f}">'
            f'{html.escape(text[start:end])}<span class="p">{html.escape(label[:4])} {conf:.2f}</span></span>'
        )
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def worst_pages_html(pages: list[dict[str, Any]], scores: list[PageScore], outputs: Path, n: int = 20) -> str:
    """The report of the ``n`` pages of lowest body F1 (pages with a gold body only)."""
    recs = {}
    for line in outputs.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        d = json.loads(line)
        if "summary" not in d:
            recs[d["id"]] = d
    by_id = {r["id"]: r for r in pages}
    ranked = sorted((s for s in scores if s.body_f1 is not None), key=lambda s: (s.body_f1, s.id))[:n]
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>cleaner: {len(ranked)} worst pages by body F1</title><style>{CSS}</style></head><body>",
        f"<h1>cleaner: the {len(ranked)} worst pages by body word-F1 (raw-text mode)</h1>",
        _legend(),
        "<ol>" + "".join(
            f'<li><a href="#p{i}">{html.escape(s.id)}</a> ({html.escape(s.page_type or "?")}): '
            f"body F1 {s.body_f1:.3f}</li>"
            for i, s in enumerate(ranked)
        ) + "</ol>",
    ]  # fmt: skip
    for i, s in enumerate(ranked):
        r = by_id[s.id]
        rec = recs.get(s.id, {})
        gold = r.get("gold") or {}
        arts = rec.get("articles") or []
        heads = [a.get("headline") for a in arts]
        parts.append(f'<h2 id="p{i}">{i + 1}. {html.escape(s.id)} — body F1 {s.body_f1:.3f}</h2>')
        parts.append('<table class="meta">')
        rows = [
            ("url", r.get("url") or "–"),
            ("dataset / type / site", f"{r.get('dataset')} / {r.get('page_type')} / {r.get('site')}"),
            ("gold title", gold.get("title") or "–"),
            ("main headline", s.predicted_title or "–"),
            ("headline correct", str(s.headline_correct)),
            ("all-article body F1", f"{s.all_body_f1:.3f}" if s.all_body_f1 is not None else "–"),
            ("articles found", f"{len(arts)}: " + " · ".join(str(h) for h in heads[:8])),
            ("gold authors", ", ".join(gold.get("authors") or []) or "–"),
            ("error", rec.get("error") or "–"),
        ]
        parts += [f"<tr><td>{html.escape(k)}</td><td>{html.escape(str(v))}</td></tr>" for k, v in rows]
        parts.append("</table>")
        body = gold.get("body") or ""
        parts.append(
            f"<details><summary>gold body ({len(body.split())} words)</summary>"
            f'<div class="gold">{html.escape(body)}</div></details>'
        )
        parts.append(f'<div class="page">{_page_html(r["text"], rec.get("segments") or [])}</div>')
    parts.append("</body></html>")
    return "\n".join(parts)
