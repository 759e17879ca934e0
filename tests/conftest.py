"""Shared test set-up.

Model fits in the tests (scikit-learn's gradient boosting) run on one OpenMP thread:
on a shared or loaded machine, OpenMP's worker threads wait for cores that other
processes hold, and a fit of a second became one of a minute and a half
(tests/test_headline.py under a load average of 6). Set before anything imports
scikit-learn; a value the caller set is kept.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's root folder (corpus/, cleaner/, training/ are below it)."""
    return ROOT


@pytest.fixture(autouse=True, scope="session")
def _cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Retraining caches (cleaner.base_cache) go to a temporary folder, never the user's."""
    os.environ["CLEANER_CACHE_DIR"] = str(tmp_path_factory.mktemp("cleaner-cache"))
