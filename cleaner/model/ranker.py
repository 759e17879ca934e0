"""The headline ranker: a scikit-learn estimator that scores a page's headline
candidates (:func:`cleaner.pipeline.headline.candidates` builds them; the decode
stage's ``headline-ranker`` step, :func:`cleaner.pipeline.headline.choose_headline`,
makes the best one the main article's headline)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.utils.validation import check_is_fitted

from ..errors import ModelVersionError
from ..labels import STANDARD_LABELS
from . import fast_path

__all__ = ["N_CANDIDATE_FEATURES", "RANKER_FEATURE_VERSION", "Candidates", "HeadlineRanker", "check_ranker"]

RANKER_FEATURE_VERSION = "2"
"""Names the layout of :func:`cleaner.pipeline.headline.candidates`' features; a ranker fitted on another layout
is refused (:func:`check_ranker`). 2: the word overlap with the body added."""
N_CANDIDATE_FEATURES = 3 * len(STANDARD_LABELS) + 20
"""Columns of :func:`cleaner.pipeline.headline.candidates`' features in layout :data:`RANKER_FEATURE_VERSION`: the
probabilities of the candidate and of the units before and after it, and 20 more."""


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
        """:meth:`scores` of several pages' candidates, in one call of the trees (a
        call costs about as much as 50 rows: pages ranked together cost less).
        Each row's score is the same, bit for bit, whatever rows it is scored with."""
        check_is_fitted(self, "model_")
        if not pages:
            return []
        rows = np.vstack([c.features for c in pages])
        with fast_path.one_thread():  # a page's few candidates: OpenMP threads cost more than they save
            # the trees called directly (the same probabilities as predict_proba, bit for bit)
            scores = fast_path.stage2_proba(self.model_, rows)[:, 1]
        ends = np.cumsum([len(c.index) for c in pages])
        return np.split(scores, ends[:-1])

    def choose(self, cands: Candidates, allowed: np.ndarray | None = None) -> int | None:
        """The unit index of the page's headline, or None if no candidate scores high
        enough; with ``allowed`` (a mask over the candidates), among those only."""
        return self.choose_many([cands], [allowed])[0]

    def choose_many(
        self, pages: Sequence[Candidates], allowed: Sequence[np.ndarray | None] | None = None
    ) -> list[int | None]:
        """:meth:`choose` for several pages' candidates (``allowed``: each page's mask,
        or None), their scores computed in one call (:meth:`scores_many`)."""
        masks = [None] * len(pages) if allowed is None else allowed
        return [
            self._best(cands, s, mask) for cands, s, mask in zip(pages, self.scores_many(pages), masks, strict=True)
        ]

    def _best(self, cands: Candidates, s: np.ndarray, allowed: np.ndarray | None) -> int | None:
        if allowed is not None:
            if not allowed.any():
                return None
            s = np.where(allowed, s, -1.0)
        k = int(s.argmax())
        return int(cands.index[k]) if s[k] >= self.min_score else None


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
