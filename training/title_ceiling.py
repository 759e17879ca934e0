"""How often a page's title is a unit or a line of its own: the ceiling of a design
that chooses the headline among the segmenter's units.

    python -m training.title_ceiling corpus/training [--split validation]

For each article page of the split whose gold title stands in the text (as
``cleaner evaluate`` judges it), it checks whether some unit of
:func:`cleaner.pipeline.segment.split_units`, or some whole line, is the title once
:func:`cleaner.pipeline.assemble.headline_text` has trimmed it (``headline_matches``). A
headline chooser that picks units can be right at most on those pages; the rest
hold the title inside a longer unit with a kicker, a menu or text run onto it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from cleaner.evaluate import _title_variants, headline_matches, normalize_title
from cleaner.pipeline.assemble import headline_text
from cleaner.pipeline.segment import split_units
from cleaner.samples import load_samples

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="training data folder")
    ap.add_argument("--split", default="validation", choices=("train", "validation", "test"))
    args = ap.parse_args(argv)
    pages = titled = whole = 0
    for page in load_samples(args.data / f"{args.split}.jsonl.gz"):
        gold = (page.meta.get("gold") or {}).get("title")
        if page.meta.get("page_type") != "article" or not gold:
            continue
        pages += 1
        text = f" {normalize_title(page.text)} "
        forms = {normalize_title(gold)} | _title_variants(gold)
        if not any(f and f" {f} " in text for f in forms):
            continue
        titled += 1
        cands = {page.text[u.start : u.end] for u in split_units(page.text)}
        cands |= {line.strip() for line in page.text.splitlines() if line.strip()}
        if any(headline_matches(headline_text(c), gold) for c in cands):
            whole += 1
    print(f"{args.split}: {pages} article pages, title in the text on {titled}, a unit or a line on {whole}")
    if titled:
        print(f"ceiling of a unit chooser, pages whose title is in the text: {whole / titled:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
