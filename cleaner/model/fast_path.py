"""The fast path: the kernels that score a page's rows without scikit-learn's
per-call overhead, bit for bit the same.

A page is a few hundred rows; scikit-learn's ``predict_proba`` validates its input
and wraps each of a few hundred tree calls in Python, which costs more than the
computation itself on so few rows. Two kernels serve the predictors
(:mod:`cleaner.model.predict`):

* :func:`wide_scores`: the stage-1 logistic scores of a page's numeric and hashed
  word columns, added into one output by scipy's CSR kernel, without building the
  stacked sparse matrix;
* :func:`forest_proba`: a gradient-boosting classifier's probabilities. A page's
  rows go down the trees with numpy (:class:`cleaner.model.trees.Forest`), which
  needs no scikit-learn; a batch of many pages' rows goes through scikit-learn's
  compiled tree kernel, called once a tree, which costs about half as much a row
  (13 against 22-25 microseconds for stage 2's 315 trees, ``python
  benchmarks/tree_kernels.py``) but imports scikit-learn (1.7 s and 130 MB) the first
  time. So :func:`cleaner.clean` on a page never imports it, and
  :meth:`cleaner.Cleaner.clean_many` (and ``cleaner batch``) pays the import once.

The CSR kernel and the tree kernel are private parts of scipy and scikit-learn,
which a release may move or change: :func:`verify` checks the first against the
public product on a probe when a model is loaded (:func:`cleaner.model.load_model`),
and the tree kernel is checked against the numpy walk on a probe when first used.
If either disagrees, or is missing, it is switched off for the process with a
warning: slower, never wrong. The tests (tests/test_fast_path.py,
tests/test_speed_equivalence.py) check both ways against scikit-learn's
``predict_proba``.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from .trees import Forest

__all__ = ["KERNEL_MIN_ROWS", "enabled", "forest_proba", "one_thread", "stage2_proba", "verify", "wide_scores"]

_STATE = {"enabled": True, "verified": False, "kernel": True}


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


# Rows from which a call with several pages' rows goes through scikit-learn's tree
# kernel: a batch of pages (clean_many's 64), not one page (a typical page has 160
# units, a long one a few thousand).
KERNEL_MIN_ROWS = 2000

# Rows given to the tree kernel at a time: every tree reads all the rows it is given,
# and rows that stay in the processor's cache are read 3.7 times faster (48,212 rows
# of a 4 MB page: 2.08 s at once, 0.56 s in blocks of 1,024 to 16,384 rows). Rows are
# independent: the probabilities are the same, bit for bit.
KERNEL_BLOCK_ROWS = 4096


def forest_proba(forest: Forest, S: np.ndarray, *, batch: bool = False) -> np.ndarray:
    """``forest.predict_proba(S)``, bit for bit; the rows of a ``batch`` of pages (at
    least :data:`KERNEL_MIN_ROWS` of them) through scikit-learn's tree kernel."""
    if not (batch and S.shape[0] >= KERNEL_MIN_ROWS and _tree_kernel(forest) is not None):
        return forest.predict_proba(S)
    blocks = range(0, S.shape[0], KERNEL_BLOCK_ROWS)
    return np.concatenate([forest.proba(_kernel_raw(forest, S[i : i + KERNEL_BLOCK_ROWS])) for i in blocks])


_KERNEL: list[Any] = []


def _tree_kernel(forest: Forest) -> Any:
    """scikit-learn's tree kernel, imported on first use and checked against the numpy
    walk on a probe; None where it is missing or disagrees (with a warning, once)."""
    if not _STATE["kernel"]:
        return None
    if not _KERNEL:
        try:
            from sklearn.ensemble._hist_gradient_boosting._predictor import _predict_from_raw_data

            _KERNEL.append(_predict_from_raw_data)
            probe = np.random.default_rng(0).normal(size=(16, forest.n_features))
            probe[::4, ::3] = np.nan
            agree = np.array_equal(_kernel_raw(forest, probe), forest.raw(probe))
        except Exception:  # a release that moved or changed the kernel may fail in any way
            agree = False
        if not agree:
            _KERNEL.clear()
            _STATE["kernel"] = False
            warnings.warn(
                "cleaner's fast path disagrees with this installation's scikit-learn tree kernel: batches of "
                "pages walk the trees with numpy instead (slower, same results); please report the "
                "scikit-learn version",
                RuntimeWarning,
                stacklevel=3,
            )
            return None
    return _KERNEL[0]


_KERNEL_ARGS: weakref.WeakKeyDictionary[Forest, Any] = weakref.WeakKeyDictionary()


def _kernel_raw(forest: Forest, S: np.ndarray) -> np.ndarray:
    """The raw scores of ``forest`` for ``S``, class by class (``(n_classes, rows)``):
    the tree kernel called once a tree, each iteration's trees added to the baseline in
    turn, as scikit-learn's ``predict_proba`` does."""
    kernel = _KERNEL[0]
    calls = _KERNEL_ARGS.get(forest)
    if calls is None:  # each tree's nodes as memoryviews, made once a forest (cheaper to check a call)
        flat = np.asarray(forest.tree_sizes).ravel()
        ends = np.cumsum(flat).tolist()
        trees = [forest.nodes[e - n : e].data for n, e in zip(flat.tolist(), ends, strict=True)]
        no_categories = np.zeros((0, 8), dtype=np.uint32).data
        f_idx_map = np.zeros(forest.n_features, dtype=np.uint32).data
        calls = _KERNEL_ARGS[forest] = (trees, no_categories, f_idx_map)
    trees, no_categories, f_idx_map = calls
    # column by column in memory: a tree takes each row through the same few columns
    X = np.asfortranarray(S, dtype=np.float64)
    k = forest.n_k
    raw_t = np.empty((k, X.shape[0]))
    raw_t[:] = forest.baseline.reshape(k, 1)
    step = np.empty_like(raw_t)
    data, outs = X.data, [row.data for row in step]
    for i in range(0, len(trees), k):
        for j in range(k):
            kernel(trees[i + j], data, no_categories, no_categories, f_idx_map, 1, outs[j])
        raw_t += step
    return raw_t


_FORESTS: weakref.WeakKeyDictionary[Any, tuple[Any, Forest]] = weakref.WeakKeyDictionary()


def stage2_proba(model: Any, S: np.ndarray) -> np.ndarray:
    """``model.predict_proba(S)``, bit for bit; for a fitted gradient-boosting
    classifier, its trees walked with numpy (:class:`Forest`, made once a model and
    again after a new fit)."""
    if not (hasattr(model, "_predictors") and hasattr(model, "_baseline_prediction")):
        return np.asarray(model.predict_proba(S))
    found = _FORESTS.get(model)
    if found is None or found[0] is not model._predictors:
        found = _FORESTS[model] = (model._predictors, Forest.of(model))
    return found[1].predict_proba(np.asarray(S))


_THREADPOOLS: list[Any] = []


def one_thread() -> Any:
    """A context that limits OpenMP and BLAS to one thread (the controller is made once)."""
    if not _THREADPOOLS:
        from threadpoolctl import ThreadpoolController

        _THREADPOOLS.append(ThreadpoolController())
    return _THREADPOOLS[0].limit(limits=1)


def verify() -> bool:
    """Check the CSR kernel of :func:`wide_scores` against scipy's public product, once a
    process, on a random probe; switch the fast path off, with a warning, if it
    disagrees or fails.

    Returns whether the fast path stays on.
    """
    if _STATE["verified"] or not _STATE["enabled"]:
        return enabled()
    rng = np.random.default_rng(0)
    problems = []
    if csr_matvecs is not None:
        k, n_words, n_out, m = 7, 50, 3, 9
        coef = rng.normal(size=(k + n_words, n_out))
        dense = rng.normal(size=(m, k))
        words = sp.random(m, n_words, density=0.1, format="csr", random_state=0)
        want = np.asarray(sp.hstack([sp.csr_matrix(dense), words], format="csr") @ coef)
        try:
            agree = bool(np.allclose(wide_scores(coef, [dense], [words]), want, rtol=1e-12, atol=1e-12))
        except Exception:  # a release that changed the kernel's arguments may fail in any way
            agree = False
        if not agree:
            problems.append("scipy's CSR kernel (stage-1 scores)")
    _STATE["verified"] = True
    if problems:
        _STATE["enabled"] = False
        warnings.warn(
            f"cleaner's fast path disagrees with this installation's {' and '.join(problems)}: the stacked "
            "matrix is used instead (slower, same results); please report the scipy version",
            RuntimeWarning,
            stacklevel=2,
        )
    return enabled()
