"""Weighted gradient boosting fits made fast by snapping values to their bins (cleaner.boosting, issue 19).

The snapped fit must be a model of the raw values: it bins every raw value as it
binned the snapped one, so its trees, read on raw values, give the predictions it was
trained to give.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from cleaner.boosting import BIN_SUBSAMPLE, fit_boosting, snap_to_bins


def _data(n: int = 3000, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = np.column_stack(
        [
            rng.random(n),  # many distinct values: snapped
            rng.normal(size=n) ** 3,  # skewed
            rng.integers(0, 4, n).astype(float),  # four values: left alone
            np.round(rng.random(n), 2),  # 101 values: left alone
        ]
    )
    y = np.where(X[:, 0] + 0.3 * X[:, 2] > 0.8, "a", "b").astype(object)
    w = np.where(rng.random(n) < 0.05, 50.0, 1.0)  # a few heavy rows, as a user's pages
    return X, y, w


def test_snapped_values_fall_in_the_bins_of_the_raw_values() -> None:
    X, y, w = _data()
    snapped = snap_to_bins(X, w, 63)
    for c in range(X.shape[1]):
        assert len(np.unique(snapped[:, c])) <= 63 or c >= 2
    np.testing.assert_array_equal(snapped[:, 2], X[:, 2])
    model = HistGradientBoostingClassifier(max_iter=20, max_bins=63, random_state=0).fit(snapped, y, sample_weight=w)
    np.testing.assert_array_equal(model._bin_mapper.transform(X), model._bin_mapper.transform(snapped))


def test_snapped_bins_follow_the_weights() -> None:
    """The heavy rows are where the bins crowd: weighted quantiles, as scikit-learn's."""
    rng = np.random.default_rng(1)
    x = rng.random(4000)
    w = np.where(x < 0.1, 100.0, 1.0)
    reps = np.unique(snap_to_bins(x[:, None], w, 31)[:, 0])
    assert (reps < 0.1).sum() > 20  # of 31: the heavy tenth holds most of the weight


def test_missing_values_and_odd_shapes() -> None:
    X = np.column_stack([np.linspace(0, 1, 600), np.r_[np.full(10, np.nan), np.linspace(0, 1, 590)]])
    out = snap_to_bins(X, np.ones(600), 15)
    assert len(np.unique(out[:, 0])) <= 15
    np.testing.assert_array_equal(out[:, 1], X[:, 1])  # a column with missing values is left alone
    assert snap_to_bins(np.zeros((0, 3)), np.zeros(0)).shape == (0, 3)
    with pytest.raises(ValueError, match="weights"):
        snap_to_bins(X, np.ones(5))


@pytest.mark.slow
def test_fit_boosting_predicts_like_the_weighted_fit_on_raw_values() -> None:
    X, y, w = _data(4000)
    fast = fit_boosting(HistGradientBoostingClassifier(max_iter=30, random_state=0), X, y, w, {"sample_weight": w})
    slow = HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(X, y, sample_weight=w)
    Xt, yt, _ = _data(2000, seed=7)
    assert abs((fast.predict(Xt) == yt).mean() - (slow.predict(Xt) == yt).mean()) < 0.01
    assert (fast.predict(Xt) == slow.predict(Xt)).mean() > 0.98
    # without weights, or above the rows scikit-learn samples, the fit is scikit-learn's own
    plain = fit_boosting(HistGradientBoostingClassifier(max_iter=5, random_state=0), X, y, None, {})
    same = HistGradientBoostingClassifier(max_iter=5, random_state=0).fit(X, y)
    np.testing.assert_array_equal(plain.predict_proba(Xt), same.predict_proba(Xt))
    assert BIN_SUBSAMPLE == 200_000
