"""The fast path: the kernels that score a page's rows without scikit-learn's
per-call overhead, bit for bit the same.

A page is a few hundred rows; scikit-learn's ``predict_proba`` validates its input
and wraps each of a few hundred tree calls in Python, which costs more than the
computation itself on so few rows. Two kernels serve the predictors
(:mod:`cleaner.model.predict`):

* :func:`wide_scores`: the stage-1 logistic scores of a page's numeric and hashed
  word columns, added into one output by scipy's CSR kernel, without building the
  stacked sparse matrix;
* :func:`stage2_proba`: a gradient-boosting classifier's probabilities, its trees
  walked with numpy (:class:`cleaner.model.trees.Forest`).

The CSR kernel is a private part of scipy, which a release may move or change:
:func:`verify` checks it against the public product on a probe when a model is
loaded (:func:`cleaner.model.load_model`); if it disagrees, or is missing, the
stacked matrix is built instead, with a warning: slower, never wrong. The trees
need nothing private (their node records are the model file's); the tests
(tests/test_trees.py, tests/test_speed_equivalence.py) check them against
scikit-learn's ``predict_proba``.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from .trees import Forest

__all__ = ["enabled", "one_thread", "stage2_proba", "verify", "wide_scores"]

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
