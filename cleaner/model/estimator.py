"""The block classifier: a scikit-learn estimator over pages.

:class:`BlockClassifier`'s ``X`` is a list of :class:`PageUnits` (a page's text and
its units), ``y`` a list of per-unit label sequences. It labels each unit from the
unit's own features and its page context:

* stage 1 sees the unit's hashed words, its numeric features and the numeric
  features of the three units before and after it
  (:func:`cleaner.pipeline.featurize.with_context`);
* stage 2 (``second_stage="boosting"`` or ``"logistic"``) is trained on out-of-fold
  stage-1 probabilities of the unit and its neighbours, so that "a byline next to a
  headline" and "a run of body" are learned from the predictions around a unit, not
  only from its own text.

Predictions go through :class:`cleaner.model.predict.BlockPredictor` (the fitted
arrays, without scikit-learn's per-call overhead, the same numbers); model files are
:mod:`cleaner.model.store`'s.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any, ClassVar, Self

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..pipeline.featurize import PageFeatures, featurize, with_context
from ..pipeline.segment import Unit
from .predict import STACK_OFFSETS, BlockPredictor, stack_matrix
from .predict import WideLogistic as _WideLogistic

__all__ = ["STACK_OFFSETS", "BlockClassifier", "PageUnits", "stack_matrix"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageUnits:
    """A page's text with its units: one item of a :class:`BlockClassifier`'s ``X``."""

    text: str
    units: Sequence[Unit]
    _features: list[PageFeatures] = field(default_factory=list, repr=False, compare=False)

    def features(self) -> PageFeatures:
        """The page's features, computed once and cached."""
        if not self._features:
            self._features.append(featurize(self.text, self.units))
        return self._features[0]


def stage1_matrix(feats: Sequence[PageFeatures], use_words: bool) -> sp.csr_matrix | np.ndarray:
    dense = np.vstack([with_context(f.numeric, f.line) for f in feats]) if feats else np.zeros((0, 1))
    if not use_words:
        return dense
    words = sp.vstack([f.words for f in feats], format="csr")
    return sp.hstack([sp.csr_matrix(dense), words], format="csr")


class BlockClassifier(ClassifierMixin, BaseEstimator):
    """Labels the units of pages, using each unit's page context.

    Parameters:
        first_stage: ``"logistic"`` (logistic regression on hashed words plus numeric
            and neighbour features), ``"boosting"`` (gradient boosting on numeric and
            neighbour features only) or ``"logistic+boosting"`` (both, their
            probabilities stacked, or averaged without a second stage).
        second_stage: ``"none"``, ``"logistic"`` (scaled logistic regression) or
            ``"boosting"`` (gradient boosting): a second stage over out-of-fold stage-1
            probabilities of each unit and its neighbours, and the unit's own numeric
            features.
        alpha: L2 penalty of the stage-1 logistic regression (fitted by averaged SGD).
            1e-5 gave better-calibrated probabilities for the second stage than 1e-6
            at the same stage-1 accuracy on the validation split (training/README.md).
        epochs: passes of SGD over the training units.
        min_df: hashed word features used by fewer training units are dropped.
        n_folds: folds for the out-of-fold stage-1 probabilities that train stage 2.
        max_iter: iterations of the logistic solver.
        stage2_max_iter: boosting iterations of a ``"boosting"`` second stage (150
            for the shipped model; 75 scored as well in a retraining with a sampled
            base, docs/retraining.md).
        stage2_learning_rate: learning rate of a ``"boosting"`` second stage.
        stage2_early_stopping: a ``"boosting"`` second stage stops when a random tenth of
            its rows (drawn with ``random_state``) stops improving (``True``, scikit-learn's
            default on large data), or runs exactly ``stage2_max_iter`` iterations on all
            rows (``False``: a rebuild with another seed then moves less).
        random_state: seed for the folds and the boosting.

    ``fit`` checks the parameters against :attr:`_parameter_constraints` (scikit-learn's
    convention) before it fits anything. It sets no ``n_features_in_``: the input is
    pages, not a matrix of features.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "first_stage": [StrOptions({"logistic", "boosting", "logistic+boosting"})],
        "second_stage": [StrOptions({"none", "logistic", "boosting"})],
        "alpha": [Interval(Real, 0, None, closed="neither")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "n_folds": [Interval(Integral, 2, None, closed="left")],  # one fold leaves stage 2 nothing held out
        "min_df": [Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "random_state": [Interval(Integral, 0, None, closed="left")],
        "stage2_max_iter": [Interval(Integral, 1, None, closed="left")],
        "stage2_learning_rate": [Interval(Real, 0, None, closed="neither")],
        "stage2_early_stopping": ["boolean"],
    }

    _added_params: ClassVar[frozenset[str]] = frozenset(
        {"stage2_max_iter", "stage2_learning_rate", "stage2_early_stopping"}
    )
    """Parameters added after model files were first written: a file without them gets
    their defaults, with which it was fitted (:mod:`cleaner.model.state`)."""

    def __init__(
        self,
        *,
        first_stage: str = "logistic",
        second_stage: str = "boosting",
        alpha: float = 1e-5,
        epochs: int = 10,
        n_folds: int = 3,
        min_df: int = 2,
        max_iter: int = 300,
        random_state: int = 0,
        stage2_max_iter: int = 150,
        stage2_learning_rate: float = 0.1,
        stage2_early_stopping: bool = True,
    ) -> None:
        self.first_stage = first_stage
        self.second_stage = second_stage
        self.alpha = alpha
        self.epochs = epochs
        self.n_folds = n_folds
        self.min_df = min_df
        self.max_iter = max_iter
        self.random_state = random_state
        self.stage2_max_iter = stage2_max_iter
        self.stage2_learning_rate = stage2_learning_rate
        self.stage2_early_stopping = stage2_early_stopping

    @property
    def _kinds(self) -> list[str]:
        kinds = self.first_stage.split("+")
        for kind in kinds:
            if kind not in ("logistic", "boosting"):
                raise ValueError(
                    f"first_stage must be 'logistic', 'boosting' or 'logistic+boosting', not {self.first_stage!r}"
                )
        return kinds

    def _fit_stage1_all(self, feats: Sequence[PageFeatures], y: np.ndarray, w: np.ndarray | None) -> list[Any]:
        return [self._fit_stage1(stage1_matrix(feats, kind == "logistic"), y, w, kind) for kind in self._kinds]

    def _stage1_proba(self, models: Sequence[Any], feats: Sequence[PageFeatures]) -> np.ndarray:
        """Stage-1 probabilities, one block of ``len(classes_)`` columns per stage-1 model."""
        blocks = []
        for model, kind in zip(models, self._kinds, strict=True):
            p = np.zeros((sum(f.n_units for f in feats), len(self.classes_)))
            cols = np.searchsorted(self.classes_, model.classes_)
            p[:, cols] = model.predict_proba(stage1_matrix(feats, kind == "logistic"))
            blocks.append(p)
        return np.hstack(blocks)

    def _fit_stage1(self, M: Any, y: np.ndarray, w: np.ndarray | None, kind: str) -> Any:
        """Fit a stage-1 model; a logistic one on the used columns only.

        The solver's cost grows with the width of the hashed feature space, most of
        which no training unit uses: it is fitted on the columns used by at least
        ``min_df`` units and its coefficients are spread back to the full width.
        """
        model = self._new_stage1(kind)
        if not sp.issparse(M):
            return model.fit(M, y, sample_weight=w)
        df = np.bincount(M.indices, minlength=M.shape[1])
        used = np.flatnonzero(df >= self.min_df)
        model.fit(M[:, used], y, sample_weight=w)
        return _WideLogistic(model, used, M.shape[1])

    def _weight_kwargs(self, w: np.ndarray | None) -> dict[str, Any]:
        if w is None:
            return {}
        if self.second_stage == "logistic":
            return {"logisticregression__sample_weight": w}
        return {"sample_weight": w}

    def _new_stage2(self) -> Any:
        if self.second_stage == "logistic":
            return make_pipeline(StandardScaler(), LogisticRegression(max_iter=self.max_iter))
        if self.second_stage == "boosting":
            return HistGradientBoostingClassifier(
                max_iter=self.stage2_max_iter,
                learning_rate=self.stage2_learning_rate,
                early_stopping="auto" if self.stage2_early_stopping else False,
                random_state=self.random_state,
            )
        raise ValueError(f"second_stage must be 'none', 'logistic' or 'boosting', not {self.second_stage!r}")

    def _new_stage1(self, kind: str) -> Any:
        if kind == "logistic":
            # logistic regression fitted by averaged SGD: on half a million units it
            # reaches lbfgs's validation accuracy at a fraction of the time
            return SGDClassifier(
                loss="log_loss",
                alpha=self.alpha,
                max_iter=self.epochs,
                tol=None,
                average=True,
                random_state=self.random_state,
            )
        return HistGradientBoostingClassifier(max_iter=150, random_state=self.random_state)

    def fit(
        self,
        X: Sequence[PageUnits],
        y: Sequence[Sequence[str]],
        *,
        groups: Sequence[str] | None = None,
        sample_weight: Sequence[float] | None = None,
    ) -> Self:
        """Fit on pages ``X`` with per-unit labels ``y``.

        Args:
            groups: a group (site) per page; stage-2 folds never split a group.
            sample_weight: a weight per page (user pages weighted up when retraining).
        """
        self._validate_params()
        if len(X) != len(y):
            raise ValueError(f"X has {len(X)} pages but y has {len(y)}")
        logger.info("featurizing %d pages", len(X))
        feats = [p.features() for p in X]
        for f, labels, i in zip(feats, y, range(len(X)), strict=True):
            if f.n_units != len(labels):
                raise ValueError(f"page {i} has {f.n_units} units but {len(labels)} labels")
        flat_y = np.asarray([label for labels in y for label in labels], dtype=object)
        self.classes_ = np.asarray(sorted(set(flat_y)), dtype=object)
        if len(self.classes_) < 2:
            raise ValueError("training data must hold at least two different labels")
        w = None
        if sample_weight is not None:
            w = np.concatenate(
                [np.full(f.n_units, wt, dtype=float) for f, wt in zip(feats, sample_weight, strict=True)]
            )
        logger.info("fitting stage 1 (%s) on %d units", self.first_stage, len(flat_y))
        self.stage1_ = self._fit_stage1_all(feats, flat_y, w)
        self.stage2_ = None
        if self.second_stage != "none":
            oof = self._out_of_fold(feats, flat_y, groups, w)
            S = stack_matrix(oof, feats)
            logger.info("fitting stage 2 (%s) on %d units", self.second_stage, len(flat_y))
            self.stage2_ = self._new_stage2().fit(S, flat_y, **self._weight_kwargs(w))
        return self

    def _group_folds(self, keys: Sequence[str], page_weight: np.ndarray | None) -> dict[str, int]:
        """The stage-2 fold of each group: at random (seed ``random_state``), but the
        groups of pages weighted above the lightest (a user's pages in a retraining)
        are dealt out over the folds in turn.

        Stage 2 learns from out-of-fold stage-1 probabilities, and must see them as the
        final stage 1, fitted on all the heavy pages, will give them. Left to chance,
        four of a user's five pages fell in one fold of a full retraining: their
        out-of-fold stage 1 had seen one page of the layout (word accuracy 0.57 on
        them), stage 2 learnt to overrule its body, and the retrained model called the
        body of its own training pages byline and headline (word accuracy 0.53;
        docs/retraining.md).
        """
        uniq = sorted(set(keys))
        rng = np.random.default_rng(self.random_state)
        folds = {g: int(k) for g, k in zip(uniq, rng.integers(0, self.n_folds, len(uniq)), strict=True)}
        if page_weight is None or len(page_weight) == 0:
            return folds
        light = float(page_weight[page_weight > 0].min()) if (page_weight > 0).any() else 0.0
        heavy = sorted({k for k, pw in zip(keys, page_weight, strict=True) if pw > light})
        for i, group in enumerate(heavy):
            folds[group] = i % self.n_folds
        return folds

    def _out_of_fold(
        self,
        feats: Sequence[PageFeatures],
        flat_y: np.ndarray,
        groups: Sequence[str] | None,
        w: np.ndarray | None,
    ) -> np.ndarray:
        n_pages = len(feats)
        keys = list(groups) if groups is not None else [str(i) for i in range(n_pages)]
        sizes = np.asarray([f.n_units for f in feats])
        page_weight = None
        if w is not None:
            page_weight = np.add.reduceat(w, np.r_[0, np.cumsum(sizes)[:-1]]) / np.maximum(sizes, 1)
            page_weight[sizes == 0] = 0.0
        fold_of_group = self._group_folds(keys, page_weight)
        page_fold = np.asarray([fold_of_group[k] for k in keys])
        unit_fold = np.repeat(page_fold, sizes)
        oof = np.zeros((len(flat_y), len(self.classes_) * len(self._kinds)))
        for k in range(self.n_folds):
            train_pages = [f for f, pf in zip(feats, page_fold, strict=True) if pf != k]
            test_pages = [f for f, pf in zip(feats, page_fold, strict=True) if pf == k]
            if not test_pages or not train_pages:
                continue
            tr = unit_fold != k
            if len(set(flat_y[tr])) < 2:
                continue
            logger.info("stage-1 probabilities out of fold, fold %d of %d", k + 1, self.n_folds)
            models = self._fit_stage1_all(train_pages, flat_y[tr], None if w is None else w[tr])
            oof[~tr] = self._stage1_proba(models, test_pages)
        return oof

    def predict_proba_features(self, feats: Sequence[PageFeatures]) -> np.ndarray:
        """Class probabilities for the units of already featurized pages, stacked
        (through :class:`cleaner.model.predict.BlockPredictor`, the fitted arrays
        alone: the probabilities of a model loaded from its file, bit for bit)."""
        check_is_fitted(self, "stage1_")
        return BlockPredictor.of(self).predict_proba_features(feats)

    def predict_proba(self, X: Sequence[PageUnits]) -> list[np.ndarray]:
        """Per page, a ``(n_units, n_classes)`` array of probabilities (columns: ``classes_``)."""
        feats = [p.features() for p in X]
        proba = self.predict_proba_features(feats)
        out = []
        pos = 0
        for f in feats:
            out.append(proba[pos : pos + f.n_units])
            pos += f.n_units
        return out

    def predict(self, X: Sequence[PageUnits]) -> list[list[str]]:
        """Per page, the label of each unit."""
        return [[str(c) for c in self.classes_[p.argmax(axis=1)]] for p in self.predict_proba(X)]

    def score(
        self, X: Sequence[PageUnits], y: Sequence[Sequence[str]], sample_weight: Sequence[float] | None = None
    ) -> float:
        """Share of units labelled correctly; with ``sample_weight`` (a weight per page,
        as :meth:`fit` takes it), each unit counts with its page's weight."""
        if sample_weight is not None and len(sample_weight) != len(X):
            raise ValueError(f"sample_weight has {len(sample_weight)} weights for {len(X)} pages")
        predicted = self.predict(X)
        pred = [label for page in predicted for label in page]
        gold = [label for page in y for label in page]
        right = np.asarray(pred, dtype=object) == np.asarray(gold, dtype=object)
        if sample_weight is None:
            return float(np.mean(right))
        w = np.repeat(np.asarray(sample_weight, dtype=float), [len(page) for page in predicted])
        return float(np.average(right, weights=w))
