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
import weakref
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

# Rows up to which the trees are walked all at once with numpy (:class:`_Forest`)
# rather than called one by one (:func:`tree_calls_raw`). A call of scikit-learn's
# tree kernel costs a few microseconds before it reads a row (it checks its
# arguments' buffers), which on few rows is most of the time; numpy's steps cost more
# a row. Both cost the same at about 50 rows for the ranker's 81 trees and 80 rows
# for stage 2's 315 (python benchmarks/tree_kernels.py).
FOREST_MAX_ROWS = 64


def stage2_proba(model: Any, S: np.ndarray) -> np.ndarray:
    """``model.predict_proba(S)``, in blocks of :data:`STAGE2_BLOCK_ROWS` rows."""
    if S.shape[0] <= STAGE2_BLOCK_ROWS:
        return stage2_block_proba(model, S)
    blocks = range(0, S.shape[0], STAGE2_BLOCK_ROWS)
    return np.concatenate([stage2_block_proba(model, S[i : i + STAGE2_BLOCK_ROWS]) for i in blocks])


def _direct(model: Any, S: np.ndarray) -> bool:
    """Whether ``model``'s trees can be called directly on ``S`` (plain numeric
    gradient boosting, with the kernel this installation has)."""
    return (
        _STATE["enabled"]
        and _predict_from_raw_data is not None
        and isinstance(model, HistGradientBoostingClassifier)
        and getattr(model, "_preprocessor", 0) is None
        and getattr(model, "is_categorical_", 0) is None
        and S.ndim == 2
        and S.shape[1] == model.n_features_in_
    )


def stage2_block_proba(model: Any, S: np.ndarray) -> np.ndarray:
    """``model.predict_proba(S)``; for gradient boosting, its trees called directly
    (:func:`tree_calls_raw`), or for few rows walked all at once (:func:`forest_raw`).

    scikit-learn's ``predict_proba`` validates ``S`` and wraps each of the few
    hundred tree calls in Python; here the trees' outputs add into the raw scores in
    the same order, so the probabilities are the same, bit for bit.
    """
    if not _direct(model, S):
        return np.asarray(model.predict_proba(S))
    if S.shape[0] <= FOREST_MAX_ROWS and not np.isnan(S).any():
        raw_t = forest_raw(model, S)
    else:
        raw_t = tree_calls_raw(model, S)
    return np.asarray(model._loss.predict_proba(raw_t.T))


def tree_calls_raw(model: Any, S: np.ndarray) -> np.ndarray:
    """The raw scores of ``model`` for ``S``, class by class (``(n_classes, rows)``;
    one row for a binary model): scikit-learn's tree kernel called once a tree, each
    iteration's trees added to the baseline in turn, as ``predict_proba`` does."""
    # column by column in memory: a tree takes each row through the same few
    # columns, which then sit next to each other (5-10% faster than row by row)
    X = np.asfortranarray(S, dtype=np.float64)
    calls = _kernel_arguments(model)
    n_k = model.n_trees_per_iteration_
    # raw scores class by class (rows of raw_t): the baseline, then each iteration's tree added
    raw_t = np.empty((n_k, X.shape[0]), dtype=model._baseline_prediction.dtype)
    raw_t[:] = model._baseline_prediction.reshape(n_k, 1)
    step = np.empty_like(raw_t)
    # Python memoryviews, made once a call, cost the kernel less to check than arrays
    data, outs = X.data, [row.data for row in step]
    known, f_idx_map = calls.known, calls.f_idx_map
    for trees in calls.trees:
        for k, (nodes, bitsets) in enumerate(trees):
            _predict_from_raw_data(nodes, data, bitsets, known, f_idx_map, 1, outs[k])
        raw_t += step
    return raw_t


class _KernelArguments:
    """A model's trees as the tree kernel takes them, made once a model: each tree's
    nodes and category bitsets as memoryviews (3 us less a call than arrays: the
    kernel checks its arguments' buffers at each call), by iteration and class."""

    __slots__ = ("f_idx_map", "known", "predictors", "trees")

    def __init__(self, model: Any) -> None:
        self.predictors = model._predictors
        known, f_idx_map = model._bin_mapper.make_known_categories_bitsets()
        self.known = memoryview(known)
        self.f_idx_map = memoryview(f_idx_map)
        self.trees = [
            [(memoryview(t.nodes), memoryview(t.raw_left_cat_bitsets)) for t in its] for its in model._predictors
        ]


class _Forest:
    """A model's trees in flat arrays, walked all at once with numpy.

    Node ``n`` of the forest (the trees' nodes one after the other) has its entries
    at ``2 n`` and ``2 n + 1`` of ``feature``, ``threshold`` and ``value``, and its
    children at ``children[2 n + (x <= threshold)]``: ``2 right`` and ``2 left``, as
    the kernel goes left when ``x <= threshold``. A leaf is its own two children, so
    a row that reached it stays there. The trees are walked in the order of their
    depth, deepest first, so that each step walks a prefix of the (tree, row) pairs:
    the trees no deeper than the steps taken are done. NaN values, which the kernel
    sends the way each node says, are left to the kernel (:func:`stage2_block_proba`).
    """

    __slots__ = (
        "baseline",
        "children",
        "feature",
        "n_k",
        "order",
        "predictors",
        "roots",
        "steps",
        "threshold",
        "value",
    )

    def __init__(self, model: Any) -> None:
        self.predictors = model._predictors
        self.n_k = model.n_trees_per_iteration_
        trees = [t for its in model._predictors for t in its]  # iteration by iteration, class by class
        depth = np.asarray([int(t.nodes["depth"].max()) for t in trees])
        self.order = np.argsort(-depth, kind="stable")
        trees = [trees[i] for i in self.order]

        def field(name: str) -> np.ndarray:  # one field of all the nodes (joining whole node records is slower)
            return np.concatenate([t.nodes[name] for t in trees])

        sizes = np.asarray([len(t.nodes) for t in trees], dtype=np.intp)
        first = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
        offset = np.repeat(first, sizes)
        leaf = field("is_leaf").astype(bool)
        own = np.arange(len(leaf), dtype=np.intp)
        left = np.where(leaf, own, field("left").astype(np.intp) + offset)
        right = np.where(leaf, own, field("right").astype(np.intp) + offset)
        self.children = 2 * np.stack([right, left], axis=1).ravel()
        self.feature = np.repeat(np.where(leaf, 0, field("feature_idx")).astype(np.intp), 2)
        self.threshold = np.repeat(field("num_threshold").astype(np.float64), 2)
        self.value = np.repeat(field("value").astype(np.float64), 2)
        self.roots = 2 * first
        # trees still walking after each step: those deeper than the steps taken
        self.steps = [int((depth > d).sum()) for d in range(int(depth.max()))]
        self.baseline = np.asarray(model._baseline_prediction, dtype=np.float64).reshape(1, self.n_k, 1)

    def raw(self, S: np.ndarray) -> np.ndarray:
        """The raw scores, class by class (``(n_classes, rows)``), bit for bit those
        of :func:`tree_calls_raw`."""
        rows, n_features = S.shape
        n_trees = len(self.roots)
        data = np.ascontiguousarray(S, dtype=np.float64).ravel()
        # (tree, row) pairs tree by tree: where each row's values start, and its node
        row_at = np.tile(np.arange(rows, dtype=np.intp) * n_features, n_trees)
        at = np.repeat(self.roots, rows)
        for walking in self.steps:
            m = walking * rows
            here = at[:m]
            went_left = data.take(self.feature.take(here) + row_at[:m]) <= self.threshold.take(here)
            at[:m] = self.children.take(here + went_left)
        leaves = np.empty((n_trees, rows))
        leaves[self.order] = self.value.take(at).reshape(n_trees, rows)
        # the baseline, then each iteration's trees added in turn: a running sum is
        # the same additions in the same order as tree_calls_raw's
        start = np.broadcast_to(self.baseline, (1, self.n_k, rows))
        terms = np.concatenate([start, leaves.reshape(-1, self.n_k, rows)])
        return np.asarray(np.cumsum(terms, axis=0)[-1])


_KERNEL_ARGUMENTS: weakref.WeakKeyDictionary[Any, _KernelArguments] = weakref.WeakKeyDictionary()
_FORESTS: weakref.WeakKeyDictionary[Any, _Forest] = weakref.WeakKeyDictionary()


def _kernel_arguments(model: Any) -> _KernelArguments:
    """``model``'s :class:`_KernelArguments`, made again if its trees changed (a new fit)."""
    found = _KERNEL_ARGUMENTS.get(model)
    if found is None or found.predictors is not model._predictors:
        found = _KERNEL_ARGUMENTS[model] = _KernelArguments(model)
    return found


def forest_raw(model: Any, S: np.ndarray) -> np.ndarray:
    """The raw scores of :func:`tree_calls_raw`, the trees walked with numpy
    (:class:`_Forest`, made once a model and again if its trees changed)."""
    found = _FORESTS.get(model)
    if found is None or found.predictors is not model._predictors:
        found = _FORESTS[model] = _Forest(model)
    return found.raw(np.asarray(S, dtype=np.float64))


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


def verify(estimator: Any, seed: int = 0, ranker: Any = None) -> bool:
    """Check the fast path against scikit-learn's and scipy's public calls, once a
    process, on random probes shaped as ``estimator``'s inputs (its stage-2 trees
    when it has them, and the trees of ``ranker``, a headline ranker, when given):
    each way of evaluating trees (:func:`forest_raw`, :func:`tree_calls_raw`) must
    give ``predict_proba``'s probabilities; switch the fast path off, with a warning,
    if anything disagrees or fails.

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
    for what, trees in (("stage-2", getattr(estimator, "stage2_", None)), ("ranker", getattr(ranker, "model_", None))):
        if isinstance(trees, HistGradientBoostingClassifier):
            with one_thread():  # 64 rows: OpenMP threads would cost more than they save
                problems += _tree_problems(what, trees, rng)
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


def _tree_problems(what: str, trees: Any, rng: np.random.Generator) -> list[str]:
    """The ways of evaluating ``trees`` (:func:`forest_raw`, :func:`tree_calls_raw`)
    that do not give ``predict_proba``'s probabilities on a random probe."""
    S = rng.normal(size=(FOREST_MAX_ROWS, trees.n_features_in_))
    if not _direct(trees, S):
        return []
    want = trees.predict_proba(S)
    problems = []
    for kernel in (forest_raw, tree_calls_raw):
        try:
            got = np.asarray(trees._loss.predict_proba(kernel(trees, S).T))
            agree = bool(np.allclose(got, want, rtol=1e-9, atol=1e-12))
        except Exception:  # a release that changed the trees' layout may fail in any way
            agree = False
        if not agree:
            problems.append(f"scikit-learn's tree predictor ({what} probabilities, {kernel.__name__})")
    return problems
