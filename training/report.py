"""Print what a built training data folder holds.

Usage::

    python -m training.report OUT

Prints pages, segments and words (white-space separated) per dataset, per split, per
rendering and per label, as aligned tables.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from cleaner.labels import STANDARD_LABELS
from cleaner.samples import LabelledPage, iter_samples
from training.splits import SPLITS

__all__ = ["main", "report", "tally"]

Key = tuple[str, str]  # (table, row)


def tally(pages: Iterable[LabelledPage]) -> tuple[Counter[Key], Counter[Key], Counter[Key]]:
    """Count pages, segments and words by dataset, split, rendering and label."""
    n_pages: Counter[Key] = Counter()
    n_segs: Counter[Key] = Counter()
    n_words: Counter[Key] = Counter()
    for page in pages:
        rows = [
            ("dataset", str(page.meta.get("dataset") or page.meta.get("render") or "?")),
            ("split", str(page.meta.get("split", "?"))),
            ("render", str(page.meta.get("render", "?"))),
        ]
        segs = list(page.segments())
        words = sum(len(t.split()) for _, t in segs)
        for key in [*rows, ("total", "all")]:
            n_pages[key] += 1
            n_segs[key] += len(segs)
            n_words[key] += words
        for label, text in segs:
            key = ("label", label)
            n_pages[key] += 0
            n_segs[key] += 1
            n_words[key] += len(text.split())
    return n_pages, n_segs, n_words


def _order(table: str, rows: Iterable[str]) -> list[str]:
    rows = set(rows)
    if table == "split":
        preferred: Sequence[str] = SPLITS
    elif table == "label":
        preferred = STANDARD_LABELS
    else:
        preferred = ()
    first = [r for r in preferred if r in rows]
    return first + sorted(rows - set(first))


def report(pages: Iterable[LabelledPage]) -> str:
    """Return the report tables as text."""
    n_pages, n_segs, n_words = tally(pages)
    out: list[str] = []
    for table in ("dataset", "split", "render", "label", "total"):
        rows = _order(table, (r for t, r in n_pages if t == table))
        if not rows:
            continue
        width = max(len(table), *(len(r) for r in rows))
        total_words = sum(n_words[(table, r)] for r in rows) or 1
        out.append(f"{table:<{width}}  {'pages':>8}  {'segments':>10}  {'words':>12}  {'words %':>7}")
        for r in rows:
            key = (table, r)
            pages_cell = "" if table == "label" else f"{n_pages[key]:,}"
            share = 100 * n_words[key] / total_words
            out.append(f"{r:<{width}}  {pages_cell:>8}  {n_segs[key]:>10,}  {n_words[key]:>12,}  {share:>6.1f}%")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.report", description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="folder written by training.build_data")
    args = parser.parse_args(argv)
    files = sorted(args.out.glob("*.jsonl.gz"))
    if not files:
        print(f"error: no *.jsonl.gz in {args.out}", file=sys.stderr)
        return 2
    sys.stdout.write(report(iter_samples(files)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
