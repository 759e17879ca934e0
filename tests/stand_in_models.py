"""Stand-in classifiers shared by the tests of scoped and blended models."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

LABELS_WITH_CAPTION = np.array(["body", "byline", "caption", "headline", "junk", "related-item"])
"""The shipped labels and one more (``caption``) that the default model lacks."""


@dataclasses.dataclass
class AllJunk:
    """A stand-in retrained model that calls every unit junk (with a custom label the default lacks)."""

    classes_: np.ndarray = dataclasses.field(default_factory=lambda: LABELS_WITH_CAPTION.copy())

    def predict_proba_features(self, feats: Any) -> np.ndarray:
        n = sum(f.n_units for f in feats)
        out = np.zeros((n, len(self.classes_)))
        out[:, list(self.classes_).index("junk")] = 1.0
        return out
