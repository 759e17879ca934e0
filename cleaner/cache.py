"""The process's cache of loaded cleaners: each model file is loaded once a process.

:func:`cached_cleaner` keeps one :class:`cleaner.Cleaner` a model path and
configuration; :func:`default_cleaner` is the one with the shipped model, which
:func:`cleaner.clean` and :func:`cleaner.clean_html` use. Batch workers, threads of
a Dask worker and :func:`cleaner.clean_frame` share it.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from .config import CleanerConfig
from .errors import BatchSetupError

if TYPE_CHECKING:
    from .api import Cleaner

__all__ = ["cached_cleaner", "default_cleaner"]

_CLEANERS: dict[tuple[str | None, CleanerConfig, str | None, bool], Cleaner] = {}


_CLEANERS_LOCK = threading.Lock()


def _file_sha256(path: str | Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _model_file(model: str | Path | None) -> Path:
    from .model import default_model_path  # numpy and scipy: on first use

    return default_model_path() if model is None else Path(model)


def cached_cleaner(
    model: str | Path | None = None,
    config: CleanerConfig | None = None,
    *,
    sha256: str | None = None,
    trust_pickle: bool = False,
) -> Cleaner:
    """The :class:`Cleaner` for a model path and configuration, loaded once a process.

    Workers call this for every task, so each loads the model once; worker threads
    (a Dask worker with several threads) share it. With ``sha256``, the model file
    must still be the one that hash names (the file a run began with).
    ``trust_pickle``: see :func:`cleaner.model.load_model`.

    Raises:
        BatchSetupError: the model file is not the one ``sha256`` names.
    """
    key = (None if model is None else str(model), CleanerConfig() if config is None else config, sha256, trust_pickle)
    with _CLEANERS_LOCK:
        cleaner = _CLEANERS.get(key)
        if cleaner is None:
            if sha256 is not None:
                path = _model_file(model)
                try:
                    now = _file_sha256(path)
                except OSError as exc:
                    raise BatchSetupError(f"cannot read the model file {path}: {exc.strerror or exc}") from exc
                if now != sha256:
                    raise BatchSetupError(
                        f"the model file {path} changed during the run (sha256 {sha256[:12]}... when the run "
                        f"began, {now[:12]}... now): its outputs would mix two models; put the first file "
                        "back and --resume, or start again into a new output directory"
                    )
            from .api import Cleaner  # scikit-learn and the model code: on first use

            cleaner = _CLEANERS[key] = Cleaner(key[0], config=key[1], trust_pickle=trust_pickle)
    return cleaner


_default: Cleaner | None = None


def default_cleaner() -> Cleaner:
    """The shared :class:`Cleaner` with the shipped model and the default configuration,
    loaded on first use: the entry of :func:`cached_cleaner` for no model and no
    configuration (kept at hand, since every :func:`cleaner.clean` call asks for it)."""
    global _default
    if _default is None:
        _default = cached_cleaner()
    return _default
