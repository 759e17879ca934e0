"""What cleaner's numpy trees cost against scikit-learn's, by number of rows.

    python benchmarks/tree_kernels.py [--repeat 5]

For the shipped model's stage 2 (315 trees), headline ranker (81 trees) and HTML
stage (500 trees), on rows taken from the typical test pages (8-12 KB of text from
``corpus/training/test.jsonl.gz``; the HTML stage's rows are random, of its width),
prints milliseconds of CPU time a call (best of ``--repeat``) of
:meth:`cleaner.model.trees.Forest.predict_proba` (the trees walked all at once with
numpy: what cleaning a page uses, without importing scikit-learn), of scikit-learn's
compiled tree kernel called once a tree (:func:`cleaner.model.fast_path.forest_proba`'s
way for a batch of pages, which needs scikit-learn imported) and of scikit-learn's
``predict_proba``, and checks that the three give the same probabilities, bit for bit.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner import Cleaner  # noqa: E402
from cleaner.html_stage import default_html_stage  # noqa: E402
from cleaner.model import fast_path  # noqa: E402
from cleaner.model.predict import stack_matrix  # noqa: E402
from cleaner.model.state import _hgb_of  # noqa: E402
from cleaner.pipeline.decode import decode_labels  # noqa: E402
from cleaner.pipeline.featurize import featurize  # noqa: E402
from cleaner.pipeline.headline import candidates  # noqa: E402
from cleaner.pipeline.read import Page  # noqa: E402
from cleaner.samples import read_jsonl  # noqa: E402

ROWS = (1, 5, 20, 40, 64, 100, 160, 1000)


def _cpu_ms(call: Callable[[], object], repeat: int) -> float:
    """Best of ``repeat`` rounds of CPU time a call, in ms (rounds of at least 0.1 s)."""
    best = float("inf")
    for _ in range(repeat):
        n, start = 0, time.process_time()
        while True:
            call()
            n += 1
            spent = time.process_time() - start
            if spent >= 0.1:
                break
        best = min(best, spent / n)
    return best * 1000


def _rows(cleaner: Cleaner, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Stage 2's input rows and the headline ranker's, of the pages ``texts``."""
    predictor = cleaner.model.predictor
    units = [cleaner._segment(Page(t)) for t in texts]
    feats = [featurize(t, u) for t, u in zip(texts, units, strict=True)]
    S = stack_matrix(predictor._stage1_proba(feats), feats)
    proba = predictor.stage2.predict_proba(S)
    ranked, pos = [], 0
    for t, u in zip(texts, units, strict=True):
        p = proba[pos : pos + len(u)]
        pos += len(u)
        labels, _ = decode_labels(t, u, p, cleaner._classes)
        cands = candidates(t, u, labels, p, cleaner._classes)
        if cands is not None:
            ranked.append(cands.features)
    return S, np.vstack(ranked)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=Path, default=ROOT / "corpus" / "training" / "test.jsonl.gz")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    texts = [p.text for p in read_jsonl(args.pages) if 8000 <= len(p.text.encode("utf-8")) <= 12000]
    cleaner = Cleaner()
    stage2, ranked = _rows(cleaner, texts[:60])
    ranker = cleaner.model.headline_ranker
    models: list[tuple[str, Any, np.ndarray]] = [("stage 2", cleaner.model.estimator.stage2_, stage2)]
    if ranker is not None:
        models.append(("ranker", ranker.model_, ranked))
    stage = default_html_stage()
    if stage is not None:
        html_rows = np.random.default_rng(0).random((max(ROWS), stage.forest.n_features))
        models.append(("HTML", _hgb_of(stage.forest), html_rows))
    print(f"CPU ms a call, best of {args.repeat}")
    print(f"  {'model':<8} {'rows':>5} {'numpy walk':>11} {'tree calls':>11} {'predict_proba':>14}  same")
    with fast_path.one_thread():
        for name, model, X in models:
            forest = fast_path.Forest.of(model)
            assert fast_path._tree_kernel(forest) is not None, "scikit-learn's tree kernel is off"
            trees = len(model._predictors) * model.n_trees_per_iteration_
            for n in ROWS:
                S = X[:n]
                walk = forest.predict_proba(S)
                calls = forest.proba(fast_path._kernel_raw(forest, S))
                same = np.array_equal(walk, model.predict_proba(S)) and np.array_equal(calls, walk)
                print(
                    f"  {name:<8} {n:>5} {_cpu_ms(lambda S=S, f=forest: f.predict_proba(S), args.repeat):>11.3f}"
                    f" {_cpu_ms(lambda S=S, f=forest: fast_path._kernel_raw(f, S), args.repeat):>11.3f}"
                    f" {_cpu_ms(lambda S=S, m=model: m.predict_proba(S), args.repeat):>14.3f}  {same}"
                    + (f"  ({trees} trees)" if n == ROWS[0] else "")
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
