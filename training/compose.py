"""Composed aggregator pages: moved to :mod:`cleaner.compose` (retraining uses it too)."""

from cleaner.compose import *  # noqa: F403
from cleaner.compose import __all__  # noqa: F401
