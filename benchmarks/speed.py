"""Speed and memory of cleaner on typical pages (issue 3's targets).

    python benchmarks/speed.py [--pages corpus/training/test.jsonl.gz] [--n 2000] [--repeat 3]

Prints, on one core (one process, no worker pool):
* the time to import cleaner, to load the shipped model file and to clean a first
  short page, in a fresh process (each the best of three);
* pages per second when a list of pages is cleaned with ``Cleaner.clean_many``;
* the median and 95th-percentile time of a single ``clean()`` call;
* peak resident memory of the process.

Typical pages are the rendered pages of the test split whose text is 8-12 KB (about
10 KB, the size issue 3 names), repeated to ``--n`` pages. With ``--repeat``, the
timings are the best of that many rounds (on a shared machine, the least disturbed).
With ``--cpu``, clean_many and clean() are timed in the process's CPU time
(``time.process_time``) rather than by the wall clock: on a machine other work shares,
a steadier measure of the code's own cost.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _load_times() -> tuple[float, float, float]:
    """In a fresh process, seconds to import cleaner's model code, to load the model
    file, and to clean a first short page with the default cleaner (its HTML stage
    loaded with it): the wait of a program that cleans one page."""
    code = (
        "import time; t = time.perf_counter(); import cleaner; from cleaner.model import load_model; "
        "u = time.perf_counter(); load_model(); v = time.perf_counter(); "
        "cleaner.clean('Harbour reopens\\nBy Jane Doe\\n' + 'The harbour reopened after repairs. ' * 9); "
        "w = time.perf_counter(); print(u - t, v - u, w - v)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    imp, load, first = out.stdout.split()
    return float(imp), float(load), float(first)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=Path, default=ROOT / "corpus" / "training" / "test.jsonl.gz")
    ap.add_argument("--n", type=int, default=2000, help="pages to clean (typical pages repeated)")
    ap.add_argument("--min-kb", type=float, default=8.0)
    ap.add_argument("--max-kb", type=float, default=12.0)
    ap.add_argument("--repeat", type=int, default=1, help="rounds of timing; the best is reported")
    ap.add_argument("--cpu", action="store_true", help="time clean_many and clean() in CPU time, not wall time")
    args = ap.parse_args()
    clock = time.process_time if args.cpu else time.perf_counter

    from cleaner import Cleaner
    from cleaner.samples import read_jsonl

    times = [_load_times() for _ in range(3)]
    import_s = min(t[0] for t in times)
    load_s = min(t[1] for t in times)
    first_s = min(t[2] for t in times)
    texts = [
        p.text
        for p in read_jsonl(args.pages)
        if args.min_kb * 1000 <= len(p.text.encode("utf-8")) <= args.max_kb * 1000
    ]
    if not texts:
        print("no typical pages found", file=sys.stderr)
        return 1
    pages = [texts[i % len(texts)] for i in range(args.n)]
    mean_kb = statistics.mean(len(t.encode("utf-8")) for t in texts) / 1000
    cleaner = Cleaner()
    cleaner.clean_many(pages[:50])  # warm up caches
    batch_s = float("inf")
    singles: list[float] = []
    for _ in range(max(args.repeat, 1)):
        articles = 0
        t0 = clock()
        for i in range(0, len(pages), 200):  # results are counted and dropped, as a batch job would
            articles += sum(len(r.articles) for r in cleaner.clean_many(pages[i : i + 200]))
        batch_s = min(batch_s, clock() - t0)
        times = []
        for text in pages[: min(500, len(pages))]:
            t1 = clock()
            cleaner.clean(text)
            times.append(clock() - t1)
        times.sort()
        if not singles or statistics.median(times) < statistics.median(singles):
            singles = times
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"typical pages: {len(texts)} distinct, mean {mean_kb:.1f} KB of text, {len(pages)} cleaned")
    print(f"articles found: {articles}")
    print(f"import of cleaner's model code, fresh process: {import_s * 1000:.0f} ms")
    print(f"model file load: {load_s * 1000:.0f} ms")
    print(f"then a first clean() with the default cleaner: {first_s * 1000:.0f} ms")
    timed = " (CPU time)" if args.cpu else ""
    print(f"clean_many: {len(pages) / batch_s:,.0f} pages/s on one core{timed}")
    print(
        f"clean() single call: median {statistics.median(singles) * 1000:.2f} ms, "
        f"p95 {singles[int(0.95 * len(singles))] * 1000:.2f} ms{timed}"
    )
    print(f"peak memory: {peak_mb:.0f} MB resident")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
