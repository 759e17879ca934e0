"""A model's fitted estimators as plain data and arrays, and back: what a model file holds.

:func:`model_state` takes a model's estimators apart into a *structure* (JSON: each
part's type, from the closed list below, its parameters and the names of its arrays)
and named arrays of numbers; :func:`rebuild_model` puts them together again from those
alone, checking every value on the way, so that a file can only ever yield these
types, with arrays of the shapes their predictions index with:

* ``BlockClassifier`` (:class:`cleaner.model.BlockClassifier`): its parameters, labels
  and stages;
* ``WideLogistic``: a stage-1 logistic model (``coef`` over the numeric features with
  their context and the hashed words, ``intercept``);
* ``HistGradientBoosting``: scikit-learn's ``HistGradientBoostingClassifier`` (a
  stage-1 or stage-2 model, the headline ranker's model): its parameters, labels,
  baseline scores and trees (scikit-learn's node records, all trees in one array, with
  the number of nodes of each); the rebuilt estimator holds what prediction reads, and
  predicts as the fitted one did, bit for bit;
* ``ScaledLogistic``: the stage-2 ``StandardScaler`` + ``LogisticRegression``
  pipeline;
* ``HeadlineRanker`` (:class:`cleaner.model.ranker.HeadlineRanker`);
* ``SiteScope`` (:class:`cleaner.scope.SiteScope`): its sites' template lines, the
  lines and share of them a page must hold, and its URL patterns;
* a fallback model (a retrained model's, outside its scope): its manifest, block
  classifier and headline ranker.

Trees are checked before they are used: every split's children come after it and
inside its tree (so walking a tree ends at a leaf), every split's feature is one the
model has, and no split is categorical (the project never fits categorical features).
A value that breaks these rules is a :class:`~cleaner.errors.ModelFormatError`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..blend import DefaultBlend
from ..errors import ModelError, ModelFormatError
from ..pipeline.featurize import NUMERIC_FEATURES, featurize, with_context
from ..pipeline.segment import split_units
from ..scope import SiteScope
from .files import ArrayReader
from .predict import N_CANDIDATE_FEATURES, STACK_OFFSETS, BlockPredictor, RankerPredictor, WideLogistic
from .store import Model
from .trees import NODE_DTYPE, Forest

if TYPE_CHECKING:
    from sklearn.ensemble import HistGradientBoostingClassifier

    from .estimator import BlockClassifier
    from .ranker import HeadlineRanker

__all__ = ["ModelParts", "NeedsScikitLearn", "PredictorParts", "model_state", "read_predictors", "rebuild_model"]

# The constructor parameters of the estimators a file names, as scikit-learn's
# get_params gives them (tests/test_model_file.py checks them against the classes):
# the file's parameters are checked against these without importing scikit-learn.
HGB_PARAMS = frozenset(
    {
        "categorical_features", "class_weight", "early_stopping", "interaction_cst", "l2_regularization",
        "learning_rate", "loss", "max_bins", "max_depth", "max_features", "max_iter", "max_leaf_nodes",
        "min_samples_leaf", "monotonic_cst", "n_iter_no_change", "random_state", "scoring", "tol",
        "validation_fraction", "verbose", "warm_start",
    }
)  # fmt: skip
BLOCK_CLASSIFIER_PARAMS = frozenset(
    {
        "alpha", "epochs", "first_stage", "max_iter", "min_df", "n_folds", "random_state", "second_stage",
        "stage2_early_stopping", "stage2_learning_rate", "stage2_max_iter",
    }
)  # fmt: skip
BLOCK_CLASSIFIER_ADDED = frozenset({"stage2_max_iter", "stage2_learning_rate", "stage2_early_stopping"})
"""Parameters added after model files were first written (``BlockClassifier._added_params``)."""
HEADLINE_RANKER_PARAMS = frozenset({"max_iter", "min_score", "random_state"})


@dataclass(frozen=True)
class PredictorParts:
    """What :func:`read_predictors` gives: what cleaning needs of a model file's parts."""

    predictor: BlockPredictor
    ranker: RankerPredictor | None
    scope: SiteScope | None
    fallback: Model | None
    blend: DefaultBlend | None = None


@dataclass(frozen=True)
class ModelParts:
    """What :func:`rebuild_model` gives: the parts of a :class:`cleaner.model.Model`."""

    estimator: BlockClassifier
    headline_ranker: HeadlineRanker | None
    scope: SiteScope | None
    fallback: Model | None
    blend: DefaultBlend | None = None


# --------------------------------------------------------------------------- writing


class _Arrays:
    """Arrays collected while a structure is written, each under a name given once."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def put(self, name: str, array: np.ndarray) -> str:
        if name in self.arrays:  # pragma: no cover - names follow the structure's paths
            raise ModelError(f"array {name!r} written twice")
        self.arrays[name] = array
        return name


def _classes_state(classes: np.ndarray) -> dict[str, Any]:
    if classes.dtype == object:
        kind = "object"
    elif classes.dtype.kind == "U":
        kind = "str"
    elif classes.dtype == bool:
        kind = "bool"
    else:
        raise ModelError(f"a model's classes must be labels or booleans, not {classes.dtype}")
    return {"dtype": kind, "values": classes.tolist()}


def _hgb_state(model: HistGradientBoostingClassifier | Forest, out: _Arrays, at: str) -> dict[str, Any]:
    """A fitted gradient-boosting classifier (or its :class:`Forest`) as plain data and arrays."""
    if not isinstance(model, Forest):
        if getattr(model, "is_categorical_", None) is not None or getattr(model, "_preprocessor", None) is not None:
            raise ModelError(f"{at}: gradient boosting with categorical features cannot be saved")
        for tree in (tree for iteration in model._predictors for tree in iteration):
            if tree.nodes["is_categorical"].any() or len(tree.raw_left_cat_bitsets):
                raise ModelError(f"{at}: gradient boosting with categorical splits cannot be saved")
        model = Forest.of(model)
    return {
        "type": "HistGradientBoosting",
        "params": model.params,
        "classes": _classes_state(model.classes),
        "n_features": int(model.n_features),
        "baseline": out.put(f"{at}.baseline", np.asarray(model.baseline)),
        "tree_sizes": out.put(f"{at}.tree_sizes", np.asarray(model.tree_sizes, dtype=np.int64)),
        "nodes": out.put(f"{at}.nodes", model.nodes),
    }


def _stage_state(model: Any, out: _Arrays, at: str) -> dict[str, Any]:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    if isinstance(model, WideLogistic):
        return {
            "type": "WideLogistic",
            "classes": _classes_state(np.asarray(model.classes_)),
            "coef": out.put(f"{at}.coef", model.coef_),
            "intercept": out.put(f"{at}.intercept", model.intercept_),
        }
    if isinstance(model, HistGradientBoostingClassifier):
        return _hgb_state(model, out, at)
    if isinstance(model, Pipeline) and [type(s) for _, s in model.steps] == [StandardScaler, LogisticRegression]:
        scaler, logistic = model.steps[0][1], model.steps[1][1]
        return {
            "type": "ScaledLogistic",
            "scaler_params": scaler.get_params(deep=False),
            "mean": out.put(f"{at}.mean", scaler.mean_),
            "scale": out.put(f"{at}.scale", scaler.scale_),
            "logistic_params": logistic.get_params(deep=False),
            "classes": _classes_state(logistic.classes_),
            "coef": out.put(f"{at}.coef", logistic.coef_),
            "intercept": out.put(f"{at}.intercept", logistic.intercept_),
        }
    raise ModelError(f"{at}: a {type(model).__name__} cannot be saved in a model file")


def _classifier_state(est: BlockClassifier, out: _Arrays, at: str) -> dict[str, Any]:
    from .estimator import BlockClassifier

    params = est.get_params(deep=False)
    defaults = BlockClassifier().get_params(deep=False)
    # a parameter added later is written only where it differs from its default, so
    # that files stay as they were for the models that do not use it
    for name in BlockClassifier._added_params:
        if params[name] == defaults[name]:
            del params[name]
    return {
        "type": "BlockClassifier",
        "params": params,
        "classes": _classes_state(est.classes_),
        "stage1": [_stage_state(m, out, f"{at}.stage1.{i}") for i, m in enumerate(est.stage1_)],
        "stage2": None if est.stage2_ is None else _stage_state(est.stage2_, out, f"{at}.stage2"),
    }


def _ranker_state(ranker: HeadlineRanker | None, out: _Arrays, at: str) -> dict[str, Any] | None:
    if ranker is None:
        return None
    return {
        "type": "HeadlineRanker",
        "params": ranker.get_params(deep=False),
        "feature_version": ranker.feature_version_,
        "model": _hgb_state(ranker.model_, out, f"{at}.model"),
    }


def model_state(
    estimator: BlockClassifier,
    headline_ranker: HeadlineRanker | None = None,
    scope: SiteScope | None = None,
    fallback: Model | None = None,
    blend: DefaultBlend | None = None,
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """A model's structure (plain data) and its arrays, by name.

    Raises:
        ModelError: a part is of a type a model file cannot hold.
    """
    out = _Arrays()
    structure: dict[str, Any] = {
        "estimator": _classifier_state(estimator, out, "estimator"),
        "headline_ranker": _ranker_state(headline_ranker, out, "headline_ranker"),
        "scope": None,
        "fallback": None,
    }
    if scope is not None:
        structure["scope"] = {
            "type": "SiteScope",
            "sites": {site: sorted(lines) for site, lines in sorted(scope.sites.items())},
            "min_shared": scope.min_shared,
            "min_fraction": scope.min_fraction,
            "url_patterns": list(scope.url_patterns),
        }
    if fallback is not None:
        structure["fallback"] = {
            "manifest": fallback.manifest,
            "estimator": _classifier_state(fallback.estimator, out, "fallback.estimator"),
            "headline_ranker": _ranker_state(fallback.headline_ranker, out, "fallback.headline_ranker"),
        }
    if blend is not None:  # a key of its own, absent from the files of models without one
        structure["blend"] = {"type": "DefaultBlend", "share": float(blend.share)}
    return structure, out.arrays


# --------------------------------------------------------------------------- reading


class _Reader:
    """Reads a structure's values, each checked; errors name the file and the value's place."""

    def __init__(self, arrays: ArrayReader) -> None:
        self.arrays = arrays
        self.source = arrays.source

    def fail(self, at: str, message: str) -> ModelFormatError:
        return ModelFormatError(f"{self.source}: {at} {message} (a damaged or tampered model file)")

    def obj(self, value: object, at: str, type_name: str | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(at, f"must be an object, not {type(value).__name__}")
        if type_name is not None and value.get("type") != type_name:
            raise self.fail(at, f"must be of type {type_name}, not {value.get('type')!r}")
        return value

    def key(self, d: dict[str, Any], key: str, at: str) -> Any:
        if key not in d:
            raise self.fail(f"{at}.{key}", "is missing")
        return d[key]

    def integer(self, d: dict[str, Any], key: str, at: str, *, minimum: int = 0) -> int:
        value = self.key(d, key, at)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(f"{at}.{key}", f"must be an integer of at least {minimum}, not {value!r:.60}")
        return value

    def params(
        self, d: dict[str, Any], key: str, names: Iterable[str], what: str, at: str, later: Iterable[str] = ()
    ) -> dict[str, Any]:
        """An estimator's constructor parameters: exactly its parameters' ``names``
        (less those added ``later``, which a file written before them lacks), JSON values."""
        params = self.obj(self.key(d, key, at), f"{at}.{key}")
        expected = set(names)
        diff = sorted((set(params) - expected) | (expected - set(params) - set(later)))
        if diff:
            raise self.fail(f"{at}.{key}", f"must hold the parameters of {what} (differs in {diff[:5]})")
        return params

    def class_params(self, d: dict[str, Any], key: str, cls: type, at: str) -> dict[str, Any]:
        """:meth:`params` of the estimator class ``cls``."""
        names = cls().get_params(deep=False)
        return self.params(d, key, names, cls.__name__, at, getattr(cls, "_added_params", frozenset()))

    def classes(self, d: dict[str, Any], at: str) -> np.ndarray:
        c = self.obj(self.key(d, "classes", at), f"{at}.classes")
        kind, values = c.get("dtype"), c.get("values")
        if not isinstance(values, list) or len(values) < 2:
            raise self.fail(f"{at}.classes", "must list two or more classes")
        if kind in ("object", "str"):
            if not all(isinstance(v, str) for v in values):
                raise self.fail(f"{at}.classes", "must be labels (strings)")
        elif kind != "bool" or not all(isinstance(v, bool) for v in values):
            raise self.fail(f"{at}.classes", "must be labels or booleans")
        if values != sorted(set(values)):
            raise self.fail(f"{at}.classes", "must be sorted and distinct")
        dtype: Any = {"object": object, "str": str, "bool": bool}[kind]
        return np.asarray(values, dtype=dtype)

    def array(self, d: dict[str, Any], key: str, dtype: Any, shape: tuple[int | None, ...], at: str) -> np.ndarray:
        return self.arrays.get(self.key(d, key, at), dtype, shape, at=f"{at}.{key}")


# Nodes of one tree: scikit-learn's trees have 2 * max_leaf_nodes - 1 (61 by default);
# the bound keeps the sums of node counts far from overflowing.
_MAX_TREE_NODES = 1 << 24


@functools.cache
def _stage1_widths() -> tuple[int, int]:
    """Columns of the stage-1 input: numeric features with their context, and hashed words."""
    f = featurize("x", split_units("x"))
    return with_context(f.numeric, f.line).shape[1], f.hashed.shape[1]


def _stage2_width(n_classes: int, n_kinds: int) -> int:
    """Columns of the stage-2 input (:func:`cleaner.model.predict.stack_matrix`)."""
    p = n_classes * n_kinds
    return len(NUMERIC_FEATURES) + p + len(STACK_OFFSETS) * (p + 1)


def _same_classes(r: _Reader, have: np.ndarray, want: np.ndarray, at: str) -> None:
    if have.tolist() != want.tolist():
        raise r.fail(f"{at}.classes", f"must be the classifier's labels {want.tolist()}")


def _read_nodes(r: _Reader, d: dict[str, Any], k: int, n_features: int, at: str) -> tuple[np.ndarray, np.ndarray]:
    """A forest's node records and tree sizes, checked: every split's children come
    after it and inside its tree (so walking a tree ends at a leaf), every split's
    feature is one the model has, and no split is categorical."""
    sizes = r.array(d, "tree_sizes", np.int64, (None, k), at)
    if ((sizes < 1) | (sizes > _MAX_TREE_NODES)).any():
        raise r.fail(f"{at}.tree_sizes", f"must be from 1 to {_MAX_TREE_NODES:,}")
    nodes = r.array(d, "nodes", NODE_DTYPE, (int(sizes.sum()),), at)
    flat = sizes.ravel()
    ends = np.cumsum(flat)
    starts = ends - flat
    local = np.arange(nodes.shape[0]) - np.repeat(starts, flat)
    size = np.repeat(flat, flat)
    split = nodes["is_leaf"] == 0
    if not np.isin(nodes["is_leaf"], (0, 1)).all() or not np.isin(nodes["missing_go_to_left"], (0, 1)).all():
        raise r.fail(f"{at}.nodes", "hold flags other than 0 and 1")
    if nodes["is_categorical"].any():
        raise r.fail(f"{at}.nodes", "hold categorical splits, which cleaner never fits")
    for child in ("left", "right"):
        c = nodes[child][split].astype(np.int64)
        if ((c <= local[split]) | (c >= size[split])).any():
            raise r.fail(f"{at}.nodes", f"hold a split whose {child} child is not after it in its tree")
    f = nodes["feature_idx"][split]
    if ((f < 0) | (f >= n_features)).any():
        raise r.fail(f"{at}.nodes", f"hold a split on a feature the model does not have (it has {n_features})")
    return nodes, sizes


def _read_forest(r: _Reader, value: object, at: str, *, n_features: int, classes: np.ndarray | None = None) -> Forest:
    """A gradient-boosting classifier's trees, checked (:func:`_read_nodes`)."""
    d = r.obj(value, at, "HistGradientBoosting")
    params = r.params(d, "params", HGB_PARAMS, "HistGradientBoostingClassifier", at)
    if params["loss"] != "log_loss":
        raise r.fail(f"{at}.params.loss", "must be 'log_loss'")
    have_classes = r.classes(d, at)
    if classes is not None:
        _same_classes(r, have_classes, classes, at)
    if r.integer(d, "n_features", at, minimum=1) != n_features:
        raise r.fail(f"{at}.n_features", f"must be {n_features}, the width of the features it is given")
    k = 1 if len(have_classes) == 2 else len(have_classes)
    baseline = r.array(d, "baseline", np.float64, (1, k), at)
    nodes, sizes = _read_nodes(r, d, k, n_features, at)
    return Forest(have_classes, n_features, nodes, sizes, baseline, params)


def _hgb_of(forest: Forest) -> HistGradientBoostingClassifier:
    """The scikit-learn estimator of ``forest``: it holds what prediction reads, and
    predicts as the fitted one did, bit for bit."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.ensemble._hist_gradient_boosting.binning import _BinMapper
    from sklearn.ensemble._hist_gradient_boosting.common import X_BITSET_INNER_DTYPE
    from sklearn.ensemble._hist_gradient_boosting.predictor import TreePredictor

    k = forest.n_k
    model = HistGradientBoostingClassifier(**forest.params)
    model.classes_ = forest.classes
    model.n_trees_per_iteration_ = k
    model.n_features_in_ = forest.n_features
    model._baseline_prediction = forest.baseline
    flat = np.asarray(forest.tree_sizes).ravel()
    ends = np.cumsum(flat)
    empty = np.zeros((0, 8), dtype=X_BITSET_INNER_DTYPE)
    trees = [
        TreePredictor(forest.nodes[e - n : e], empty, empty) for n, e in zip(flat.tolist(), ends.tolist(), strict=True)
    ]
    model._predictors = [trees[i * k : (i + 1) * k] for i in range(len(flat) // k)]
    # what prediction reads: no categorical features, so no preprocessor and no known categories
    model.is_categorical_ = None
    model._preprocessor = None
    model._is_categorical_remapped = None
    bin_mapper = _BinMapper()
    bin_mapper.is_categorical_ = np.zeros(forest.n_features, dtype=np.uint8)
    bin_mapper.bin_thresholds_ = []
    model._bin_mapper = bin_mapper
    model._loss = model._get_loss(sample_weight=None)
    return model


def _rebuild_hgb(
    r: _Reader, value: object, at: str, *, n_features: int, classes: np.ndarray | None = None
) -> HistGradientBoostingClassifier:
    from sklearn.ensemble import HistGradientBoostingClassifier

    r.class_params(r.obj(value, at), "params", HistGradientBoostingClassifier, at)
    return _hgb_of(_read_forest(r, value, at, n_features=n_features, classes=classes))


class NeedsScikitLearn(Exception):
    """Raised by :func:`read_predictors` for a part of the file that only scikit-learn
    predicts (a scaled logistic stage 2): :func:`rebuild_model` reads such a file."""


def _read_stage(r: _Reader, value: object, at: str, kind: str, classes: np.ndarray, width: int, full: bool) -> Any:
    """A stage-1 or stage-2 model: a :class:`WideLogistic`, a :class:`Forest` (or with
    ``full``, scikit-learn's estimator), or with ``full`` a scaled logistic pipeline."""
    d = r.obj(value, at)
    n_out = 1 if len(classes) == 2 else len(classes)
    if kind == "logistic":
        d = r.obj(value, at, "WideLogistic")
        _same_classes(r, r.classes(d, at), classes, at)
        return WideLogistic.from_state(
            r.classes(d, at),
            r.array(d, "coef", np.float64, (width, n_out), at),
            r.array(d, "intercept", np.float64, (n_out,), at),
        )
    if kind == "boosting":
        if full:
            return _rebuild_hgb(r, d, at, n_features=width, classes=classes)
        return _read_forest(r, d, at, n_features=width, classes=classes)
    if not full:
        raise NeedsScikitLearn(at)
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    d = r.obj(value, at, "ScaledLogistic")
    scaler = StandardScaler(**r.class_params(d, "scaler_params", StandardScaler, at))
    if not all(isinstance(getattr(scaler, a), bool) for a in ("with_mean", "with_std", "copy")):
        raise r.fail(f"{at}.scaler_params", "must hold booleans")
    scaler.mean_ = r.array(d, "mean", np.float64, (width,), at)
    scaler.scale_ = r.array(d, "scale", np.float64, (width,), at)
    scaler.n_features_in_ = width
    logistic = LogisticRegression(**r.class_params(d, "logistic_params", LogisticRegression, at))
    logistic.classes_ = r.classes(d, at)
    _same_classes(r, logistic.classes_, classes, at)
    logistic.coef_ = r.array(d, "coef", np.float64, (n_out, width), at)
    logistic.intercept_ = r.array(d, "intercept", np.float64, (n_out,), at)
    logistic.n_features_in_ = width
    return make_pipeline(scaler, logistic)


_FIRST_STAGES = {"logistic": ["logistic"], "boosting": ["boosting"], "logistic+boosting": ["logistic", "boosting"]}


@dataclass(frozen=True)
class _ClassifierParts:
    params: dict[str, Any]
    classes: np.ndarray
    kinds: list[str]
    stage1: list[Any]
    stage2: Any


def _read_classifier(r: _Reader, value: object, at: str, *, full: bool) -> _ClassifierParts:
    d = r.obj(value, at, "BlockClassifier")
    params = r.params(d, "params", BLOCK_CLASSIFIER_PARAMS, "BlockClassifier", at, BLOCK_CLASSIFIER_ADDED)
    kinds = _FIRST_STAGES.get(params["first_stage"]) if isinstance(params["first_stage"], str) else None
    if kinds is None:
        raise r.fail(f"{at}.params.first_stage", f"is not a block classifier's ({params['first_stage']!r:.60})")
    second = params["second_stage"]
    if second not in ("none", "logistic", "boosting"):
        raise r.fail(f"{at}.params.second_stage", f"is not a block classifier's ({second!r:.60})")
    classes = r.classes(d, at)
    if classes.dtype != object:
        raise r.fail(f"{at}.classes", "must be labels")
    stage1 = r.key(d, "stage1", at)
    if not isinstance(stage1, list) or len(stage1) != len(kinds):
        raise r.fail(f"{at}.stage1", f"must list {len(kinds)} model(s), one for each of {params['first_stage']!r}")
    dense, words = _stage1_widths()
    models = [
        _read_stage(r, m, f"{at}.stage1.{i}", kind, classes, dense + words if kind == "logistic" else dense, full)
        for i, (m, kind) in enumerate(zip(stage1, kinds, strict=True))
    ]
    stage2 = r.key(d, "stage2", at)
    if (stage2 is None) != (second == "none"):
        raise r.fail(f"{at}.stage2", f"does not match second_stage={second!r}")
    second_model = None
    if stage2 is not None:
        kind = "boosting" if second == "boosting" else "scaled"
        width = _stage2_width(len(classes), len(kinds))
        second_model = _read_stage(r, stage2, f"{at}.stage2", kind, classes, width, full)
    return _ClassifierParts(params, classes, kinds, models, second_model)


def _rebuild_classifier(r: _Reader, value: object, at: str) -> BlockClassifier:
    from .estimator import BlockClassifier

    parts = _read_classifier(r, value, at, full=True)
    r.class_params(r.obj(value, at), "params", BlockClassifier, at)
    est = BlockClassifier(**parts.params)
    est.classes_ = parts.classes
    est.stage1_ = parts.stage1
    est.stage2_ = parts.stage2
    return est


def _read_block_predictor(r: _Reader, value: object, at: str) -> BlockPredictor:
    parts = _read_classifier(r, value, at, full=False)
    return BlockPredictor(parts.classes, parts.kinds, parts.stage1, parts.stage2)


@dataclass(frozen=True)
class _RankerParts:
    params: dict[str, Any]
    feature_version: str
    forest: Forest


def _read_ranker(r: _Reader, value: object, at: str) -> _RankerParts | None:
    if value is None:
        return None
    d = r.obj(value, at, "HeadlineRanker")
    params = r.params(d, "params", HEADLINE_RANKER_PARAMS, "HeadlineRanker", at)
    min_score = params["min_score"]
    if isinstance(min_score, bool) or not isinstance(min_score, int | float):
        raise r.fail(f"{at}.params.min_score", "must be a number")
    version = r.key(d, "feature_version", at)
    if not isinstance(version, str):
        raise r.fail(f"{at}.feature_version", "must be a string")
    forest = _read_forest(
        r, r.key(d, "model", at), f"{at}.model", n_features=N_CANDIDATE_FEATURES, classes=np.asarray([False, True])
    )
    return _RankerParts(params, version, forest)


def _rebuild_ranker(r: _Reader, value: object, at: str) -> HeadlineRanker | None:
    parts = _read_ranker(r, value, at)
    if parts is None:
        return None
    from .ranker import HeadlineRanker

    r.class_params(r.obj(value, at), "params", HeadlineRanker, at)
    ranker = HeadlineRanker(**parts.params)
    ranker.feature_version_ = parts.feature_version
    ranker.model_ = _hgb_of(parts.forest)
    return ranker


def _read_ranker_predictor(r: _Reader, value: object, at: str) -> RankerPredictor | None:
    parts = _read_ranker(r, value, at)
    if parts is None:
        return None
    return RankerPredictor(parts.forest, parts.params["min_score"], parts.feature_version)


def _rebuild_scope(r: _Reader, value: object, at: str) -> SiteScope | None:
    if value is None:
        return None
    d = r.obj(value, at, "SiteScope")
    sites = r.obj(r.key(d, "sites", at), f"{at}.sites")
    for site, lines in sites.items():
        if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
            raise r.fail(f"{at}.sites", f"must list each site's lines as strings ({site!r} does not)")
    # min_fraction and url_patterns (issue 19) are missing from files written before them
    fraction = d.get("min_fraction", 0.0)
    if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not 0 <= fraction <= 1:
        raise r.fail(f"{at}.min_fraction", f"must be a number from 0 to 1, not {fraction!r:.60}")
    patterns = d.get("url_patterns", [])
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise r.fail(f"{at}.url_patterns", "must list strings")
    return SiteScope(
        {site: frozenset(lines) for site, lines in sites.items()},
        r.integer(d, "min_shared", at, minimum=1),
        float(fraction),
        tuple(patterns),
    )


def rebuild_model(structure: dict[str, Any], arrays: ArrayReader) -> ModelParts:
    """Rebuild a model's parts from a model file's structure and arrays (:func:`model_state`'s
    output, as :func:`cleaner.model.files.read_model_file` reads it back).

    Raises:
        ModelFormatError: a value or array is not what the structure's types allow.
    """
    r = _Reader(arrays)
    estimator = _rebuild_classifier(r, r.key(structure, "estimator", "model.json"), "estimator")
    ranker = _rebuild_ranker(r, r.key(structure, "headline_ranker", "model.json"), "headline_ranker")
    scope = _rebuild_scope(r, r.key(structure, "scope", "model.json"), "scope")
    fallback = None
    fb = r.key(structure, "fallback", "model.json")
    if (fb is None) != (scope is None):
        raise r.fail("scope", "and fallback go together: both or neither")
    if fb is not None:
        fb = r.obj(fb, "fallback")
        manifest = r.obj(r.key(fb, "manifest", "fallback"), "fallback.manifest")
        fb_est = _rebuild_classifier(r, r.key(fb, "estimator", "fallback"), "fallback.estimator")
        missing = set(fb_est.classes_.tolist()) - set(estimator.classes_.tolist())
        if missing:
            raise r.fail("fallback.estimator.classes", f"hold labels the model lacks: {sorted(missing)}")
        fb_ranker = _rebuild_ranker(r, r.key(fb, "headline_ranker", "fallback"), "fallback.headline_ranker")
        fallback = Model(fb_est, manifest, fb_ranker)
    blend = _rebuild_blend(r, structure.get("blend"), fallback is not None)
    arrays.check_all_read()
    return ModelParts(estimator, ranker, scope, fallback, blend)


def read_predictors(structure: dict[str, Any], arrays: ArrayReader) -> PredictorParts:
    """What cleaning needs of a model file's parts (:class:`PredictorParts`), read and
    checked as :func:`rebuild_model` reads them, without importing scikit-learn.

    Raises:
        ModelFormatError: a value or array is not what the structure's types allow.
        NeedsScikitLearn: a part only scikit-learn predicts.
    """
    r = _Reader(arrays)
    predictor = _read_block_predictor(r, r.key(structure, "estimator", "model.json"), "estimator")
    ranker = _read_ranker_predictor(r, r.key(structure, "headline_ranker", "model.json"), "headline_ranker")
    scope = _rebuild_scope(r, r.key(structure, "scope", "model.json"), "scope")
    fallback = None
    fb = r.key(structure, "fallback", "model.json")
    if (fb is None) != (scope is None):
        raise r.fail("scope", "and fallback go together: both or neither")
    if fb is not None:
        fb = r.obj(fb, "fallback")
        manifest = r.obj(r.key(fb, "manifest", "fallback"), "fallback.manifest")
        fb_predictor = _read_block_predictor(r, r.key(fb, "estimator", "fallback"), "fallback.estimator")
        missing = set(fb_predictor.classes_.tolist()) - set(predictor.classes_.tolist())
        if missing:
            raise r.fail("fallback.estimator.classes", f"hold labels the model lacks: {sorted(missing)}")
        fb_ranker = _read_ranker_predictor(r, r.key(fb, "headline_ranker", "fallback"), "fallback.headline_ranker")
        fallback = Model.from_predictors(fb_predictor, manifest, fb_ranker, _no_estimators)
    blend = _rebuild_blend(r, structure.get("blend"), fallback is not None)
    arrays.check_all_read()
    return PredictorParts(predictor, ranker, scope, fallback, blend)


def _no_estimators() -> tuple[Any, Any]:  # pragma: no cover - load_model gives the fallback its own
    raise ModelError("this fallback model was read without its estimators")


def _rebuild_blend(r: _Reader, value: object, has_fallback: bool) -> DefaultBlend | None:
    """A model's :class:`~cleaner.blend.DefaultBlend` (files of models without one have no key)."""
    if value is None:
        return None
    d = r.obj(value, "blend", "DefaultBlend")
    if not has_fallback:
        raise r.fail("blend", "needs a fallback model to mix with")
    share = r.key(d, "share", "blend")
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        raise r.fail("blend.share", f"must be a number from 0 to 1, not {share!r:.60}")
    return DefaultBlend(float(share))
