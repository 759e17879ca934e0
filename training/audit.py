"""Print randomly drawn labelled pages, segment by segment, for a human audit.

Usage::

    python -m training.audit OUT [--n 40] [--seed 0] [--width 160] [--renders browser,collapsed]

Draws ``n`` pages at random (fixed seed) from ``OUT/*.jsonl.gz`` (composed pages
excluded: they are built from these pages) and prints, per page, the gold title, then
one line per segment: label, word count, and the segment text (long segments shortened
in the middle). Runs of consecutive junk segments are folded into one line with their
word count, so that the labelled parts can be read in full; with ``--fold-body`` only
the first and last two segments of a run of body segments are shown. The auditor writes down,
per page, the number of words whose label is wrong; see training/README.md.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from pathlib import Path

from cleaner.labels import Label
from cleaner.samples import LabelledPage, iter_samples

__all__ = ["draw", "format_page", "main"]


def draw(
    out: Path, n: int, seed: int, renders: Sequence[str] | None = None, ids: Sequence[str] | None = None
) -> list[LabelledPage]:
    """Return ``n`` pages drawn at random with ``seed`` from the built data in ``out``.

    With ``ids``, return the pages of those ids instead, in that order (to re-audit the
    pages of an earlier draw after the aligner changed).
    """
    files = sorted(out.glob("*.jsonl.gz"))
    if ids is not None:
        by_id = {p.id: p for p in iter_samples(files) if p.id in set(ids)}
        return [by_id[i] for i in ids if i in by_id]
    pages = [
        p
        for p in iter_samples(files)
        if p.meta.get("render") != "composed" and (renders is None or p.meta.get("render") in renders)
    ]
    pages.sort(key=lambda p: p.id)
    rng = random.Random(seed)
    return rng.sample(pages, min(n, len(pages)))


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    half = (width - 5) // 2
    return f"{text[:half]} ... {text[-half:]}"


def format_page(page: LabelledPage, *, width: int = 160, fold_junk: bool = True, fold_body: bool = False) -> str:
    """Return the audit view of one page."""
    gold = page.meta.get("gold") or {}
    lines = [
        "=" * 100,
        f"{page.id}  site={page.site}  render={page.meta.get('render')}  "
        f"type={page.meta.get('page_type')}  coverage={page.meta.get('body_coverage')}",
        f"gold title: {gold.get('title')!r}  authors: {gold.get('authors')}  byline: {gold.get('byline')!r}  "
        f"date: {gold.get('date')!r}",
        f"gold body: {_short(gold.get('body') or '', width)}",
        "-" * 100,
    ]
    junk_run: list[str] = []

    def flush() -> None:
        if not junk_run:
            return
        nw = sum(len(t.split()) for t in junk_run)
        if len(junk_run) == 1:
            lines.append(f"  {Label.JUNK:<12} {nw:>4}  {_short(junk_run[0], width)}")
        else:
            joined = " / ".join(" ".join(t.split()) for t in junk_run)
            lines.append(f"  {Label.JUNK:<12} {nw:>4}  [{len(junk_run)} segs] {_short(joined, width)}")
        junk_run.clear()

    segs = list(page.segments())
    k = 0
    while k < len(segs):
        label, text = segs[k]
        if label == Label.JUNK and fold_junk:
            junk_run.append(text)
            k += 1
            continue
        flush()
        if fold_body and label == Label.BODY:
            # Show the first two and last two segments of a run of body segments.
            j = k
            while j < len(segs) and segs[j][0] == Label.BODY:
                j += 1
            run = segs[k:j]
            if len(run) > 5:
                hidden = run[2:-2]
                nw = sum(len(t.split()) for _, t in hidden)
                shown = [*run[:2], ("", f"... {len(hidden)} more body segments, {nw} words ..."), *run[-2:]]
            else:
                shown = run
            for lab, t in shown:
                if lab:
                    lines.append(f"* {lab:<12} {len(t.split()):>4}  {_short(t, width)}")
                else:
                    lines.append(f"  {'':<12}       {t}")
            k = j
            continue
        lines.append(f"* {label:<12} {len(text.split()):>4}  {_short(text, width)}")
        k += 1
    flush()
    counts: dict[str, int] = {}
    for label, text in page.segments():
        counts[label] = counts.get(label, 0) + len(text.split())
    lines.append(f"words by label: {counts}  total {sum(counts.values())}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.audit", description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="folder written by training.build_data")
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--width", type=int, default=160)
    parser.add_argument("--renders", default=None, help="comma-separated renderings to draw from")
    parser.add_argument("--fold-body", action="store_true", help="show only the ends of body runs")
    parser.add_argument("--ids", type=Path, default=None, help="file of page ids to print instead of a draw")
    parser.add_argument("--only", type=int, default=None, help="print only the k-th drawn page (0-based)")
    args = parser.parse_args(argv)
    renders = args.renders.split(",") if args.renders else None
    ids = None
    if args.ids is not None:
        ids = [x.strip() for x in args.ids.read_text(encoding="utf-8").split() if x.strip()]
    pages = draw(args.out, args.n, args.seed, renders, ids)
    if ids is not None:
        missing = [i for i in ids if i not in {p.id for p in pages}]
        print(f"{len(pages)} of {len(ids)} ids found; not in the data (skipped): {missing}")
    for k, page in enumerate(pages):
        if args.only is not None and k != args.only:
            continue
        print(f"[{k}]")
        print(format_page(page, width=args.width, fold_body=args.fold_body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
