"""A longer fuzz run of the hostile-input properties (tests/test_fuzz.py's, on many more inputs).

    python benchmarks/fuzz.py                      # 2,000 inputs a property, a random seed
    python benchmarks/fuzz.py --examples 200 --seed 1

Each property of ``tests/hostile_inputs.py`` runs on ``--examples`` inputs drawn by
Hypothesis (not derandomized: each run explores new inputs; ``--seed`` repeats one):
:func:`cleaner.clean` on hostile text, :func:`cleaner.clean_html` on hostile markup and
bytes, the HTML reader on both, the TSV and JSONL sample loaders on hostile files, and
:func:`cleaner.clean` and :func:`cleaner.clean_html` on real pages (the seed, gold and
test-split pages, and the HTML of ``../shared/datasets`` where it is there) with hostile
pieces inserted at random places. A property holds when nothing but the project's
typed errors is raised, no page runs past a 30-second budget, and every piece of
output is taken from the input. Prints, per property, the inputs tried, the slowest
input (in CPU seconds) and the verdict; on a failure, the smallest failing input
Hypothesis found.
Exit code 1 if any property failed. Record the last result in docs/security.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from hostile_inputs import (  # noqa: E402
    _TEXT_PIECES,
    check_clean,
    check_clean_html,
    check_html_reader,
    check_samples,
    html_bytes,
    html_pages,
    jsonl_files,
    texts,
    tsv_files,
)
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from cleaner.samples import read_jsonl  # noqa: E402

_HTML_PIECES = [
    "<div>" * 2100,
    "<font>" * 2100,
    '<script type="application/ld+json">' + "[" * 3000 + "</script>",
    "<div " + " ".join(f"a{i}" for i in range(1000)) + ">",
    "<!--",
    "<script>",
    "<?xml" + " " * 1000,
    '<a b="',
    "\x00",
    "&#0;",
    "</body></html>",
    "<p>",
]


def _real_texts() -> list[str]:
    files = [p for d in ("seed", "gold") for p in sorted((ROOT / "corpus" / d).glob("*.txt"))]
    pages = [p.read_text(encoding="utf-8") for p in files]
    pages += [p.text for p in read_jsonl(ROOT / "corpus" / "training" / "test.jsonl.gz")][:200]
    return pages


def _real_html(limit: int) -> list[str]:
    out: list[str] = []
    datasets = ROOT.parent.parent / "shared" / "datasets"
    if not datasets.is_dir():
        datasets = ROOT.parent / "shared" / "datasets"
    for path in sorted(datasets.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                html = json.loads(line).get("html")
                if isinstance(html, str) and len(html) < 300_000:
                    out.append(html)
                if len(out) >= limit:
                    return out
    return out


def _mutated(pages: list[str], pieces: list[str]) -> st.SearchStrategy[str]:
    """A real page with hostile pieces inserted, a slice repeated, or its end cut off."""

    def mutate(page: str, edits: list[tuple[float, int, float]]) -> str:
        for where, which, how in edits:
            i = int(where * len(page))
            if how < 0.6:
                page = page[:i] + pieces[which % len(pieces)] + page[i:]
            elif how < 0.8:
                page = page[:i] + page[i : i + 200] * (which % 50 + 2) + page[i:]
            else:
                page = page[:i]
        return page

    edit = st.tuples(st.floats(0, 1), st.integers(0, 10_000), st.floats(0, 1))
    return st.builds(mutate, st.sampled_from(pages), st.lists(edit, min_size=1, max_size=6))


def _run(
    name: str,
    strategy: st.SearchStrategy[Any],
    check: Callable[[Any], None],
    examples: int,
    rng: int,
    verbose: bool,
) -> bool:
    tried = 0
    slowest: tuple[float, Any] = (0.0, "")

    @seed(rng)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def prop(value: Any) -> None:
        nonlocal tried, slowest
        tried += 1
        start = time.process_time()
        check(value)
        seconds = time.process_time() - start
        if seconds > slowest[0]:
            slowest = (seconds, value)

    start = time.perf_counter()
    try:
        prop()
    except Exception as exc:  # a property failed: Hypothesis has shrunk the input
        print(f"{name:<34} FAILED after {tried} inputs: {type(exc).__name__}: {str(exc)[:600]}", flush=True)
        return False
    print(
        f"{name:<34} {tried:>6} inputs, {time.perf_counter() - start:>6.0f} s, slowest {slowest[0]:.2f} CPU s "
        f"({len(slowest[1]):,} characters or bytes): ok",
        flush=True,
    )
    if verbose:
        print(f"    slowest input: {slowest[1]!r:.300}")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=2000, help="inputs a property (default 2000)")
    parser.add_argument("--seed", type=int, default=None, help="Hypothesis seed (default: random)")
    parser.add_argument("--html-pages", type=int, default=300, help="real HTML pages to mutate (default 300)")
    parser.add_argument("--verbose", action="store_true", help="print the slowest input of each property")
    args = parser.parse_args(argv)
    rng = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    print(f"seed {rng}, {args.examples} inputs a property")
    folder = Path(tempfile.mkdtemp(prefix="cleaner-fuzz-"))
    real_html = _real_html(args.html_pages)
    properties: list[tuple[str, st.SearchStrategy[Any], Callable[[Any], None]]] = [
        ("clean: hostile text", texts, check_clean),
        ("clean_html: hostile markup", html_pages, check_clean_html),
        ("clean_html: hostile bytes", html_bytes, check_clean_html),
        ("HTML reader: markup and bytes", html_pages | html_bytes, check_html_reader),
        ("TSV loader", tsv_files, lambda c: check_samples(c, ".tsv", folder)),
        ("JSONL loader", jsonl_files, lambda c: check_samples(c, ".jsonl", folder)),
        ("clean: mutated real pages", _mutated(_real_texts(), _TEXT_PIECES), check_clean),
    ]
    if real_html:
        mutated_html = _mutated(real_html, _HTML_PIECES + _TEXT_PIECES)
        properties.append(("clean_html: mutated real pages", mutated_html, check_clean_html))
    import cleaner

    cleaner.clean("The model loads once, before the clock starts.")
    ok = [_run(name, strategy, check, args.examples, rng, args.verbose) for name, strategy, check in properties]
    print(f"{sum(ok)} of {len(ok)} properties held (seed {rng})")
    return 0 if all(ok) else 1


if __name__ == "__main__":
    raise SystemExit(main())
