"""How much of the default model a scoped retrained model mixes into its own view.

A model retrained on five pages of one layout, each weighted 100 (``cleaner train
--base``), learns that layout and the user's conventions; on pages of the user's site
in another layout (an API reference among guides, a product page among reviews) it
can be confidently wrong where the default model was right: issue 19's hosts
benchmark lost body F1 on two hosts of four that way. A scoped model holds the
default model as its fallback; :class:`DefaultBlend` mixes the two models' class
probabilities, unit by unit, before decoding::

    p = w * p_retrained + (1 - w) * p_default

with ``w`` the retrained model's share. :func:`choose_blend` picks ``w`` on the
user's own pages: each page cleaned with the probabilities of a retrained model that
did not see it (:func:`cleaner.base_cache.fit_on_cache_heldout`), mixed at each
candidate share, scored against its labels (main-article body F1, headline, word
accuracy), as :func:`cleaner.evaluate.evaluate_results` scores them. Nothing is tuned
on pages the user did not label.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .errors import CleanerError

if TYPE_CHECKING:  # the model modules import this one (a model file holds a blend)
    from .model.estimator import BlockClassifier, PageUnits

__all__ = ["BLEND_SHARES", "BlendTrial", "BlendedClassifier", "DefaultBlend", "choose_blend", "in_columns"]

BLEND_SHARES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
"""The retrained model's shares :func:`choose_blend` tries."""


@dataclass(frozen=True)
class DefaultBlend:
    """A retrained model's share in its mix with the default model.

    Attributes:
        share: the retrained model's weight ``w`` in ``w * p_retrained + (1 - w) *
            p_default``, from 0 (the default model's view) to 1 (the retrained
            model's alone).
    """

    share: float

    def __post_init__(self) -> None:
        if isinstance(self.share, bool) or not isinstance(self.share, int | float) or not 0 <= self.share <= 1:
            raise CleanerError(f"a blend share must be a number from 0 to 1, not {self.share!r}")
        if not math.isfinite(self.share):
            raise CleanerError(f"a blend share must be a number from 0 to 1, not {self.share!r}")

    def mix(self, retrained: np.ndarray, default: np.ndarray) -> np.ndarray:
        """The mixed probabilities of the same units (both in the retrained model's columns)."""
        if retrained.shape != default.shape:
            raise ValueError(f"probabilities of different shapes: {retrained.shape} and {default.shape}")
        if self.share >= 1:
            return retrained
        return self.share * retrained + (1 - self.share) * default


@dataclass(frozen=True)
class BlendTrial:
    """The user's pages cleaned at one share (:func:`choose_blend`).

    Attributes:
        share: the retrained model's share.
        body_f1, headline, word_accuracy: the scores over the pages (None: no such gold).
    """

    share: float
    body_f1: float | None
    headline: float | None
    word_accuracy: float | None

    def as_dict(self) -> dict[str, float | None]:
        """The trial as plain data (a model's manifest keeps the trials)."""
        return {
            "share": self.share,
            "main_body_f1": self.body_f1,
            "headline_accuracy": self.headline,
            "word_accuracy": self.word_accuracy,
        }


def choose_blend(trials: Sequence[BlendTrial], *, tolerance: float = 0.005) -> BlendTrial:
    """The share to keep, from the user's pages cleaned at each share.

    The rule: keep the shares that score at least the default model's (share 0) on
    main-article body F1 and headline accuracy (the fields a retraining must not
    lose); among them, the best word accuracy, and of the shares within
    ``tolerance`` of it the smallest (the closest to the default model: five pages
    tell little about the user's other layouts). Share 0 always qualifies.

    Raises:
        CleanerError: no trial, or none at share 0.
    """
    base = [t for t in trials if t.share == 0]
    if not base:
        raise CleanerError("choose_blend needs the default model's scores (share 0) among the trials")
    ref = base[0]

    def keeps(t: BlendTrial) -> bool:
        return _at_least(t.body_f1, ref.body_f1, tolerance) and _at_least(t.headline, ref.headline, tolerance)

    ok = [t for t in trials if keeps(t)]
    best = max((t.word_accuracy or 0.0) for t in ok)
    return min((t for t in ok if (t.word_accuracy or 0.0) >= best - tolerance), key=lambda t: t.share)


def _at_least(value: float | None, reference: float | None, tolerance: float) -> bool:
    if reference is None or value is None:
        return True
    return value >= reference - tolerance


def in_columns(proba: np.ndarray, labels: Sequence[str], columns: Sequence[str]) -> np.ndarray:
    """Probabilities of ``labels`` (one column each) laid out in ``columns`` (a superset;
    a label the model lacks, such as a user's custom label, gets zeros)."""
    out = np.zeros((proba.shape[0], len(columns)))
    for j, label in enumerate(labels):
        out[:, list(columns).index(label)] = proba[:, j]
    return out


class BlendedClassifier:
    """A retrained block classifier's view of pages mixed with the default model's, as
    a scoped model with a :class:`DefaultBlend` cleans them: the view its headline
    ranker learns from (:func:`cleaner.trainer.fit_headline_ranker_units`)."""

    def __init__(self, retrained: BlockClassifier, default: BlockClassifier, blend: DefaultBlend) -> None:
        self.retrained = retrained
        self.default = default
        self.blend = blend

    @property
    def classes_(self) -> np.ndarray:
        return np.asarray(self.retrained.classes_)

    def predict_proba(self, X: Sequence[PageUnits]) -> list[np.ndarray]:
        """Per page, the mixed ``(n_units, n_classes)`` probabilities (columns: ``classes_``)."""
        mine = self.retrained.predict_proba(X)
        if self.blend.share >= 1:
            return mine
        labels = [str(c) for c in self.classes_]
        theirs = self.default.predict_proba(X)
        default_labels = [str(c) for c in self.default.classes_]
        return [self.blend.mix(m, in_columns(t, default_labels, labels)) for m, t in zip(mine, theirs, strict=True)]
