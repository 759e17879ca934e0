"""A model file whose classifier hangs, deaf to interruptions, on a page holding a trigger word.

For the batch tests of the per-page time budget: a page stuck inside C code (a
libxml2 parse, a native library) cannot be interrupted from Python, so only stopping
its worker process ends it. The classifier blocks the interrupting signal and sleeps,
which looks the same from outside. A model file holds no code, so this one is a
pickle (of the old joblib format), loaded with ``trust_pickle=True``: the worker
processes unpickle the model from this module, so it must stay importable from the
tests folder (as ``crashing_model``).
"""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

import joblib

from cleaner.model import load_model
from cleaner.pipeline.featurize import PageFeatures

TRIGGER = "Quagmirezeppelin"


class StuckEstimator:
    """The shipped block classifier, except that a page with :data:`TRIGGER` never returns."""

    def __init__(self, inner: Any) -> None:
        from crashing_model import CrashingEstimator  # the same trick to find the word's columns

        self.inner = inner
        self.columns = CrashingEstimator.columns_of(TRIGGER)

    @property
    def classes_(self) -> Any:
        return self.inner.classes_

    def predict_proba_features(self, pages: list[PageFeatures]) -> Any:
        for f in pages:
            if f.words[:, self.columns].nnz:
                if threading.current_thread() is threading.main_thread():
                    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])  # deaf, as C code is
                time.sleep(3600)
        return self.inner.predict_proba_features(pages)


def write_stuck_model(path: Path) -> Path:
    """Write the stuck model as a pickle (load it with ``trust_pickle=True``)."""
    shipped = load_model()
    blob = {
        "manifest": shipped.manifest,
        "estimator": StuckEstimator(shipped.estimator),
        "headline_ranker": shipped.headline_ranker,
    }
    joblib.dump(blob, path)
    return path
