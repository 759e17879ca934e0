"""scikit-learn conventions of :class:`cleaner.model.BlockClassifier` (issue 16): its
parameters are checked at fit, ``score`` honours ``sample_weight``, and it claims no
``n_features_in_`` (its input is pages, not a matrix of features)."""

from __future__ import annotations

from typing import Any

import pytest

from cleaner.model import BlockClassifier, load_model
from cleaner.samples import page_from_segments
from cleaner.trainer import pages_to_xy

QUICK = {"first_stage": "logistic", "second_stage": "none"}  # fits in well under a second


def _xy(n: int = 8) -> tuple[list[Any], list[list[str]]]:
    pages = [
        page_from_segments(
            [
                ("junk", "Home News Sport Weather"),
                ("headline", f"Council approves new park plan number {i}"),
                ("body", "The city council voted on Monday to approve a plan for a new park in the centre."),
                ("junk", "Share this article"),
            ],
            id=f"p{i}",
        )
        for i in range(n)
    ]
    X, y, _ = pages_to_xy(pages)
    return X, y


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"n_folds": 1}, "n_folds"),  # one fold: stage 2 was trained on all-zero probabilities, silently
        ({"first_stage": "forest"}, "first_stage"),
        ({"second_stage": "trees"}, "second_stage"),
        ({"alpha": -1.0}, "alpha"),
        ({"epochs": 0}, "epochs"),
        ({"min_df": 0}, "min_df"),
        ({"random_state": "seven"}, "random_state"),
        ({"stage2_early_stopping": "no"}, "stage2_early_stopping"),
    ],
)
def test_bad_parameters_are_refused_at_fit(params: dict[str, Any], name: str) -> None:
    X, y = _xy(2)
    with pytest.raises(ValueError, match=f"'{name}' parameter of BlockClassifier"):
        BlockClassifier(**params).fit(X, y)


def test_score_honours_sample_weight() -> None:
    X, y = _xy()
    model = BlockClassifier(**QUICK).fit(X, y)
    wrong = [["body"] * len(labels) for labels in y[:2]] + y[2:]  # two pages' labels all wrong
    assert model.score(X, wrong) < model.score(X[2:], y[2:])
    weights = [0.0, 0.0] + [1.0] * (len(X) - 2)
    assert model.score(X, wrong, sample_weight=weights) == model.score(X[2:], y[2:])
    with pytest.raises(ValueError, match="sample_weight"):
        model.score(X, y, sample_weight=[1.0])


def test_no_n_features_in() -> None:
    X, y = _xy(2)
    assert not hasattr(BlockClassifier(**QUICK).fit(X, y), "n_features_in_")
    assert not hasattr(load_model().estimator, "n_features_in_")


def test_fixed_stage2_runs_every_iteration_and_survives_a_model_file(tmp_path: Any) -> None:
    from cleaner.model import save_model

    X, y = _xy()
    model = BlockClassifier(stage2_max_iter=7, stage2_early_stopping=False).fit(X, y)
    assert model.stage2_.early_stopping is False
    assert model.stage2_.n_iter_ == 7
    save_model(model, tmp_path / "m.zip", {})
    loaded = load_model(tmp_path / "m.zip").estimator
    assert loaded.get_params()["stage2_early_stopping"] is False
    assert loaded.get_params()["stage2_max_iter"] == 7
    assert BlockClassifier().get_params()["stage2_early_stopping"] is True  # the shipped recipe's
