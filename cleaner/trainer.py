"""Training: fit a block classifier on labelled pages and score it.

The library side of ``cleaner train`` and ``python -m training.train``: labelled pages
are segmented into units exactly as :func:`cleaner.clean` segments page text, each
unit takes the gold label of most of its characters, and a :class:`BlockClassifier`
is fitted on them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from .evaluate import LabelScores, score_labels
from .labels import Label
from .model.estimator import BlockClassifier, PageUnits
from .model.ranker import Candidates, HeadlineRanker
from .pipeline.assemble import merge_units
from .pipeline.decode import decode_labels
from .pipeline.headline import candidates
from .pipeline.segment import split_units
from .retrain_defaults import DEFAULT_DESIGN, DESIGNS  # re-exported
from .samples import LabelledPage

__all__ = [
    "COMPOSED_PAGES",
    "DEFAULT_DESIGN",
    "DESIGNS",
    "evaluate_pages",
    "fit_headline_ranker",
    "fit_headline_ranker_units",
    "fit_pages",
    "pages_to_xy",
    "predict_segments",
    "ranker_candidates",
    "with_composed",
]

logger = logging.getLogger(__name__)

# The designs compared on the validation split (issue 3): name -> estimator params.
# Aggregator pages composed (cleaner.compose) from the training pages' own articles
# and added to them. The dataset build adds one composed page per ten pages; the
# model trained on that alone missed the seed page's cards (card bylines and collapsed
# card bodies called junk). 1,500 more raised validation word accuracy from 0.817 to
# 0.833 and macro F1 from 0.575 to 0.620 (training/README.md).
COMPOSED_PAGES = 1500
_COMPOSE_SEED = 100


def with_composed(pages: Sequence[LabelledPage], n: int = COMPOSED_PAGES) -> list[LabelledPage]:
    """``pages`` plus ``n`` aggregator pages composed from their single-article pages."""
    from .compose import compose_aggregator_pages

    singles = [p for p in pages if p.meta.get("render") != "composed"]
    if singles and n > 0:
        logger.info("composing %d aggregator pages from %d pages", n, len(singles))
    extra = compose_aggregator_pages(singles, seed=_COMPOSE_SEED, n=n) if singles and n > 0 else []
    return [*pages, *extra]


def pages_to_xy(pages: Sequence[LabelledPage]) -> tuple[list[PageUnits], list[list[str]], list[str]]:
    """Segment labelled pages into units and give each unit its majority gold label.

    Every page gives one item, in order; a page without text has no units.
    """
    X: list[PageUnits] = []
    y: list[list[str]] = []
    groups: list[str] = []
    for page in pages:
        units = split_units(page.text)
        X.append(PageUnits(page.text, units))
        y.append([page.label_of(u.start, u.end) for u in units])
        groups.append(page.site or page.id)
    return X, y, groups


def fit_pages(
    pages: Sequence[LabelledPage], params: dict[str, Any], weights: Sequence[float] | None = None
) -> BlockClassifier:
    """Fit a :class:`BlockClassifier` with ``params`` on labelled pages."""
    logger.info("segmenting %d pages", len(pages))
    X, y, groups = pages_to_xy(pages)
    return BlockClassifier(**params).fit(X, y, groups=groups, sample_weight=weights)


def predict_segments(
    model: BlockClassifier, pages: Sequence[LabelledPage], ranker: HeadlineRanker | None = None
) -> list[list[Any]]:
    """Predicted segments of each page (an empty list for a page with no text), with the
    main headline chosen by ``ranker`` when one is given."""
    X, _, _ = pages_to_xy(pages)
    classes = [str(c) for c in model.classes_]
    out: list[list[Any]] = []
    for x, proba in zip(X, model.predict_proba(X), strict=True):
        labels, conf = decode_labels(x.text, x.units, proba, classes, headline_ranker=ranker)
        out.append(merge_units(x.text, x.units, labels, conf))
    return out


def evaluate_pages(model: BlockClassifier, pages: Sequence[LabelledPage]) -> LabelScores:
    """Word-level label scores of a fitted model on labelled pages."""
    return score_labels(pages, predict_segments(model, pages))


def _run_title(titles: Sequence[int], labels_gold: Sequence[str]) -> int | None:
    """The gold title of the main run among a page's candidate units that are gold headlines.

    The first, unless gold body stands between the first and the last: then they head
    articles of their own (an aggregator's cards before the main run), and the last
    heads the run.
    """
    if not titles:
        return None
    if any(labels_gold[k] == Label.BODY for k in range(titles[0] + 1, titles[-1])):
        return titles[-1]
    return titles[0]


def ranker_candidates(
    model: BlockClassifier, pages: Sequence[LabelledPage]
) -> tuple[list[Candidates], list[int | None]]:
    """The headline candidates of ``model``'s view of labelled pages, and each page's
    gold title unit among them (:func:`_run_title`; None when it is not a candidate)."""
    X, y, _ = pages_to_xy(pages)
    return _candidates_of(model, X, y)


class UnitClassifier(Protocol):
    """What the headline ranker's fit reads of a model: its labels and its view of pages
    (a :class:`~cleaner.model.BlockClassifier`, or a blend of two,
    :class:`cleaner.blend.BlendedClassifier`)."""

    @property
    def classes_(self) -> np.ndarray: ...

    def predict_proba(self, X: Sequence[PageUnits]) -> list[np.ndarray]: ...


def _candidates_of(
    model: UnitClassifier, X: Sequence[PageUnits], y: Sequence[Sequence[str]]
) -> tuple[list[Candidates], list[int | None]]:
    """:func:`ranker_candidates` of pages already segmented (and perhaps featurized)."""
    classes = [str(c) for c in model.classes_]
    found: list[Candidates] = []
    gold: list[int | None] = []
    for x, labels_gold, proba in zip(X, y, model.predict_proba(X), strict=True):
        if not x.units:
            continue
        labels, _ = decode_labels(x.text, x.units, proba, classes)
        cands = candidates(x.text, x.units, labels, proba, classes)
        if cands is None:
            continue
        titles = [int(j) for j in cands.index if labels_gold[j] == Label.HEADLINE]
        found.append(cands)
        gold.append(_run_title(titles, labels_gold))
    return found, gold


def fit_headline_ranker(model: UnitClassifier, pages: Sequence[LabelledPage]) -> HeadlineRanker | None:
    """Fit a :class:`~cleaner.pipeline.headline.HeadlineRanker` on ``model``'s view of labelled pages.

    ``pages`` must be pages the model did not see in training (the shipped model uses
    the validation split): on its own training pages the model's probabilities are
    too sure of themselves to teach the ranker anything. The gold title of a page is
    a unit labelled headline among its candidates (:func:`_run_title`). Returns None
    when no page has its title among its candidates.
    """
    logger.info("headline ranker: the model's view of %d pages", len(pages))
    X, y, _ = pages_to_xy(pages)
    return fit_headline_ranker_units(model, X, y)


def fit_headline_ranker_units(
    model: UnitClassifier, X: Sequence[PageUnits], y: Sequence[Sequence[str]]
) -> HeadlineRanker | None:
    """:func:`fit_headline_ranker` on pages already segmented (``X``, with their units'
    gold labels ``y``), as a retraining on the cached base data has them."""
    found, gold = _candidates_of(model, X, y)
    if not any(g is not None for g in gold):
        return None
    logger.info("fitting the headline ranker on %d pages' candidates", len(found))
    return HeadlineRanker().fit(found, gold)
