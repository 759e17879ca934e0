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


def test_a_disagreeing_tree_predictor_switches_the_fast_path_off(
    fresh_state: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    est = default_cleaner().model.estimator
    real = fast_path.stage2_block_proba

    def drifted(model: Any, S: np.ndarray) -> np.ndarray:  # a release that changed the trees' layout
        return real(model, S) * 0.5

    monkeypatch.setattr(fast_path, "stage2_block_proba", drifted)
    with pytest.warns(RuntimeWarning, match="tree predictor"):
        assert fast_path.verify(est) is False
    assert not fast_path.enabled()
    monkeypatch.setattr(fast_path, "stage2_block_proba", real)
    S = np.random.default_rng(0).normal(size=(5, est.stage2_.n_features_in_))
    # switched off, the public predict_proba answers
    np.testing.assert_array_equal(fast_path.stage2_proba(est.stage2_, S), est.stage2_.predict_proba(S))


def test_loading_a_model_runs_the_check(fresh_state: None, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []
    real = fast_path.verify
    monkeypatch.setattr(fast_path, "verify", lambda est, seed=0: seen.append(est) or real(est, seed))
    load_model()
    load_model()
    assert len(seen) == 2 and fast_path._STATE["verified"] is True
