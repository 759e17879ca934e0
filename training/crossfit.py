"""Score text models on the validation split with their headline ranker cross-fitted.

    python -m training.crossfit corpus/training MODEL [MODEL ...]            # a table, a row a model
    python -m training.crossfit corpus/training MODEL --filter shipped       # with the shipped article filter

The shipped headline ranker is fitted on the validation split's pages
(``python -m training.train``), so a model's own validation scores count its
headlines in sample. Here the validation pages are dealt into folds by site
(composed pages each a group of their own); each fold is cleaned by the model with a
ranker fitted on the other folds' pages only, so every headline is chosen by a ranker
that did not see the page. The article filter is left out by default (it too is
fitted on validation, for the shipped model); ``--filter shipped`` uses the shipped
one as it is. The test split is not read.

Models are compared on the same folds; ``--json`` writes every model's metrics.
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cleaner.api import Cleaner
from cleaner.config import CleanerConfig
from cleaner.evaluate import EvaluationReport, evaluate_results, predict_pages
from cleaner.lexicon import is_cjk
from cleaner.model import load_model
from cleaner.samples import LabelledPage, load_samples
from cleaner.trainer import fit_headline_ranker

__all__ = ["article_page_metrics", "crossfit_report", "fold_of", "main"]

COLUMNS: tuple[tuple[str, str], ...] = (
    ("word_accuracy", "word acc."),
    ("macro_f1", "macro F1"),
    ("main_body_f1", "main body F1"),
    ("headline_accuracy", "headline"),
    ("headline_accuracy_in_text", "headline, title in text"),
    ("author_recall_in_text", "authors in text"),
    ("author_precision", "author precision"),
    ("single_article_exact", "one article (single)"),
    ("aggregator_count_exact", "count exact (aggregators)"),
)


def fold_of(page: LabelledPage, folds: int) -> int:
    """A page's fold: by site, a composed page (or one without a site) by its id."""
    group = page.id if page.meta.get("render") == "composed" or not page.site else page.site
    return zlib.crc32(group.encode("utf-8")) % folds


def crossfit_report(
    model_path: Path, pages: Sequence[LabelledPage], *, folds: int = 5, use_filter: bool = False
) -> EvaluationReport:
    """The model's scores on ``pages``, each fold cleaned with a ranker fitted on the others."""
    model = load_model(model_path)
    config = CleanerConfig(page_structure=use_filter)
    fold = [fold_of(p, folds) for p in pages]
    results: list[Any] = [None] * len(pages)
    for k in range(folds):
        inside = [i for i, f in enumerate(fold) if f == k]
        if not inside:
            continue
        ranker = fit_headline_ranker(model.estimator, [p for p, f in zip(pages, fold, strict=True) if f != k])
        cleaner = Cleaner(model.replace(headline_ranker=ranker), config=config)
        for i, r in zip(inside, predict_pages(cleaner, [pages[i] for i in inside]), strict=True):
            results[i] = r
    return evaluate_results(pages, results, model=str(model_path))


def article_page_metrics(report: EvaluationReport) -> dict[str, float | None]:
    """Word-level metrics over all pages; article-level ones over the article pages
    (``page_type`` article, as the README's table counts them), the aggregator count
    over the pages that have several gold articles."""
    metrics = report.metrics()
    articles = report.articles.by_page_type().get("article")
    if articles is not None:
        summary = articles.summary()
        for key in (
            "main_body_f1",
            "headline_accuracy",
            "headline_accuracy_in_text",
            "author_recall_in_text",
            "author_precision",
            "single_article_exact",
        ):
            value = summary.get(key)
            metrics[key] = None if value is None else float(value)
    return metrics


def cjk_pages(pages: Sequence[LabelledPage]) -> set[str]:
    """Ids of the pages whose gold body is mostly Chinese or Japanese characters."""
    out = set()
    for page in pages:
        body = str((page.meta.get("gold") or {}).get("body") or "")
        letters = [c for c in body if not c.isspace()]
        if letters and sum(map(is_cjk, letters)) >= 0.3 * len(letters):
            out.add(page.id)
    return out


def cjk_summary(report: EvaluationReport, ids: set[str]) -> str:
    """Main-article body F1 and pages without an article on the CJK pages."""
    scores = [p for p in report.articles.pages if p.id in ids]
    f1 = [p.main_body_f1 for p in scores if p.main_body_f1 is not None]
    mean = sum(f1) / len(f1) if f1 else float("nan")
    empty = sum(p.articles == 0 for p in scores)
    return f"CJK pages: {len(scores)}, main body F1 {mean:.4f}, without an article {empty}"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.crossfit", description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="folder with validation.jsonl.gz")
    ap.add_argument("models", type=Path, nargs="+", help="model files to score")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--filter", choices=("none", "shipped"), default="none", help="the article filter used")
    ap.add_argument("--split", default="validation", help="the split scored (default validation)")
    ap.add_argument("--json", type=Path, default=None, help="write every model's metrics here")
    args = ap.parse_args(argv)
    if args.split == "test":
        print("python -m training.crossfit: the test split is read by cleaner evaluate, not here", file=sys.stderr)
        return 2
    files = sorted(args.data.glob(f"{args.split}.jsonl*"))
    if not files:
        print(f"no {args.split} file in {args.data}", file=sys.stderr)
        return 2
    pages = load_samples(*files)
    cjk = cjk_pages(pages)
    print(f"| model | {' | '.join(title for _, title in COLUMNS)} |")
    print("|---|" + "---:|" * len(COLUMNS))
    out: dict[str, Any] = {}
    for path in args.models:
        report = crossfit_report(path, pages, folds=args.folds, use_filter=args.filter == "shipped")
        print(f"{path}: {cjk_summary(report, cjk)}", file=sys.stderr)
        metrics = article_page_metrics(report)
        out[str(path)] = metrics
        cells = ["–" if (value := metrics.get(key)) is None else f"{value:.4f}" for key, _ in COLUMNS]
        print(f"| {path} | {' | '.join(cells)} |", flush=True)
    if args.json is not None:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
