"""Fit the article filter of :mod:`cleaner.pipeline.structure` and measure it by cross-validation.

    python -m training.fit_structure corpus/training                 # CV table, then write the shipped filter
    python -m training.fit_structure corpus/training --cv-only       # the CV table only
    python -m training.fit_structure corpus/training --out F.json    # write elsewhere

The filter learns from the shipped block classifier's view of the validation split's
pages (the classifier never saw them): every article the labels make on a page, but
the largest, is a training row. Its target comes from the page's aligned gold labels:

* on an aggregator page (a composed page, or one whose gold spans hold two or more
  headed articles): ``keep`` when its headline unit is gold headline and it has gold
  body;
* otherwise ``merge`` when most of its body words are gold body (a subheading or a
  split of the main article), else ``junk``.

Single-article pages (``page_type`` ``article``) never ``keep``; pages of other types
(listings, forums ...) without several gold articles give no rows, since whether
their parts are articles is not known.

Cross-validation is grouped by site (5 folds): each fold's filter cleans the pages of
the sites it was not fitted on, and the pages are scored with ``cleaner evaluate``'s
article-level scores, against the same pages cleaned without a filter. The
regularisation is chosen on that table; the test split is not read.
"""

from __future__ import annotations

import argparse
import bisect
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from cleaner.api import Cleaner
from cleaner.config import CleanerConfig
from cleaner.document import CleanResult
from cleaner.evaluate import ArticleScores, evaluate_results, gold_article_count
from cleaner.labels import Label
from cleaner.model import Model
from cleaner.pipeline.read import Page
from cleaner.pipeline.segment import Unit
from cleaner.pipeline.structure import (
    ACTIONS,
    EDGE_FEATURES,
    FEATURES,
    ArticleFilter,
    ArticleSpan,
    RunEdges,
    default_filter_path,
    page_features,
)
from cleaner.samples import LabelledPage, load_samples

__all__ = ["main"]


@dataclass
class _Page:
    page: LabelledPage
    units: list[Unit]
    proba: np.ndarray
    model: Model
    rows: list[np.ndarray] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    page_row: np.ndarray | None = None
    aggregator: bool = False


def _unit_gold(page: LabelledPage, units: Sequence[Unit]) -> list[str]:
    """Each unit's gold label: the label of most of its characters."""
    spans = sorted((s.start, s.end, s.label) for s in page.spans)
    starts = [s[0] for s in spans]
    out = []
    for u in units:
        share: dict[str, int] = {}
        k = max(bisect.bisect_right(starts, u.start) - 1, 0)
        while k < len(spans) and spans[k][0] < u.end:
            a, b, label = spans[k]
            overlap = min(b, u.end) - max(a, u.start)
            if overlap > 0:
                share[label] = share.get(label, 0) + overlap
            k += 1
        out.append(max(share, key=lambda x: share[x]) if share else Label.JUNK)
    return out


def _targets(
    page: LabelledPage,
    units: Sequence[Unit],
    spans: Sequence[ArticleSpan],
    largest: int,
    labels: Sequence[str],
) -> list[str | None]:
    """The target action of every span but the largest (None: not known)."""
    count, aggregator = gold_article_count(page)
    if count is None and not aggregator:
        return [None] * (len(spans) - 1)
    gold = _unit_gold(page, units)
    text = page.text
    out: list[str | None] = []
    for k, s in enumerate(spans):
        if k == largest:
            continue
        body = [i for i in range(s.start, s.end) if labels[i] == Label.BODY]
        words = [text.count(" ", units[i].start, units[i].end) + 1 for i in body]
        gold_body = sum(w for i, w in zip(body, words, strict=True) if gold[i] == Label.BODY)
        has_gold_body = any(gold[i] == Label.BODY for i in range(s.start, s.end))
        if aggregator and s.head is not None and gold[s.head] == Label.HEADLINE and has_gold_body:
            out.append("keep")
        elif 2 * gold_body >= sum(words):
            out.append("merge")
        else:
            out.append("junk")
    return out


def _prepare(cleaner: Cleaner, pages: Sequence[LabelledPage]) -> list[_Page]:
    """Each page's units, probabilities and training rows (features and targets)."""
    keep_all = _constant_filter("keep")
    out = []
    for page in pages:
        units, proba, model = cleaner._predict(Page(page.text))
        item = _Page(page, units, proba, model)

        def observe(
            spans: list[ArticleSpan], feats: np.ndarray, largest: int, labels: list[str], item: _Page = item
        ) -> None:
            item.page_row = page_features(feats, largest)
            item.aggregator = gold_article_count(item.page)[1]
            targets = _targets(item.page, item.units, spans, largest, labels)
            others = [k for k in range(len(spans)) if k != largest]
            for k, t in zip(others, targets, strict=True):
                if t is not None:
                    item.rows.append(feats[k])
                    item.targets.append(t)

        cleaner.article_filter = keep_all
        cleaner._observe_articles = observe
        cleaner._finish(Page(page.text), units, proba, model)
        cleaner._observe_articles = None
        out.append(item)
    return out


def _constant_filter(action: str) -> ArticleFilter:
    intercept = np.where(np.asarray(ACTIONS) == action, 1.0, 0.0)
    n = len(FEATURES)
    return ArticleFilter(np.zeros((len(ACTIONS), n)), intercept, np.zeros(n), np.ones(n), {})


def _fit(items: Sequence[_Page], c: float, info: dict[str, Any]) -> ArticleFilter:
    X = np.vstack([r for it in items for r in it.rows])
    y = np.asarray([t for it in items for t in it.targets])
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=c, max_iter=2000)
    lr.fit((X - mean) / scale, y)
    if len(lr.classes_) != len(ACTIONS):
        raise SystemExit(f"the training rows hold only the actions {list(lr.classes_)}: need all of {list(ACTIONS)}")
    order = [list(lr.classes_).index(a) for a in ACTIONS]
    coef = lr.coef_[order]
    intercept = lr.intercept_[order]
    pages = [it for it in items if it.page_row is not None]
    P = np.vstack([it.page_row for it in pages if it.page_row is not None])
    g = np.asarray([it.aggregator for it in pages])
    gate_mean = P.mean(axis=0)
    gate_scale = P.std(axis=0)
    gate_scale[gate_scale == 0] = 1.0
    gate = LogisticRegression(C=c, max_iter=2000).fit((P - gate_mean) / gate_scale, g)
    return ArticleFilter(
        coef,
        intercept,
        mean,
        scale,
        {**info, "rows": len(y), "gate_pages": len(g), "C": c},
        gate_coef=gate.coef_[0].copy(),
        gate_intercept=float(gate.intercept_[0]),
        gate_mean=gate_mean,
        gate_scale=gate_scale,
    )


def _clean(cleaner: Cleaner, items: Sequence[_Page], flt: ArticleFilter | None) -> list[CleanResult]:
    cleaner.article_filter = flt
    return [cleaner._finish(Page(it.page.text), it.units, it.proba, it.model) for it in items]


def _row(name: str, s: ArticleScores) -> str:
    arts = s.by_page_type().get("article", ArticleScores())

    def f(x: float | None) -> str:
        return "-" if x is None else f"{x:.3f}"

    return (
        f"| {name} | {f(s.single_article_exact)} | {f(s.aggregator_count_exact)} | {f(s.headline_accuracy_in_text)} "
        f"| {f(arts.headline_accuracy_in_text)} | {f(s.main_body_f1)} | {f(arts.main_body_f1)} | {f(s.body_f1)} "
        f"| {f(s.author_recall_in_text)} |"
    )


def _edge_rows(
    cleaner: Cleaner, items: Sequence[_Page], flt: ArticleFilter
) -> list[tuple[list[np.ndarray], list[bool]]]:
    """Each page's run-edge candidates' features and targets (gold body), as the
    pipeline with ``flt`` (and no edge model) sees them."""
    out = []
    n = len(EDGE_FEATURES)
    never = RunEdges(np.zeros(n), 0.0, np.zeros(n), np.ones(n), 2.0, {})  # sees the candidates, changes nothing
    cleaner.article_filter = replace(flt, edges=never)
    for it in items:
        rows: list[np.ndarray] = []
        targets: list[bool] = []
        gold = _unit_gold(it.page, it.units) if it.page.spans else None

        def observe(
            cands: list[tuple[int, bool, int]],
            feats: np.ndarray,
            gold: list[str] | None = gold,
            rows: list[np.ndarray] = rows,
            targets: list[bool] = targets,
        ) -> None:
            if gold is None:
                return
            for (i, _, _), row in zip(cands, feats, strict=True):
                rows.append(row)
                targets.append(gold[i] == Label.BODY)

        cleaner._observe_edges = observe
        cleaner._finish(Page(it.page.text), it.units, it.proba, it.model)
        cleaner._observe_edges = None
        out.append((rows, targets))
    return out


def _fit_edge_model(
    rows: Sequence[tuple[list[np.ndarray], list[bool]]], min_proba: float, info: dict[str, Any]
) -> RunEdges:
    X = np.vstack([r for rs, _ in rows for r in rs])
    y = np.asarray([t for _, ts in rows for t in ts])
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=1.0, max_iter=2000).fit((X - mean) / scale, y)
    return RunEdges(lr.coef_[0].copy(), float(lr.intercept_[0]), mean, scale, min_proba, {**info, "rows": len(y)})


def _fit_edges(
    cleaner: Cleaner,
    items: Sequence[_Page],
    flt: ArticleFilter,
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
    thresholds: Sequence[float],
    info: dict[str, Any],
) -> RunEdges | None:
    """The run-edge model: grouped CV over ``thresholds`` against the article filter
    alone; the best threshold by main-article body F1, or None when none gains."""
    rows = _edge_rows(cleaner, items, flt)
    pages = [it.page for it in items]
    base = evaluate_results(pages, _clean(cleaner, items, flt)).articles
    print(_row("article filter, no run edges", base), flush=True)
    best: tuple[float, float] | None = None
    fold_models = [_fit_edge_model([rows[i] for i in train_idx], 0.5, {}) for train_idx, _ in folds]
    for t in thresholds:
        results: list[CleanResult | None] = [None] * len(items)
        for (_, test_idx), edges in zip(folds, fold_models, strict=True):
            fold_flt = replace(flt, edges=replace(edges, min_proba=t))
            for i, r in zip(test_idx, _clean(cleaner, [items[i] for i in test_idx], fold_flt), strict=True):
                results[i] = r
        s = evaluate_results(pages, [r for r in results if r is not None]).articles
        print(_row(f"+ run edges, min_proba={t} (CV)", s), flush=True)
        gain = (s.main_body_f1 or 0.0) - (base.main_body_f1 or 0.0)
        if gain > 0 and (best is None or gain > best[0]):
            best = (gain, t)
    if best is None:
        print("run edges: no threshold gains main body F1; none shipped", file=sys.stderr)
        return None
    return _fit_edge_model(rows, best[1], {**info, "chosen_by": "grouped 5-fold CV on validation: main body F1"})


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.fit_structure", description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="folder with validation.jsonl.gz (python -m training.build_data)")
    ap.add_argument("--out", type=Path, default=None, help="where to write the filter (default: the shipped one)")
    ap.add_argument("--cv-only", action="store_true", help="print the cross-validation table, write nothing")
    ap.add_argument("--c", type=float, nargs="*", default=[0.1, 1.0], help="regularisation values compared")
    ap.add_argument(
        "--min-proba", type=float, nargs="*", default=[0.0, 0.5, 0.7, 0.85], help="action thresholds compared"
    )
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument(
        "--edge-min-proba",
        type=float,
        nargs="*",
        default=[0.5, 0.6, 0.7],
        help="thresholds compared for the main run's lead and ending (RunEdges)",
    )
    ap.add_argument(
        "--splits",
        default="validation",
        help="comma-separated splits to fit on (default validation: pages the block classifier never saw)",
    )
    args = ap.parse_args(argv)
    files = sorted(f for split in args.splits.split(",") for f in args.data.glob(f"{split}.jsonl*"))
    if not files:
        print(f"no {args.splits} files in {args.data}", file=sys.stderr)
        return 2
    pages = load_samples(*files)
    # the shipped filter is not loaded: it is the one being refitted (perhaps on another layout)
    cleaner = Cleaner(config=CleanerConfig(page_structure=False))
    items = _prepare(cleaner, pages)
    n_rows = sum(len(it.rows) for it in items)
    counts = {a: sum(t == a for it in items for t in it.targets) for a in ACTIONS}
    print(f"{len(pages)} pages, {n_rows} training rows {counts}", file=sys.stderr)
    # composed pages all have the site "composed": each is a group of its own, or one
    # fold would hold every aggregator and its filter would never have seen one
    groups = [it.page.id if it.page.meta.get("render") == "composed" else (it.page.site or it.page.id) for it in items]
    folds = list(GroupKFold(n_splits=args.folds).split(np.zeros(len(items)), groups=groups))
    print(
        "| filter | one article (single) | count exact (aggregators) | headline, title in text | (article pages) "
        "| main body F1 | (article pages) | matched body F1 | authors in text |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    base = evaluate_results([it.page for it in items], _clean(cleaner, items, None)).articles
    print(_row("none", base), flush=True)
    best: tuple[float, float, float] | None = None
    for c in args.c:
        fold_filters = [_fit([items[i] for i in train_idx], c, {}) for train_idx, _ in folds]
        for t in args.min_proba:
            results: list[CleanResult | None] = [None] * len(items)
            for (_, test_idx), flt in zip(folds, fold_filters, strict=True):
                flt = replace(flt, min_proba=t)
                for i, r in zip(test_idx, _clean(cleaner, [items[i] for i in test_idx], flt), strict=True):
                    results[i] = r
            done = [r for r in results if r is not None]
            s = evaluate_results([it.page for it in items], done).articles
            print(_row(f"C={c}, min_proba={t} (CV)", s), flush=True)
            parts = (s.single_article_exact, s.aggregator_count_exact, s.main_body_f1, s.headline_accuracy_in_text)
            score = sum(x or 0.0 for x in parts)
            if best is None or score > best[0]:
                best = (score, c, t)
    if args.cv_only or best is None:
        return 0
    _, c, t = best
    info = {
        "fitted_on": [str(f) for f in files],
        "pages": len(pages),
        "command": "python -m training.fit_structure " + " ".join(sys.argv[1:] if argv is None else argv),
        "chosen_by": "grouped 5-fold CV on validation: sum of single-article exact, aggregator count exact, "
        "main body F1 and headline where the title is in the text",
    }
    flt = replace(_fit(items, c, info), min_proba=t)
    flt = replace(flt, edges=_fit_edges(cleaner, items, flt, folds, args.edge_min_proba, info))
    out = args.out or default_filter_path()
    flt.save(out)
    print(f"wrote {out} (C={c}, min_proba={t})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
