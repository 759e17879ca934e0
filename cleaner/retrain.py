"""Retraining on a user's labelled samples: the library side of ``cleaner train``.

A user whose pages the default model gets wrong labels a few of them (see
:mod:`cleaner.labelling`) and trains a model of their own:

* on their samples alone (``base=False``): quick, but the model knows only their
  sites;
* or on their samples together with the shipped training data (``base=True``), with
  each of their pages weighted up (:data:`DEFAULT_USER_WEIGHT`), so that the model
  learns their layout and keeps what it knew about every other site.

:func:`cross_validate` measures, before anything is saved, how the model does on the
user's pages it has not seen: grouped k-fold over the user's pages
(:class:`sklearn.model_selection.GroupKFold`, one group a site), per-label precision,
recall and F1 over words, overall and per site. :func:`save_retrained` writes the
model with its manifest (:func:`cleaner.model.save_model`), in a format that holds
only plain data and arrays (:mod:`cleaner.model.files`).

The shipped training data (``corpus/training/{train,validation}.jsonl.gz``) is in the
repository, not in the installed package: ``base=True`` needs a checkout, or the
folder given as ``base_dir``.
"""

from __future__ import annotations

import functools
import logging
import random
import sys
import warnings
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

from .api import Cleaner
from .base_cache import DEFAULT_BASE_PAGES, BaseCache, ProbePage, fit_on_cache_heldout
from .blend import BLEND_SHARES, BlendedClassifier, BlendTrial, DefaultBlend, choose_blend, in_columns
from .document import CleanResult
from .errors import CleanerError, SampleFormatError
from .evaluate import LabelScores, evaluate_results, page_url, predict_pages, score_labels
from .labels import STANDARD_LABELS
from .model import Model, load_model, save_model, training_data_hash
from .model.estimator import BlockClassifier, PageUnits
from .pipeline.decode import STEPS, step_parameters
from .pipeline.read import Page
from .retrain_check import DefaultComparison, compare_with_default
from .retrain_defaults import (  # re-exported: their home is the light module
    DEFAULT_FIT_THREADS,
    DEFAULT_FOLDS,
    DEFAULT_SCOPED_USER_WEIGHT,
    DEFAULT_USER_WEIGHT,
    default_user_weight,
)
from .samples import LabelledPage, iter_samples, raise_sample_errors, sample_files
from .scope import SiteScope, build_scope, common_template_lines, load_common_lines, template_keys
from .trainer import (
    COMPOSED_PAGES,
    DEFAULT_DESIGN,
    DESIGNS,
    fit_headline_ranker,
    fit_headline_ranker_units,
    fit_pages,
    pages_to_xy,
    with_composed,
)

__all__ = [
    "DEFAULT_FIT_THREADS",
    "DEFAULT_FOLDS",
    "DEFAULT_SCOPED_USER_WEIGHT",
    "DEFAULT_USER_WEIGHT",
    "BaseData",
    "BaseDataMissingError",
    "CrossValidation",
    "ScopeCheck",
    "UserSamples",
    "base_data_dir",
    "check_scope",
    "cross_validate",
    "default_user_weight",
    "load_base_data",
    "load_scope_sample",
    "load_user_samples",
    "save_retrained",
    "train_model",
]

logger = logging.getLogger(__name__)


class BaseDataMissingError(CleanerError):
    """``base=True`` was asked for, but the shipped training data is not available."""


def base_data_dir() -> Path:
    """Where the shipped training data lives: ``corpus/training`` of the checkout the
    package runs from (an editable install), else of the current directory when that
    is a checkout (``pip install .`` run inside one)."""
    beside_package = Path(__file__).resolve().parent.parent / "corpus" / "training"
    if _split_files(beside_package, "train"):
        return beside_package
    here = Path.cwd() / "corpus" / "training"
    return here if _split_files(here, "train") else beside_package


def _split_files(base_dir: Path, name: str) -> list[Path]:
    return sorted(base_dir.glob(f"{name}.jsonl*"))


@dataclass
class BaseData:
    """The shipped training data, as the default model was built from it.

    Attributes:
        pages: the train split's pages plus the aggregator pages composed from them
            (:func:`cleaner.trainer.with_composed`): fitted together with the user's
            pages.
        ranker_pages: the validation split's pages. The retrained model's headline
            ranker learns from the model's view of them, as the default model's does
            (:func:`cleaner.trainer.fit_headline_ranker`).
        files: the files read, for the manifest's data hash.
        common_lines: template-line keys shared by two or more sites of the whole
            train split (:func:`cleaner.scope.common_template_lines`), left out of a
            scoped model's templates; from all of it even when ``pages`` is a sample.
    """

    pages: list[LabelledPage]
    ranker_pages: list[LabelledPage]
    files: list[Path]
    common_lines: set[str] = field(default_factory=set)


def load_base_data(base_dir: str | Path | None = None, *, limit: int | None = None, seed: int = 0) -> BaseData:
    """Load the shipped training data: the default model's recipe.

    The train split with :data:`cleaner.trainer.COMPOSED_PAGES` composed aggregator
    pages (the very pages the default model was fitted on), and the validation split
    for the headline ranker.

    Args:
        base_dir: the folder with ``train.jsonl.gz`` and ``validation.jsonl.gz``;
            default :func:`base_data_dir` (a repository checkout).
        limit: keep a random sample of this many training pages (``--base-limit``), for
            a quick run, with one composed page for every two and a validation sample
            of the same fraction; None keeps all.
        seed: seed of those samples.

    Raises:
        BaseDataMissingError: the folder or its training file is not there.
    """
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise CleanerError(f"limit (--base-limit) must be a whole number of pages >= 1, not {limit!r}")
    d = base_data_dir() if base_dir is None else Path(base_dir)
    train_files = _split_files(d, "train")
    if not train_files:
        raise BaseDataMissingError(
            f"the shipped training data is not available: no train.jsonl.gz in {d}. "
            "It is part of the repository, not of the installed package: run from the top folder of "
            "a checkout of the repository, or give its corpus/training folder with --base-data DIR, or "
            "train on your samples alone (without --base)."
        )
    valid_files = _split_files(d, "validation")
    logger.info("reading the base training data in %s", d)
    train = [p for p in iter_samples(train_files)]
    valid = [p for p in iter_samples(valid_files)] if valid_files else []
    common = common_template_lines(train)
    n_composed = COMPOSED_PAGES
    if limit is not None and limit < len(train):
        rng = random.Random(seed)
        k = max(1, round(len(valid) * limit / len(train))) if valid else 0
        train = rng.sample(train, limit)
        valid = rng.sample(valid, k)
        n_composed = min(COMPOSED_PAGES, len(train) // 2)
    return BaseData(with_composed(train, n_composed), valid, [*train_files, *valid_files], common)


@dataclass
class UserSamples:
    """A user's labelled pages, with the files they came from.

    Attributes:
        pages: the pages; each page's ``site`` is its ``# site:`` header, or else the
            name of the folder holding its file.
        files: the sample files read (and the page files beside TSVs), for the
            manifest's data hash.
        custom_labels: the labels beyond the standard five used by the pages.
    """

    pages: list[LabelledPage]
    files: list[Path] = field(default_factory=list)

    @property
    def custom_labels(self) -> list[str]:
        return sorted({lbl for p in self.pages for lbl in p.labels} - set(STANDARD_LABELS))

    @property
    def sites(self) -> list[str]:
        return sorted({p.site or p.id for p in self.pages})


def load_user_samples(paths: Iterable[str | Path], *, custom_labels: Collection[str] = ()) -> UserSamples:
    """Load a user's samples (TSV/JSONL files or folders of them).

    Raises:
        SampleFormatError: an unknown label, a segment that is not in its page, or any
            other fault, with the file and line; with several bad files, a
            :class:`~cleaner.errors.SampleFilesError` naming every one.
    """
    paths = list(paths)
    pages: list[LabelledPage] = []
    files: list[Path] = []
    errors: list[SampleFormatError] = []
    for f in sample_files(paths):
        try:
            found = list(iter_samples([f], custom_labels=custom_labels))
        except SampleFormatError as exc:
            errors.append(exc)
            continue
        for page in found:
            pages.append(page if page.site is not None else replace(page, site=f.resolve().parent.name))
        files.append(f)
        if f.name.endswith(".tsv"):
            stem = f.name.removesuffix(".tsv").removesuffix(".labels")
            sibling = f.with_name(stem + ".txt")
            if sibling.is_file():
                files.append(sibling)
    raise_sample_errors(errors)
    if not pages:
        raise SampleFormatError(
            ", ".join(str(p) for p in paths), None, "no labelled pages found (.tsv, .jsonl or .jsonl.gz)"
        )
    return UserSamples(pages, files)


def _fit_groups(user: Sequence[LabelledPage]) -> list[LabelledPage]:
    """User pages each in a group of their own for the stage-2 folds of the fit.

    The retrained model is used on more pages of the user's sites, so stage 2 should
    learn from stage-1 probabilities of unseen *pages* of those sites, not of unseen
    sites (and with one site only, site folds would leave stage 2 no held-out data).
    """
    return [replace(p, site=f"user#{i}:{p.site or p.id}") for i, p in enumerate(user)]


def train_model(
    samples: Sequence[LabelledPage],
    *,
    base: bool = False,
    base_data: BaseData | None = None,
    user_weight: float | None = None,
    design: str = DEFAULT_DESIGN,
    scoped: bool = False,
    url_patterns: Sequence[str] = (),
    threads: int = DEFAULT_FIT_THREADS,
    base_cache: BaseCache | None = None,
    base_pages: int = DEFAULT_BASE_PAGES,
    blend: DefaultBlend | None = None,
) -> Model:
    """Train a model on a user's pages, alone or with the base training pages.

    Args:
        samples: the user's labelled pages (custom labels allowed).
        base: add the shipped training data (``base_data``, or :func:`load_base_data`
            when None): the model is then the default model's recipe plus the user's
            pages, and its headline ranker is fitted, as the default model's is, on
            the validation pages (the default model's ranker serves when there are
            none).
        base_data: the base data to use when ``base`` is true (a sample of it for a
            quick run).
        user_weight: with ``base``, the weight of each user page; base pages weigh 1.
            None: :func:`default_user_weight` (20, or 100 for a scoped model).
        design: a design of :data:`cleaner.trainer.DESIGNS`.
        scoped: keep the new model to pages of the user's sites: the model gets a
            :class:`cleaner.scope.SiteScope` built from the samples, and the default
            model as its fallback for every other page (:mod:`cleaner.scope`).
        url_patterns: with ``scoped``, URL patterns the scope takes pages by, when
            their URL is known (:class:`cleaner.scope.SiteScope`).
        threads: OpenMP and BLAS threads of the fits (:data:`DEFAULT_FIT_THREADS`).
        base_cache: with ``base``, the base data prepared once
            (:func:`cleaner.base_cache.open_base_cache`): the fit then samples
            ``base_pages`` of its pages (:func:`cleaner.base_cache.fit_on_cache`), in
            seconds instead of minutes; ``base_data`` is not used.
        base_pages: the base pages sampled from ``base_cache``.
        blend: with ``scoped``, the retrained model's share in its mix with the
            default model on the pages it cleans (:mod:`cleaner.blend`). None: chosen
            on the samples, each held out (:func:`blend_trials`,
            :func:`cleaner.blend.choose_blend`), when trained with ``base_cache`` on
            two or more pages; else the retrained model's alone.

    Returns:
        A :class:`cleaner.model.Model` whose manifest holds the design, weights and
        page counts; :func:`save_retrained` adds the rest and writes it.
    """
    if design not in DESIGNS:
        raise CleanerError(f"unknown design {design!r}; the designs are {', '.join(sorted(DESIGNS))}")
    if user_weight is None:
        user_weight = default_user_weight(scoped)
    if user_weight <= 0:
        raise CleanerError(f"user_weight must be positive, not {user_weight}")
    if not samples:
        raise CleanerError("no labelled pages to train on")
    if scoped and not base:
        raise CleanerError(
            "a scoped model needs the base training data (--base): its fallback outside the scope is the "
            "default model, whose labels the new model must know, and the lines that many sites share "
            "(left out of your sites' templates) come from it; train with --base, or without a scope"
        )
    if base_cache is not None and not base:
        raise CleanerError("base_cache is the base data prepared for a retraining with it: give base=True too")
    user = _fit_groups(samples)
    extra: list[LabelledPage] = []
    if base and base_cache is None:
        if base_data is None:
            base_data = load_base_data()
        extra = list(base_data.pages)
    pages = [*extra, *user]
    weights = [1.0] * len(extra) + [user_weight if extra else 1.0] * len(user)
    labels = {lbl for p in samples for lbl in p.labels}
    base_labels = set(base_cache.classes) if base_cache is not None else {lbl for p in extra for lbl in p.labels}
    if len(labels | base_labels) < 2:
        raise CleanerError("the samples use only one label; a model needs at least two")
    if not base:
        _check_unit_labels(samples)
    with warnings.catch_warnings(record=True) as caught, threadpool_limits(limits=threads):
        # a few pages can leave the solver short of convergence; the model is still
        # usable and cross-validation shows how good it is: record it, do not fail
        warnings.simplefilter("always", ConvergenceWarning)
        heldout: list[np.ndarray] = []
        X: list[PageUnits] = []
        if base_cache is not None:
            logger.info("segmenting and featurizing your %d pages", len(samples))
            X, y, _ = pages_to_xy(samples)
            fit = fit_on_cache_heldout(
                BlockClassifier(**DESIGNS[design]),
                base_cache,
                X,
                y,
                user_weight,
                base_pages=base_pages,
                heldout=scoped and blend is None and len(samples) >= 2,
            )
            estimator, heldout = fit.estimator, fit.heldout_proba
        else:
            estimator = fit_pages(pages, DESIGNS[design], weights)
    not_converged = sum(1 for w in caught if issubclass(w.category, ConvergenceWarning))
    for w in caught:
        if not issubclass(w.category, ConvergenceWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if not_converged:
        logger.info("the solver did not converge in %d of its fits", not_converged)
    manifest: dict[str, Any] = {
        "design": design,
        "retrained": True,
        "user_pages": len(samples),
        "user_sites": sorted({p.site or p.id for p in samples}),
        "base_pages": len(extra) if base_cache is None else min(base_pages, len(base_cache.base)),
        "base_pages_sampled_from": len(base_cache.base) if base_cache is not None else None,
        "user_weight": user_weight if base else 1.0,
        "custom_labels": sorted(labels - set(STANDARD_LABELS)),
        "training_pages": len(pages) if base_cache is None else len(samples) + min(base_pages, len(base_cache.base)),
        "decoding_steps": {"order": list(STEPS), "parameters": step_parameters()},
        "not_converged_fits": not_converged,
    }
    fallback = load_model() if scoped and (base_data is not None or base_cache is not None) else None
    chosen = blend
    if fallback is not None and chosen is None and heldout:
        # decoded with the default model's headline ranker: at share 0 the pages are the default model's
        logger.info("choosing the blend with the default model on your %d pages, each held out", len(samples))
        trials = blend_trials(samples, X, heldout, Model(estimator, manifest, fallback.headline_ranker), fallback)
        chosen = DefaultBlend(choose_blend(trials).share)
        manifest["blend_trials"] = [t.as_dict() for t in trials]
    if fallback is not None:
        manifest["blend_share"] = chosen.share if chosen is not None else None
    # the ranker learns from the view of the pages it will rank: the new model's, or its blend
    view: BlockClassifier | BlendedClassifier = estimator
    if fallback is not None and chosen is not None and chosen.share < 1:
        view = BlendedClassifier(estimator, fallback.estimator, chosen)
    ranker = None
    manifest["headline_ranker_from"] = None
    if fallback is not None and chosen is not None and chosen.share == 0:
        # the default model's view: its ranker, fitted on that view of the same validation pages
        ranker = fallback.headline_ranker
        manifest["headline_ranker_from"] = "default model (blend share 0)"
    elif base_cache is not None and base_cache.ranker_texts:
        logger.info("headline ranker: the new model's view of %d validation pages", len(base_cache.ranker_texts))
        with threadpool_limits(limits=threads):
            ranker = fit_headline_ranker_units(view, *base_cache.ranker_pages())
        manifest["headline_ranker_from"] = f"{len(base_cache.ranker_texts)} validation pages"
    elif base_data is not None and base_data.ranker_pages:
        # the ranker learns from this model's view of pages it did not see; reusing the
        # default model's ranker lost 3 of 34 gold headlines (docs/retraining.md)
        with threadpool_limits(limits=threads):
            ranker = fit_headline_ranker(view, base_data.ranker_pages)
        manifest["headline_ranker_from"] = f"{len(base_data.ranker_pages)} validation pages"
    elif extra or base_cache is not None:
        ranker = _default_headline_ranker()
        manifest["headline_ranker_from"] = "default model" if ranker is not None else None
    if fallback is None:
        return Model(estimator, manifest, ranker)
    common = (
        base_cache.common_lines if base_cache is not None else frozenset(base_data.common_lines if base_data else ())
    )
    scope = build_scope(samples, common_lines=common | load_common_lines(), url_patterns=url_patterns)
    empty = scope.sites_without_scope()
    if empty:
        logger.warning(
            "fewer than %d template lines for site(s) %s: their pages will be cleaned by the default model "
            "unless their URL is known and of the site's host; label more pages of them (two or more a site), "
            "or train with --scope all",
            scope.min_shared,
            ", ".join(site or "(no site)" for site in empty),
        )
    return Model(estimator, manifest, ranker, scope, fallback, blend=chosen)


def blend_trials(
    samples: Sequence[LabelledPage],
    X: Sequence[PageUnits],
    heldout: Sequence[np.ndarray],
    model: Model,
    default: Model,
    shares: Sequence[float] = BLEND_SHARES,
) -> list[BlendTrial]:
    """The user's pages cleaned at each share of the retrained model in its mix with
    the default model (:mod:`cleaner.blend`), scored against their labels.

    Args:
        samples: the user's pages.
        X: their units (:func:`cleaner.trainer.pages_to_xy`).
        heldout: each page's unit probabilities by a retrained model that did not see
            it (:func:`cleaner.base_cache.fit_on_cache_heldout`), in ``model``'s columns.
        model: the retrained model (its labels and headline ranker decode the pages).
        default: the default model.
    """
    cleaner = Cleaner(model)
    default_pages = [in_columns(p, default.labels, model.labels) for p in default.estimator.predict_proba(X)]
    trials = []
    for share in shares:
        mix = DefaultBlend(share)
        results = [
            cleaner._finish(Page(x.text), list(x.units), mix.mix(mine, d), model)
            for x, mine, d in zip(X, heldout, default_pages, strict=True)
        ]
        m = evaluate_results(samples, results).metrics()
        trials.append(
            BlendTrial(share, _metric(m, "main_body_f1"), _metric(m, "headline_accuracy"), _metric(m, "word_accuracy"))
        )
    return trials


def _metric(metrics: dict[str, Any], name: str) -> float | None:
    value = metrics.get(name)
    return None if value is None else float(value)


def _check_unit_labels(pages: Sequence[LabelledPage]) -> None:
    """Refuse samples whose units, as the model sees them, hold one label only.

    The model labels units (lines, and the sentences and blocks lines are cut into,
    :func:`cleaner.pipeline.segment.split_units`), and each unit takes the label of most of its
    text: labels given to pieces of one unit are lost, and pages whose every unit ends
    up with the same label leave the model one label to learn.
    """
    _, y, _ = pages_to_xy(pages)
    seen = {label for labels in y for label in labels}
    if len(seen) < 2:
        got = ", ".join(sorted(seen)) or "no units"
        raise CleanerError(
            f"the samples label pieces of text smaller than the units the model labels: every unit of their "
            f"pages takes the label of most of its text, which leaves one label ({got}) to learn from. A unit "
            "is a line, or a sentence or block of a line of 16 or more words; label whole lines, label more "
            "pages, or train with --base"
        )


@dataclass(frozen=True)
class ScopeCheck:
    """How many pages of other sites a scope takes in (``cleaner train`` prints it).

    Attributes:
        base: the base data's training pages of other sites (composed pages left out).
        sample: a sample of other sites shipped with the repository: the validation
            and test splits' pages of sites other than the user's.
        base_in_scope, sample_in_scope: how many of them the scope takes by their text
            alone, as a page cleaned without its URL.
        base_by_url, sample_by_url: how many with their URL known (the records'),
            where the scope has hosts or URL patterns to judge it by.
        own: base and sample pages of the user's own sites, left out of the counts.
    """

    base: int
    base_in_scope: int
    base_by_url: int
    sample: int
    sample_in_scope: int
    sample_by_url: int
    own: int


def check_scope(
    scope: SiteScope, base_data: BaseData | BaseCache, sample: Sequence[LabelledPage] | Sequence[ProbePage] = ()
) -> ScopeCheck:
    """Count the pages of other sites that ``scope`` takes in: of the base data's
    training pages, and of ``sample`` (:func:`load_scope_sample`, or the cache's
    ``probe_sample``)."""
    declared = scope.url_patterns or scope.declared_hosts()

    def probe(page: LabelledPage | ProbePage) -> ProbePage:
        if isinstance(page, ProbePage):
            return page
        return ProbePage(
            page.site, page_url(page), frozenset(template_keys(page.text)), page.meta.get("render") == "composed"
        )

    def count(pages: Iterable[LabelledPage | ProbePage]) -> tuple[int, int, int, int]:
        n = by_text = by_url = mine = 0
        for page in map(probe, pages):
            if page.composed:
                continue
            if page.site in scope.sites or (
                page.url is not None and bool(declared) and scope.match_url(page.url) is not None
            ):
                mine += 1
                continue
            n += 1
            by_text += scope.match_page(page.keys) is not None
            by_url += scope.match_page(page.keys, page.url) is not None
        return n, by_text, by_url, mine

    base: Sequence[LabelledPage | ProbePage] = (
        base_data.probe_base if isinstance(base_data, BaseCache) else base_data.pages
    )
    b, b_text, b_url, b_own = count(base)
    s, s_text, s_url, s_own = count(sample)
    return ScopeCheck(b, b_text, b_url, s, s_text, s_url, b_own + s_own)


def load_scope_sample(base_dir: str | Path | None = None) -> list[LabelledPage]:
    """The shipped sample of other sites' pages that :func:`check_scope` probes: the
    validation and test splits (empty when they are missing)."""
    d = base_data_dir() if base_dir is None else Path(base_dir)
    return [p for name in ("validation", "test") for p in iter_samples(_split_files(d, name))]


@functools.lru_cache(maxsize=1)
def _default_headline_ranker() -> Any:
    """The shipped model's headline ranker (None when the model or its ranker is missing).

    Loaded once a process: cross-validation trains a model a fold.
    """
    try:
        return load_model().headline_ranker
    except CleanerError:
        return None


@dataclass
class CrossValidation:
    """Scores of a cross-validation over the user's pages.

    Attributes:
        overall: word-level scores over all held-out user pages.
        per_site: the same per site.
        folds: the number of folds run.
        grouping: ``"site"`` (no site in both training and test of a fold) or
            ``"page"`` (fewer than two sites: folds split pages of one site).
        pages_per_site: the number of pages of each site.
        against_default: the held-out pages cleaned by each fold's model against the
            default model's cleaning of them, field by field
            (:func:`cleaner.retrain_check.compare_with_default`).
    """

    overall: LabelScores
    per_site: dict[str, LabelScores]
    folds: int
    grouping: str
    pages_per_site: dict[str, int] = field(default_factory=dict)
    against_default: DefaultComparison | None = None

    def report(self) -> str:
        """A plain-text report: the per-label table, then F1 per label and site."""
        how = (
            "grouped by site: each site's pages are scored by a model that never saw that site"
            if self.grouping == "site"
            else "only one site: folds split its pages, each page scored by a model that never saw it"
        )
        lines = [f"cross-validation, {self.folds} folds, {how}", "", self.overall.table(), ""]
        labels = self.overall.labels
        head = f"{'site':<32}{'pages':>6}{'word acc':>9}" + "".join(f"{lbl[:12]:>13}" for lbl in labels)
        lines.append("F1 per label and site (- : no such words in the site's pages)")
        lines.append(head)
        for site, sc in sorted(self.per_site.items()):
            cells = []
            for lbl in labels:
                _, _, f, g = sc.prf(lbl)
                cells.append(f"{f:>13.3f}" if g else f"{'-':>13}")
            n = self.pages_per_site.get(site, 0)
            lines.append(f"{site[:31]:<32}{n:>6}{sc.accuracy:>9.3f}" + "".join(cells))
        return "\n".join(lines)

    def scores(self) -> dict[str, float]:
        """The scores as plain data, for the model's manifest."""
        out = {
            "cv_word_accuracy": round(self.overall.accuracy, 4),
            "cv_macro_f1": round(self.overall.macro_f1, 4),
        }
        for lbl in self.overall.labels:
            out[f"cv_f1_{lbl}"] = round(self.overall.prf(lbl)[2], 4)
        return out


def cross_validate(
    samples: Sequence[LabelledPage],
    *,
    base: bool = False,
    base_data: BaseData | None = None,
    user_weight: float | None = None,
    design: str = DEFAULT_DESIGN,
    folds: int = DEFAULT_FOLDS,
    scoped: bool = False,
    url_patterns: Sequence[str] = (),
    threads: int = DEFAULT_FIT_THREADS,
    base_cache: BaseCache | None = None,
    base_pages: int = DEFAULT_BASE_PAGES,
    blend: DefaultBlend | None = None,
) -> CrossValidation:
    """Grouped k-fold cross-validation over the user's pages.

    Each fold trains as :func:`train_model` does (with the base pages, if ``base``,
    and a scope, if ``scoped``) on the user's pages outside the fold and scores the
    pages inside it, cleaned as :class:`cleaner.Cleaner` cleans them: a scoped model's
    held-out page outside its scope is cleaned by the default model. Groups are sites;
    with fewer than two sites, pages.

    Raises:
        CleanerError: fewer than two pages (nothing to hold out).
    """
    if len(samples) < 2:
        raise CleanerError("cross-validation needs at least two labelled pages")
    sites = [p.site or p.id for p in samples]
    grouping = "site" if len(set(sites)) >= 2 else "page"
    groups = sites if grouping == "site" else [f"{i}" for i in range(len(samples))]
    k = min(folds, len(set(groups)))
    if k < 2:
        raise CleanerError("cross-validation needs at least two folds")
    if base and base_data is None and base_cache is None:
        base_data = load_base_data()
    overall = LabelScores()
    per_site: dict[str, LabelScores] = {}
    page_counts: dict[str, int] = {}
    index = np.arange(len(samples))
    default = Cleaner()
    held_out: list[LabelledPage] = []
    theirs: list[CleanResult] = []
    mine: list[CleanResult] = []
    for fold, (train_idx, test_idx) in enumerate(GroupKFold(n_splits=k).split(index, groups=groups), start=1):
        logger.info("cross-validation: fold %d of %d", fold, k)
        train = [samples[i] for i in train_idx]
        test = [samples[i] for i in test_idx]
        model = train_model(
            train,
            base=base,
            base_data=base_data,
            user_weight=user_weight,
            design=design,
            scoped=scoped,
            url_patterns=url_patterns,
            threads=threads,
            base_cache=base_cache,
            base_pages=base_pages,
            blend=blend,
        )
        predicted = predict_pages(Cleaner(model), test)
        held_out.extend(test)
        mine.extend(predicted)
        theirs.extend(predict_pages(default, test))
        for page, result in zip(test, predicted, strict=True):
            sc = score_labels([page], [result.segments])
            overall.confusion.update(sc.confusion)
            site = page.site or page.id
            per_site.setdefault(site, LabelScores()).confusion.update(sc.confusion)
            page_counts[site] = page_counts.get(site, 0) + 1
    return CrossValidation(overall, per_site, k, grouping, page_counts, compare_with_default(held_out, mine, theirs))


def save_retrained(
    model: Model,
    path: str | Path,
    *,
    files: Sequence[Path] = (),
    base_files: Sequence[Path] = (),
    base_limit: int | None = None,
    command: str | None = None,
    scores: dict[str, float] | None = None,
) -> Model:
    """Save a retrained model with its manifest: data hash, files, command and scores."""
    all_files = [*base_files, *files]
    manifest = dict(model.manifest)
    manifest.update(
        {
            "training_data_sha256": training_data_hash(all_files),
            "training_files": [str(f) for f in all_files],
            "base_limit": base_limit,
            "command": command if command is not None else " ".join(["cleaner", *sys.argv[1:]]),
            "scores": scores or {},
        }
    )
    return save_model(
        model.estimator,
        path,
        manifest,
        headline_ranker=model.headline_ranker,
        scope=model.scope,
        fallback=model.fallback,
        blend=model.blend,
    )
