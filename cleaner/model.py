"""The block classifier and its model files.

:class:`BlockClassifier` is a scikit-learn estimator over pages: ``X`` is a list of
:class:`PageUnits` (a page's text and its units), ``y`` a list of per-unit label
sequences. It labels each unit from the unit's own features and its page context:

* stage 1 sees the unit's hashed words, its numeric features and the numeric
  features of the three units before and after it (:func:`cleaner.features.with_context`);
* stage 2 (``second_stage="boosting"`` or ``"logistic"``) is trained on out-of-fold stage-1 probabilities of the
  unit and its neighbours, so that "a byline next to a headline" and "a run of body"
  are learned from the predictions around a unit, not only from its own text.

A model file (:mod:`cleaner.model_file`) is a zip of a manifest, the estimators'
structure and their arrays, all plain data (:mod:`cleaner.model_state`): loading one
runs no code from it. The manifest names the cleaner, scikit-learn and feature
versions, the labels, a hash of the training data, the command that made it and its
scores; :func:`load_model` refuses a file whose versions do not match this
installation. Model files of cleaner before this format are joblib pickles, which run
code when loaded: :func:`load_model` refuses them unless told ``trust_pickle=True``,
and :func:`convert_model` rewrites a trusted one in the safe format.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import io
import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from numbers import Integral, Real
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import InconsistentVersionWarning
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .errors import ModelError, ModelFormatError, ModelVersionError
from .features import FEATURE_VERSION, PageFeatures, featurize, shift_rows, with_context
from .model_file import FILE_FORMAT, file_kind, model_file_hash, pickle_refusal, read_model_file, write_model_file
from .segment import Unit

__all__ = [
    "BlockClassifier",
    "Model",
    "PageUnits",
    "convert_model",
    "default_model_path",
    "load_model",
    "model_file_hash",
    "save_model",
    "training_data_hash",
]

logger = logging.getLogger(__name__)

MODEL_FORMAT = FILE_FORMAT
_STACK_OFFSETS = (-3, -2, -1, 1, 2, 3)


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


def _stage1_matrix(feats: Sequence[PageFeatures], use_words: bool) -> sp.csr_matrix | np.ndarray:
    dense = np.vstack([with_context(f.numeric, f.line) for f in feats]) if feats else np.zeros((0, 1))
    if not use_words:
        return dense
    words = sp.vstack([f.words for f in feats], format="csr")
    return sp.hstack([sp.csr_matrix(dense), words], format="csr")


def _stack_matrix(proba: np.ndarray, feats: Sequence[PageFeatures]) -> np.ndarray:
    """Stage-2 input: own numeric features, own probabilities and neighbours' probabilities."""
    blocks = []
    pos = 0
    for f in feats:
        n = f.n_units
        p = proba[pos : pos + n]
        cols = [f.numeric, p]
        for off in _STACK_OFFSETS:
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


try:  # the kernel of a CSR matrix times a dense one, which adds into its output
    from scipy.sparse._sparsetools import csr_matvecs as _csr_matvecs
except ImportError:  # pragma: no cover - scipy moved it: the stacked matrix is built instead
    _csr_matvecs = None


def _wide_scores(coef: np.ndarray, dense: Sequence[np.ndarray], words: Sequence[sp.csr_matrix]) -> np.ndarray:
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
        _csr_matvecs(
            m, k, n_out, np.arange(0, m * k + 1, k), np.tile(np.arange(k), m), flat, head.ravel(), part.ravel()
        )
        _csr_matvecs(m, w.shape[1], n_out, w.indptr, w.indices, w.data, tail.ravel(), part.ravel())
        pos += m
    return out


# Rows of the stage-2 matrix given to the trees at a time: every tree reads all the
# rows it is given, and rows that stay in the processor's cache are read 3.7 times
# faster (48,212 rows of a 4 MB page: 2.08 s at once, 0.56 s in blocks of 1,024 to
# 16,384 rows). Rows are independent: the probabilities are the same, bit for bit.
_STAGE2_BLOCK_ROWS = 4096


def _stage2_proba(model: Any, S: np.ndarray) -> np.ndarray:
    """``model.predict_proba(S)``, in blocks of :data:`_STAGE2_BLOCK_ROWS` rows."""
    if S.shape[0] <= _STAGE2_BLOCK_ROWS:
        return _stage2_block_proba(model, S)
    blocks = range(0, S.shape[0], _STAGE2_BLOCK_ROWS)
    return np.concatenate([_stage2_block_proba(model, S[i : i + _STAGE2_BLOCK_ROWS]) for i in blocks])


def _stage2_block_proba(model: Any, S: np.ndarray) -> np.ndarray:
    """``model.predict_proba(S)``; for gradient boosting, its trees called directly.

    scikit-learn's ``predict_proba`` validates ``S`` and wraps each of the few
    hundred tree calls in Python; here the trees add into the raw scores in the
    same order, so the probabilities are the same, bit for bit.
    """
    if (
        _predict_from_raw_data is not None
        and isinstance(model, HistGradientBoostingClassifier)
        and getattr(model, "_preprocessor", 0) is None
        and getattr(model, "is_categorical_", 0) is None
        and S.ndim == 2
        and S.shape[1] == model.n_features_in_
    ):
        X = np.ascontiguousarray(S, dtype=np.float64)
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


def _one_thread() -> Any:
    """A context that limits OpenMP and BLAS to one thread (the controller is made once)."""
    if not _THREADPOOLS:
        from threadpoolctl import ThreadpoolController

        _THREADPOOLS.append(ThreadpoolController())
    return _THREADPOOLS[0].limit(limits=1)


class _WideLogistic:
    """A logistic model fitted on some columns, applied to the full-width matrix."""

    def __init__(self, model: Any, used: np.ndarray, width: int) -> None:
        self.classes_ = model.classes_
        coef = np.zeros((width, model.coef_.shape[0]))
        coef[used] = model.coef_.T
        self.coef_ = coef
        self.intercept_ = model.intercept_.copy()

    @classmethod
    def from_state(cls, classes: np.ndarray, coef: np.ndarray, intercept: np.ndarray) -> _WideLogistic:
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
    }

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
    ) -> None:
        self.first_stage = first_stage
        self.second_stage = second_stage
        self.alpha = alpha
        self.epochs = epochs
        self.n_folds = n_folds
        self.min_df = min_df
        self.max_iter = max_iter
        self.random_state = random_state

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
        return [self._fit_stage1(_stage1_matrix(feats, kind == "logistic"), y, w, kind) for kind in self._kinds]

    def _stage1_proba(self, models: Sequence[Any], feats: Sequence[PageFeatures]) -> np.ndarray:
        """Stage-1 probabilities, one block of ``len(classes_)`` columns per stage-1 model."""
        blocks = []
        for model, kind in zip(models, self._kinds, strict=True):
            p = np.zeros((sum(f.n_units for f in feats), len(self.classes_)))
            cols = np.searchsorted(self.classes_, model.classes_)
            p[:, cols] = model.predict_proba(_stage1_matrix(feats, kind == "logistic"))
            blocks.append(p)
        return np.hstack(blocks)

    def _stage1_proba_predict(self, feats: Sequence[PageFeatures]) -> np.ndarray:
        """:meth:`_stage1_proba` of the fitted stage 1, without building its wide matrix.

        A logistic stage 1 scores the numeric part and the hashed words of each unit
        one after the other into the same accumulator (:func:`_wide_scores`): the
        same sums, in the same order, as the product with the stacked matrix.
        """
        blocks = []
        for model, kind in zip(self.stage1_, self._kinds, strict=True):
            if kind == "logistic" and isinstance(model, _WideLogistic) and _csr_matvecs is not None:
                dense = [with_context(f.numeric, f.line) for f in feats]
                proba = model.proba_from_scores(_wide_scores(model.coef_, dense, [f.words for f in feats]))
            else:
                proba = model.predict_proba(_stage1_matrix(feats, kind == "logistic"))
            p = np.zeros((proba.shape[0], len(self.classes_)))
            p[:, np.searchsorted(self.classes_, model.classes_)] = proba
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
            return HistGradientBoostingClassifier(max_iter=150, random_state=self.random_state)
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
            S = _stack_matrix(oof, feats)
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
        """Class probabilities for the units of already featurized pages, stacked.

        Runs on one thread: a page has too few units for OpenMP threads to pay off
        (gradient boosting on 70 units took 96 ms with threads and 17 ms without on
        a loaded 2-core machine), and batch work runs one process a core.
        """
        with _one_thread():
            return self._predict_proba_features(feats)

    def _predict_proba_features(self, feats: Sequence[PageFeatures]) -> np.ndarray:
        check_is_fitted(self, "stage1_")
        if not feats or sum(f.n_units for f in feats) == 0:
            return np.zeros((0, len(self.classes_)))
        p = self._stage1_proba_predict(feats)
        if self.stage2_ is not None:
            return _stage2_proba(self.stage2_, _stack_matrix(p, feats))
        k = len(self.classes_)
        return np.asarray(sum(p[:, i * k : (i + 1) * k] for i in range(len(self._kinds))) / len(self._kinds))

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


@dataclass(frozen=True)
class Model:
    """A loaded model: the fitted estimator, its manifest and its headline ranker.

    Attributes:
        estimator: the block classifier.
        manifest: versions, labels, training data hash, command and scores.
        headline_ranker: a :class:`cleaner.headline.HeadlineRanker` that picks the main
            article's headline among the units before its body, or None (the
            classifier's headlines stand as decoded).
        scope: a retrained model's :class:`cleaner.scope.SiteScope`, or None (every
            page is this model's).
        fallback: with a scope, the model that cleans pages outside it (the model it
            was retrained from); its labels are a subset of this model's.
        file_sha256: the SHA-256 of the file bytes it was loaded from or saved to (as
            :func:`model_file_hash` gives it), or None for a model made in memory.
    """

    estimator: BlockClassifier
    manifest: dict[str, Any]
    headline_ranker: Any = None
    scope: Any = None
    fallback: Model | None = None
    file_sha256: str | None = None

    @property
    def labels(self) -> list[str]:
        return [str(c) for c in self.estimator.classes_]

    def for_text(self, text: str, url: str | None = None) -> Model:
        """The model that cleans this page (of URL ``url``, when known): this one, or its
        fallback for a page outside its scope (a retrained model's
        :class:`cleaner.scope.SiteScope`)."""
        if self.scope is None or self.fallback is None or self.scope.covers(text, url):
            return self
        return self.fallback


def default_model_path() -> Path:
    """Where the shipped default model lives inside the package."""
    return Path(str(importlib.resources.files("cleaner") / "models" / "default.model.zip"))


def _versions() -> dict[str, str]:
    from . import __version__

    return {
        "cleaner_version": __version__,
        "sklearn_version": sklearn.__version__,
        "feature_version": FEATURE_VERSION,
    }


def training_data_hash(paths: Sequence[str | Path]) -> str:
    """SHA-256 over the bytes of the training files, in the order given."""
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def save_model(
    estimator: BlockClassifier,
    path: str | Path,
    manifest: dict[str, Any],
    *,
    headline_ranker: Any = None,
    scope: Any = None,
    fallback: Model | None = None,
) -> Model:
    """Save a fitted estimator with its manifest (versions and labels are filled in) and,
    if given, its headline ranker, and its scope with the fallback model outside it
    (both or neither; the fallback is stored in the file, whole).

    The file is written atomically, in the format of :mod:`cleaner.model_file`.

    Raises:
        ModelError: a scope without a fallback or the reverse, a fallback with labels
            the model lacks or a fallback of its own, a manifest that is not plain JSON
            data, or an estimator of a kind a model file cannot hold.
    """
    from .model_state import model_state  # it imports this module

    check_is_fitted(estimator, "stage1_")
    if (scope is None) != (fallback is None):
        raise ModelError("a model's scope and its fallback model go together: give both or neither")
    labels = [str(c) for c in estimator.classes_]
    if fallback is not None:
        if fallback.fallback is not None:
            raise ModelError("a fallback model cannot have a fallback of its own")
        missing = sorted(set(fallback.labels) - set(labels))
        if missing:
            raise ModelError(f"the fallback model has labels the model lacks: {', '.join(missing)}")
    full = {
        "format": MODEL_FORMAT,
        **_versions(),
        "labels": labels,
        "params": estimator.get_params(),
        **manifest,  # a converted model keeps the versions it was made with
        "headline_ranker": headline_ranker is not None,
    }
    full["format"] = MODEL_FORMAT
    full["labels"] = labels
    if fallback is not None:  # and so a scope (both or neither, checked above)
        full["scope"] = scope.describe()
        full["fallback"] = {
            key: fallback.manifest.get(key) for key in ("training_data_sha256", "cleaner_version", "command")
        }
    structure, arrays = model_state(estimator, headline_ranker, scope, fallback)
    sha256 = write_model_file(path, full, structure, arrays)
    return Model(estimator, full, headline_ranker, scope, fallback, sha256)


def _minor(version: str) -> str:
    """``"1.9.1"`` -> ``"1.9"``: scikit-learn's tree layout keeps within a minor version."""
    return ".".join(version.split(".")[:2])


def _check_versions(manifest: dict[str, Any], source: Path) -> None:
    mine = _versions()
    for key, what in (("feature_version", "feature layout"), ("sklearn_version", "scikit-learn")):
        if _minor(str(manifest.get(key))) != _minor(mine[key]):
            raise ModelVersionError(
                f"{source} was made with {what} {manifest.get(key)}, but this installation has "
                f"{mine[key]}; retrain it with this version (`cleaner train ...`) or install "
                f"the matching version"
            )


def _read_bytes(p: Path, default: bool) -> bytes:
    from .model_file import MAX_FILE_BYTES

    if p.is_dir():
        raise ModelError(f"{p} is a directory, not a model file")
    if not p.is_file():
        hint = (
            " The default model ships inside the package; rebuild it with "
            "`python -m training.train corpus/training --replace-default`."
            if default
            else ""
        )
        raise ModelError(f"no model file at {p}.{hint}")
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ModelError(f"{p} is {size / 1e6:.0f} MB, larger than any model file; is it the right file?")
        return p.read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read the model file {p}: {exc.strerror}") from exc


def load_model(path: str | Path | None = None, *, trust_pickle: bool = False) -> Model:
    """Load a model file (the shipped default when ``path`` is None).

    Nothing in the file runs: it is read as plain data and arrays, checked, and the
    estimators are rebuilt from them (:mod:`cleaner.model_file`).

    Args:
        path: the model file.
        trust_pickle: also load a pickle (joblib) model file, as cleaner wrote them
            before. **Loading a pickle runs any code it holds**: only for files from a
            source you trust, and better converted once (:func:`convert_model`).

    Raises:
        ModelError: the file is missing or is not a cleaner model.
        UnsafeModelFileError: the file is a pickle and ``trust_pickle`` is false; its
            content was not read.
        ModelFormatError: the file is damaged or tampered with (a member missing or
            unexpected, a value of the wrong type, an array of the wrong shape).
        ModelVersionError: it was made with another cleaner feature layout (of the
            block classifier or of the headline ranker) or scikit-learn version; the
            message names both versions.
    """
    from .headline import check_ranker  # headline imports this module
    from .model_state import rebuild_model

    p = default_model_path() if path is None else Path(path)
    data = _read_bytes(p, default=path is None)
    kind = file_kind(data)
    if kind == "pickle":
        if not trust_pickle:
            raise pickle_refusal(p)
        return _load_pickle(p, data)
    if kind != "zip":
        raise ModelFormatError(
            f"{p} is not a cleaner model file (it starts with {data[:8]!r}; a model file is a zip written by "
            "`cleaner train` or `python -m training.train`)"
        )
    content = read_model_file(data, str(p))
    manifest = content.manifest
    _check_versions(manifest, p)
    parts = rebuild_model(content.structure, content.arrays)
    labels = [str(c) for c in parts.estimator.classes_]
    if manifest.get("labels") != labels:
        raise ModelFormatError(f"{p}: the manifest's labels are not the classifier's ({labels})")
    check_ranker(parts.headline_ranker, str(p))
    if parts.fallback is not None:
        check_ranker(parts.fallback.headline_ranker, f"{p} (its fallback model)")
    return Model(parts.estimator, manifest, parts.headline_ranker, parts.scope, parts.fallback, content.sha256)


def _load_pickle(p: Path, data: bytes) -> Model:
    """A pickle (joblib) model file, as cleaner wrote them before: runs the file's code."""
    import joblib

    try:
        with warnings.catch_warnings():
            # a patch-level scikit-learn difference is checked below, by minor version
            warnings.simplefilter("ignore", InconsistentVersionWarning)
            blob = joblib.load(io.BytesIO(data))
    except Exception as exc:  # a corrupt or foreign file can raise anything while unpickling
        raise ModelError(
            f"{p} is not a readable cleaner model (a file written by `cleaner train` or "
            f"`python -m training.train`; unpickling failed: {type(exc).__name__}: {exc})"
        ) from exc
    if not isinstance(blob, dict) or "manifest" not in blob or "estimator" not in blob:
        raise ModelError(f"{p} is not a cleaner model (no manifest)")
    manifest = blob["manifest"]
    _check_versions(manifest, p)
    from .headline import check_ranker  # headline imports this module

    check_ranker(blob.get("headline_ranker"), str(p))
    fallback = None
    if blob.get("fallback") is not None:
        fb = blob["fallback"]
        check_ranker(fb.get("headline_ranker"), f"{p} (its fallback model)")
        fallback = Model(fb["estimator"], fb["manifest"], fb.get("headline_ranker"))
    sha256 = hashlib.sha256(data).hexdigest()
    return Model(blob["estimator"], manifest, blob.get("headline_ranker"), blob.get("scope"), fallback, sha256)


def convert_model(source: str | Path, target: str | Path, *, trust_pickle: bool = False) -> Model:
    """Rewrite a model file in the safe format (:mod:`cleaner.model_file`); return the
    model as saved.

    The manifest is kept (its ``format`` becomes this format's, versions and labels are
    those of the estimator) and says what it was converted from; predictions do not
    change. Converting a pickle loads it, which runs its code: ``trust_pickle=True``
    is needed for one, as for :func:`load_model`.
    """
    model = load_model(source, trust_pickle=trust_pickle)
    manifest = dict(model.manifest)
    manifest["converted_from"] = {"file": Path(source).name, "sha256": model.file_sha256}
    return save_model(
        model.estimator,
        target,
        manifest,
        headline_ranker=model.headline_ranker,
        scope=model.scope,
        fallback=model.fallback,
    )
