"""Build the HTML stage's training rows and fit the stage (:mod:`cleaner.html_stage`).

    python -m training.fit_dom rows ../shared/datasets corpus/html_stage     # about 5 min on 1 core
    python -m training.fit_dom fit corpus/html_stage                         # CV table, then the fit
    python -m training.fit_dom fit corpus/html_stage --out cleaner/models/html_stage.model.zip

``rows`` renders every page of the datasets' train and validation splits (the by-site
split of ``corpus/training/splits.json``; the test split is never read) as
``cleaner.Cleaner.clean_html`` does, labels its text against the gold as
``training.build_data`` does (:func:`training.align.align_rendered`, the same pages
skipped), and writes, per unit, the stage's input (:func:`cleaner.html_stage.stage_features`:
the shipped text model's probabilities and the markup features; no HTML and no text)
and its label to ``OUT/rows.npz``, with ``OUT/rows.json`` naming the pages, sites and
splits, and the text model's SHA-256. Pages of the train split were seen by the text
model, whose probabilities there are surer than on new pages; the validation split's
are not.

``fit`` compares designs by cross-validation grouped by site over the train and
validation rows (5 folds; each fold's units are scored with the label of the most
probable class: body word-F1 and accuracy by words, macro F1 by units) and writes the
chosen design, fitted on the train split's rows (``--fit-splits``), with ``--out``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from cleaner.config import CleanerConfig
from cleaner.dom_features import DOM_FEATURES, unit_dom_features
from cleaner.errors import CleanerError
from cleaner.html_stage import HtmlStage, assemble_features, stage_feature_names, unit_places
from cleaner.lexicon import count_words
from cleaner.model import default_model_path
from cleaner.pipeline.segment import Unit
from cleaner.samples import LabelSpan
from training.align import align_rendered, gold_from_record
from training.build_data import LONG_JUNK_RATIO, MIN_BODY_COVERAGE, MIN_LONG_JUNK, SKIP_DATASETS, _title_fallback
from training.splits import load_gold_ids, site_of, split_of

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
SPLITS = ("train", "validation")
# the markup features that are flags (0 or 1), stored as bits: all before "heading"
N_BINARY = DOM_FEATURES.index("heading")


def _records(datasets: Path) -> Iterator[dict[str, Any]]:
    for f in sorted(datasets.glob("*.jsonl.gz")):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)


def unit_labels(units: Sequence[Unit], spans: Sequence[LabelSpan], classes: Sequence[str]) -> np.ndarray:
    """Each unit's label (index into ``classes``): the label of most of its characters
    among ``spans``, junk where none covers it."""
    junk = list(classes).index("junk")
    out = np.full(len(units), junk, dtype=np.uint8)
    j = 0
    for k, u in enumerate(units):
        while j < len(spans) and spans[j].end <= u.start:
            j += 1
        cover: dict[str, int] = {}
        i = j
        while i < len(spans) and spans[i].start < u.end:
            s = spans[i]
            cover[s.label] = cover.get(s.label, 0) + min(s.end, u.end) - max(s.start, u.start)
            i += 1
        if cover:
            label = max(cover, key=lambda name: cover[name])
            if label in classes and 2 * cover[label] >= u.end - u.start:
                out[k] = list(classes).index(label)
    return out


def build_rows(datasets: Path, out: Path, limit: int | None = None) -> int:
    from cleaner import Cleaner

    split_file = ROOT / "corpus" / "training" / "splits.json"
    sites = dict(json.loads(split_file.read_text(encoding="utf-8")).get("sites", {}))
    gold_ids = load_gold_ids(ROOT / "corpus" / "gold" / "ids.txt")
    records = list(_records(datasets))
    forced = {
        site_of(str(r["id"]), str(r.get("dataset") or str(r["id"]).split("/")[0]), r.get("url"))
        for r in records
        if r["id"] in gold_ids
    }
    cleaner = Cleaner(config=CleanerConfig(html_stage=False))
    classes = [str(c) for c in cleaner.model.estimator.classes_]
    probas: list[np.ndarray] = []
    blocks: list[np.ndarray] = []
    containers: list[np.ndarray] = []
    flags: list[np.ndarray] = []
    numeric: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    words: list[np.ndarray] = []
    pages: list[dict[str, Any]] = []
    skipped: dict[str, int] = {}
    t0 = time.perf_counter()
    for r in records:
        rid = str(r["id"])
        dataset = str(r.get("dataset") or rid.split("/")[0])
        site = site_of(rid, dataset, r.get("url"))
        split = sites.get(site) or split_of(site, forced)
        if split not in SPLITS:
            continue
        if limit is not None and len(pages) >= limit:
            break
        gold = gold_from_record(r)
        if dataset in SKIP_DATASETS or not gold.body or not gold.body.strip():
            skipped["no body gold"] = skipped.get("no body gold", 0) + 1
            continue
        try:
            page, _meta, units, proba = cleaner.html_units(r.get("html") or "")
        except CleanerError:
            skipped["unreadable"] = skipped.get("unreadable", 0) + 1
            continue
        if not units:
            skipped["empty"] = skipped.get("empty", 0) + 1
            continue
        fallback = None
        if not gold.title:
            from cleaner.html_text import parse_html

            fallback = _title_fallback(parse_html(r.get("html") or ""))
        labelled, stats = align_rendered(page, gold, id=rid, site=site, title_fallback=fallback)
        if stats.body_coverage < MIN_BODY_COVERAGE or stats.long_junk_words > max(
            MIN_LONG_JUNK, LONG_JUNK_RATIO * stats.body_matched
        ):
            skipped["unreliable labels"] = skipped.get("unreliable labels", 0) + 1
            continue
        block, container = unit_places(page, units)
        dom = unit_dom_features(page, units)
        binary = dom[:, :N_BINARY]
        if not np.isin(binary, (0.0, 1.0)).all():  # pragma: no cover - a layout change
            raise ValueError("the first N_BINARY markup features must be 0 or 1")
        probas.append(np.round(proba * 255).astype(np.uint8))
        blocks.append(block.astype(np.int32))
        containers.append(container.astype(np.int32))
        flags.append(np.packbits(binary.astype(np.uint8), axis=1))
        numeric.append(dom[:, N_BINARY:].astype(np.float16))
        ys.append(unit_labels(units, labelled.spans, classes))
        words.append(np.asarray([count_words(page.text[u.start : u.end]) for u in units], dtype=np.uint16))
        pages.append({"id": rid, "site": site, "split": split, "units": len(units)})
        if len(pages) % 200 == 0:
            print(f"{len(pages)} pages, {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out / "rows.npz",
        proba=np.concatenate(probas),
        block=np.concatenate(blocks),
        container=np.concatenate(containers),
        flags=np.concatenate(flags),
        numeric=np.concatenate(numeric),
        y=np.concatenate(ys),
        words=np.concatenate(words),
    )
    model_sha = hashlib.sha256(default_model_path().read_bytes()).hexdigest()
    info = {
        "made_by": "python -m training.fit_dom rows " + str(datasets) + " " + str(out),
        "sources": "the page datasets of ../shared/datasets (see corpus/training/ATTRIBUTION.md): WCXB "
        "(CC-BY-4.0), fundus (MIT), mozilla/readability (Apache-2.0), scrapinghub/article-extraction-"
        "benchmark (MIT); per unit, numbers derived from each page's HTML and gold, no text",
        "text_model_sha256": model_sha,
        "classes": classes,
        "features": list(stage_feature_names(classes)),
        "n_binary": N_BINARY,
        "pages": pages,
        "skipped": skipped,
    }
    (out / "rows.json").write_text(json.dumps(info, indent=0) + "\n", encoding="utf-8")
    print(f"{len(pages)} pages, {sum(p['units'] for p in pages)} units; skipped {skipped}", file=sys.stderr)
    return 0


def load_features(data: Path, info: dict[str, Any]) -> np.ndarray:
    """The stage's input of every unit of the rows, assembled page by page."""
    a = np.load(data / "rows.npz")
    n_binary = int(info["n_binary"])
    proba = a["proba"].astype(np.float64) / 255.0
    dom = np.hstack(
        [np.unpackbits(a["flags"], axis=1)[:, :n_binary].astype(np.float32), a["numeric"].astype(np.float32)]
    )
    out = []
    pos = 0
    for p in info["pages"]:
        end = pos + int(p["units"])
        out.append(assemble_features(proba[pos:end], a["block"][pos:end], a["container"][pos:end], dom[pos:end]))
        pos = end
    return np.concatenate(out)


def _scores(y: np.ndarray, pred: np.ndarray, w: np.ndarray, body: int, k: int) -> dict[str, float]:
    tp = float(w[(pred == body) & (y == body)].sum())
    fp = float(w[(pred == body) & (y != body)].sum())
    fn = float(w[(pred != body) & (y == body)].sum())
    f1s = []
    for c in range(k):
        a, b = pred == c, y == c
        if b.any():
            t = float((a & b).sum())
            f1s.append(2 * t / max(1.0, float(a.sum() + b.sum())))
    return {
        "body_f1": 2 * tp / max(1.0, 2 * tp + fp + fn),
        "accuracy": float(w[pred == y].sum() / max(1.0, w.sum())),
        "macro_f1": float(np.mean(f1s)),
    }


DESIGNS: dict[str, dict[str, Any]] = {
    # unit weights by words (as body word-F1 counts them), or dampened (sqrt) so that
    # long units weigh less against a page's headline and bylines
    "hgb": {"params": {"max_iter": 100, "learning_rate": 0.1, "max_leaf_nodes": 31, "min_samples_leaf": 40},
            "weight": "words"},
    "hgb-sqrt": {"params": {"max_iter": 100, "learning_rate": 0.1, "max_leaf_nodes": 31, "min_samples_leaf": 40},
                 "weight": "sqrt"},
    # fewer or smaller trees, cheaper to walk on every page (issues 14 and 17): tried in
    # the fifteenth session and not chosen, 0.005 to 0.011 lower body word-F1 in the CV
    # table (training/CHANGELOG.md, "fifteenth session")
    "hgb-50": {"params": {"max_iter": 50, "learning_rate": 0.2, "max_leaf_nodes": 31, "min_samples_leaf": 40},
               "weight": "words"},
    "hgb-30": {"params": {"max_iter": 30, "learning_rate": 0.3, "max_leaf_nodes": 31, "min_samples_leaf": 40},
               "weight": "words"},
    "hgb-50x15": {"params": {"max_iter": 50, "learning_rate": 0.2, "max_leaf_nodes": 15, "min_samples_leaf": 40},
                  "weight": "words"},
}  # fmt: skip
DEFAULT_DESIGN = "hgb"


def _fit(x: np.ndarray, y: np.ndarray, words: np.ndarray, design: str, cols: np.ndarray | None = None) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    d = DESIGNS[design]
    w = 1.0 + words if d["weight"] == "words" else np.sqrt(1.0 + words)
    clf = HistGradientBoostingClassifier(**d["params"], random_state=0, early_stopping=False)
    return clf.fit(x if cols is None else x[:, cols], y, sample_weight=w)


def fit_stage(
    data: Path,
    out: Path | None,
    design: str,
    compare: bool,
    folds: int,
    fit_splits: Sequence[str] = ("train",),
    designs: Sequence[str] = ("hgb", "hgb-sqrt"),
) -> int:
    from sklearn.model_selection import GroupKFold

    info = json.loads((data / "rows.json").read_text(encoding="utf-8"))
    x = load_features(data, info)
    arrays = np.load(data / "rows.npz")
    y = arrays["y"].astype(np.int64)
    words = arrays["words"].astype(np.float64)
    classes = info["classes"]
    k = len(classes)
    sites = np.repeat([p["site"] for p in info["pages"]], [p["units"] for p in info["pages"]])
    splits = np.repeat([p["split"] for p in info["pages"]], [p["units"] for p in info["pages"]])
    body = classes.index("body")
    print(f"{len(info['pages'])} pages, {len(y)} units, {len(set(sites.tolist()))} sites", file=sys.stderr)
    if compare:
        n_text = 7 * k  # the probability columns
        variants: list[tuple[str, str, np.ndarray | None]] = [
            ("text model alone", "", None),
            (f"{design}, probabilities only", design, np.arange(n_text)),
            *((f"{d}, probabilities + markup", d, None) for d in designs),
        ]
        rows = []
        gkf = GroupKFold(n_splits=folds)
        for name, d, cols in variants:
            preds = np.zeros(len(y), dtype=np.int64)
            for tr, te in gkf.split(x, y, sites):
                if not d:
                    preds[te] = x[te, :k].argmax(axis=1)
                    continue
                clf = _fit(x[tr], y[tr], words[tr], d, cols)
                preds[te] = clf.predict(x[te] if cols is None else x[te][:, cols])
            all_s = _scores(y, preds, words, body, k)
            val = splits == "validation"
            val_s = _scores(y[val], preds[val], words[val], body, k)
            rows.append((name, all_s, val_s))
            print(f"  {name}: {all_s} | validation {val_s}", file=sys.stderr)
        print(f"\n{folds}-fold CV grouped by site, train+validation rows ({len(y)} units)\n")
        print("| design | body word-F1 | word accuracy | macro F1 | validation pages: body F1 | accuracy |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, a, v in rows:
            print(
                f"| {name} | {a['body_f1']:.4f} | {a['accuracy']:.4f} | {a['macro_f1']:.4f} | "
                f"{v['body_f1']:.4f} | {v['accuracy']:.4f} |"
            )
    if out is not None:
        keep = np.isin(splits, fit_splits)
        labels = np.asarray(classes, dtype=object)[y[keep]]  # labels, as a model file holds
        clf = _fit(x[keep], labels, words[keep], design)
        model_sha = hashlib.sha256(default_model_path().read_bytes()).hexdigest()
        if model_sha != info["text_model_sha256"]:
            print("warning: the rows were made with another text model; rebuild them (fit_dom rows)", file=sys.stderr)
        manifest = {
            "kind": "html_stage",
            "design": design,
            "params": DESIGNS[design]["params"],
            "weight": DESIGNS[design]["weight"],
            "command": "python -m training.fit_dom " + " ".join(sys.argv[1:]),
            "text_model_sha256": info["text_model_sha256"],
            "fit_splits": list(fit_splits),
            "training_pages": sum(p["split"] in fit_splits for p in info["pages"]),
            "training_units": int(keep.sum()),
            "rows_sha256": hashlib.sha256((data / "rows.npz").read_bytes()).hexdigest(),
            "sources": info["sources"],
        }
        sha = HtmlStage.of(clf, manifest).save(out)
        print(f"wrote {out} (sha256 {sha[:12]})", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.fit_dom", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("rows", help="render, label and featurize the train and validation pages")
    r.add_argument("datasets", type=Path)
    r.add_argument("out", type=Path)
    r.add_argument("--limit", type=int, default=None, help="first N pages only (trials)")
    f = sub.add_parser("fit", help="compare designs by grouped CV and fit the stage")
    f.add_argument("data", type=Path, help="the folder of rows.npz and rows.json")
    f.add_argument("--out", type=Path, default=None, help="write the fitted stage here")
    f.add_argument("--design", default=DEFAULT_DESIGN, choices=sorted(DESIGNS))
    f.add_argument("--no-compare", action="store_true", help="skip the cross-validation table")
    f.add_argument("--folds", type=int, default=5)
    f.add_argument(
        "--designs",
        default="hgb,hgb-sqrt",
        help="comma-separated designs the CV table compares (default: hgb,hgb-sqrt)",
    )
    f.add_argument(
        "--fit-splits",
        default="train",
        help="splits whose rows fit the saved stage (default train: the validation split stays held out)",
    )
    args = ap.parse_args(argv)
    if args.command == "rows":
        return build_rows(args.datasets, args.out, args.limit)
    fit_splits = tuple(args.fit_splits.split(","))
    designs = tuple(d for d in args.designs.split(",") if d)
    unknown = sorted(set(designs) - set(DESIGNS))
    if unknown or not designs:
        ap.error(f"unknown or no designs {unknown}; known: {sorted(DESIGNS)}")
    return fit_stage(args.data, args.out, args.design, not args.no_compare, args.folds, fit_splits, designs)


if __name__ == "__main__":
    sys.exit(main())
