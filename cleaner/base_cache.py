"""The base data, prepared once, for fast ``--base`` retraining.

A ``--base`` retraining fits the default model's recipe on the shipped training data
plus the user's pages. Most of that work does not depend on the user's pages: the
base pages' units and features, the out-of-fold stage-1 probabilities of the base
pages that stage 2 learns from, the validation pages the headline ranker learns from,
the lines common to many sites and the template lines of the pages the scope is
checked against. :func:`open_base_cache` computes them once and keeps them in a cache
folder (:func:`cache_root`: ``$CLEANER_CACHE_DIR``, else ``$XDG_CACHE_HOME/cleaner``,
else ``~/.cache/cleaner``), under a key made of the data files' bytes, the source of
the modules that compute them, the stage-1 parameters and the library versions: a
change of any of them makes a new entry.

A cache entry is a folder of NumPy ``.npy`` arrays and JSON files, written to a
temporary folder and renamed into place (a crash leaves no half-written entry). It
is read as data: JSON, and arrays with ``allow_pickle=False``, memory-mapped so that
only the pages a retraining samples are read; nothing in it runs. An entry that does
not read back as this module wrote it is rebuilt.

:func:`fit_on_cache` is the retraining itself (:func:`cleaner.retrain.train_model`
calls it): stage 1 is fitted on a sample of the base pages and the user's pages, the
user pages' out-of-fold stage-1 probabilities come from a few fits over the same
sample, and stage 2 is fitted on the base sample's cached out-of-fold probabilities
and the user's (docs/retraining.md measures what the sample costs).
"""

from __future__ import annotations

import ast
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier

from .boosting import fit_boosting
from .errors import CleanerError
from .model.estimator import BlockClassifier, PageUnits, stack_matrix
from .model.fast_path import stage2_proba
from .pipeline.featurize import FEATURE_VERSION, NUMERIC_FEATURES, PageFeatures, featurize
from .pipeline.segment import Unit, split_units
from .retrain_defaults import DEFAULT_BASE_PAGES  # re-exported
from .samples import LabelledPage, iter_samples
from .scope import common_template_lines, template_keys

__all__ = [
    "CACHE_VERSION",
    "DEFAULT_BASE_PAGES",
    "HELDOUT_STAGE2_ITERATIONS",
    "HELDOUT_STAGE2_SHARE",
    "STAGE2_ITERATIONS",
    "BaseCache",
    "CacheFit",
    "CachedPages",
    "ProbePage",
    "cache_key",
    "cache_root",
    "fit_on_cache",
    "fit_on_cache_heldout",
    "open_base_cache",
]

logger = logging.getLogger(__name__)

CACHE_VERSION = 1
"""The layout of a cache entry and how this module computes it; part of its key (the
source of this module is not: change this number when changing what it stores)."""

STAGE2_SHARE = 0.6
"""The share of the sampled base pages whose out-of-fold probabilities stage 2 learns
from: the boosting's time grows with its rows, and it was the longest step."""

OUT_OF_FOLD_SHARE = 0.4
"""The share of the sampled base pages that the fits giving the user pages'
out-of-fold stage-1 probabilities are fitted on (with the user's other pages, which
weigh most in them)."""

HELDOUT_STAGE2_SHARE = 0.2
"""The share of the sampled base pages the held-out stage-2 fits of
:func:`fit_on_cache_heldout` learn from (a third of what the final stage 2 learns
from)."""

HELDOUT_STAGE2_ITERATIONS = 40
"""Boosting iterations of the held-out stage-2 fits of :func:`fit_on_cache_heldout`."""

STAGE2_ITERATIONS = 75
"""Boosting iterations of a fast retraining's stage 2 (the default recipe's: up to 150,
early stopping on). On the demo (docs/retraining.md, "How long a --base retraining
takes"), 75 and 100 scored as 150 on the held-out pages (word accuracy 0.979) and
within the seed's noise on the test split, in half the time; 50 lost a little on both
(0.976); 50 at a learning rate of 0.3 diverged (0.476), and with early stopping at
that rate stopped after 13 iterations (0.839)."""

# Modules whose code computes what an entry holds (with what they import of the package;
# dotted names below cleaner, a package standing for all its modules): a change to any
# of them makes a new key. Those skipped compute nothing an entry holds.
_SOURCE_ROOTS = ("pipeline.featurize", "pipeline.segment", "compose", "samples", "scope", "model")
_SKIP_SOURCES = frozenset({"base_cache", "retrain", "evaluate", "errors"})


def cache_root() -> Path:
    """The folder of cache entries: ``$CLEANER_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/cleaner``, else ``~/.cache/cleaner``."""
    own = os.environ.get("CLEANER_CACHE_DIR")
    if own:
        return Path(own)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "cleaner"


def _module_files(package: Path, name: str) -> list[Path]:
    """The files of module ``name`` (dotted, below the package): its own file, or every
    module of a package; none for a name that is no module of the package (an
    attribute imported from one)."""
    path = package.joinpath(*name.split("."))
    if path.with_suffix(".py").is_file():
        return [path.with_suffix(".py")]
    if (path / "__init__.py").is_file():
        return sorted(path.glob("*.py"))
    return []


def _source_files() -> list[Path]:
    """The source files of :data:`_SOURCE_ROOTS` and the package modules they import
    (relative imports followed, from subpackages too)."""
    package = Path(__file__).resolve().parent
    seen: set[Path] = set()
    todo = list(_SOURCE_ROOTS)
    while todo:
        name = todo.pop()
        if name in _SKIP_SOURCES:
            continue
        for path in _module_files(package, name):
            if path in seen:
                continue
            seen.add(path)
            here = list(path.relative_to(package).parent.parts)  # the module's package, below cleaner
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.ImportFrom) or node.level == 0 or node.level - 1 > len(here):
                    continue
                base = here[: len(here) - (node.level - 1)]
                if node.module:
                    todo.append(".".join([*base, node.module]))
                    todo.extend(".".join([*base, node.module, alias.name]) for alias in node.names)
                else:
                    todo.extend(".".join([*base, alias.name]) for alias in node.names)
    return sorted(seen)


def cache_key(files: Sequence[Path], params: dict[str, Any], composed: int) -> str:
    """The key of the entry for these data files and stage-1 parameters: a SHA-256 of
    the files' bytes, the code that reads and featurizes them, the parameters and the
    versions."""
    from . import __version__
    from .trainer import _COMPOSE_SEED

    h = hashlib.sha256()
    meta = {
        "cache_version": CACHE_VERSION,
        "cleaner": __version__,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "feature_version": FEATURE_VERSION,
        "composed_pages": [composed, _COMPOSE_SEED],
        "params": {k: params[k] for k in sorted(params)},
        "files": [Path(f).name for f in files],
    }
    h.update(json.dumps(meta, sort_keys=True, default=str).encode("utf-8"))
    package = Path(__file__).resolve().parent
    for path in [*files, *_source_files()]:
        name = path.relative_to(package).as_posix() if path.is_relative_to(package) else Path(path).name
        h.update(name.encode("utf-8") + b"\0")
        h.update(Path(path).read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class CachedPages:
    """Featurized pages, stored as arrays over all their units.

    Attributes:
        starts: the first unit of each page (``n_pages + 1`` offsets).
        numeric, line, words_*: the pages' :class:`~cleaner.pipeline.featurize.PageFeatures`,
            concatenated (numeric features stored as float32).
        y: each unit's gold label, an index into the entry's ``classes``.
    """

    starts: np.ndarray
    numeric: np.ndarray
    line: np.ndarray
    words_indptr: np.ndarray
    words_indices: np.ndarray
    words_data: np.ndarray
    words_width: int
    y: np.ndarray

    def __len__(self) -> int:
        return len(self.starts) - 1

    def features(self, i: int) -> PageFeatures:
        """Page ``i``'s features, as :func:`cleaner.pipeline.featurize.featurize` gave them."""
        a, b = int(self.starts[i]), int(self.starts[i + 1])
        ptr = np.asarray(self.words_indptr[a : b + 1], dtype=np.int64)
        lo, hi = int(ptr[0]), int(ptr[-1])
        words = sp.csr_matrix(
            (
                np.asarray(self.words_data[lo:hi], dtype=np.float64),
                np.asarray(self.words_indices[lo:hi], dtype=np.int32),
                ptr - lo,
            ),
            shape=(b - a, self.words_width),
        )
        return PageFeatures(np.asarray(self.numeric[a:b], dtype=np.float64), words, np.asarray(self.line[a:b]))

    def labels(self, i: int) -> np.ndarray:
        return np.asarray(self.y[int(self.starts[i]) : int(self.starts[i + 1])])

    def rows(self, i: int, array: np.ndarray) -> np.ndarray:
        """Page ``i``'s rows of a per-unit array."""
        return np.asarray(array[int(self.starts[i]) : int(self.starts[i + 1])])


@dataclass(frozen=True)
class ProbePage:
    """A page a scope is checked against (:func:`cleaner.retrain.check_scope`): its
    site, its URL (None when unknown), its template-line keys, whether it is composed."""

    site: str | None
    url: str | None
    keys: frozenset[str]
    composed: bool = False


@dataclass(frozen=True)
class BaseCache:
    """A cache entry: the base data prepared for a retraining (:func:`open_base_cache`).

    Attributes:
        path: the entry's folder.
        classes: the base data's labels (``y`` indexes them).
        base: the base training pages (train split plus composed pages), featurized.
        base_groups: each base page's site (the stage-2 fold groups).
        oof: out-of-fold stage-1 probabilities of the base units (columns: ``classes``),
            as the default recipe computes them on the base pages alone.
        ranker: the validation pages the headline ranker learns from, featurized.
        ranker_texts, ranker_units: their texts and units.
        common_lines: template-line keys shared by two or more sites of the train split.
        probe_base, probe_sample: the base training pages, and the validation and test
            pages, as the scope check sees them.
        files: the data files the entry was made from (for the manifest's data hash).
        params: the stage-1 parameters of the out-of-fold fits.
    """

    path: Path
    classes: list[str]
    base: CachedPages
    base_groups: list[str]
    oof: np.ndarray
    ranker: CachedPages
    ranker_texts: list[str]
    ranker_units: np.ndarray
    common_lines: frozenset[str]
    probe_base: list[ProbePage]
    probe_sample: list[ProbePage]
    files: list[Path]
    params: dict[str, Any]

    def ranker_pages(self) -> tuple[list[PageUnits], list[list[str]]]:
        """The validation pages with their units and features, and their gold labels."""
        X: list[PageUnits] = []
        y: list[list[str]] = []
        for i, text in enumerate(self.ranker_texts):
            rows = self.ranker.rows(i, self.ranker_units)
            units = [Unit(int(r[0]), int(r[1]), int(r[2]), bool(r[3]), bool(r[4]), bool(r[5])) for r in rows]
            X.append(PageUnits(text, units, [self.ranker.features(i)]))
            y.append([self.classes[int(k)] for k in self.ranker.labels(i)])
        return X, y


# --------------------------------------------------------------------------- building

_ARRAYS = ("starts", "numeric", "line", "words_indptr", "words_indices", "words_data", "y")


def _featurized(pages: Sequence[LabelledPage], classes: list[str]) -> tuple[dict[str, np.ndarray], list[list[Unit]]]:
    """The arrays of :class:`CachedPages` for ``pages``, and each page's units."""
    code = {c: i for i, c in enumerate(classes)}
    numeric: list[np.ndarray] = []
    line: list[np.ndarray] = []
    words: list[sp.csr_matrix] = []
    y: list[int] = []
    units_of: list[list[Unit]] = []
    starts = [0]
    for page in pages:
        units = split_units(page.text)
        f = featurize(page.text, units)
        numeric.append(f.numeric)
        line.append(f.line)
        words.append(f.words)
        y.extend(code[page.label_of(u.start, u.end)] for u in units)
        starts.append(starts[-1] + len(units))
        units_of.append(units)
    W = sp.vstack(words, format="csr") if words else sp.csr_matrix((0, 1))
    arrays = {
        "starts": np.asarray(starts, dtype=np.int64),
        "numeric": np.vstack(numeric).astype(np.float32),
        "line": np.concatenate(line).astype(np.int32),
        "words_indptr": W.indptr.astype(np.int64),
        "words_indices": W.indices.astype(np.int32),
        "words_data": W.data.astype(np.float32),
        "y": np.asarray(y, dtype=np.int16),
    }
    return arrays, units_of


def _probe(pages: Sequence[LabelledPage]) -> list[dict[str, Any]]:
    from .evaluate import page_url

    return [
        {
            "site": p.site,
            "url": page_url(p),
            "keys": sorted(template_keys(p.text)),
            "composed": p.meta.get("render") == "composed",
        }
        for p in pages
    ]


def _build(target: Path, files: dict[str, list[Path]], params: dict[str, Any], key: str, composed: int) -> None:
    from .trainer import with_composed

    logger.info("preparing the base data for retraining, once (a few minutes; kept in %s)", target.parent)
    train = list(iter_samples(files["train"]))
    ranker = list(iter_samples(files["validation"])) if files["validation"] else []
    test = list(iter_samples(files["test"])) if files["test"] else []
    base = with_composed(train, composed)
    classes = sorted({lbl for p in [*base, *ranker] for lbl in p.labels} | {"junk"})
    logger.info("segmenting and featurizing %d base pages", len(base))
    base_arrays, _ = _featurized(base, classes)
    logger.info("segmenting and featurizing %d validation pages", len(ranker))
    ranker_arrays, ranker_units = _featurized(ranker, classes)
    est = BlockClassifier(**params)
    base_cached = _cached(base_arrays, 2**18)
    feats = [base_cached.features(i) for i in range(len(base_cached))]
    flat_y = np.asarray([classes[k] for k in base_arrays["y"]], dtype=object)
    est.classes_ = np.asarray(sorted(set(flat_y)), dtype=object)
    groups = [p.site or p.id for p in base]
    oof = est._out_of_fold(feats, flat_y, groups, None)
    cols = np.searchsorted(np.asarray(classes, dtype=object), est.classes_)
    oof_all = np.zeros((len(flat_y), len(classes)), dtype=np.float32)
    oof_all[:, cols] = oof
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    try:
        for name, arrays in (("base", base_arrays), ("ranker", ranker_arrays)):
            for a in _ARRAYS:
                np.save(tmp / f"{name}_{a}.npy", arrays[a], allow_pickle=False)
        np.save(tmp / "oof.npy", oof_all, allow_pickle=False)
        unit_rows = [(u.start, u.end, u.line, u.first, u.last, u.separate) for units in ranker_units for u in units]
        np.save(tmp / "ranker_units.npy", np.asarray(unit_rows, dtype=np.int64).reshape(-1, 6), allow_pickle=False)
        data = {
            "classes": classes,
            "base_groups": groups,
            "ranker_texts": [p.text for p in ranker],
            "common_lines": sorted(common_template_lines(train)),
            "probe_base": _probe([p for p in train if p.meta.get("render") != "composed"]),
            "probe_sample": _probe([*ranker, *test]),
        }
        (tmp / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        manifest = {
            "cache_version": CACHE_VERSION,
            "key": key,
            "files": {k: [str(f) for f in v] for k, v in files.items()},
            "params": params,
            "words_width": 2**18,
        }
        # the manifest last: an entry without it is not read
        (tmp / "manifest.json").write_text(json.dumps(manifest, default=str), encoding="utf-8")
        try:
            tmp.rename(target)
        except OSError:
            if not (target / "manifest.json").is_file():
                raise
            # another process built it meanwhile: theirs is as good
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _cached(arrays: dict[str, np.ndarray], width: int) -> CachedPages:
    return CachedPages(
        arrays["starts"],
        arrays["numeric"],
        arrays["line"],
        arrays["words_indptr"],
        arrays["words_indices"],
        arrays["words_data"],
        width,
        arrays["y"],
    )


class _BadEntry(Exception):
    """A cache entry that does not read back as written."""


def _read(path: Path) -> BaseCache:
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        data = json.loads((path / "data.json").read_text(encoding="utf-8"))
        width = int(manifest["words_width"])

        def load(name: str) -> np.ndarray:
            return np.asarray(np.load(path / f"{name}.npy", mmap_mode="r", allow_pickle=False))

        parts = {}
        for name in ("base", "ranker"):
            parts[name] = _cached({a: np.load(path / f"{name}_{a}.npy", mmap_mode="r") for a in _ARRAYS}, width)
        oof = np.load(path / "oof.npy", mmap_mode="r", allow_pickle=False)
        units = load("ranker_units")
        classes = [str(c) for c in data["classes"]]
        for name, cached in parts.items():
            n = int(cached.starts[-1])
            if not (
                cached.numeric.shape[0] == n == cached.line.shape[0] == cached.y.shape[0]
                and cached.words_indptr.shape[0] == n + 1
                and cached.words_indices.shape[0] == cached.words_data.shape[0] == int(cached.words_indptr[-1])
            ):
                raise _BadEntry(f"{name}: arrays of different lengths")
        if oof.shape != (int(parts["base"].starts[-1]), len(classes)):
            raise _BadEntry("oof: wrong shape")
        if units.shape != (int(parts["ranker"].starts[-1]), 6):
            raise _BadEntry("ranker_units: wrong shape")
        if len(data["base_groups"]) != len(parts["base"]) or len(data["ranker_texts"]) != len(parts["ranker"]):
            raise _BadEntry("page counts differ")

        def probes(rows: list[dict[str, Any]]) -> list[ProbePage]:
            return [ProbePage(r["site"], r["url"], frozenset(r["keys"]), bool(r["composed"])) for r in rows]

        files = [Path(f) for k in ("train", "validation", "test") for f in manifest["files"].get(k, [])]
        return BaseCache(
            path,
            classes,
            parts["base"],
            [str(g) for g in data["base_groups"]],
            oof,
            parts["ranker"],
            [str(t) for t in data["ranker_texts"]],
            units,
            frozenset(str(k) for k in data["common_lines"]),
            probes(data["probe_base"]),
            probes(data["probe_sample"]),
            [f for f in files if "test" not in f.name],
            dict(manifest["params"]),
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise _BadEntry(str(exc)) from exc


def open_base_cache(
    base_dir: str | Path | None = None,
    *,
    params: dict[str, Any] | None = None,
    root: str | Path | None = None,
    composed: int | None = None,
) -> BaseCache:
    """The cache entry of the base data in ``base_dir`` (default
    :func:`cleaner.retrain.base_data_dir`), built first if it is missing (minutes, once).

    Args:
        params: the :class:`~cleaner.model.BlockClassifier` parameters of the
            retraining (its stage 1 makes the cached out-of-fold probabilities);
            default: those of the default design.
        root: the cache folder (default :func:`cache_root`).
        composed: aggregator pages composed from the train split's pages (default
            :data:`cleaner.trainer.COMPOSED_PAGES`, the default model's recipe).

    Raises:
        cleaner.retrain.BaseDataMissingError: no training data in ``base_dir``.
        CleanerError: the cache folder cannot be written.
    """
    from .retrain import BaseDataMissingError, _split_files, base_data_dir
    from .trainer import COMPOSED_PAGES, DEFAULT_DESIGN, DESIGNS

    n_composed = COMPOSED_PAGES if composed is None else composed
    d = base_data_dir() if base_dir is None else Path(base_dir)
    files = {name: _split_files(d, name) for name in ("train", "validation", "test")}
    if not files["train"]:
        raise BaseDataMissingError(
            f"the shipped training data is not available: no train.jsonl.gz in {d}. "
            "It is part of the repository, not of the installed package: run from the top folder of "
            "a checkout of the repository, or give its corpus/training folder with --base-data DIR, or "
            "train on your samples alone (without --base)."
        )
    full = BlockClassifier(**(params if params is not None else DESIGNS[DEFAULT_DESIGN])).get_params()
    key = cache_key([*files["train"], *files["validation"], *files["test"]], full, n_composed)
    top = Path(root) if root is not None else cache_root()
    target = top / f"base-{key[:24]}"
    if (target / "manifest.json").is_file():
        try:
            entry = _read(target)
            logger.info("base data prepared for retraining: %s", target)
            return entry
        except _BadEntry as exc:
            logger.warning("the cache entry %s is damaged (%s): building it again", target, exc)
            shutil.rmtree(target, ignore_errors=True)
    try:
        top.mkdir(parents=True, exist_ok=True)
        _build(target, files, full, key, n_composed)
    except OSError as exc:
        raise CleanerError(
            f"cannot write the retraining cache in {top}: {exc.strerror or exc}; set CLEANER_CACHE_DIR to a "
            "folder you can write"
        ) from exc
    try:
        return _read(target)
    except _BadEntry as exc:  # pragma: no cover - written just now
        raise CleanerError(f"the cache entry {target} just written does not read back: {exc}") from exc


# --------------------------------------------------------------------------- fitting


def _user_folds(n_user: int, n_folds: int) -> list[int]:
    """The out-of-fold fold of each user page, dealt in turn (as
    :meth:`BlockClassifier._group_folds` deals heavy pages)."""
    return [i % n_folds for i in range(n_user)]


def fit_on_cache(
    est: BlockClassifier,
    cache: BaseCache,
    user_X: Sequence[PageUnits],
    user_y: Sequence[Sequence[str]],
    user_weight: float,
    *,
    base_pages: int = DEFAULT_BASE_PAGES,
    seed: int = 0,
) -> BlockClassifier:
    """Fit ``est`` on the user's pages and a sample of the cached base pages
    (:func:`fit_on_cache_heldout` without the held-out probabilities)."""
    return fit_on_cache_heldout(
        est, cache, user_X, user_y, user_weight, base_pages=base_pages, seed=seed, heldout=False
    ).estimator


@dataclass(frozen=True)
class CacheFit:
    """A fit on the cached base data (:func:`fit_on_cache_heldout`).

    Attributes:
        estimator: the fitted block classifier.
        heldout_proba: for each user page, in order, the class probabilities of its
            units (columns: ``estimator.classes_``) by a model that did not see the
            page: the out-of-fold stage 1 and a stage 2 fitted without the page's
            fold (:data:`HELDOUT_STAGE2_SHARE` of the stage-2 base pages). Empty when
            not asked for, or without a stage 2.
    """

    estimator: BlockClassifier
    heldout_proba: list[np.ndarray]


def fit_on_cache_heldout(
    est: BlockClassifier,
    cache: BaseCache,
    user_X: Sequence[PageUnits],
    user_y: Sequence[Sequence[str]],
    user_weight: float,
    *,
    base_pages: int = DEFAULT_BASE_PAGES,
    seed: int = 0,
    heldout: bool = True,
) -> CacheFit:
    """Fit ``est`` (a logistic stage 1) on the user's pages and a sample of the cached
    base pages.

    Stage 1 is fitted on ``base_pages`` random base pages and the user's pages. The
    user pages' out-of-fold stage-1 probabilities come from ``est.n_folds`` fits on
    :data:`OUT_OF_FOLD_SHARE` of those base pages and the user's pages of the other
    folds (the pages dealt over the folds in turn); the base pages' are the cached
    ones. Stage 2 learns from :data:`STAGE2_SHARE` of the base pages and the user's
    pages, in :data:`STAGE2_ITERATIONS` boosting iterations, its weighted bins computed
    at once (:func:`cleaner.boosting.fit_boosting`). In each fit a user page weighs
    ``user_weight`` times the share of the base data the fit's base pages are, so that
    the user's pages weigh, against the sample, what they would against all of it.

    With ``heldout`` (and two or more user pages), each user page also gets the
    probabilities of a model that did not see it, for :mod:`cleaner.blend` to choose
    the retrained model's share on: its out-of-fold stage-1 probabilities (above) fed
    to a stage 2 fitted without the page's fold, on :data:`HELDOUT_STAGE2_SHARE` of
    the base pages and the user's other pages, in :data:`HELDOUT_STAGE2_ITERATIONS`
    iterations (one such fit a fold: a few seconds each).
    """
    if est._kinds != ["logistic"]:
        raise CleanerError(f"a retraining on the cached base data needs a logistic stage 1, not {est.first_stage!r}")
    n_base = len(cache.base)
    rng = np.random.default_rng(seed)
    order = rng.permutation(n_base)
    n1 = min(max(base_pages, 1), n_base)
    s1 = np.sort(order[:n1])
    s2 = np.sort(order[: max(1, round(n1 * STAGE2_SHARE))])
    s_oof = np.sort(order[: max(1, round(n1 * OUT_OF_FOLD_SHARE))])
    user_feats = [x.features() for x in user_X]
    for f, labels, i in zip(user_feats, user_y, range(len(user_X)), strict=True):
        if f.n_units != len(labels):
            raise ValueError(f"page {i} has {f.n_units} units but {len(labels)} labels")
    user_flat = np.asarray([lbl for labels in user_y for lbl in labels], dtype=object)
    classes = sorted(set(cache.classes) | set(user_flat))
    est.classes_ = np.asarray(classes, dtype=object)
    base_classes = np.asarray(cache.classes, dtype=object)

    def base_part(idx: np.ndarray) -> tuple[list[PageFeatures], np.ndarray]:
        feats = [cache.base.features(int(i)) for i in idx]
        y = np.concatenate([base_classes[cache.base.labels(int(i))] for i in idx]) if len(idx) else np.zeros(0)
        return feats, np.asarray(y, dtype=object)

    feats1, y1 = base_part(s1)
    user_sizes = [f.n_units for f in user_feats]

    def user_weights(n_pages: int) -> np.ndarray:
        return np.repeat(np.full(len(user_feats), user_weight * n_pages / n_base), user_sizes)

    logger.info(
        "fitting stage 1 on %d units (%d base pages of %d, and your %d pages weighted %.3g)",
        len(y1) + len(user_flat),
        len(s1),
        n_base,
        len(user_feats),
        user_weight * len(s1) / n_base,
    )
    w1 = np.concatenate([np.ones(len(y1)), user_weights(len(s1))])
    est.stage1_ = est._fit_stage1_all([*feats1, *user_feats], np.concatenate([y1, user_flat]), w1)
    est.stage2_ = None
    if est.second_stage != "none":
        k = max(1, min(est.n_folds, len(user_feats)))
        fold = np.asarray(_user_folds(len(user_feats), k))
        user_oof = np.zeros((len(user_flat), len(classes)))
        unit_fold = np.repeat(fold, user_sizes)
        feats_oof, y_oof = base_part(s_oof)
        w_oof = user_weights(len(s_oof))
        for j in range(k):
            logger.info("stage-1 probabilities of your pages out of fold, fold %d of %d", j + 1, k)
            inside = [f for f, g in zip(user_feats, fold, strict=True) if g != j]
            keep = unit_fold != j
            models = est._fit_stage1_all(
                [*feats_oof, *inside],
                np.concatenate([y_oof, user_flat[keep]]),
                np.concatenate([np.ones(len(y_oof)), w_oof[keep]]),
            )
            held = [f for f, g in zip(user_feats, fold, strict=True) if g == j]
            user_oof[~keep] = est._stage1_proba(models, held)
        feats2, y2 = base_part(s2)
        cols = np.searchsorted(est.classes_, base_classes)
        base_oof = np.zeros((len(y2), len(classes)))
        if len(s2):
            base_oof[:, cols] = np.concatenate([cache.base.rows(int(i), cache.oof) for i in s2])
        S = np.vstack([stack_matrix(base_oof, feats2), stack_matrix(user_oof, user_feats)])
        y = np.concatenate([y2, user_flat])
        w = np.concatenate([np.ones(len(y2)), user_weights(len(s2))])
        stage2 = est._new_stage2()
        if isinstance(stage2, HistGradientBoostingClassifier):
            stage2.set_params(max_iter=STAGE2_ITERATIONS)
            logger.info("fitting stage 2 (boosting, %d iterations) on %d units", STAGE2_ITERATIONS, len(y))
        else:
            logger.info("fitting stage 2 (%s) on %d units", est.second_stage, len(y))
        est.stage2_ = fit_boosting(stage2, S, y, w, est._weight_kwargs(w))
        if heldout and k >= 2:
            base_rows = _page_rows([int(cache.base.starts[i + 1] - cache.base.starts[i]) for i in s2])
            s_cv = set(order[: max(1, round(n1 * HELDOUT_STAGE2_SHARE))].tolist())
            keep_base = np.concatenate([rows for i, rows in zip(s2, base_rows, strict=True) if int(i) in s_cv])
            user_rows = np.arange(len(y2), len(y))
            n_cv = len(s_cv)
            w_cv = np.concatenate([np.ones(len(keep_base)), user_weights(n_cv)])
            proba = np.zeros((len(user_flat), len(classes)))
            for j in range(k):
                logger.info(
                    "stage 2 without your pages of fold %d of %d (for the blend with the default model)", j + 1, k
                )
                inside = unit_fold != j
                rows = np.concatenate([keep_base, user_rows[inside]])
                model = est._new_stage2()
                if isinstance(model, HistGradientBoostingClassifier):
                    model.set_params(max_iter=HELDOUT_STAGE2_ITERATIONS)
                ww = np.concatenate([w_cv[: len(keep_base)], w_cv[len(keep_base) :][inside]])
                model = fit_boosting(model, S[rows], y[rows], ww, est._weight_kwargs(ww))
                got = stage2_proba(model, S[user_rows[~inside]])
                cols = np.searchsorted(est.classes_, np.asarray(model.classes_, dtype=object))
                proba[np.ix_(~inside, cols)] = got
            heldout_proba = np.split(proba, np.cumsum(user_sizes)[:-1])
            est.n_features_in_ = len(NUMERIC_FEATURES)
            return CacheFit(est, heldout_proba)
    est.n_features_in_ = len(NUMERIC_FEATURES)
    return CacheFit(est, [])


def _page_rows(sizes: Sequence[int]) -> list[np.ndarray]:
    """The row indices of each page in a matrix of the pages' units, in order."""
    ends = np.cumsum(sizes)
    return [np.arange(e - n, e) for n, e in zip(sizes, ends, strict=True)]
