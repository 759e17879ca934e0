"""``cleaner evaluate SAMPLES...``: score a model on labelled pages or dataset records.

Prints word-level precision, recall and F1 per label, the confusion matrix and the
article-level scores (headline correct, body word-F1, authors found); see
:mod:`cleaner.evaluate`. With ``--model X --compare-default`` both the model and the
shipped default are scored on the same pages and printed side by side.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from typing import TYPE_CHECKING, Any

from . import EXIT_OK, EXIT_USAGE, add_model_arguments

if TYPE_CHECKING:
    from ..evaluate import EvaluationReport

__all__ = ["add_parser"]


def _run(args: argparse.Namespace) -> int:
    if args.compare_default and args.model is None:
        print("cleaner evaluate: error: --compare-default needs --model PATH", file=sys.stderr)
        return EXIT_USAGE
    if args.limit is not None and args.limit < 1:
        print("cleaner evaluate: error: --limit must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    # scikit-learn and the model code: only when the command runs
    from ..evaluate import compare_table, evaluate_model, iter_eval_pages, page_url
    from ..model import load_model

    pages = list(itertools.islice(iter_eval_pages(args.samples, mode=args.html_mode), args.limit))
    if not pages:
        print(
            "cleaner evaluate: error: no pages found in "
            + ", ".join(args.samples)
            + " (expected .tsv, .jsonl or .jsonl.gz files or directories of them)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.no_metadata:
        for p in pages:
            p.meta.pop("declared", None)
    reports: list[tuple[str, EvaluationReport]] = []
    if args.compare_default:
        reports.append(("default", evaluate_model(None, pages, name="default")))
    name = "default" if args.model is None else args.model
    model = load_model(args.model, trust_pickle=args.trust_pickle)
    reports.append((name, evaluate_model(model, pages, name=name)))
    if model.scope is not None:
        inside = sum(model.for_text(p.text, page_url(p)) is model for p in pages)
        print(
            f"scope: {inside} of {len(pages)} page(s) cleaned by {name}, the others by the default model "
            "it falls back on (pages outside its sites' scope)",
            file=sys.stderr,
        )
    if args.json:
        out: dict[str, Any] = {n: r.to_dict() for n, r in reports}
        if not args.page_scores:
            for r in out.values():
                r.pop("page_scores", None)
        json.dump(out if len(reports) > 1 else out[name], sys.stdout, indent=1)
        sys.stdout.write("\n")
        return EXIT_OK
    for i, (_, r) in enumerate(reports):
        if i:
            sys.stdout.write("\n" + "=" * 78 + "\n\n")
        sys.stdout.write(r.table() + "\n")
    if len(reports) > 1:
        sys.stdout.write("\n" + "=" * 78 + "\n\nside by side (change = model - default)\n")
        sys.stdout.write(compare_table([r for _, r in reports], [n for n, _ in reports]) + "\n")
    return EXIT_OK


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "evaluate",
        help="score a model on labelled pages or dataset records",
        description=(
            "Score a model on labelled samples (TSV, JSONL) or dataset records (JSONL with "
            "html and gold): word-level precision, recall and F1 per label, the confusion "
            "matrix, and article-level scores (headline correct, body word-F1, authors found)."
        ),
    )
    p.add_argument("samples", nargs="+", metavar="SAMPLES", help="sample files, record files or directories")
    add_model_arguments(p)
    p.add_argument(
        "--compare-default",
        action="store_true",
        help="also score the shipped default model and print both side by side (needs --model)",
    )
    p.add_argument("--json", action="store_true", help="print the report(s) as JSON")
    p.add_argument("--page-scores", action="store_true", help="with --json, include every page's scores")
    p.add_argument("--limit", type=int, default=None, help="evaluate only the first N pages")
    p.add_argument(
        "--html-mode",
        default="browser",
        choices=("browser", "collapsed"),
        help="how dataset records' HTML is rendered to text (default: browser)",
    )
    p.add_argument(
        "--no-metadata",
        action="store_true",
        help="clean dataset records' rendered text without the title, authors and date their HTML declares",
    )
    p.set_defaults(func=_run)
