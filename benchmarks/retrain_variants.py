"""Variants of the cached ``--base`` retraining: the time of its steps and its quality.

    python benchmarks/retrain_variants.py VARIANT [--test]

Retrains the demo's five pages (``corpus/retrain_demo/train``) on the prepared base
data (:mod:`cleaner.base_cache`; prepared first if missing) and prints the fit's
seconds, stage 2's iterations, the word and article scores on the demo's held-out
pages and, with ``--test``, on the test split with the scope removed, and the peak
memory. ``VARIANT`` is a comma-separated list of settings, for example
``it=75`` (stage-2 iterations), ``lr=0.1`` (learning rate), ``es=0`` (no early
stopping), ``pages=400`` (base pages sampled), ``seed=0`` (the sample's seed) and
``nosnap`` (scikit-learn's own weighted bins instead of
:func:`cleaner.boosting.fit_boosting`'s). docs/retraining.md quotes its table.
Run it from the repository root.
"""

from __future__ import annotations

import functools
import json
import logging
import resource
import sys
import time
from pathlib import Path
from typing import Any

from threadpoolctl import threadpool_limits

import cleaner.base_cache as bc
import cleaner.retrain as cr
from cleaner.api import Cleaner
from cleaner.evaluate import evaluate_results, predict_pages
from cleaner.model import BlockClassifier, Model
from cleaner.retrain import load_user_samples, train_model
from cleaner.samples import iter_samples

_STEPS: list[tuple[float, str]] = []


class _Steps(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        _STEPS.append((round(record.relativeCreated / 1000, 1), record.getMessage()[:60]))


def _metrics(model: Model, pages: list[Any]) -> dict[str, float | None]:
    with threadpool_limits(1):
        r = evaluate_results(pages, predict_pages(Cleaner(model), pages)).metrics()
    keep = ("word_accuracy", "macro_f1", "main_body_f1", "headline_accuracy")
    return {k: (round(v, 4) if v is not None else None) for k, v in r.items() if k in keep or k.startswith("f1_")}


def main() -> int:
    logging.basicConfig(level=logging.INFO, handlers=[_Steps()])
    variant = sys.argv[1] if len(sys.argv) > 1 else ""
    opts = dict(kv.split("=", 1) for kv in variant.split(",") if "=" in kv)
    if "nosnap" in variant:
        bc.fit_boosting = lambda m, x, y, w, kw: m.fit(x, y, **kw)  # type: ignore[assignment]
    if "it" in opts:
        bc.STAGE2_ITERATIONS = int(opts["it"])
    if "it" in opts or "lr" in opts:
        new_stage2 = BlockClassifier._new_stage2

        def stage2(self: BlockClassifier) -> Any:
            m = new_stage2(self)
            m.set_params(
                max_iter=int(opts.get("it", 150)),
                learning_rate=float(opts.get("lr", 0.1)),
                early_stopping="auto" if opts.get("es", "1") == "1" else False,
            )
            return m

        BlockClassifier._new_stage2 = stage2  # type: ignore[method-assign]
    cr.fit_on_cache = functools.partial(bc.fit_on_cache, seed=int(opts.get("seed", 0)))  # type: ignore[attr-defined]
    cache = bc.open_base_cache()
    user = load_user_samples(["corpus/retrain_demo/train"])
    t1 = time.perf_counter()
    model = train_model(user.pages, base=True, base_cache=cache, base_pages=int(opts.get("pages", 400)), scoped=True)
    out: dict[str, Any] = {
        "fit_s": round(time.perf_counter() - t1, 1),
        "stage2_iter": getattr(model.estimator.stage2_, "n_iter_", None),
    }
    held = list(iter_samples(sorted(Path("corpus/retrain_demo/heldout").glob("*.labels.tsv"))))
    out["heldout"] = _metrics(model, held)
    if "--test" in sys.argv:
        test = list(iter_samples([Path("corpus/training/test.jsonl.gz")]))
        out["test_unscoped"] = _metrics(Model(model.estimator, model.manifest, model.headline_ranker), test)
    print(variant, json.dumps(out), "rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1000)
    print("  steps:", [(t, m[:28]) for t, m in _STEPS if any(k in m for k in ("stage", "ranker", "prepared"))])
    return 0


if __name__ == "__main__":
    sys.exit(main())
