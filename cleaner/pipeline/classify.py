"""Classify: each unit's label probabilities.

The block classifier (:class:`cleaner.model.BlockClassifier`) scores the featurized
units of one or many pages in one call (:func:`classify`); for HTML in the browser
rendering, the HTML stage (:mod:`cleaner.html_stage`) re-scores them with what the
markup says of each unit (:func:`rescore_html`). The columns are always the cleaning
model's labels, whichever model of a scoped pair scored the page.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..blend import in_columns
from ..budget import check as check_budget
from ..html_stage import HtmlStage
from ..model import Model
from .featurize import PageFeatures
from .read import Page
from .segment import Unit

__all__ = ["classify", "rescore_html"]


def classify(model: Model, feats: Sequence[PageFeatures], classes: Sequence[str]) -> np.ndarray:
    """Class probabilities of ``model`` for the units of ``feats``' pages, stacked,
    in the columns of ``classes`` (a fallback model may lack a custom label of the
    retrained model that holds it: its column is zero). A scoped retrained model with
    a blend mixes its fallback's probabilities into its own (:mod:`cleaner.blend`)."""
    proba = model.predictor.predict_proba_features(feats)
    if model.blend is not None and model.fallback is not None and model.blend.share < 1:
        default = model.fallback.predictor.predict_proba_features(feats)
        proba = model.blend.mix(proba, in_columns(default, model.fallback.labels, model.labels))
    if model.labels == list(classes):
        return proba
    return in_columns(proba, model.labels, classes)


def rescore_html(
    stage: HtmlStage | None,
    page: Page,
    units: Sequence[Unit],
    proba: np.ndarray,
    model: Model,
    classes: Sequence[str],
    html_mode: str,
) -> np.ndarray:
    """The HTML stage's probabilities where it applies: a page rendered from HTML in
    the browser mode, cleaned by a model that is not a user's retrained one (the stage
    was fitted on the default's probabilities); else ``proba`` as it is."""
    if stage is None or page.rendered is None or html_mode != "browser" or model.manifest.get("retrained"):
        return proba
    check_budget("reading the markup")
    return stage.rescore(page.rendered, units, proba, list(classes))
