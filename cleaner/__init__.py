"""cleaner: turn scraped web page text into clean article documents."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from .config import CleanerConfig
from .document import Article, CleanResult, Segment
from .errors import (
    CleanerError,
    ConfigError,
    InputError,
    InputReadError,
    InputTooLargeError,
    InputTypeError,
    MissingExtraError,
    ModelError,
    ModelFormatError,
    ModelVersionError,
    SampleFormatError,
    UnsafeModelFileError,
    UnsupportedInputError,
)
from .labels import Label

if TYPE_CHECKING:
    from .api import Cleaner, clean, clean_html
    from .frame import clean_frame
    from .page_meta import PageMeta

# The entry points that need scikit-learn, NumPy and the model are imported on first
# use, so that `import cleaner` stays cheap (about 1 s of imports otherwise).
_LAZY = {"Cleaner": "api", "clean": "api", "clean_html": "api", "clean_frame": "frame", "PageMeta": "page_meta"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cleaner' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "Article",
    "CleanResult",
    "Cleaner",
    "CleanerConfig",
    "CleanerError",
    "ConfigError",
    "InputError",
    "InputReadError",
    "InputTooLargeError",
    "InputTypeError",
    "Label",
    "MissingExtraError",
    "ModelError",
    "ModelFormatError",
    "ModelVersionError",
    "PageMeta",
    "SampleFormatError",
    "Segment",
    "UnsafeModelFileError",
    "UnsupportedInputError",
    "clean",
    "clean_frame",
    "clean_html",
]

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
