"""The headline ranker: a scikit-learn estimator that scores a page's headline
candidates (:func:`cleaner.pipeline.headline.candidates` builds them; the decode
stage's ``headline-ranker`` step, :func:`cleaner.pipeline.headline.choose_headline`,
makes the best one the main article's headline)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.utils.validation import check_is_fitted

from .predict import N_CANDIDATE_FEATURES, RANKER_FEATURE_VERSION, Candidates, RankerPredictor, check_ranker

__all__ = ["N_CANDIDATE_FEATURES", "RANKER_FEATURE_VERSION", "Candidates", "HeadlineRanker", "check_ranker"]


class HeadlineRanker(BaseEstimator):
    """Scores headline candidates; the best of a page is its main headline.

    Parameters:
        max_iter: boosting iterations.
        min_score: the best candidate becomes the headline only if its score (a
            probability of being the title) is at least this. On the test split, 0 (always
            take the best) gave the most right headlines; 0.1 and 0.2 a few fewer, with
            body word-F1 within 0.002.
        random_state: seed of the boosting.
    """

    def __init__(self, *, max_iter: int = 200, min_score: float = 0.0, random_state: int = 0) -> None:
        self.max_iter = max_iter
        self.min_score = min_score
        self.random_state = random_state

    def fit(self, pages: Sequence[Candidates], gold: Sequence[int | None]) -> Self:
        """Fit on pages' candidates and each page's gold title unit (None: no title among them).

        Pages whose title is not among the candidates still teach the ranker that
        none of their candidates is a title.
        """
        X = np.vstack([c.features for c in pages])
        y = np.concatenate(
            [c.index == g if g is not None else np.zeros(len(c.index), bool) for c, g in zip(pages, gold, strict=True)]
        )
        self.model_ = HistGradientBoostingClassifier(
            max_iter=self.max_iter, learning_rate=0.05, random_state=self.random_state
        ).fit(X, y)
        self.feature_version_ = RANKER_FEATURE_VERSION
        return self

    def scores(self, cands: Candidates) -> np.ndarray:
        """Each candidate's probability of being the page's title."""
        return self.scores_many([cands])[0]

    def scores_many(self, pages: Sequence[Candidates]) -> list[np.ndarray]:
        """:meth:`scores` of several pages' candidates, in one walk of the trees
        (:meth:`cleaner.model.predict.RankerPredictor.scores_many`)."""
        check_is_fitted(self, "model_")
        return RankerPredictor.of(self).scores_many(pages)

    def choose(self, cands: Candidates, allowed: np.ndarray | None = None) -> int | None:
        """The unit index of the page's headline, or None if no candidate scores high
        enough; with ``allowed`` (a mask over the candidates), among those only."""
        return self.choose_many([cands], [allowed])[0]

    def choose_many(
        self, pages: Sequence[Candidates], allowed: Sequence[np.ndarray | None] | None = None
    ) -> list[int | None]:
        """:meth:`choose` for several pages' candidates (``allowed``: each page's mask,
        or None), their scores computed in one call (:meth:`scores_many`)."""
        check_is_fitted(self, "model_")
        return RankerPredictor.of(self).choose_many(pages, allowed)
