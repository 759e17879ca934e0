"""Gradient-boosted trees evaluated with numpy alone: what cleaning needs of a fitted
``HistGradientBoostingClassifier``, without importing scikit-learn.

Importing scikit-learn costs about 1.7 s and 130 MB (it imports pandas where pandas is
installed); cleaning a page needs only the trees' node records, their baseline score
and the loss's inverse link. A :class:`Forest` holds those arrays, as a model file
stores them (:mod:`cleaner.model.state`) or as a fitted estimator has them
(:meth:`Forest.of`), and gives ``predict_proba``'s probabilities, bit for bit: the
same comparisons take each row down each tree (``x <= threshold`` goes left; a
missing value goes the way its node says), the leaves' values are added to the
baseline iteration by iteration in scikit-learn's order, and the probabilities are
the same softmax (several classes) or ``scipy.special.expit`` (two).
``tests/test_trees.py`` checks this against scikit-learn on fitted models.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["BLOCK_ROWS", "NODE_DTYPE", "Forest"]

NODE_DTYPE = np.dtype(
    [
        ("value", np.float64),
        ("count", np.uint32),
        ("feature_idx", np.intp),
        ("num_threshold", np.float64),
        ("missing_go_to_left", np.uint8),
        ("left", np.uint32),
        ("right", np.uint32),
        ("gain", np.float64),
        ("depth", np.uint32),
        ("is_leaf", np.uint8),
        ("bin_threshold", np.uint8),
        ("is_categorical", np.uint8),
        ("bitset_idx", np.uint32),
    ]
)
"""The record of one tree node, as scikit-learn's ``PREDICTOR_RECORD_DTYPE`` lays it out
(model files store the nodes in it; ``tests/test_trees.py`` checks they are the same)."""

# Rows walked at a time: each step of the walk reads every (tree, row) pair still
# walking, and pairs that stay in the processor's cache are read faster. Stage 2's 315
# trees on 160, 300 and 1,000 rows of real pages took 3.2, 5.8 and 18.5 ms in blocks
# of 128 rows, 2.5, 4.7 and 19.3 in blocks of 512, 2.8, 6.1 and 19.0 in blocks of
# 1,024 (the HTML stage's 500 trees alike; a throw-away timing, best of 5). Rows are
# independent: the probabilities are the same, bit for bit, in any blocks.
BLOCK_ROWS = 512

# Steps of the walk between two removals of the pairs that reached a leaf: about half
# of a forest's (tree, row) pairs reach theirs before their tree's deepest leaf, and
# removing them costs a few passes over the pairs (every 3 steps: stage 2's trees
# 9% faster on a page of 160 units, the HTML stage's 30% on 300; every 2 or 4 steps
# about the same, every step slower).
COMPACT_EVERY = 3


def _expit(x: float) -> float:
    """The logistic function of ``x``, as ``scipy.special.expit`` gives it for a double."""
    try:
        return 1.0 / (1.0 + math.exp(-x))
    except OverflowError:  # exp(-x) past the largest double: expit is 0
        return 0.0


class Forest:
    """A fitted gradient-boosting classifier's trees in flat arrays, walked all at once.

    Node ``n`` of the forest (the trees' nodes one after the other) has its entries at
    ``2 n`` and ``2 n + 1`` of ``feature``, ``threshold`` and ``value``, and its
    children at ``children[2 n + went_left]``, as scikit-learn goes left when
    ``x <= threshold``. A leaf is its own two children, so a row that reached it stays
    there, until the pairs at a leaf are removed (every :data:`COMPACT_EVERY` steps).
    The trees are walked deepest first, so that each step walks a prefix of the (tree,
    row) pairs: the trees no deeper than the steps taken are done.

    Attributes:
        classes: the classes, in the order of the probabilities' columns.
        n_features: the columns a row must have.
        nodes: all the trees' node records (:data:`NODE_DTYPE`), tree after tree.
        tree_sizes: ``(iterations, trees an iteration)``: each tree's number of nodes.
        baseline: ``(1, trees an iteration)``: the raw score before any tree.
        params: the estimator's parameters, kept for writing it back to a file.
    """

    __slots__ = (
        "__weakref__",
        "baseline",
        "children",
        "classes",
        "feature",
        "go_left_if_missing",
        "is_leaf",
        "n_features",
        "n_k",
        "nodes",
        "order",
        "params",
        "roots",
        "steps",
        "threshold",
        "tree_sizes",
        "value",
    )

    def __init__(
        self,
        classes: np.ndarray,
        n_features: int,
        nodes: np.ndarray,
        tree_sizes: np.ndarray,
        baseline: np.ndarray,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.classes = classes
        self.n_features = n_features
        self.nodes = nodes
        self.tree_sizes = tree_sizes
        self.baseline = np.asarray(baseline, dtype=np.float64)
        self.params = dict(params or {})
        self.n_k = 1 if len(classes) == 2 else len(classes)
        sizes = np.asarray(tree_sizes, dtype=np.intp).ravel()  # iteration by iteration, class by class
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
        trees = [nodes[s : s + n] for s, n in zip(starts.tolist(), sizes.tolist(), strict=True)]
        depth = np.asarray([int(t["depth"].max()) if len(t) else 0 for t in trees], dtype=np.intp)
        self.order = np.argsort(-depth, kind="stable")
        trees = [trees[i] for i in self.order]

        def field(name: str) -> np.ndarray:  # one field of all the nodes, in walking order
            return np.concatenate([t[name] for t in trees]) if trees else np.zeros(0, NODE_DTYPE[name])

        sizes = np.asarray([len(t) for t in trees], dtype=np.intp)
        first = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
        offset = np.repeat(first, sizes)
        leaf = field("is_leaf").astype(bool)
        own = np.arange(len(leaf), dtype=np.intp)
        left = np.where(leaf, own, field("left").astype(np.intp) + offset)
        right = np.where(leaf, own, field("right").astype(np.intp) + offset)
        self.children = 2 * np.stack([right, left], axis=1).ravel()
        self.feature = np.repeat(np.where(leaf, 0, field("feature_idx")).astype(np.intp), 2)
        self.threshold = np.repeat(field("num_threshold").astype(np.float64), 2)
        self.go_left_if_missing = np.repeat(field("missing_go_to_left").astype(bool), 2)
        self.value = np.repeat(field("value").astype(np.float64), 2)
        self.is_leaf = np.repeat(leaf, 2)
        self.roots = 2 * first
        # trees still walking after each step: those deeper than the steps taken
        self.steps = [int((depth > d).sum()) for d in range(int(depth.max(initial=0)))]

    @property
    def classes_(self) -> np.ndarray:
        """:attr:`classes`, under scikit-learn's name (a stage's classes are read so)."""
        return self.classes

    @classmethod
    def of(cls, model: Any) -> Forest:
        """The trees of a fitted scikit-learn ``HistGradientBoostingClassifier`` without
        categorical features (cleaner never fits any)."""
        if getattr(model, "is_categorical_", None) is not None:
            raise ValueError("cleaner evaluates gradient boosting without categorical features only")
        trees = [tree for iteration in model._predictors for tree in iteration]
        k = model.n_trees_per_iteration_
        sizes = np.asarray([len(t.nodes) for t in trees], dtype=np.int64).reshape(-1, k)
        nodes = np.concatenate([t.nodes for t in trees]) if trees else np.zeros(0, NODE_DTYPE)
        return cls(
            np.asarray(model.classes_),
            int(model.n_features_in_),
            nodes,
            sizes,
            np.asarray(model._baseline_prediction).reshape(1, k),
            model.get_params(deep=False),
        )

    def raw(self, S: np.ndarray) -> np.ndarray:
        """The raw scores of the rows of ``S``, class by class: ``(trees an iteration, rows)``."""
        # column by column in memory: the pairs of a step are mostly the rows of one
        # node, which read one column, next to each other
        X = np.asfortranarray(S, dtype=np.float64)
        rows = X.shape[0]
        n_trees = len(self.roots)
        data = X.ravel(order="F")
        missing = np.isnan(data)
        has_missing = bool(missing.any())
        column_at = self.feature * rows
        # the (tree, row) pairs still walking, tree by tree: each one's node, row and place
        node = np.repeat(self.roots, rows)
        row = np.tile(np.arange(rows, dtype=np.intp), n_trees)
        place = np.arange(len(node))
        reached = np.empty_like(node)  # the leaf of each pair, by place
        cell, x, threshold = np.empty_like(node), np.empty(len(node)), np.empty(len(node))
        went_left = np.empty(len(node), dtype=bool)
        for step in range(1, len(self.steps) + 1):
            # every index is inside its array (the trees were checked when read):
            # "clip" skips numpy's bounds checks; each step writes into the same buffers
            m = min(len(node), self.steps[step - 1] * rows)
            here = node[:m]
            column_at.take(here, out=cell[:m], mode="clip")
            cell[:m] += row[:m]
            data.take(cell[:m], out=x[:m], mode="clip")
            self.threshold.take(here, out=threshold[:m], mode="clip")
            np.less_equal(x[:m], threshold[:m], out=went_left[:m])
            if has_missing:  # NaN compares false: it goes the way its node says
                lost = np.flatnonzero(missing.take(cell[:m]))
                went_left[lost] = self.go_left_if_missing.take(here.take(lost))
            here += went_left[:m]
            self.children.take(here, out=here, mode="clip")
            if step % COMPACT_EVERY == 0:  # the pairs at a leaf stop walking
                at_leaf = self.is_leaf.take(node)
                done = np.flatnonzero(at_leaf)
                reached[place.take(done)] = node.take(done)
                walking = np.flatnonzero(~at_leaf)
                node, row, place = node.take(walking), row.take(walking), place.take(walking)
        reached[place] = node
        leaves = np.empty((n_trees, rows))
        leaves[self.order] = self.value.take(reached).reshape(n_trees, rows)
        # the baseline, then each iteration's trees added in turn: the same additions
        # in the same order as scikit-learn's
        start = np.broadcast_to(self.baseline.reshape(1, self.n_k, 1), (1, self.n_k, rows))
        terms = np.concatenate([start, leaves.reshape(-1, self.n_k, rows)])
        return np.asarray(np.cumsum(terms, axis=0)[-1])

    def predict_proba(self, S: np.ndarray) -> np.ndarray:
        """``predict_proba`` of the fitted estimator for the rows of ``S``, bit for bit,
        in blocks of :data:`BLOCK_ROWS` rows."""
        if S.ndim != 2 or S.shape[1] != self.n_features:
            raise ValueError(f"the trees take rows of {self.n_features} columns, not an array of shape {S.shape}")
        if S.shape[0] <= BLOCK_ROWS:
            return self.proba(self.raw(S))
        blocks: Sequence[np.ndarray] = [
            self.proba(self.raw(S[i : i + BLOCK_ROWS])) for i in range(0, S.shape[0], BLOCK_ROWS)
        ]
        return np.concatenate(blocks)

    def proba(self, raw_t: np.ndarray) -> np.ndarray:
        """The probabilities of raw scores ``raw_t`` (``(trees an iteration, rows)``): the
        loss's inverse link, as scikit-learn computes it."""
        if self.n_k == 1:
            # scikit-learn's binomial loss: scipy.special.expit, 1 / (1 + exp(-x)) with the C
            # library's exp, which math.exp is (the same bits: tests/test_fast_path.py;
            # importing scipy.special would cost a first call 0.1-0.2 s)
            proba = np.empty((raw_t.shape[1], 2), dtype=raw_t.dtype)
            proba[:, 1] = [_expit(v) for v in raw_t[0].tolist()]
            proba[:, 0] = 1 - proba[:, 1]
            return proba
        X = np.array(raw_t.T)  # scikit-learn's softmax, step by step
        X -= X.max(axis=1).reshape((-1, 1))
        np.exp(X, out=X)
        X /= X.sum(axis=1).reshape((-1, 1))
        return X
