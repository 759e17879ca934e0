"""The fast path is checked against scikit-learn's public calls when a model loads
(issue 16: so that the scikit-learn pin can follow releases)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from cleaner.cache import default_cleaner
from cleaner.model import fast_path, load_model


@pytest.fixture
def fresh_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The fast path's state as in a new process, restored afterwards."""
    monkeypatch.setitem(fast_path._STATE, "enabled", True)
    monkeypatch.setitem(fast_path._STATE, "verified", False)
    yield


def test_the_shipped_model_keeps_the_fast_path(fresh_state: None) -> None:
    assert fast_path.verify(default_cleaner().model.estimator) is True
    assert fast_path.enabled()


@pytest.mark.parametrize("kernel", ["forest_raw", "tree_calls_raw"])
@pytest.mark.parametrize("model", ["stage 2", "ranker"])
def test_a_disagreeing_tree_predictor_switches_the_fast_path_off(
    fresh_state: None, monkeypatch: pytest.MonkeyPatch, kernel: str, model: str
) -> None:
    cleaner = default_cleaner()
    est, ranker = cleaner.model.estimator, cleaner.model.headline_ranker
    trees = est.stage2_ if model == "stage 2" else ranker.model_
    real = getattr(fast_path, kernel)

    def drifted(model: Any, S: np.ndarray) -> np.ndarray:  # a release that changed the trees' layout
        return np.asarray(real(model, S)) * 0.5

    monkeypatch.setattr(fast_path, kernel, drifted)
    with pytest.warns(RuntimeWarning, match=f"tree predictor \\({'stage-2' if model == 'stage 2' else 'ranker'}"):
        assert fast_path.verify(est, ranker=ranker) is False
    assert not fast_path.enabled()
    monkeypatch.setattr(fast_path, kernel, real)
    S = np.random.default_rng(0).normal(size=(5, trees.n_features_in_))
    # switched off, the public predict_proba answers
    np.testing.assert_array_equal(fast_path.stage2_proba(trees, S), trees.predict_proba(S))


def test_a_failing_tree_predictor_switches_the_fast_path_off(
    fresh_state: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> None:  # a release whose kernel takes other arguments
        raise ValueError("Buffer dtype mismatch")

    monkeypatch.setattr(fast_path, "_predict_from_raw_data", broken)
    with pytest.warns(RuntimeWarning, match="tree_calls_raw"):
        assert fast_path.verify(default_cleaner().model.estimator) is False


@pytest.mark.parametrize("rows", [1, 7, fast_path.FOREST_MAX_ROWS, fast_path.FOREST_MAX_ROWS + 1, 300])
@pytest.mark.parametrize("model", ["stage 2", "ranker"])
def test_both_ways_of_walking_the_trees_give_predict_probas_bits(model: str, rows: int) -> None:
    cleaner = default_cleaner()
    trees = cleaner.model.estimator.stage2_ if model == "stage 2" else cleaner.model.headline_ranker.model_
    S = np.random.default_rng(rows).random(size=(rows, trees.n_features_in_))
    S[::3, ::5] = 0.0  # values on split thresholds' sides as real rows have them
    want = trees.predict_proba(S)
    for kernel in (fast_path.forest_raw, fast_path.tree_calls_raw):
        np.testing.assert_array_equal(np.asarray(trees._loss.predict_proba(kernel(trees, S).T)), want)
    np.testing.assert_array_equal(fast_path.stage2_proba(trees, S), want)


def test_missing_values_go_the_way_each_node_says() -> None:
    trees = default_cleaner().model.estimator.stage2_
    S = np.random.default_rng(1).random(size=(9, trees.n_features_in_))
    S[::2, :] = np.nan
    np.testing.assert_array_equal(fast_path.stage2_proba(trees, S), trees.predict_proba(S))


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


def test_loading_a_model_runs_the_check(fresh_state: None, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []
    real = fast_path.verify

    def spy(est: Any, seed: int = 0, ranker: Any = None) -> bool:
        seen.append(ranker)
        return real(est, seed, ranker)

    monkeypatch.setattr(fast_path, "verify", spy)
    load_model()
    load_model()
    # the headline ranker's trees are checked too
    assert len(seen) == 2 and all(r is not None for r in seen) and fast_path._STATE["verified"] is True
