"""What each decoding step of :mod:`cleaner.pipeline.decode` is worth on the validation split.

    python -m training.ablate_decode corpus/training [--steps subheadings,card-lines]

Cleans the validation split's pages with the shipped model once with every step and
once without each step of :data:`cleaner.pipeline.decode.STEPS` in turn (the step's function
made a no-op for that run), and prints the word and article scores of
``cleaner evaluate`` for each run, with the differences to the full decoder. A step
whose removal changes no score is a candidate to drop (issue 13: keep only the rules
that still change validation scores). The test split is not read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import cleaner.pipeline.decode as decode
import cleaner.pipeline.line_rules as line_rules
from cleaner.api import Cleaner
from cleaner.evaluate import evaluate_results
from cleaner.samples import LabelledPage, load_samples

__all__ = ["main"]

COLUMNS = (
    "word_accuracy",
    "macro_f1",
    "f1_headline",
    "f1_byline",
    "headline_accuracy_in_text",
    "author_recall_in_text",
    "author_precision",
    "main_body_f1",
    "single_article_exact",
    "aggregator_count_exact",
)

# The function behind each step, by its name in cleaner.pipeline.decode, which calls it
# (card-lines shares collapsed-lines').
_FUNCTIONS: dict[str, str] = {
    "collapsed-lines": "smooth_collapsed_lines",
    "related-lists": "related_lists",
    "subheadings": "subheadings",
    "one-headline-per-body": "one_headline_per_body",
    "article-structure": "apply_article_filter",
    "whole-title-line": "whole_line_headlines",
    "bylines-by-headlines": "rescue_bylines",
    "author-lines": "rescue_author_lines",
    "credited-author": "rescue_prefixed_authors",
    "run-edges": "extend_run",
    "lede-articles": "join_lede_articles",
}


@contextmanager
def _without(step: str) -> Iterator[None]:
    """Run the block with ``step`` made a no-op."""
    target: Any = decode
    fn: Callable[..., Any]
    if step == "card-lines":
        real = line_rules.smooth_collapsed_lines

        def only_first(*args: Any, cards_only: bool = False, **kw: Any) -> None:
            if not cards_only:
                real(*args, **kw)

        name, fn = "smooth_collapsed_lines", only_first
    elif step == "headline-ranker":
        name, fn = "choose_headline", lambda *a, **k: None
    else:
        name, fn = _FUNCTIONS[step], lambda *a, **k: []
    old = getattr(target, name)
    setattr(target, name, fn)
    try:
        yield
    finally:
        setattr(target, name, old)


def _scores(cleaner: Cleaner, pages: Sequence[LabelledPage]) -> dict[str, float | None]:
    return evaluate_results(pages, [cleaner.clean(p.text) for p in pages]).metrics()


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="training data folder (validation.jsonl.gz)")
    ap.add_argument("--steps", default=None, help="steps to leave out, comma-separated (default: all)")
    args = ap.parse_args(argv)
    steps = args.steps.split(",") if args.steps else [s for s in decode.STEPS if s not in decode.HTML_STEPS]
    unknown = [s for s in steps if s not in decode.STEPS or s in decode.HTML_STEPS]
    if unknown:
        print(f"unknown or HTML-only steps: {', '.join(unknown)}", file=sys.stderr)
        return 2
    pages = load_samples(args.data / "validation.jsonl.gz")
    cleaner = Cleaner()
    full = _scores(cleaner, pages)
    print(f"{'without':<22}" + "".join(f"{c[:12]:>13}" for c in COLUMNS))
    print(f"{'(all steps)':<22}" + "".join(f"{_fmt(full[c]):>13}" for c in COLUMNS), flush=True)
    for step in steps:
        with _without(step):
            s = _scores(cleaner, pages)
        print(f"{step:<22}" + "".join(f"{_delta(s[c], full[c]):>13}" for c in COLUMNS), flush=True)
    return 0


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.4f}"


def _delta(v: float | None, base: float | None) -> str:
    if v is None or base is None:
        return "-"
    return f"{v - base:+.4f}"


if __name__ == "__main__":
    sys.exit(main())
