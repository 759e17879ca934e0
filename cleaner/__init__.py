"""cleaner: turn scraped web page text into clean article documents."""

from __future__ import annotations

import logging

from .api import Cleaner, clean, clean_html
from .config import CleanerConfig
from .document import Article, CleanResult, Segment
from .errors import (
    CleanerError,
    InputTooLargeError,
    InputTypeError,
    ModelError,
    ModelVersionError,
    SampleFormatError,
    UnsupportedInputError,
)
from .frame import clean_frame
from .labels import Label

__all__ = [
    "Article",
    "CleanResult",
    "Cleaner",
    "CleanerConfig",
    "CleanerError",
    "InputTooLargeError",
    "InputTypeError",
    "Label",
    "ModelError",
    "ModelVersionError",
    "SampleFormatError",
    "Segment",
    "UnsupportedInputError",
    "clean",
    "clean_frame",
    "clean_html",
]

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
