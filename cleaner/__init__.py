"""cleaner: turn scraped web page text into clean article documents."""

from __future__ import annotations

import logging

from .document import Article, CleanResult, Segment
from .errors import (
    CleanerError,
    InputTypeError,
    ModelError,
    ModelVersionError,
    SampleFormatError,
    UnsupportedInputError,
)
from .labels import Label

__all__ = [
    "Article",
    "CleanResult",
    "Segment",
    "Label",
    "CleanerError",
    "InputTypeError",
    "ModelError",
    "ModelVersionError",
    "SampleFormatError",
    "UnsupportedInputError",
]

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
