"""Models and their files: a fitted :class:`~cleaner.model.estimator.BlockClassifier`
with its manifest, headline ranker, scope and fallback, saved and loaded.

A model file (:mod:`cleaner.model.files`) is a zip of a manifest, the estimators'
structure and their arrays, all plain data (:mod:`cleaner.model.state`): loading one
runs no code from it. The manifest names the cleaner, scikit-learn and feature
versions, the labels, a hash of the training data, the command that made it and its
scores; :func:`load_model` refuses a file whose versions do not match this
installation, and checks the fast path (:func:`cleaner.model.fast_path.verify`) on
the model it loaded. Model files of cleaner before this format are joblib pickles,
which run code when loaded: :func:`load_model` refuses them unless told
``trust_pickle=True``, and :func:`convert_model` rewrites a trusted one in the safe
format.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import importlib.resources
import io
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ModelError, ModelFormatError, ModelVersionError
from ..pipeline.featurize import FEATURE_VERSION
from . import fast_path
from .files import (
    FILE_FORMAT,
    MAX_FILE_BYTES,
    file_kind,
    model_file_hash,
    pickle_refusal,
    read_model_file,
    write_model_file,
)
from .predict import BlockPredictor, RankerPredictor, check_ranker

if TYPE_CHECKING:
    from .estimator import BlockClassifier

__all__ = [
    "MODEL_FORMAT",
    "Model",
    "convert_model",
    "default_model_path",
    "load_model",
    "model_file_hash",
    "save_model",
    "training_data_hash",
]

MODEL_FORMAT = FILE_FORMAT


_UNBUILT: Any = object()  # a loaded model's estimator or ranker, not rebuilt yet


class Model:
    """A model: the fitted estimator, its manifest and its headline ranker.

    Cleaning reads a model through its predictors (:attr:`predictor`,
    :attr:`ranker`; :mod:`cleaner.model.predict`), which need the fitted arrays alone. A
    model loaded from a file (:func:`load_model`) has only those until its
    scikit-learn estimators are asked for (:attr:`estimator`,
    :attr:`headline_ranker`, to refit, save or inspect them): they are rebuilt from
    the file then, so that cleaning never imports scikit-learn.

    Attributes:
        estimator: the block classifier (:class:`cleaner.model.BlockClassifier`).
        manifest: versions, labels, training data hash, command and scores.
        headline_ranker: a :class:`cleaner.model.ranker.HeadlineRanker` that picks the main
            article's headline among the units before its body, or None (the
            classifier's headlines stand as decoded).
        scope: a retrained model's :class:`cleaner.scope.SiteScope`, or None (every
            page is this model's).
        fallback: with a scope, the model that cleans pages outside it (the model it
            was retrained from); its labels are a subset of this model's.
        file_sha256: the SHA-256 of the file bytes it was loaded from or saved to (as
            :func:`model_file_hash` gives it), or None for a model made in memory.
        blend: with a fallback, a :class:`cleaner.blend.DefaultBlend`: the share of
            this model's probabilities in their mix with the fallback's on the pages
            it cleans; None: this model's alone.
    """

    __slots__ = (
        "_build",
        "_estimator",
        "_file",
        "_headline_ranker",
        "_predictor",
        "_ranker",
        "blend",
        "fallback",
        "file_sha256",
        "manifest",
        "scope",
    )

    manifest: dict[str, Any]
    scope: Any
    fallback: Model | None
    file_sha256: str | None
    blend: Any
    _estimator: Any
    _headline_ranker: Any
    _predictor: BlockPredictor | None
    _ranker: Any
    _build: Callable[[], tuple[Any, Any]] | None
    _file: tuple[bytes, str] | None

    def __init__(
        self,
        estimator: Any,
        manifest: dict[str, Any],
        headline_ranker: Any = None,
        scope: Any = None,
        fallback: Model | None = None,
        file_sha256: str | None = None,
        blend: Any = None,
    ) -> None:
        for name, value in (
            ("_estimator", estimator),
            ("manifest", manifest),
            ("_headline_ranker", headline_ranker),
            ("scope", scope),
            ("fallback", fallback),
            ("file_sha256", file_sha256),
            ("blend", blend),
            ("_predictor", None),
            ("_ranker", _UNBUILT),
            ("_build", None),
            ("_file", None),
        ):
            object.__setattr__(self, name, value)

    @classmethod
    def from_predictors(
        cls,
        predictor: BlockPredictor,
        manifest: dict[str, Any],
        ranker: RankerPredictor | None,
        build: Callable[[], tuple[Any, Any]],
        *,
        scope: Any = None,
        fallback: Model | None = None,
        file_sha256: str | None = None,
        blend: Any = None,
    ) -> Model:
        """A model that cleans with ``predictor`` and ``ranker``; ``build()`` gives its
        estimator and headline ranker when they are first asked for."""
        model = cls(_UNBUILT, manifest, _UNBUILT, scope, fallback, file_sha256, blend)
        object.__setattr__(model, "_predictor", predictor)
        object.__setattr__(model, "_ranker", ranker)
        object.__setattr__(model, "_build", build)
        return model

    def _built(self) -> None:
        if self._estimator is _UNBUILT and self._build is not None:
            estimator, ranker = self._build()
            object.__setattr__(self, "_estimator", estimator)
            object.__setattr__(self, "_headline_ranker", ranker)

    @property
    def estimator(self) -> BlockClassifier:
        self._built()
        return self._estimator  # type: ignore[no-any-return]

    @property
    def headline_ranker(self) -> Any:
        self._built()
        return self._headline_ranker

    @property
    def predictor(self) -> BlockPredictor:
        """What labels a page's units (:class:`cleaner.model.predict.BlockPredictor`)."""
        if self._predictor is not None:
            return self._predictor
        est = self._estimator
        # a stand-in estimator of the tests predicts for itself
        return BlockPredictor.of(est) if hasattr(est, "stage1_") else est

    @property
    def ranker(self) -> RankerPredictor | None:
        """What chooses the main headline (:class:`cleaner.model.predict.RankerPredictor`), or None."""
        if self._ranker is not _UNBUILT:
            return self._ranker  # type: ignore[no-any-return]
        ranker = self._headline_ranker
        return RankerPredictor.of(ranker) if ranker is not None and hasattr(ranker, "model_") else ranker

    @property
    def labels(self) -> list[str]:
        return [str(c) for c in self.predictor.classes_]

    def replace(self, **changes: Any) -> Model:
        """A copy of the model with some of its attributes changed (``headline_ranker=...``,
        ...), as :func:`dataclasses.replace` makes one."""
        names = ("estimator", "manifest", "headline_ranker", "scope", "fallback", "file_sha256", "blend")
        unknown = set(changes) - set(names)
        if unknown:
            raise TypeError(f"a Model has no attribute(s) {sorted(unknown)} to replace")
        return Model(**{name: changes[name] if name in changes else getattr(self, name) for name in names})

    def for_text(self, text: str, url: str | None = None) -> Model:
        """The model that cleans this page (of URL ``url``, when known): this one, or its
        fallback for a page outside its scope (a retrained model's
        :class:`cleaner.scope.SiteScope`)."""
        if self.scope is None or self.fallback is None or self.scope.covers(text, url):
            return self
        return self.fallback

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}: a Model is immutable")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}: a Model is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        if self._file is not None and self._estimator is _UNBUILT:
            # a model read from a file, its estimators never built: the file's bytes,
            # read again where it is unpickled (no scikit-learn on either side)
            return (_model_from_file, self._file)
        parts = (self.estimator, self.manifest, self.headline_ranker, self.scope, self.fallback, self.file_sha256)
        return (Model, (*parts, self.blend))

    def __repr__(self) -> str:
        return (
            f"Model(labels={self.labels}, command={self.manifest.get('command')!r}, "
            f"file_sha256={self.file_sha256!r}, scoped={self.scope is not None})"
        )


def default_model_path() -> Path:
    """Where the shipped default model lives inside the package."""
    return Path(str(importlib.resources.files("cleaner") / "models" / "default.model.zip"))


def _versions() -> dict[str, str]:
    from .. import __version__

    return {
        "cleaner_version": __version__,
        # from the installed package's metadata: cleaning never imports scikit-learn
        "sklearn_version": importlib.metadata.version("scikit-learn"),
        "feature_version": FEATURE_VERSION,
    }


def training_data_hash(paths: Sequence[str | Path]) -> str:
    """SHA-256 over the bytes of the training files, in the order given."""
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def save_model(
    estimator: BlockClassifier,
    path: str | Path,
    manifest: dict[str, Any],
    *,
    headline_ranker: Any = None,
    scope: Any = None,
    fallback: Model | None = None,
    blend: Any = None,
) -> Model:
    """Save a fitted estimator with its manifest (versions and labels are filled in) and,
    if given, its headline ranker, and its scope with the fallback model outside it
    (both or neither; the fallback is stored in the file, whole), and the blend of the
    two models' probabilities inside the scope (:class:`cleaner.blend.DefaultBlend`;
    only with a fallback).

    The file is written atomically, in the format of :mod:`cleaner.model.files`.

    Raises:
        ModelError: a scope without a fallback or the reverse, a fallback with labels
            the model lacks or a fallback of its own, a manifest that is not plain JSON
            data, or an estimator of a kind a model file cannot hold.
    """
    from sklearn.utils.validation import check_is_fitted

    from .state import model_state  # it imports this module

    check_is_fitted(estimator, "stage1_")
    if (scope is None) != (fallback is None):
        raise ModelError("a model's scope and its fallback model go together: give both or neither")
    if blend is not None and fallback is None:
        raise ModelError("a blend mixes a model with its fallback model: a model without a fallback has none")
    labels = [str(c) for c in estimator.classes_]
    if fallback is not None:
        if fallback.fallback is not None:
            raise ModelError("a fallback model cannot have a fallback of its own")
        missing = sorted(set(fallback.labels) - set(labels))
        if missing:
            raise ModelError(f"the fallback model has labels the model lacks: {', '.join(missing)}")
    full = {
        "format": MODEL_FORMAT,
        **_versions(),
        "labels": labels,
        "params": estimator.get_params(),
        **manifest,  # a converted model keeps the versions it was made with
        "headline_ranker": headline_ranker is not None,
    }
    full["format"] = MODEL_FORMAT
    full["labels"] = labels
    if fallback is not None:  # and so a scope (both or neither, checked above)
        full["scope"] = scope.describe()
        full["fallback"] = {
            key: fallback.manifest.get(key) for key in ("training_data_sha256", "cleaner_version", "command")
        }
    if blend is not None:
        full["blend"] = {"share": blend.share}
    structure, arrays = model_state(estimator, headline_ranker, scope, fallback, blend)
    sha256 = write_model_file(path, full, structure, arrays)
    return Model(estimator, full, headline_ranker, scope, fallback, sha256, blend)


def _minor(version: str) -> str:
    """``"1.9.1"`` -> ``"1.9"``: scikit-learn's tree layout keeps within a minor version."""
    return ".".join(version.split(".")[:2])


def _check_versions(manifest: dict[str, Any], source: Path) -> None:
    mine = _versions()
    for key, what in (("feature_version", "feature layout"), ("sklearn_version", "scikit-learn")):
        if _minor(str(manifest.get(key))) != _minor(mine[key]):
            raise ModelVersionError(
                f"{source} was made with {what} {manifest.get(key)}, but this installation has "
                f"{mine[key]}; retrain it with this version (`cleaner train ...`) or install "
                f"the matching version"
            )


def _read_bytes(p: Path, default: bool) -> bytes:
    if p.is_dir():
        raise ModelError(f"{p} is a directory, not a model file")
    if not p.is_file():
        hint = (
            " The default model ships inside the package; rebuild it with "
            "`python -m training.train corpus/training --replace-default`."
            if default
            else ""
        )
        raise ModelError(f"no model file at {p}.{hint}")
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ModelError(f"{p} is {size / 1e6:.0f} MB, larger than any model file; is it the right file?")
        return p.read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read the model file {p}: {exc.strerror}") from exc


def load_model(path: str | Path | None = None, *, trust_pickle: bool = False) -> Model:
    """Load a model file (the shipped default when ``path`` is None).

    Nothing in the file runs: it is read as plain data and arrays, checked, and the
    estimators are rebuilt from them (:mod:`cleaner.model.files`).

    Args:
        path: the model file.
        trust_pickle: also load a pickle (joblib) model file, as cleaner wrote them
            before. **Loading a pickle runs any code it holds**: only for files from a
            source you trust, and better converted once (:func:`convert_model`).

    Raises:
        ModelError: the file is missing or is not a cleaner model.
        UnsafeModelFileError: the file is a pickle and ``trust_pickle`` is false; its
            content was not read.
        ModelFormatError: the file is damaged or tampered with (a member missing or
            unexpected, a value of the wrong type, an array of the wrong shape).
        ModelVersionError: it was made with another cleaner feature layout (of the
            block classifier or of the headline ranker) or scikit-learn version; the
            message names both versions.
    """
    p = default_model_path() if path is None else Path(path)
    data = _read_bytes(p, default=path is None)
    kind = file_kind(data)
    if kind == "pickle":
        if not trust_pickle:
            raise pickle_refusal(p)
        return _load_pickle(p, data)
    if kind != "zip":
        raise ModelFormatError(
            f"{p} is not a cleaner model file (it starts with {data[:8]!r}; a model file is a zip written by "
            "`cleaner train` or `python -m training.train`)"
        )
    return _model_from_file(data, str(p))


def _model_from_file(data: bytes, source: str) -> Model:
    """The model of a model file's bytes (read from ``source``, which messages name)."""
    from .state import NeedsScikitLearn, read_predictors, rebuild_model  # they import this module

    p = Path(source)
    content = read_model_file(data, source)
    manifest = content.manifest
    _check_versions(manifest, p)
    fast_path.verify()
    try:
        light = read_predictors(content.structure, content.arrays)
    except NeedsScikitLearn:  # a part only scikit-learn predicts: the estimators now
        parts = rebuild_model(content.structure, read_model_file(data, source).arrays)
        _check_parts(p, manifest, parts.estimator.classes_, parts.headline_ranker, parts.fallback)
        return Model(
            parts.estimator, manifest, parts.headline_ranker, parts.scope, parts.fallback, content.sha256, parts.blend
        )
    _check_parts(p, manifest, light.predictor.classes_, light.ranker, light.fallback)

    @functools.cache
    def full() -> Any:  # the estimators, rebuilt from the same bytes, when first asked for
        return rebuild_model(content.structure, read_model_file(data, source).arrays)

    fallback = light.fallback
    if fallback is not None:
        fallback = Model.from_predictors(
            fallback.predictor,
            fallback.manifest,
            fallback.ranker,
            lambda: (full().fallback.estimator, full().fallback.headline_ranker),
        )
    model = Model.from_predictors(
        light.predictor,
        manifest,
        light.ranker,
        lambda: (full().estimator, full().headline_ranker),
        scope=light.scope,
        fallback=fallback,
        file_sha256=content.sha256,
        blend=light.blend,
    )
    object.__setattr__(model, "_file", (data, source))
    return model


def _check_parts(p: Path, manifest: dict[str, Any], classes: Any, ranker: Any, fallback: Model | None) -> None:
    labels = [str(c) for c in classes]
    if manifest.get("labels") != labels:
        raise ModelFormatError(f"{p}: the manifest's labels are not the classifier's ({labels})")
    check_ranker(ranker, str(p))
    if fallback is not None:
        check_ranker(fallback.ranker, f"{p} (its fallback model)")


def _load_pickle(p: Path, data: bytes) -> Model:
    """A pickle (joblib) model file, as cleaner wrote them before: runs the file's code."""
    import joblib
    from sklearn.exceptions import InconsistentVersionWarning

    try:
        with warnings.catch_warnings():
            # a patch-level scikit-learn difference is checked below, by minor version
            warnings.simplefilter("ignore", InconsistentVersionWarning)
            blob = joblib.load(io.BytesIO(data))
    except Exception as exc:  # a corrupt or foreign file can raise anything while unpickling
        raise ModelError(
            f"{p} is not a readable cleaner model (a file written by `cleaner train` or "
            f"`python -m training.train`; unpickling failed: {type(exc).__name__}: {exc})"
        ) from exc
    if not isinstance(blob, dict) or "manifest" not in blob or "estimator" not in blob:
        raise ModelError(f"{p} is not a cleaner model (no manifest)")
    manifest = blob["manifest"]
    _check_versions(manifest, p)
    check_ranker(blob.get("headline_ranker"), str(p))
    fallback = None
    if blob.get("fallback") is not None:
        fb = blob["fallback"]
        check_ranker(fb.get("headline_ranker"), f"{p} (its fallback model)")
        fallback = Model(fb["estimator"], fb["manifest"], fb.get("headline_ranker"))
    sha256 = hashlib.sha256(data).hexdigest()
    fast_path.verify()
    return Model(blob["estimator"], manifest, blob.get("headline_ranker"), blob.get("scope"), fallback, sha256)


def convert_model(source: str | Path, target: str | Path, *, trust_pickle: bool = False) -> Model:
    """Rewrite a model file in the safe format (:mod:`cleaner.model.files`); return the
    model as saved.

    The manifest is kept (its ``format`` becomes this format's, versions and labels are
    those of the estimator) and says what it was converted from; predictions do not
    change. Converting a pickle loads it, which runs its code: ``trust_pickle=True``
    is needed for one, as for :func:`load_model`.
    """
    model = load_model(source, trust_pickle=trust_pickle)
    manifest = dict(model.manifest)
    manifest["converted_from"] = {"file": Path(source).name, "sha256": model.file_sha256}
    return save_model(
        model.estimator,
        target,
        manifest,
        headline_ranker=model.headline_ranker,
        scope=model.scope,
        fallback=model.fallback,
    )
