"""The fast path: the block classifier's and rankers' predictions without
scikit-learn's per-call overhead, bit for bit the same.

A page is a few hundred rows; scikit-learn's ``predict_proba`` validates its input
and wraps each of a few hundred tree calls in Python, which costs more than the
trees themselves on so few rows. Two kernels are called directly here:

* :func:`wide_scores`: the stage-1 logistic scores of a page's numeric and hashed
  word columns, added into one output by scipy's CSR kernel, without building the
  stacked sparse matrix;
* :func:`stage2_proba`: a gradient-boosting classifier's trees, called one by one
  into the raw scores in scikit-learn's own order.

Both reach into private parts of scipy and scikit-learn, which a release may move
or change. :func:`verify` checks them against the public calls on a probe when a
model is loaded (:func:`cleaner.model.load_model`): if either disagrees, or is
missing, the fast path is switched off for the process with a warning, and the
public calls are used: slower, never wrong. So the scikit-learn pin can follow
releases; the tests (tests/test_speed_equivalence.py) check the same on real pages.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.ensemble import HistGradientBoostingClassifier

__all__ = ["STAGE2_BLOCK_ROWS", "enabled", "one_thread", "stage2_proba", "verify", "wide_scores"]

_STATE = {"enabled": True, "verified": False}


def enabled() -> bool:
    """Whether the fast path is in use (it is unless :func:`verify` found it wrong)."""
    return _STATE["enabled"] and csr_matvecs is not None


try:  # the kernel of a CSR matrix times a dense one, which adds into its output
    from scipy.sparse._sparsetools import csr_matvecs as csr_matvecs
except ImportError:  # pragma: no cover - scipy moved it: the stacked matrix is built instead
    csr_matvecs = None


def wide_scores(coef: np.ndarray, dense: Sequence[np.ndarray], words: Sequence[sp.csr_matrix]) -> np.ndarray:
    """``hstack([dense, words]) @ coef`` for the pages' blocks, stacked, bit for bit.

    The product of a CSR matrix and a dense one adds, row by row, each stored
    value times its coefficients, in storage order, into a zeroed output. The
    numeric block of a row comes first (zeros included: adding a zero product
    changes no sum), then its hashed words, so they are added in two passes over
    the same output.
    """
    k = dense[0].shape[1]
    n_out = coef.shape[1]
    n = sum(d.shape[0] for d in dense)
    out = np.zeros((n, n_out))
    head = np.ascontiguousarray(coef[:k])
    tail = coef[k:]
    pos = 0
    for d, w in zip(dense, words, strict=True):
        m = d.shape[0]
        if m == 0:
            continue
        part = out[pos : pos + m]
        flat = np.ascontiguousarray(d, dtype=np.float64).ravel()
        csr_matvecs(m, k, n_out, np.arange(0, m * k + 1, k), np.tile(np.arange(k), m), flat, head.ravel(), part.ravel())
        csr_matvecs(m, w.shape[1], n_out, w.indptr, w.indices, w.data, tail.ravel(), part.ravel())
        pos += m
    return out


# Rows of the stage-2 matrix given to the trees at a time: every tree reads all the
# rows it is given, and rows that stay in the processor's cache are read 3.7 times
# faster (48,212 rows of a 4 MB page: 2.08 s at once, 0.56 s in blocks of 1,024 to
# 16,384 rows). Rows are independent: the probabilities are the same, bit for bit.
STAGE2_BLOCK_ROWS = 4096


def stage2_proba(model: Any, S: np.ndarray) -> np.ndarray:
    """``model.predict_proba(S)``, in blocks of :data:`STAGE2_BLOCK_ROWS` rows."""
    if S.shape[0] <= STAGE2_BLOCK_ROWS:
        return stage2_block_proba(model, S)
    blocks = range(0, S.shape[0], STAGE2_BLOCK_ROWS)
    return np.concatenate([stage2_block_proba(model, S[i : i + STAGE2_BLOCK_ROWS]) for i in blocks])


def stage2_block_proba(model: Any, S: np.ndarray) -> np.ndarray:
    """``model.predict_proba(S)``; for gradient boosting, its trees called directly.

    scikit-learn's ``predict_proba`` validates ``S`` and wraps each of the few
    hundred tree calls in Python; here the trees add into the raw scores in the
    same order, so the probabilities are the same, bit for bit.
    """
    if (
        _STATE["enabled"]
        and _predict_from_raw_data is not None
        and isinstance(model, HistGradientBoostingClassifier)
        and getattr(model, "_preprocessor", 0) is None
        and getattr(model, "is_categorical_", 0) is None
        and S.ndim == 2
        and S.shape[1] == model.n_features_in_
    ):
        # column by column in memory: a tree takes each row through the same few
        # columns, which then sit next to each other (5-10% faster than row by row)
        X = np.asfortranarray(S, dtype=np.float64)
        known, f_idx_map = model._bin_mapper.make_known_categories_bitsets()
        n_k = model.n_trees_per_iteration_
        # raw scores class by class (rows of raw_t): the baseline, then each iteration's tree added
        raw_t = np.empty((n_k, X.shape[0]), dtype=model._baseline_prediction.dtype)
        raw_t[:] = model._baseline_prediction.reshape(n_k, 1)
        step = np.empty_like(raw_t)
        for trees in model._predictors:
            for k, tree in enumerate(trees):
                _predict_from_raw_data(tree.nodes, X, tree.raw_left_cat_bitsets, known, f_idx_map, 1, step[k])
            raw_t += step
        return np.asarray(model._loss.predict_proba(raw_t.T))
    return np.asarray(model.predict_proba(S))


try:
    from sklearn.ensemble._hist_gradient_boosting._predictor import _predict_from_raw_data
except ImportError:  # pragma: no cover - scikit-learn moved it: predict_proba is used
    _predict_from_raw_data = None


_THREADPOOLS: list[Any] = []


def one_thread() -> Any:
    """A context that limits OpenMP and BLAS to one thread (the controller is made once)."""
    if not _THREADPOOLS:
        from threadpoolctl import ThreadpoolController

        _THREADPOOLS.append(ThreadpoolController())
    return _THREADPOOLS[0].limit(limits=1)


def verify(estimator: Any, seed: int = 0) -> bool:
    """Check the fast path against scikit-learn's and scipy's public calls, once a
    process, on random probes shaped as ``estimator``'s inputs (its stage-2 trees
    when it has them); switch it off, with a warning, if they disagree.

    Returns whether the fast path stays on.
    """
    if _STATE["verified"] or not _STATE["enabled"]:
        return _STATE["enabled"]
    rng = np.random.default_rng(seed)
    problems = []
    if csr_matvecs is not None:
        k, n_words, n_out, m = 7, 50, 3, 9
        coef = rng.normal(size=(k + n_words, n_out))
        dense = rng.normal(size=(m, k))
        words = sp.random(m, n_words, density=0.1, format="csr", random_state=seed)
        want = np.asarray(sp.hstack([sp.csr_matrix(dense), words], format="csr") @ coef)
        if not np.allclose(wide_scores(coef, [dense], [words]), want, rtol=1e-12, atol=1e-12):
            problems.append("scipy's CSR kernel (stage-1 scores)")
    stage2 = getattr(estimator, "stage2_", None)
    if isinstance(stage2, HistGradientBoostingClassifier):
        S = rng.normal(size=(64, stage2.n_features_in_))
        if not np.allclose(stage2_block_proba(stage2, S), stage2.predict_proba(S), rtol=1e-9, atol=1e-12):
            problems.append("scikit-learn's tree predictor (stage-2 probabilities)")
    _STATE["verified"] = True
    if problems:
        _STATE["enabled"] = False
        warnings.warn(
            f"cleaner's fast path disagrees with this installation's {' and '.join(problems)}: the public "
            "predict_proba is used instead (slower, same results); please report the scipy and "
            "scikit-learn versions",
            RuntimeWarning,
            stacklevel=2,
        )
    return _STATE["enabled"]
