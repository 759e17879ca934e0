"""How long ``clean()`` takes on long pages of ordinary text: the ground for the default
``cleaner batch --page-timeout`` (cleaner.batch.DEFAULT_PAGE_TIMEOUT).

    python benchmarks/long_pages.py /work/shared/datasets [--sizes 250000,1000000,4000000] [--repeat 2]

Renders the HTML of the postlight dataset's pages to text (as ``cleaner batch`` does),
joins them into one long page, and cleans its first N characters for each size:
prints seconds and characters a second (the best of ``--repeat`` rounds), and the
median time of one ordinary page for scale. The pages are real articles one after
another, so the long page is long the ordinary way, not a pathological shape (those
are ``benchmarks/pathological.py``'s).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("datasets", type=Path, help="the shared datasets directory")
    parser.add_argument("--sizes", default="250000,1000000,4000000", help="page lengths in characters")
    parser.add_argument("--repeat", type=int, default=2, help="rounds; the best is shown")
    args = parser.parse_args(argv)

    from cleaner import Cleaner
    from cleaner.html_text import html_to_text

    sizes = [int(s) for s in args.sizes.split(",")]
    texts: list[str] = []
    with gzip.open(args.datasets / "postlight.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            texts.append(html_to_text(json.loads(line)["html"]))
            if sum(map(len, texts)) > max(sizes):
                break
    long_page = "\n".join(texts)
    if len(long_page) < max(sizes):
        long_page = (long_page + "\n") * (max(sizes) // len(long_page) + 1)
    cleaner = Cleaner()
    singles = []
    for text in texts[:40]:
        start = time.perf_counter()
        cleaner.clean(text)
        singles.append(time.perf_counter() - start)
    median = statistics.median(singles)
    chars = statistics.median(map(len, texts))
    print(f"one page: median {median * 1000:.1f} ms ({len(singles)} pages, median {chars:,.0f} chars)")
    for size in sizes:
        best = min(_timed(cleaner, long_page[:size]) for _ in range(args.repeat))
        print(f"{size:>11,} chars: {best:7.2f} s  {size / best / 1e6:5.2f} M chars/s")
    return 0


def _timed(cleaner: object, text: str) -> float:
    start = time.perf_counter()
    cleaner.clean(text)  # type: ignore[attr-defined]
    return time.perf_counter() - start


if __name__ == "__main__":
    raise SystemExit(main())
