"""What cleaning a page needs of the fitted models, without scikit-learn.

The estimators (:class:`cleaner.model.BlockClassifier`,
:class:`cleaner.model.ranker.HeadlineRanker`) are scikit-learn's, for fitting,
parameters and model files; importing scikit-learn costs about 1.7 s and 130 MB. A
page is cleaned by their predictors, which hold the fitted arrays and nothing else:

* :class:`BlockPredictor`: the block classifier's stage-1 logistic scores
  (:func:`cleaner.model.fast_path.wide_scores`) or trees, and its stage-2 trees
  (:class:`cleaner.model.trees.Forest`);
* :class:`RankerPredictor`: the headline ranker's trees and its choice.

:func:`cleaner.model.load_model` builds them from a model file without importing
scikit-learn; a fitted estimator builds them from its attributes
(:meth:`BlockPredictor.of`, :meth:`RankerPredictor.of`) and predicts through them, so
both ways give the same probabilities, bit for bit.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ModelVersionError
from ..labels import STANDARD_LABELS
from ..pipeline.featurize import PageFeatures, shift_rows, with_context
from . import fast_path
from .trees import Forest

__all__ = [
    "N_CANDIDATE_FEATURES",
    "RANKER_FEATURE_VERSION",
    "STACK_OFFSETS",
    "BlockPredictor",
    "Candidates",
    "RankerPredictor",
    "WideLogistic",
    "check_ranker",
    "stack_matrix",
]

STACK_OFFSETS = (-3, -2, -1, 1, 2, 3)
"""The neighbours (unit offsets) whose probabilities stage 2 sees."""

RANKER_FEATURE_VERSION = "2"
"""Names the layout of :func:`cleaner.pipeline.headline.candidates`' features; a ranker fitted on another layout
is refused (:func:`check_ranker`). 2: the word overlap with the body added."""
N_CANDIDATE_FEATURES = 3 * len(STANDARD_LABELS) + 20
"""Columns of :func:`cleaner.pipeline.headline.candidates`' features in layout :data:`RANKER_FEATURE_VERSION`: the
probabilities of the candidate and of the units before and after it, and 20 more."""


def stack_matrix(proba: np.ndarray, feats: Sequence[PageFeatures]) -> np.ndarray:
    """Stage-2 input: own numeric features, own probabilities and neighbours' probabilities."""
    blocks = []
    pos = 0
    for f in feats:
        n = f.n_units
        p = proba[pos : pos + n]
        cols = [f.numeric, p]
        for off in STACK_OFFSETS:
            shifted = shift_rows(p, off)
            same = np.zeros((n, 1))
            if abs(off) < n:
                if off > 0:
                    same[: n - off, 0] = f.line[off:] == f.line[: n - off]
                else:
                    same[-off:, 0] = f.line[: n + off] == f.line[-off:]
            cols.append(shifted)
            cols.append(same)
        blocks.append(np.hstack(cols))
        pos += n
    return np.vstack(blocks) if blocks else np.zeros((0, 1))


class WideLogistic:
    """A logistic model fitted on some columns, applied to the full-width matrix
    (the stage-1 logistic model: numeric features with their context, then hashed words)."""

    def __init__(self, model: Any, used: np.ndarray, width: int) -> None:
        self.classes_ = model.classes_
        coef = np.zeros((width, model.coef_.shape[0]))
        coef[used] = model.coef_.T
        self.coef_ = coef
        self.intercept_ = model.intercept_.copy()

    @classmethod
    def from_state(cls, classes: np.ndarray, coef: np.ndarray, intercept: np.ndarray) -> WideLogistic:
        """The model with these arrays (as a model file holds them)."""
        wide = cls.__new__(cls)
        wide.classes_ = classes
        wide.coef_ = coef
        wide.intercept_ = intercept
        return wide

    def predict_proba(self, M: Any) -> np.ndarray:
        return self.proba_from_scores(np.asarray(M @ self.coef_))

    def proba_from_scores(self, scores: np.ndarray) -> np.ndarray:
        """Probabilities from ``M @ coef_`` (without the intercept)."""
        z = scores + self.intercept_
        if z.shape[1] == 1:  # binary: one column of log-odds
            z = np.hstack([-z, z]) / 2
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        return np.asarray(z)


def _predictor(stage: Any) -> Any:
    """What predicts for a fitted stage: its :class:`Forest` for gradient boosting
    (duck-typed: scikit-learn is not imported here), else the stage itself."""
    if hasattr(stage, "_predictors") and hasattr(stage, "_baseline_prediction"):
        return Forest.of(stage)
    return stage


class BlockPredictor:
    """A fitted :class:`cleaner.model.BlockClassifier`'s predictions from its arrays.

    Attributes:
        classes_: the labels, sorted (the probabilities' columns).
        kinds: the stage-1 models' kinds, ``"logistic"`` or ``"boosting"``.
        stage1: the stage-1 models: :class:`WideLogistic` or :class:`Forest` (or a
            fitted scikit-learn model of another kind).
        stage2: the stage-2 model, :class:`Forest` (or a fitted scikit-learn pipeline),
            or None (the stage-1 probabilities averaged).
    """

    __slots__ = ("__weakref__", "classes_", "kinds", "stage1", "stage2")

    def __init__(self, classes: np.ndarray, kinds: Sequence[str], stage1: Sequence[Any], stage2: Any) -> None:
        self.classes_ = classes
        self.kinds = list(kinds)
        self.stage1 = list(stage1)
        self.stage2 = stage2

    @classmethod
    def of(cls, estimator: Any) -> BlockPredictor:
        """The predictor of a fitted block classifier (made once, and again after a new fit)."""
        fitted = (id(estimator.stage1_), id(estimator.stage2_))
        found = _BLOCK_PREDICTORS.get(estimator)
        if found is None or found[0] != fitted:
            stage1 = [_predictor(m) for m in estimator.stage1_]
            stage2 = None if estimator.stage2_ is None else _predictor(estimator.stage2_)
            found = _BLOCK_PREDICTORS[estimator] = (fitted, cls(estimator.classes_, estimator._kinds, stage1, stage2))
        return found[1]

    def predict_proba_features(self, feats: Sequence[PageFeatures]) -> np.ndarray:
        """Class probabilities for the units of featurized pages, stacked (columns: ``classes_``)."""
        if not feats or sum(f.n_units for f in feats) == 0:
            return np.zeros((0, len(self.classes_)))
        p = self._stage1_proba(feats)
        if isinstance(self.stage2, Forest):
            return fast_path.forest_proba(self.stage2, stack_matrix(p, feats), batch=len(feats) > 1)
        if self.stage2 is not None:
            return np.asarray(self.stage2.predict_proba(stack_matrix(p, feats)))
        k = len(self.classes_)
        return np.asarray(sum(p[:, i * k : (i + 1) * k] for i in range(len(self.kinds))) / len(self.kinds))

    def _stage1_proba(self, feats: Sequence[PageFeatures]) -> np.ndarray:
        """The stage-1 probabilities, one block of ``len(classes_)`` columns per model.

        A logistic stage 1 scores the numeric part and the hashed words of each unit
        one after the other into the same accumulator
        (:func:`cleaner.model.fast_path.wide_scores`): the same sums, in the same
        order, as the product with the stacked matrix.
        """
        blocks = []
        dense = [with_context(f.numeric, f.line) for f in feats]
        for model, kind in zip(self.stage1, self.kinds, strict=True):
            if kind == "logistic" and isinstance(model, WideLogistic) and fast_path.enabled():
                scores = fast_path.wide_scores(model.coef_, dense, [f.hashed for f in feats], batch=len(feats) > 1)
                proba = model.proba_from_scores(scores)
            elif kind == "logistic":
                import scipy.sparse as sp

                words = sp.vstack([f.words for f in feats], format="csr")
                proba = model.predict_proba(sp.hstack([sp.csr_matrix(np.vstack(dense)), words], format="csr"))
            else:
                proba = model.predict_proba(np.vstack(dense))
            p = np.zeros((proba.shape[0], len(self.classes_)))
            p[:, np.searchsorted(self.classes_, model.classes_)] = proba
            blocks.append(p)
        return np.hstack(blocks)


_BLOCK_PREDICTORS: weakref.WeakKeyDictionary[Any, tuple[tuple[int, int], BlockPredictor]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Candidates:
    """The headline candidates of one page.

    Attributes:
        index: unit indices of the candidates, in page order.
        features: ``(len(index), n_features)`` array describing them.
        run_start: the first unit of the main run of body text.
    """

    index: np.ndarray
    features: np.ndarray
    run_start: int


class RankerPredictor:
    """A fitted :class:`cleaner.model.ranker.HeadlineRanker`'s scores and choices from its trees.

    Attributes:
        forest: the ranker's trees (:class:`Forest`, classes False and True).
        min_score: the best candidate becomes the headline only if its score is at least this.
        feature_version_: the layout of candidate features it was fitted on.
    """

    __slots__ = ("__weakref__", "feature_version_", "forest", "min_score")

    def __init__(self, forest: Forest, min_score: float, feature_version: str) -> None:
        self.forest = forest
        self.min_score = min_score
        self.feature_version_ = feature_version

    @classmethod
    def of(cls, ranker: Any) -> RankerPredictor:
        """The predictor of a fitted headline ranker (made once, and again after a new fit)."""
        found = _RANKER_PREDICTORS.get(ranker)
        if found is None or found[0] is not ranker.model_ or found[1].min_score != ranker.min_score:
            predictor = cls(Forest.of(ranker.model_), ranker.min_score, ranker.feature_version_)
            found = _RANKER_PREDICTORS[ranker] = (ranker.model_, predictor)
        return found[1]

    def scores(self, cands: Candidates) -> np.ndarray:
        """Each candidate's probability of being the page's title."""
        return self.scores_many([cands])[0]

    def choose(self, cands: Candidates, allowed: np.ndarray | None = None) -> int | None:
        """The unit index of the page's headline, or None if no candidate scores high
        enough; with ``allowed`` (a mask over the candidates), among those only."""
        return self.choose_many([cands], [allowed])[0]

    def scores_many(self, pages: Sequence[Candidates]) -> list[np.ndarray]:
        """Each candidate's probability of being its page's title, for several pages'
        candidates in one walk of the trees (a call costs about as much as 50 rows:
        pages ranked together cost less). Each row's score is the same, bit for bit,
        whatever rows it is scored with."""
        if not pages:
            return []
        rows = np.vstack([c.features for c in pages])
        scores = fast_path.forest_proba(self.forest, rows, batch=len(pages) > 1)[:, 1]
        ends = np.cumsum([len(c.index) for c in pages])
        return np.split(scores, ends[:-1])

    def choose_many(
        self, pages: Sequence[Candidates], allowed: Sequence[np.ndarray | None] | None = None
    ) -> list[int | None]:
        """Each page's headline (a unit index), or None if no candidate scores high
        enough; with ``allowed`` (a mask over a page's candidates, or None), among
        those only. The scores are computed in one call (:meth:`scores_many`)."""
        masks = [None] * len(pages) if allowed is None else allowed
        return [self._best(c, s, mask) for c, s, mask in zip(pages, self.scores_many(pages), masks, strict=True)]

    def _best(self, cands: Candidates, s: np.ndarray, allowed: np.ndarray | None) -> int | None:
        if allowed is not None:
            if not allowed.any():
                return None
            s = np.where(allowed, s, -1.0)
        k = int(s.argmax())
        return int(cands.index[k]) if s[k] >= self.min_score else None


_RANKER_PREDICTORS: weakref.WeakKeyDictionary[Any, tuple[Any, RankerPredictor]] = weakref.WeakKeyDictionary()


def check_ranker(ranker: Any, source: str) -> None:
    """Refuse a headline ranker fitted on another layout of candidate features.

    Raises:
        ModelVersionError: naming ``source`` (the model file) and both layouts.
    """
    if ranker is None:
        return
    have = getattr(ranker, "feature_version_", "1")  # rankers before the version was recorded
    if have != RANKER_FEATURE_VERSION:
        raise ModelVersionError(
            f"{source} has a headline ranker for candidate feature layout {have}, but this installation "
            f"has layout {RANKER_FEATURE_VERSION}; retrain the model with this version (`cleaner train ...`, "
            "or `python -m training.train corpus/training --replace-default` for the default model)"
        )
