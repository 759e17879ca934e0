"""The models: the block classifier, the headline ranker and their files.

* :mod:`cleaner.model.estimator`: :class:`BlockClassifier`, the scikit-learn
  estimator that labels a page's units (the classify stage);
* :mod:`cleaner.model.ranker`: :class:`~cleaner.model.ranker.HeadlineRanker`, which
  scores headline candidates (used by the decode stage);
* :mod:`cleaner.model.predict` and :mod:`cleaner.model.trees`: their predictions
  from the fitted arrays alone, without importing scikit-learn (cleaning a page
  never does), the same probabilities, bit for bit;
* :mod:`cleaner.model.fast_path`: the kernels those predictions use;
* :mod:`cleaner.model.store`: :class:`Model` (an estimator with its manifest, ranker,
  scope and fallback), :func:`save_model`, :func:`load_model`, :func:`convert_model`;
* :mod:`cleaner.model.files` and :mod:`cleaner.model.state`: the model file format
  (a zip of plain data and arrays) and the estimators' state in it.
"""

from typing import TYPE_CHECKING, Any

from .store import (
    MODEL_FORMAT,
    Model,
    convert_model,
    default_model_path,
    load_model,
    model_file_hash,
    save_model,
    training_data_hash,
)

if TYPE_CHECKING:
    from .estimator import BlockClassifier, PageUnits

__all__ = [
    "MODEL_FORMAT",
    "BlockClassifier",
    "Model",
    "PageUnits",
    "convert_model",
    "default_model_path",
    "load_model",
    "model_file_hash",
    "save_model",
    "training_data_hash",
]


def __getattr__(name: str) -> Any:
    # the estimators import scikit-learn (about 1.7 s): only when they are asked for
    if name in ("BlockClassifier", "PageUnits", "_WideLogistic"):  # pickles of older cleaner name _WideLogistic
        from . import estimator

        return getattr(estimator, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
