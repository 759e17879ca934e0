"""The HTML stage: labels re-scored from the text model's view and the page's markup.

Given HTML, cleaner renders it (:mod:`cleaner.html_text`), and the text model gives
each unit of the text its class probabilities, as for any page text. The HTML stage
then scores each unit again from those probabilities (the unit's, its neighbours' and
the mean over its block and its container) and the unit's markup features
(:mod:`cleaner.dom_features`): a gradient-boosting classifier fitted by
``python -m training.fit_dom`` on the pages of the training split and shipped as a
model file of its own (``cleaner/models/html_stage.model.zip``, JSON and arrays, no
pickle), so raw text is cleaned exactly as without it. Its probabilities replace the
text model's before decoding. ``CleanerConfig(html_stage=False)`` switches it off.

It was fitted on the shipped text model's probabilities: its manifest records that
model's SHA-256, and a text model retrained since needs the stage refitted
(``tests/test_html_stage.py`` checks the two agree).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .dom_features import DOM_FEATURES, unit_dom_features
from .errors import ModelError
from .html_text import RenderedPage
from .model.files import read_model_file, write_model_file
from .model.trees import Forest
from .pipeline.containers import unit_blocks
from .pipeline.segment import Unit

__all__ = [
    "MIN_STAGE_UNITS",
    "SURE_JUNK",
    "HtmlStage",
    "assemble_features",
    "default_html_stage",
    "default_html_stage_path",
    "stage_feature_names",
    "stage_features",
    "unit_places",
]

SURE_JUNK = 0.98
"""Units the text model calls junk with at least this probability keep its
probabilities, but for those in a heading element: the stage's trees are not walked
for them. A quarter of the units of
the validation split's HTML pages are such, and the stage called 99.8% of them junk
too; the stage's trees took 8.1 -> 6.2 ms a page (fifteenth session,
``training/CHANGELOG.md``)."""

HTML_STAGE_VERSION = 1
"""The layout of :func:`stage_features`; a stage of another version is refused."""

MIN_STAGE_UNITS = 10
"""Pages of fewer units keep the text model's probabilities. The shipped stage was
fitted on pages of the train split, of which 1% have fewer than 10 units (7 of 1,340,
``corpus/html_stage/rows.json``): below that its input (the page's words, the share of
its prose in each container, every block in the main container) is one it has hardly
seen, and there it was seen to be sure and wrong: on a page of six units it called a
footer line body with probability 1.0 and every line before the prose body, so a menu
line became the headline over the title the page declares
(``tests/test_page_meta.py::test_clean_html_uses_the_declared_title_authors_and_date``)."""


def _group_mean(proba: np.ndarray, groups: np.ndarray) -> np.ndarray:
    _, inverse = np.unique(groups, return_inverse=True)
    sums = np.zeros((int(inverse.max()) + 1, proba.shape[1]))
    np.add.at(sums, inverse, proba)
    counts = np.bincount(inverse).astype(np.float64)[:, None]
    return (sums / counts)[inverse]


def stage_feature_names(classes: Sequence[str]) -> tuple[str, ...]:
    """The names of the columns of :func:`stage_features` for a model's labels."""
    names: list[str] = []
    for where in ("unit", "prev", "next", "prev2", "next2", "block", "container"):
        names += [f"p_{where}_{c}" for c in classes]
    return (*names, *DOM_FEATURES)


def unit_places(page: RenderedPage, units: Sequence[Unit]) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's block (index into ``page.blocks``) and container (the id of its
    block's enclosing block element, -1 for none)."""
    blocks = page.blocks
    if not blocks:
        return np.zeros(len(units), dtype=np.int64), np.full(len(units), -1, dtype=np.int64)
    which = unit_blocks(page, units)
    parent = np.asarray(
        [blocks[i].ancestors[-2] if len(blocks[i].ancestors) >= 2 else -1 for i in which.tolist()], dtype=np.int64
    )
    return which, parent


def assemble_features(proba: np.ndarray, block: np.ndarray, container: np.ndarray, dom: np.ndarray) -> np.ndarray:
    """The HTML stage's input of one page's units from the text model's ``proba``, each
    unit's block and container (:func:`unit_places`) and its markup features
    (:func:`cleaner.dom_features.unit_dom_features`): see :func:`stage_features`."""
    n, k = proba.shape
    if n == 0:
        return np.zeros((0, 7 * k + dom.shape[1]), dtype=np.float32)
    zero = np.zeros((1, k))
    prev = np.concatenate([zero, proba[:-1]])
    nxt = np.concatenate([proba[1:], zero])
    prev2 = np.concatenate([zero, prev[:-1]])
    nxt2 = np.concatenate([nxt[1:], zero])
    return np.hstack(
        [proba, prev, nxt, prev2, nxt2, _group_mean(proba, block), _group_mean(proba, container), dom]
    ).astype(np.float32)


def stage_features(page: RenderedPage, units: Sequence[Unit], proba: np.ndarray) -> np.ndarray:
    """The HTML stage's input for each unit: the text model's probabilities ``proba``
    of the unit, of the units one and two before and after it (zeros past the page's
    ends), their means over the unit's block and over its container, and
    :func:`cleaner.dom_features.unit_dom_features`."""
    block, container = unit_places(page, units)
    return assemble_features(proba, block, container, unit_dom_features(page, units))


@dataclass(frozen=True)
class HtmlStage:
    """The fitted HTML stage: a gradient-boosting classifier over :func:`stage_features`.

    Attributes:
        forest: the fitted classifier's trees (:class:`cleaner.model.trees.Forest`,
            scikit-learn's ``HistGradientBoostingClassifier`` evaluated without it);
            its classes are the labels.
        manifest: how it was made (command, data, scores, the text model's SHA-256).
    """

    forest: Forest
    manifest: dict[str, Any]

    @classmethod
    def of(cls, classifier: Any, manifest: dict[str, Any]) -> HtmlStage:
        """The stage of a fitted scikit-learn ``HistGradientBoostingClassifier``."""
        return cls(Forest.of(classifier), manifest)

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.forest.classes]

    def rescore(
        self, page: RenderedPage, units: Sequence[Unit], proba: np.ndarray, classes: Sequence[str]
    ) -> np.ndarray:
        """The units' class probabilities (columns: ``classes``, the text model's
        labels) from the text model's ``proba`` and the page's markup; ``proba`` itself
        when the labels differ from the stage's (a model with labels of its own) or the
        page has fewer than :data:`MIN_STAGE_UNITS` units."""
        if list(classes) != self.classes or len(units) < MIN_STAGE_UNITS:
            return proba
        return self.stage_proba(stage_features(page, units, proba), proba)

    def stage_proba(self, features: np.ndarray, proba: np.ndarray) -> np.ndarray:
        """The stage's probabilities of units of :func:`stage_features` ``features``
        whose text model's probabilities (``proba``, columns :attr:`classes`) are not
        sure junk (:data:`SURE_JUNK`) or that stand in a heading element; those of the
        others are ``proba``'s."""
        if "junk" not in self.classes:
            return self.forest.predict_proba(features)
        walk = proba[:, self.classes.index("junk")] < SURE_JUNK
        # a heading (<h1>-<h6>) the text model calls junk may be the page's title
        # ("Impressum", a one-word <h1>), which the markup tells: always walked
        walk |= features[:, stage_feature_names(self.classes).index("heading")] > 0
        out = proba.copy()
        if walk.any():
            out[walk] = self.forest.predict_proba(features[walk])
        return out

    def save(self, path: str | Path) -> str:
        """Write the stage as a model file (JSON and arrays); return its SHA-256."""
        from .model.state import _Arrays, _hgb_state

        arrays = _Arrays()
        structure = {"html_stage": _hgb_state(self.forest, arrays, "html_stage"), "html_stage_version": 1}
        return write_model_file(path, self.manifest, structure, arrays.arrays)

    @classmethod
    def load(cls, path: str | Path) -> HtmlStage:
        """Read a stage written by :meth:`save`.

        Raises:
            ModelFormatError: the file is not a model file of an HTML stage.
            ModelError: it is of another layout of the stage's features.
        """
        from .model.state import _read_forest, _Reader

        p = Path(path)
        mf = read_model_file(p.read_bytes(), str(p))
        r = _Reader(mf.arrays)
        if mf.structure.get("html_stage_version") != HTML_STAGE_VERSION:
            raise ModelError(
                f"{p} is an HTML stage of layout {mf.structure.get('html_stage_version')!r}, this cleaner reads "
                f"layout {HTML_STAGE_VERSION}; refit it with python -m training.fit_dom"
            )
        value = r.key(mf.structure, "html_stage", "model.json")
        d = r.obj(value, "html_stage", "HistGradientBoosting")
        classes = r.classes(d, "html_stage")
        n_features = len(stage_feature_names([str(c) for c in classes]))
        forest = _read_forest(r, value, "html_stage", n_features=n_features)
        mf.arrays.check_all_read()
        return cls(forest, dict(mf.manifest))


def default_html_stage_path() -> Path:
    """Where the shipped HTML stage is stored."""
    return Path(__file__).resolve().parent / "models" / "html_stage.model.zip"


@functools.cache
def default_html_stage() -> HtmlStage | None:
    """The shipped HTML stage, loaded once; None where the package has none."""
    path = default_html_stage_path()
    return HtmlStage.load(path) if path.is_file() else None
