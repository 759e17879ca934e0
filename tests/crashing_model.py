"""A model file whose classifier kills its process on a page holding a trigger word.

For the batch tests: a page that crashes the worker cleaning it (a segfault in a
parser, or the kernel's out-of-memory killer, look the same to the parent). The
classifier is the shipped one for every other page. A model file holds no code, so
this one is a pickle (of the old joblib format), loaded with ``trust_pickle=True``:
the worker processes unpickle the model from this module, so it must stay
importable from the tests folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from cleaner.model import load_model
from cleaner.pipeline.featurize import PageFeatures, featurize
from cleaner.pipeline.segment import split_units

TRIGGER = "Xylophonequartz"


def _columns(text: str) -> set[int]:
    f = featurize(text, split_units(text))
    return set(f.words.nonzero()[1].tolist())


class CrashingEstimator:
    """The shipped block classifier, except that a page with :data:`TRIGGER` kills the process."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.columns = self.columns_of(TRIGGER)

    @staticmethod
    def columns_of(word: str) -> Any:
        """The hashed-word feature columns ``word`` sets and an ordinary word does not."""
        return np.asarray(sorted(_columns(f"Hello {word} world") - _columns("Hello ordinary world")))

    @property
    def classes_(self) -> Any:
        return self.inner.classes_

    def predict_proba_features(self, pages: list[PageFeatures]) -> Any:
        for f in pages:
            if f.words[:, self.columns].nnz:
                os._exit(3)  # as a crash would: no exception, no clean-up
        return self.inner.predict_proba_features(pages)


def write_crashing_model(path: Path) -> Path:
    """Write the crashing model as a pickle (load it with ``trust_pickle=True``)."""
    shipped = load_model()
    blob = {
        "manifest": shipped.manifest,
        "estimator": CrashingEstimator(shipped.estimator),
        "headline_ranker": shipped.headline_ranker,
    }
    joblib.dump(blob, path)
    return path
