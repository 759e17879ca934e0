"""Is a retrained model better than the default model on the user's pages?

A retrained model learns the user's labels, and can still lose what the default model
got right: a layout none of the labelled pages had, a headline it now calls junk.
:func:`compare_with_default` scores both models' cleaning of the same labelled pages
(pages the retrained model did not train on: the held-out folds of a
cross-validation, or held-out samples) field by field (headline, authors, main
article body, word F1 of each label) and names, for each field where the retrained
model is worse, the pages where it loses. ``cleaner train`` prints them as warnings,
with the way out: pre-label such pages with the retrained model, correct them and
train again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .document import CleanResult
from .evaluate import evaluate_results
from .samples import LabelledPage

__all__ = ["DefaultComparison", "FieldLoss", "compare_with_default"]

# article fields: metric name -> what a user calls it
_ARTICLE_FIELDS = {
    "headline_accuracy": "headline",
    "author_recall": "authors",
    "main_body_f1": "main-article body F1",
}
# a field counts as worse when it falls by more than this (rounding of the scores)
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class FieldLoss:
    """A field where the retrained model scores below the default model.

    Attributes:
        field: the field (``"headline"``, ``"authors"``, ``"main-article body F1"``,
            ``"word F1 of body"`` ...).
        retrained, default: the two models' scores over all the pages.
        pages: the ids of the pages where the retrained model scores below the default.
    """

    field: str
    retrained: float
    default: float
    pages: tuple[str, ...]


@dataclass(frozen=True)
class DefaultComparison:
    """The retrained and the default model, field by field, on the same pages.

    Attributes:
        pages: how many pages were compared.
        scores: per field, the retrained and the default model's score (fields
            without data on these pages are left out).
        losses: the fields where the retrained model is worse.
    """

    pages: int
    scores: dict[str, tuple[float, float]]
    losses: tuple[FieldLoss, ...]

    def warnings(self, model: str, where: str) -> list[str]:
        """One warning a losing field, naming the pages, and what to do about them.

        Args:
            model: the retrained model's file, for the ``cleaner label`` command.
            where: what the pages are ("in cross-validation", "on the held-out pages").
        """
        out = []
        for loss in self.losses:
            shown = ", ".join(loss.pages[:10]) + (f" and {len(loss.pages) - 10} more" if len(loss.pages) > 10 else "")
            out.append(
                f"the retrained model is worse than the default model {where} on {loss.field}: "
                f"{loss.retrained:.3f} against {loss.default:.3f} over {self.pages} page(s); it loses on "
                f"{len(loss.pages)} page(s): {shown or '(none alone: the total)'}"
            )
        if self.losses:
            out.append(
                f"check the labels of those pages, and label more pages like them: `cleaner label --model {model} "
                "PAGE... -o SAMPLES` drafts them with the retrained model; correct the drafts, add them to your "
                "samples and train again"
            )
        return out


def _scores(pages: Sequence[LabelledPage], results: Sequence[CleanResult]) -> dict[str, float]:
    metrics = evaluate_results(pages, results).metrics()
    out = {}
    for name, field in _ARTICLE_FIELDS.items():
        value = metrics.get(name)
        if value is not None:
            out[field] = float(value)
    for name, value in metrics.items():
        if name.startswith("f1_") and value is not None:
            out[f"word F1 of {name[3:]}"] = float(value)
    return out


def compare_with_default(
    pages: Sequence[LabelledPage],
    retrained: Sequence[CleanResult],
    default: Sequence[CleanResult],
) -> DefaultComparison:
    """Compare the retrained model's cleaning of labelled ``pages`` with the default
    model's (both in page order), field by field, over all the pages and page by page."""
    if not (len(pages) == len(retrained) == len(default)):
        raise ValueError(f"{len(pages)} pages, {len(retrained)} and {len(default)} results")
    mine, theirs = _scores(pages, retrained), _scores(pages, default)
    scores = {f: (mine[f], theirs[f]) for f in mine if f in theirs}
    per_page = [
        (page.id, _scores([page], [r]), _scores([page], [d]))
        for page, r, d in zip(pages, retrained, default, strict=True)
    ]
    losses = []
    for field, (a, b) in scores.items():
        if a < b - _TOLERANCE:
            losing = tuple(
                pid for pid, pa, pb in per_page if field in pa and field in pb and pa[field] < pb[field] - _TOLERANCE
            )
            losses.append(FieldLoss(field, a, b, losing))
    return DefaultComparison(len(pages), scores, tuple(losses))
