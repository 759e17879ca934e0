"""The models: the block classifier, the headline ranker and their files.

* :mod:`cleaner.model.estimator`: :class:`BlockClassifier`, the scikit-learn
  estimator that labels a page's units (the classify stage);
* :mod:`cleaner.model.ranker`: :class:`~cleaner.model.ranker.HeadlineRanker`, which
  scores headline candidates (used by the decode stage);
* :mod:`cleaner.model.fast_path`: their predictions without scikit-learn's per-call
  overhead, checked against it when a model is loaded;
* :mod:`cleaner.model.store`: :class:`Model` (an estimator with its manifest, ranker,
  scope and fallback), :func:`save_model`, :func:`load_model`, :func:`convert_model`;
* :mod:`cleaner.model.files` and :mod:`cleaner.model.state`: the model file format
  (a zip of plain data and arrays) and the estimators' state in it.
"""

from .estimator import (
    BlockClassifier,
    PageUnits,
    _WideLogistic,  # noqa: F401  (pickles of older cleaner name it cleaner.model._WideLogistic)
)
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
