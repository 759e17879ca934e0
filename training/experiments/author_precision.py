"""How many of the authors cleaner finds are the gold's, on the test split's article pages.

    python training/experiments/author_precision.py                  # the shipped word list
    python training/experiments/author_precision.py --min-sites 20   # a list of another threshold
    python training/experiments/author_precision.py --no-filter      # no list: every name-shaped phrase

For each article page with gold authors (``corpus/training/test.jsonl.gz``), the main
article (``cleaner.evaluate.main_article``) is cleaned with the shipped model; its
``authors`` are matched with the gold names (normalised, one containing the other).
Prints the gold authors found (``cleaner.evaluate.author_found``, bylines included),
the names predicted and how many of them are no gold author, and the most frequent of
those. ``--min-sites`` rebuilds the common-word list of
:mod:`training.common_words` in memory with another threshold.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import cleaner.bylines as bylines  # noqa: E402
from cleaner import Cleaner  # noqa: E402
from cleaner.evaluate import author_found, gold_article, main_article, normalize_title  # noqa: E402
from cleaner.samples import read_jsonl  # noqa: E402
from training.common_words import common_words  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT / "corpus" / "training")
    ap.add_argument("--min-sites", type=int, default=None)
    ap.add_argument("--no-filter", action="store_true")
    args = ap.parse_args(argv)
    if args.no_filter:
        bylines._common_words = lambda: frozenset()  # type: ignore[assignment]
    elif args.min_sites is not None:
        words = frozenset(common_words(args.data / "train.jsonl.gz", args.min_sites))
        bylines._common_words = lambda: words  # type: ignore[assignment]
    pages = [p for p in read_jsonl(args.data / "test.jsonl.gz") if p.meta.get("page_type") == "article"]
    results = Cleaner().clean_many([p.text for p in pages])
    found = total = right = wrong = 0
    others: Counter[str] = Counter()
    for page, result in zip(pages, results, strict=True):
        gold = gold_article(page)
        if gold is None or not gold.authors:
            continue
        main_art = main_article(result.articles, gold)
        names = [normalize_title(a) for a in gold.authors]
        total += len(gold.authors)
        if main_art is None:
            continue
        found += sum(author_found(a, main_art) for a in gold.authors)
        for name in main_art.authors:
            n = normalize_title(name)
            if n and any(g and (n in g or g in n) for g in names):
                right += 1
            else:
                wrong += 1
                others[name] += 1
    print(f"gold authors found: {found} of {total} ({found / max(total, 1):.3f})")
    print(f"names predicted: {right + wrong}, not a gold author: {wrong} ({wrong / max(right + wrong, 1):.2f} of them)")
    print("most frequent:", ", ".join(f"{n} ({k})" for n, k in others.most_common(15)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
