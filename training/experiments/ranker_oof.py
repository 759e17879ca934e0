"""A headline ranker fitted on more pages: validation plus out-of-fold train pages.

    python training/experiments/ranker_oof.py OUT.joblib   # from the repository root, about 10 minutes

The shipped ranker learns from the shipped block classifier's view of the 585
validation pages. This script also fits the classifier three times on two thirds of
the train split (by-site folds, each with its share of composed pages) and adds each
fold model's view of the held-out third: about 3,500 pages for the ranker instead of
585. It saves the shipped classifier with the new ranker to OUT.joblib, to be compared
with ``cleaner evaluate --model OUT.joblib --compare-default`` on the test split and
the gold set.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cleaner.headline import HeadlineRanker  # noqa: E402
from cleaner.model import load_model, save_model  # noqa: E402
from cleaner.samples import read_jsonl  # noqa: E402
from cleaner.trainer import (  # noqa: E402
    COMPOSED_PAGES,
    DEFAULT_DESIGN,
    DESIGNS,
    fit_pages,
    ranker_candidates,
    with_composed,
)

DATA = ROOT / "corpus" / "training"


def main(out: str) -> int:
    shipped = load_model()
    train = [p for p in read_jsonl(DATA / "train.jsonl.gz") if p.meta.get("render") != "composed"]
    valid = list(read_jsonl(DATA / "validation.jsonl.gz"))
    found, gold = ranker_candidates(shipped.estimator, valid)
    print(f"validation: {len(found)} pages with candidates", flush=True)
    sites = [p.site or p.id for p in train]
    for k, (fit_idx, held_idx) in enumerate(GroupKFold(n_splits=3).split(np.arange(len(train)), groups=sites)):
        t0 = time.perf_counter()
        fold = [train[i] for i in fit_idx]
        model = fit_pages(with_composed(fold, COMPOSED_PAGES * len(fold) // len(train)), DESIGNS[DEFAULT_DESIGN])
        f, g = ranker_candidates(model, [train[i] for i in held_idx])
        found += f
        gold += g
        print(f"fold {k}: {len(f)} pages with candidates ({time.perf_counter() - t0:.0f} s)", flush=True)
    ranker = HeadlineRanker().fit(found, gold)
    manifest = dict(shipped.manifest)
    manifest["note"] = "experiment: ranker on validation + out-of-fold train pages (training/experiments/ranker_oof.py)"
    save_model(shipped.estimator, out, manifest, headline_ranker=ranker)
    print(f"saved {out}: ranker fitted on {len(found)} pages", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
