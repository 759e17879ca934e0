"""The fast path: the kernels that score a page's rows without scikit-learn's
per-call overhead, bit for bit the same.

A page is a few hundred rows; scikit-learn's ``predict_proba`` validates its input
and wraps each of a few hundred tree calls in Python, which costs more than the
computation itself on so few rows. Two kernels serve the predictors
(:mod:`cleaner.model.predict`):

* :func:`wide_scores`: the stage-1 logistic scores of a page's numeric and hashed
  word columns, the product of the stacked CSR matrix with the coefficients as
  scipy computes it (each row's stored values times their coefficients added in
  storage order, the numeric block first), without building the stacked matrix.
  One page's rows are scored with numpy (:func:`_numpy_scores`), which needs no
  scipy (importing scipy.sparse costs a program that cleans one page about 0.1 s);
  a batch of pages, or any call once scipy is imported, goes through scipy's
  compiled CSR kernel, about twice as fast (0.13 against 0.31 ms for a typical
  page of the test split);
* :func:`forest_proba`: a gradient-boosting classifier's probabilities. A page's
  rows go down the trees with numpy (:class:`cleaner.model.trees.Forest`), which
  needs no scikit-learn; a batch of many pages' rows goes through scikit-learn's
  compiled tree kernel, called once a tree, which costs about half as much a row
  (13 against 22-25 microseconds for stage 2's 315 trees, ``python
  benchmarks/tree_kernels.py``) but imports scikit-learn (1.7 s and 130 MB) the first
  time. So :func:`cleaner.clean` on a page never imports it, and
  :meth:`cleaner.Cleaner.clean_many` (and ``cleaner batch``) pays the import once.

The numpy product relies on numpy adding the rows of an array one after the other
when it reduces over its first axis, and the CSR kernel and the tree kernel are
private parts of scipy and scikit-learn, which a release may move or change:
:func:`verify` checks the numpy product against the sums done one by one in Python
on a probe when a model is loaded (:func:`cleaner.model.load_model`), the CSR kernel
is checked likewise when first used, and the tree kernel is checked against the
numpy walk on a probe when first used. If the numpy product disagrees, the fast path
is switched off for the process (the stacked matrix's product is used), and a kernel
that disagrees, or is missing, is not used; with a warning: slower, never wrong. The
tests (tests/test_fast_path.py, tests/test_speed_equivalence.py) check both ways
against scikit-learn's ``predict_proba`` and scipy's product.
"""

from __future__ import annotations

import sys
import warnings
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..pipeline.featurize import HashedWords
from .trees import Forest

__all__ = ["KERNEL_MIN_ROWS", "enabled", "forest_proba", "one_thread", "stage2_proba", "verify", "wide_scores"]

_STATE = {"enabled": True, "verified": False, "kernel": True, "csr": True}


def enabled() -> bool:
    """Whether the fast path is in use (it is unless :func:`verify` found it wrong)."""
    return _STATE["enabled"]


CsrKernel = Callable[..., None]
_CSR_KERNEL: list[CsrKernel] = []


def _import_csr_kernel() -> CsrKernel:
    """scipy's kernel of a CSR matrix times a dense one, which adds into its output
    (it imports scipy.sparse)."""
    from scipy.sparse._sparsetools import csr_matvecs

    return csr_matvecs  # type: ignore[no-any-return]


def _csr_kernel(batch: bool) -> CsrKernel | None:
    """scipy's CSR kernel, for a ``batch`` of pages or once scipy is imported, checked
    on the probe when first used; None where it is not to be used (one page while
    scipy is not imported, or a kernel missing or disagreeing, with a warning once)."""
    if not _STATE["csr"] or not (batch or "scipy.sparse" in sys.modules):
        return None
    if not _CSR_KERNEL:
        try:
            kernel = _import_csr_kernel()
            agree = _agrees(lambda coef, dense, words: _scores(coef, dense, words, kernel))
        except Exception:  # a release that moved or changed the kernel may fail in any way
            agree = False
        if not agree:
            _STATE["csr"] = False
            warnings.warn(
                "cleaner's fast path disagrees with this installation's scipy CSR kernel: stage-1 scores of "
                "batches are computed with numpy instead (slower, same results); please report the scipy version",
                RuntimeWarning,
                stacklevel=4,
            )
            return None
        _CSR_KERNEL.append(kernel)
    return _CSR_KERNEL[0]


def wide_scores(
    coef: np.ndarray, dense: Sequence[np.ndarray], words: Sequence[HashedWords], *, batch: bool = False
) -> np.ndarray:
    """``hstack([dense, words]) @ coef`` for the pages' blocks, stacked, bit for bit.

    The product of a CSR matrix and a dense one adds, row by row, each stored
    value times its coefficients, in storage order, into a zeroed output. The
    numeric block of a row comes first (zeros included: adding a zero product
    changes no sum), then its hashed words. scipy's kernel serves a ``batch`` of
    pages, or any call once scipy is imported; numpy the others (:func:`_numpy_scores`).
    """
    return _scores(coef, dense, words, _csr_kernel(batch))


def _scores(
    coef: np.ndarray, dense: Sequence[np.ndarray], words: Sequence[HashedWords], kernel: CsrKernel | None
) -> np.ndarray:
    """:func:`wide_scores` with scipy's CSR ``kernel`` (adding into the output in two
    passes, the numeric block, then the hashed words), or numpy's (None)."""
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
        if kernel is None:
            _numpy_scores(coef, np.asarray(d, dtype=np.float64), w, part)
        else:
            flat = np.ascontiguousarray(d, dtype=np.float64).ravel()
            kernel(m, k, n_out, np.arange(0, m * k + 1, k), np.tile(np.arange(k), m), flat, head.ravel(), part.ravel())
            kernel(m, w.shape[1], n_out, w.indptr, w.indices, w.data, tail.ravel(), part.ravel())
        pos += m
    return out


# Terms held at a time by the numpy product (rows times columns of a block of rows):
# 512 rows of a page's 133 numeric columns and 29 words at most (the test split).
_NUMPY_BLOCK_TERMS = 1 << 17


def _numpy_scores(coef: np.ndarray, d: np.ndarray, w: HashedWords, out: np.ndarray) -> None:
    """``out[:] = hstack([d, w]) @ coef`` as scipy's CSR kernel computes it, with numpy.

    For a block of rows, each row's terms (its numeric values, then its stored word
    values, times their coefficients) are laid out along the first axis of an array,
    ``(terms, outputs, rows)``, the rows with fewer words padded with zero terms
    (which change no sum), and added with ``np.add.reduce`` over that axis, which
    adds its rows one after the other into each output: each row's sum, term by
    term, in scipy's order. (Over an array whose other axes hold a single element
    numpy sums pairwise: a block has two rows at least, a zero row added if need be.)
    """
    m, k = d.shape
    n_out = coef.shape[1]
    head = coef[:k, :, None]
    indptr = np.asarray(w.indptr, dtype=np.int64)
    lens_all = np.diff(indptr)
    width = k + (int(lens_all.max()) if m else 0)
    step = max(1, _NUMPY_BLOCK_TERMS // width)
    for a in range(0, m, step):
        b = min(a + step, m)
        rows = max(b - a, 2)
        lens = np.zeros(rows, dtype=np.int64)
        lens[: b - a] = lens_all[a:b]
        n_words = int(lens.max())
        terms = np.empty((k + n_words, n_out, rows))
        dense = np.zeros((k, rows))
        dense[:, : b - a] = d[a:b].T
        np.multiply(head, dense[:, None, :], out=terms[:k])
        if n_words:
            stored = np.arange(n_words) < lens[:, None]  # (rows, n_words): the row's values, in order
            values = np.zeros((rows, n_words))
            values[stored] = w.data[indptr[a] : indptr[b]]
            cols = np.full((rows, n_words), k, dtype=np.intp)
            cols[stored] += w.indices[indptr[a] : indptr[b]]
            coefs = np.take(coef, cols.T, axis=0)  # (n_words, rows, n_out)
            np.multiply(coefs.transpose(0, 2, 1), values.T[:, None, :], out=terms[k:])
        out[a:b] = np.add.reduce(terms, axis=0)[:, : b - a].T


def _reference_scores(coef: np.ndarray, dense: np.ndarray, words: HashedWords) -> np.ndarray:
    """The product of :func:`wide_scores` for one page, a term at a time in Python floats."""
    c = coef.tolist()
    k = dense.shape[1]
    out = []
    for i, row in enumerate(dense.tolist()):
        acc = [0.0] * coef.shape[1]
        lo, hi = int(words.indptr[i]), int(words.indptr[i + 1])
        cols = [*range(k), *(k + j for j in words.indices[lo:hi].tolist())]
        terms = zip(cols, [*row, *words.data[lo:hi].tolist()], strict=True)
        for col, value in terms:
            for o, x in enumerate(c[col]):
                acc[o] += value * x
        out.append(acc)
    return np.asarray(out, dtype=np.float64).reshape(dense.shape[0], coef.shape[1])


def _probe() -> tuple[np.ndarray, list[np.ndarray], list[HashedWords]]:
    """Pages of random rows (of one row and of several, rows without words and rows
    of many) whose sums depend on the order of their terms."""
    rng = np.random.default_rng(0)
    k, n_words, n_out = 7, 50, 3
    coef = rng.normal(size=(k + n_words, n_out)) * 10.0 ** rng.integers(-6, 7, size=(k + n_words, n_out))
    dense, words = [], []
    for m in (9, 1, 4):
        dense.append(rng.normal(size=(m, k)) * 10.0 ** rng.integers(-6, 7, size=(m, k)))
        lens = rng.integers(0, 20, size=m)
        lens[0] = 0 if m > 1 else 12
        indptr = np.zeros(m + 1, dtype=np.int32)
        np.cumsum(lens, out=indptr[1:])
        indices = np.concatenate([np.sort(rng.choice(n_words, size=n, replace=False)) for n in lens.tolist()])
        data = rng.normal(size=int(indptr[-1])) * 10.0 ** rng.integers(-6, 7, size=int(indptr[-1]))
        words.append(HashedWords(indptr, indices.astype(np.int32), data, (m, n_words)))
    return coef, dense, words


def _agrees(scores: Callable[[np.ndarray, Sequence[np.ndarray], Sequence[HashedWords]], np.ndarray]) -> bool:
    """Whether ``scores`` gives the probe's products (:func:`_probe`), bit for bit."""
    coef, dense, words = _probe()
    want = np.vstack([_reference_scores(coef, d, w) for d, w in zip(dense, words, strict=True)])
    return bool(np.array_equal(scores(coef, dense, words), want))


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
    """Check the numpy product of :func:`wide_scores` against the sums done term by
    term in Python, once a process, on a probe; switch the fast path off, with a
    warning, if it disagrees or fails.

    Returns whether the fast path stays on.
    """
    if _STATE["verified"] or not _STATE["enabled"]:
        return enabled()
    try:
        agree = _agrees(lambda coef, dense, words: _scores(coef, dense, words, None))
    except Exception:  # a numpy release that changed what the product relies on may fail in any way
        agree = False
    _STATE["verified"] = True
    if not agree:
        _STATE["enabled"] = False
        warnings.warn(
            "cleaner's fast path disagrees with this installation's numpy (stage-1 scores): the stacked "
            "matrix is used instead (slower, same results); please report the numpy version",
            RuntimeWarning,
            stacklevel=2,
        )
    return enabled()
