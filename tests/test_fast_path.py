"""The fast path and the predictors give scikit-learn's probabilities, bit for bit,
and cleaning never imports scikit-learn (issue 17: load and first call; issue 14:
memory). The private scipy kernel is checked when a model loads (issue 16: so that the
pins can follow releases)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

from cleaner.cache import default_cleaner
from cleaner.model import fast_path, load_model
from cleaner.model.state import BLOCK_CLASSIFIER_ADDED, BLOCK_CLASSIFIER_PARAMS, HEADLINE_RANKER_PARAMS, HGB_PARAMS
from cleaner.model.trees import BLOCK_ROWS, NODE_DTYPE, Forest
from cleaner.pipeline.featurize import HashedWords, featurize
from cleaner.pipeline.segment import split_units

PAGE = (
    "Home | News | Sport\n"
    "Harbour reopens after storm repairs\n"
    "By Jane Doe - 12 March 2024\n"
    "The harbour reopened on Monday after three weeks of repairs to the sea wall, "
    "the port authority said, and the first ferries came in on the morning tide.\n"
    "Fishermen had waited since February for the work to end.\n"
    "Related: Storm damage along the coast\n"
    "Cookie settings | Privacy\n"
)


@pytest.fixture
def fresh_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The fast path's state as in a new process, restored afterwards."""
    monkeypatch.setitem(fast_path._STATE, "enabled", True)
    monkeypatch.setitem(fast_path._STATE, "verified", False)
    monkeypatch.setitem(fast_path._STATE, "csr", True)
    monkeypatch.setattr(fast_path, "_CSR_KERNEL", [])
    yield


def test_the_shipped_model_keeps_the_fast_path(fresh_state: None) -> None:
    assert fast_path.verify() is True
    assert fast_path.enabled()
    assert fast_path._csr_kernel(batch=True) is not None


def test_a_disagreeing_numpy_product_switches_the_fast_path_off(
    fresh_state: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = fast_path._numpy_scores

    def pairwise(coef: np.ndarray, d: np.ndarray, w: Any, out: np.ndarray) -> None:  # a numpy that sums pairwise
        real(coef, d, w, out)
        out[:] = np.nextafter(out, np.inf)

    monkeypatch.setattr(fast_path, "_numpy_scores", pairwise)
    with pytest.warns(RuntimeWarning, match="numpy"):
        assert fast_path.verify() is False
    assert not fast_path.enabled()
    # switched off, the stage-1 scores come from the stacked matrix: the same probabilities
    model = default_cleaner().model
    feats = [featurize(PAGE, split_units(PAGE))]
    monkeypatch.setitem(fast_path._STATE, "enabled", True)
    monkeypatch.setattr(fast_path, "_numpy_scores", real)
    fast = model.predictor.predict_proba_features(feats)
    monkeypatch.setitem(fast_path._STATE, "enabled", False)
    np.testing.assert_array_equal(model.predictor.predict_proba_features(feats), fast)


def test_a_disagreeing_csr_kernel_is_not_used(fresh_state: None, monkeypatch: pytest.MonkeyPatch) -> None:
    real = fast_path._import_csr_kernel()

    def drifted(*args: Any) -> None:  # a release whose kernel no longer adds into its output
        real(*args)
        args[-1][:] = 0

    monkeypatch.setattr(fast_path, "_import_csr_kernel", lambda: drifted)
    with pytest.warns(RuntimeWarning, match="CSR kernel"):
        assert fast_path._csr_kernel(batch=True) is None
    assert fast_path.enabled(), "the numpy product serves batches then"
    rng = np.random.default_rng(3)
    coef = rng.normal(size=(4 + 30, 5))
    dense = [rng.normal(size=(m, 4)) for m in (3, 6)]
    words = [HashedWords.of(sp.random(m, 30, density=0.2, format="csr", random_state=m)) for m in (3, 6)]
    want = np.vstack([fast_path.wide_scores(coef, [d], [w]) for d, w in zip(dense, words, strict=True)])
    np.testing.assert_array_equal(fast_path.wide_scores(coef, dense, words, batch=True), want)


def test_a_failing_csr_kernel_is_not_used(fresh_state: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> None:  # a release whose kernel takes other arguments
        raise ValueError("Buffer dtype mismatch")

    monkeypatch.setattr(fast_path, "_import_csr_kernel", lambda: broken)
    with pytest.warns(RuntimeWarning, match="CSR kernel"):
        assert fast_path._csr_kernel(batch=True) is None


def _stacked_products(coef: np.ndarray, dense: list[np.ndarray], words: list[Any]) -> np.ndarray:
    """scipy's product of each page's stacked matrix with ``coef``, the pages stacked."""
    return np.vstack(
        [np.asarray(sp.hstack([sp.csr_matrix(d), w], format="csr") @ coef) for d, w in zip(dense, words, strict=True)]
    )


@pytest.mark.parametrize("n_out", [1, 2, 5])
@pytest.mark.parametrize("seed", range(6))
def test_the_wide_scores_are_scipys_stacked_products_bit_for_bit(
    fresh_state: None, n_out: int, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both ways (numpy's product for one page, scipy's kernel for a batch) give the
    bits of scipy's public product, on pages of one row and of many, rows without
    words and rows of many, values of magnitudes whose sums depend on their order."""
    rng = np.random.default_rng(seed)
    k, width = 11, 400
    coef = rng.normal(size=(k + width, n_out)) * 10.0 ** rng.integers(-8, 9, size=(k + width, n_out))
    sizes = [1, 2, 3, 0, 17, 700]
    dense = [rng.normal(size=(m, k)) * (rng.random(size=(m, k)) < 0.5) for m in sizes]
    words = [sp.random(m, width, density=0.05 * (1 + seed % 3), format="csr", random_state=seed + m) for m in sizes]
    for w in words:
        w.data *= 10.0 ** rng.integers(-8, 9, size=w.nnz)
    want = _stacked_products(coef, dense, words)
    hashed = [HashedWords.of(w) for w in words]
    pages = [fast_path.wide_scores(coef, [d], [w]) for d, w in zip(dense, hashed, strict=True) if d.shape[0]]
    monkeypatch.setattr(fast_path, "_NUMPY_BLOCK_TERMS", 64 * (k + 40))  # blocks of rows too
    blocks = [fast_path.wide_scores(coef, [d], [w]) for d, w in zip(dense, hashed, strict=True) if d.shape[0]]
    assert np.array_equal(np.vstack(pages), want)
    assert np.array_equal(np.vstack(blocks), want)
    assert np.array_equal(fast_path.wide_scores(coef, dense, hashed, batch=True), want)


def test_one_page_is_cleaned_without_scipy() -> None:
    """A program that cleans a page does not wait for scipy's import (issue 17)."""
    code = f"import sys, cleaner\nassert cleaner.clean({PAGE!r}).articles\nprint('scipy' in sys.modules)\n"
    root = Path(__file__).resolve().parent.parent  # this checkout's cleaner
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.split() == ["False"], out.stdout + out.stderr


@pytest.mark.parametrize("rows", [1, 7, 64, 65, 300, BLOCK_ROWS + 3])
@pytest.mark.parametrize("model", ["stage 2", "ranker"])
def test_the_trees_give_predict_probas_bits(model: str, rows: int) -> None:
    cleaner = default_cleaner()
    trees = cleaner.model.estimator.stage2_ if model == "stage 2" else cleaner.model.headline_ranker.model_
    S = np.random.default_rng(rows).random(size=(rows, trees.n_features_in_))
    S[::3, ::5] = 0.0  # values on split thresholds' sides as real rows have them
    want = trees.predict_proba(S)
    np.testing.assert_array_equal(Forest.of(trees).predict_proba(S), want)
    np.testing.assert_array_equal(fast_path.stage2_proba(trees, S), want)


@pytest.mark.parametrize("model", ["stage 2", "ranker"])
def test_a_batch_through_the_compiled_kernel_gives_the_same_bits(model: str) -> None:
    cleaner = default_cleaner()
    trees = cleaner.model.estimator.stage2_ if model == "stage 2" else cleaner.model.headline_ranker.model_
    forest = Forest.of(trees)
    S = np.random.default_rng(5).random(size=(fast_path.KERNEL_MIN_ROWS + 7, forest.n_features))
    S[::3, ::5] = 0.0
    S[1::7, ::4] = np.nan
    want = trees.predict_proba(S)
    np.testing.assert_array_equal(fast_path.forest_proba(forest, S, batch=True), want)
    assert fast_path._KERNEL, "a batch this long goes through scikit-learn's kernel"
    np.testing.assert_array_equal(fast_path.forest_proba(forest, S), want)  # one page: the numpy walk


def test_a_disagreeing_tree_kernel_is_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from sklearn.ensemble._hist_gradient_boosting import _predictor

    real = _predictor._predict_from_raw_data

    def drifted(*args: Any) -> None:  # a release that changed the trees' layout
        real(*args)
        np.asarray(args[-1])[:] *= 0.5

    monkeypatch.setattr(_predictor, "_predict_from_raw_data", drifted)
    monkeypatch.setattr(fast_path, "_KERNEL", [])
    monkeypatch.setitem(fast_path._STATE, "kernel", True)
    forest = default_cleaner().model.predictor.stage2
    S = np.random.default_rng(6).random(size=(fast_path.KERNEL_MIN_ROWS, forest.n_features))
    with pytest.warns(RuntimeWarning, match="tree kernel"):
        got = fast_path.forest_proba(forest, S, batch=True)
    np.testing.assert_array_equal(got, forest.predict_proba(S))
    assert fast_path._STATE["kernel"] is False


def test_missing_values_go_the_way_each_node_says() -> None:
    trees = default_cleaner().model.estimator.stage2_
    S = np.random.default_rng(1).random(size=(9, trees.n_features_in_))
    S[::2, :] = np.nan
    S[1, ::2] = np.nan
    np.testing.assert_array_equal(fast_path.stage2_proba(trees, S), trees.predict_proba(S))


def test_a_model_fitted_with_missing_values_is_walked_as_scikit_learn_walks_it() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(2)
    X = rng.random(size=(400, 3))
    y = (X[:, 0] > 0.5).astype(int) + (X[:, 1] > 0.7)
    X[rng.random(size=X.shape) < 0.2] = np.nan  # the trees learn where missing values go
    for labels in (y, y > 0):  # three classes, and two
        model = HistGradientBoostingClassifier(max_iter=8, random_state=0).fit(X, labels)
        np.testing.assert_array_equal(Forest.of(model).predict_proba(X), model.predict_proba(X))


def test_the_logistic_function_is_scipys() -> None:
    from scipy.special import expit

    from cleaner.model.trees import _expit

    rng = np.random.default_rng(4)
    x = np.concatenate([rng.normal(0, 3, 20000), rng.uniform(-800, 800, 5000), [0.0, -0.0, 709.8, -709.8, np.nan]])
    got = np.array([_expit(v) for v in x.tolist()])
    np.testing.assert_array_equal(got, expit(x))


def test_a_refitted_model_is_walked_with_its_new_trees() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    X = rng.random(size=(200, 4))
    model = HistGradientBoostingClassifier(max_iter=5, random_state=0).fit(X, X[:, 0] > 0.5)
    before = fast_path.stage2_proba(model, X[:10])
    model.fit(X, X[:, 1] > 0.5)
    after = fast_path.stage2_proba(model, X[:10])
    np.testing.assert_array_equal(after, model.predict_proba(X[:10]))
    assert not np.array_equal(before, after)


def test_the_trees_refuse_rows_of_another_width() -> None:
    forest = default_cleaner().model.predictor.stage2
    with pytest.raises(ValueError, match="columns"):
        forest.predict_proba(np.zeros((2, forest.n_features + 1)))


def test_loading_a_model_runs_the_check(fresh_state: None) -> None:
    load_model()
    assert fast_path._STATE["verified"] is True


def test_a_loaded_models_estimators_predict_as_its_predictors() -> None:
    model = load_model()
    feats = [featurize(PAGE, split_units(PAGE)), featurize(PAGE.upper(), split_units(PAGE.upper()))]
    light = model.predictor.predict_proba_features(feats)
    assert light.shape[0] == sum(f.n_units for f in feats)
    np.testing.assert_array_equal(model.estimator.predict_proba_features(feats), light)
    # the estimator rebuilt from the file is scikit-learn's, predicting with its own code
    est = model.estimator
    from cleaner.model.predict import stack_matrix

    p1 = model.predictor._stage1_proba(feats)
    np.testing.assert_array_equal(est.stage2_.predict_proba(stack_matrix(p1, feats)), light)
    cands = np.random.default_rng(3).random(size=(12, model.ranker.forest.n_features))
    np.testing.assert_array_equal(
        model.ranker.forest.predict_proba(cands), model.headline_ranker.model_.predict_proba(cands)
    )


def test_the_node_layout_and_parameter_names_are_scikit_learns() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.ensemble._hist_gradient_boosting.common import PREDICTOR_RECORD_DTYPE

    from cleaner.model.estimator import BlockClassifier
    from cleaner.model.ranker import HeadlineRanker

    assert NODE_DTYPE == PREDICTOR_RECORD_DTYPE
    assert set(HistGradientBoostingClassifier().get_params(deep=False)) == HGB_PARAMS
    assert set(BlockClassifier().get_params(deep=False)) == BLOCK_CLASSIFIER_PARAMS
    assert BlockClassifier._added_params == BLOCK_CLASSIFIER_ADDED
    assert set(HeadlineRanker().get_params(deep=False)) == HEADLINE_RANKER_PARAMS


def test_cleaning_never_imports_scikit_learn() -> None:
    code = (
        "import sys, cleaner\n"
        f"doc = cleaner.clean({PAGE!r})\n"
        "body = 'The harbour reopened. ' * 40\n"
        "html = cleaner.clean_html('<html><body><h1>Harbour reopens</h1><p>' + body + '</p></body></html>')\n"
        "assert doc.articles and html.articles, (doc, html)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'pandas')))\n"
    )
    root = Path(__file__).resolve().parent.parent  # this checkout's cleaner
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_a_loaded_model_pickles_as_its_file_without_scikit_learn() -> None:
    code = (
        "import pickle, sys, cleaner\n"
        "c = cleaner.Cleaner()\n"
        "data = pickle.dumps(c)\n"
        "again = pickle.loads(data)\n"
        f"page = {PAGE!r}\n"
        "assert again.clean(page) == c.clean(page)\n"
        "assert again.model.file_sha256 == c.model.file_sha256\n"
        "print(len(data) < 12_000_000, 'sklearn' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.split() == ["True", "False"], out.stdout + out.stderr


def test_a_model_whose_estimators_were_built_pickles_them() -> None:
    import pickle

    model = load_model()
    est = model.estimator  # built: a change to it must travel with the pickle
    est.stage2_ = est.stage2_
    again = pickle.loads(pickle.dumps(model))
    feats = [featurize(PAGE, split_units(PAGE))]
    np.testing.assert_array_equal(
        again.predictor.predict_proba_features(feats), model.predictor.predict_proba_features(feats)
    )
    assert again.estimator is not model.estimator and again.estimator.stage2_ is not None
