"""Sweep cheaper stage-2 HistGradientBoosting variants on the shipped design.

    python training/experiments/stage2_sweep.py [phase ...]   # from the repository root; phases: base fit time

The run behind training/README.md ("Stage-2 settings") was made with this script, in
several passes (the l2 variants added after the first), with outputs in /tmp/s2
(``CLEANER_SWEEP_OUT`` to change it). It refits stage 2 only, about 40 minutes in all.

base: fit stage 1 + out-of-fold stage 1 once (exactly as BlockClassifier.fit does), save
      the fitted stage 1, the stage-2 matrix S and labels under /tmp/s2/.
fit:  for each variant fit a HistGradientBoostingClassifier on S, set it as stage2_ on a copy
      of the fitted model, evaluate on validation with cleaner.trainer.evaluate_pages.
time: stage-2 predict time (the model's own _stage2_proba path, one thread) and the full
      predict_proba_features on typical test pages (8-12 KB of text), best of 3.
"""

from __future__ import annotations

import copy
import json
import os
import sys
import time
from pathlib import Path

import joblib
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from cleaner.model import BlockClassifier, _one_thread, _stack_matrix, _stage2_proba  # noqa: E402
from cleaner.samples import load_samples, read_jsonl  # noqa: E402
from cleaner.trainer import COMPOSED_PAGES, DESIGNS, evaluate_pages, pages_to_xy, with_composed  # noqa: E402

OUT = Path(os.environ.get("CLEANER_SWEEP_OUT", "/tmp/s2"))
DATA = ROOT / "corpus" / "training"

# name -> extra HGB params on top of the shipped HistGradientBoostingClassifier(max_iter=150, random_state=0)
VARIANTS: dict[str, dict] = {
    "baseline (lr 0.1, iter<=150)": {},
    "lr 0.3": {"learning_rate": 0.3},
    "lr 0.3 + max_leaf_nodes 15": {"learning_rate": 0.3, "max_leaf_nodes": 15},
    "lr 0.2": {"learning_rate": 0.2},
    "max_leaf_nodes 15": {"max_leaf_nodes": 15},
    "lr 0.2 + max_leaf_nodes 15": {"learning_rate": 0.2, "max_leaf_nodes": 15},
    "max_depth 6": {"max_depth": 6},
    "max_depth 8": {"max_depth": 8},
    "lr 0.2 + max_depth 6": {"learning_rate": 0.2, "max_depth": 6},
    "baseline random_state=1 (noise ref)": {"random_state": 1},
}
# variants that are a prefix of a fitted one: with the same random_state, an early-stopped
# fit with max_iter=k builds the same first k iterations as the longer fit (the split for
# early stopping, the bins and each tree do not depend on max_iter), so it is that fit's
# first k iterations. name -> (fitted variant, k, params it stands for)
TRUNCATED: dict[str, tuple[str, int, dict]] = {
    "max_iter 30": ("baseline (lr 0.1, iter<=150)", 30, {"max_iter": 30}),
    "max_iter 40": ("baseline (lr 0.1, iter<=150)", 40, {"max_iter": 40}),
    "lr 0.2 + max_iter 30": ("lr 0.2", 30, {"learning_rate": 0.2, "max_iter": 30}),
    "lr 0.2 + max_iter 20": ("lr 0.2", 20, {"learning_rate": 0.2, "max_iter": 20}),
    "lr 0.3 + max_iter 20": ("lr 0.3", 20, {"learning_rate": 0.3, "max_iter": 20}),
    "lr 0.3 + max_leaf_nodes 15 + max_iter 20": (
        "lr 0.3 + max_leaf_nodes 15",
        20,
        {"learning_rate": 0.3, "max_leaf_nodes": 15, "max_iter": 20},
    ),
}
# second round, after lr 0.2/0.3 diverged (training loss went up: leaf values of Newton steps
# with near-zero hessians, l2_regularization=0) and stopped early at 11-14 iterations
VARIANTS2: dict[str, dict] = {
    "lr 0.3 + l2 1": {"learning_rate": 0.3, "l2_regularization": 1.0},
    "lr 0.3 + l2 10": {"learning_rate": 0.3, "l2_regularization": 10.0},
    "lr 0.2 + l2 1": {"learning_rate": 0.2, "l2_regularization": 1.0},
    "lr 0.2 + l2 10": {"learning_rate": 0.2, "l2_regularization": 10.0},
    "l2 1": {"l2_regularization": 1.0},
}
TRUNCATED2: dict[str, tuple[str, int, dict]] = {
    f"{src} + max_iter {k}": (src, k, {**VARIANTS2[src], "max_iter": k}) for src in VARIANTS2 for k in (20, 30, 40)
}
ALL = [*VARIANTS, *TRUNCATED, *VARIANTS2, *TRUNCATED2]
VARIANTS = {**VARIANTS, **VARIANTS2}
TRUNCATED = {**TRUNCATED, **TRUNCATED2}


def log(*a):
    print(f"[{time.strftime('%H:%M:%S')}]", *a, file=sys.stderr, flush=True)


def load(name):
    return load_samples(*sorted(DATA.glob(f"{name}*.jsonl.gz")))


def phase_base():
    t0 = time.perf_counter()
    train = with_composed(load("train"), COMPOSED_PAGES)
    X, y, groups = pages_to_xy(train)
    log(f"train pages {len(train)}")
    model = BlockClassifier(**DESIGNS["logistic+boosting-stack"])
    # BlockClassifier.fit, step by step (sample_weight None in the default recipe)
    feats = [p.features() for p in X]
    flat_y = np.asarray([label for labels in y for label in labels], dtype=object)
    model.classes_ = np.asarray(sorted(set(flat_y)), dtype=object)
    model.stage1_ = model._fit_stage1_all(feats, flat_y, None)
    log(f"stage 1 fitted ({time.perf_counter() - t0:.0f}s)")
    oof = model._out_of_fold(feats, flat_y, groups, None)
    S = _stack_matrix(oof, feats)
    log(f"oof + S done ({time.perf_counter() - t0:.0f}s), S {S.shape}")
    model.stage2_ = None
    from cleaner.features import NUMERIC_FEATURES

    model.n_features_in_ = len(NUMERIC_FEATURES)
    joblib.dump(model, OUT / "base_stage1.joblib")
    np.save(OUT / "S.npy", S)
    np.save(OUT / "y.npy", flat_y.astype(str))


def phase_fit():
    base = joblib.load(OUT / "base_stage1.joblib")
    S = np.load(OUT / "S.npy")
    flat_y = np.load(OUT / "y.npy").astype(object)
    valid = load("validation")
    res_path = OUT / "results.json"
    results = json.loads(res_path.read_text()) if res_path.exists() else {}
    for name in VARIANTS:  # prefixes of variants fitted in an earlier run
        if name in results:
            hgb = joblib.load(OUT / f"model_{ALL.index(name):02d}.joblib").stage2_
            for tname, (src, k, tparams) in TRUNCATED.items():
                if src == name and tname not in results:
                    evaluate_truncated(base, hgb, tname, k, tparams, valid, results)
                    res_path.write_text(json.dumps(results, indent=1))
    for name, extra in VARIANTS.items():
        if name in results:
            continue
        params = {"max_iter": 150, "random_state": base.random_state, **extra}
        t0 = time.perf_counter()
        hgb = HistGradientBoostingClassifier(**params).fit(S, flat_y)
        fit_s = time.perf_counter() - t0
        m = copy.copy(base)
        m.stage2_ = hgb
        sc = evaluate_pages(m, valid)
        f = {lbl: round(sc.prf(lbl)[2], 4) for lbl in sc.labels}
        results[name] = {
            "params": params,
            "n_iter": int(hgb.n_iter_),
            "trees": int(hgb.n_iter_ * hgb.n_trees_per_iteration_),
            "leaves": int(sum(int((t.nodes["is_leaf"]).sum()) for it in hgb._predictors for t in it)),
            "acc": sc.accuracy,
            "macro_f1": sc.macro_f1,
            "f1": f,
            "fit_s": fit_s,
        }
        joblib.dump(m, OUT / f"model_{ALL.index(name):02d}.joblib")
        res_path.write_text(json.dumps(results, indent=1))
        log(f"{name}: iter {hgb.n_iter_} acc {sc.accuracy:.4f} mF1 {sc.macro_f1:.4f} fit {fit_s:.0f}s")
        for tname, (src, k, tparams) in TRUNCATED.items():
            if src == name and tname not in results:
                evaluate_truncated(base, hgb, tname, k, tparams, valid, results)
                res_path.write_text(json.dumps(results, indent=1))


def evaluate_truncated(base, hgb, name, k, tparams, valid, results):
    if hgb.n_iter_ <= k:
        log(f"{name}: source stopped at {hgb.n_iter_} <= {k}, skipped")
        return
    t = copy.copy(hgb)
    t._predictors = hgb._predictors[:k]
    t.max_iter = k
    m = copy.copy(base)
    m.stage2_ = t
    sc = evaluate_pages(m, valid)
    results[name] = {
        "params": {"max_iter": 150, "random_state": base.random_state, **tparams},
        "n_iter": k,
        "trees": int(k * t.n_trees_per_iteration_),
        "leaves": int(sum(int((tr.nodes["is_leaf"]).sum()) for it in t._predictors for tr in it)),
        "acc": sc.accuracy,
        "macro_f1": sc.macro_f1,
        "f1": {lbl: round(sc.prf(lbl)[2], 4) for lbl in sc.labels},
        "fit_s": 0.0,
        "truncated_from": hgb.n_iter_,
    }
    joblib.dump(m, OUT / f"model_{ALL.index(name):02d}.joblib")
    log(f"{name} (first {k} of {hgb.n_iter_}): acc {sc.accuracy:.4f} mF1 {sc.macro_f1:.4f}")


def typical_feats():
    pages = [p for p in read_jsonl(DATA / "test.jsonl.gz") if 8000 <= len(p.text.encode()) <= 12000]
    X, _, _ = pages_to_xy(pages)
    return [x.features() for x in X]


def best_of(fn, n=3):
    best = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def phase_time():
    results = json.loads((OUT / "results.json").read_text())
    base = joblib.load(OUT / "base_stage1.joblib")
    feats = typical_feats()
    n_pages = len(feats)
    log(f"typical pages {n_pages}, mean units {np.mean([f.n_units for f in feats]):.0f}")
    with _one_thread():
        S_pages = [_stack_matrix(base._stage1_proba_predict([f]), [f]) for f in feats]
    batches = [feats[i : i + 50] for i in range(0, n_pages, 50)]
    S_batches = [np.vstack(S_pages[i : i + 50]) for i in range(0, n_pages, 50)]
    models = {name: joblib.load(OUT / f"model_{ALL.index(name):02d}.joblib") for name in results}
    # rounds interleave the variants so that load changes on the shared machine hit all alike
    s2_batch = {n: [float("inf")] * len(batches) for n in models}
    s2_single = {n: [float("inf")] * n_pages for n in models}
    full_batch = {n: [float("inf")] * len(batches) for n in models}
    full_single = {n: [float("inf")] * n_pages for n in models}
    for r in range(3):
        for name, m in models.items():
            hgb = m.stage2_
            with _one_thread():
                for i, Sb in enumerate(S_batches):
                    s2_batch[name][i] = min(s2_batch[name][i], best_of(lambda: _stage2_proba(hgb, Sb), 1))  # noqa: B023 (called at once)
                for i, Sp in enumerate(S_pages):
                    s2_single[name][i] = min(s2_single[name][i], best_of(lambda: _stage2_proba(hgb, Sp), 1))  # noqa: B023 (called at once)
            for i, b in enumerate(batches):
                full_batch[name][i] = min(full_batch[name][i], best_of(lambda: m.predict_proba_features(b), 1))  # noqa: B023 (called at once)
            for i, f in enumerate(feats):
                full_single[name][i] = min(full_single[name][i], best_of(lambda: m.predict_proba_features([f]), 1))  # noqa: B023 (called at once)
        log(f"timing round {r + 1}/3 done")
    for name in models:
        results[name]["s2_ms_page_batch"] = 1000 * sum(s2_batch[name]) / n_pages
        results[name]["s2_ms_single"] = 1000 * float(np.mean(s2_single[name]))
        results[name]["full_ms_page_batch"] = 1000 * sum(full_batch[name]) / n_pages
        results[name]["full_ms_single"] = 1000 * float(np.mean(full_single[name]))
    (OUT / "results.json").write_text(json.dumps(results, indent=1))


def table():
    results = json.loads((OUT / "results.json").read_text())
    b = results[next(iter(VARIANTS))]
    print(
        "| variant | iterations | trees | leaves | val word acc | val macro F1 | d acc | d F1 "
        "| stage-2 ms/page (batch 50) | stage-2 ms (single page) "
        "| full predict ms/page (batch) | full predict ms (single) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['n_iter']} | {r['trees']} | {r['leaves']} | {r['acc']:.4f} | {r['macro_f1']:.4f} "
            f"| {r['acc'] - b['acc']:+.4f} | {r['macro_f1'] - b['macro_f1']:+.4f} "
            f"| {r.get('s2_ms_page_batch', float('nan')):.3f} | {r.get('s2_ms_single', float('nan')):.3f} "
            f"| {r.get('full_ms_page_batch', float('nan')):.3f} | {r.get('full_ms_single', float('nan')):.3f} |"
        )
    print()
    print("| variant | per-label F1 | fit s |")
    print("|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['f1']} | {r['fit_s']:.0f} |")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    phases = sys.argv[1:] or ["base", "fit", "time"]
    for ph in phases:
        t0 = time.perf_counter()
        {"base": phase_base, "fit": phase_fit, "time": phase_time, "table": lambda: None}[ph]()
        log(f"phase {ph} done in {time.perf_counter() - t0:.0f}s")
    table()
