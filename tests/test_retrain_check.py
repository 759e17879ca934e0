"""A retrained model checked against the default model on the user's pages
(cleaner.retrain_check, issue 19 item 3)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cleaner.api import Cleaner
from cleaner.cli import main
from cleaner.evaluate import evaluate_results, predict_pages
from cleaner.retrain import cross_validate, load_user_samples, train_model
from cleaner.retrain_check import compare_with_default
from cleaner.samples import load_samples

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "corpus" / "retrain_demo"
GOLD = ROOT / "corpus" / "gold"


def _gold_pages(dest: Path, n: int) -> Path:
    """The first ``n`` gold pages (TSV and text), as a user's held-out samples."""
    dest.mkdir()
    for tsv in sorted(GOLD.glob("*.labels.tsv"))[:n]:
        shutil.copy(tsv, dest / tsv.name)
        txt = tsv.name.removesuffix(".labels.tsv") + ".txt"
        shutil.copy(GOLD / txt, dest / txt)
    return dest


def test_the_default_model_is_not_worse_than_itself() -> None:
    pages = load_samples(DEMO / "heldout")
    results = predict_pages(Cleaner(), pages)
    comparison = compare_with_default(pages, results, results)
    assert comparison.pages == 5 and not comparison.losses and comparison.warnings("m.model.zip", "here") == []
    assert {"headline", "main-article body F1", "word F1 of body"} <= set(comparison.scores)
    assert all(a == b for a, b in comparison.scores.values())


@pytest.mark.slow  # over 1.5 s: the fast tier stays under a minute in CI
def test_losses_name_the_fields_and_the_pages_where_the_model_loses(tmp_path: Path) -> None:
    """A model of the demo site's five pages alone, on other sites' pages: worse than the
    default model, and every page it names is one where it scores lower."""
    model = train_model(load_user_samples([DEMO / "train"]).pages)
    pages = load_samples(_gold_pages(tmp_path / "gold", 6))
    mine, theirs = predict_pages(Cleaner(model), pages), predict_pages(Cleaner(), pages)
    comparison = compare_with_default(pages, mine, theirs)
    fields = {loss.field for loss in comparison.losses}
    assert "headline" in fields and "word F1 of body" in fields
    for loss in comparison.losses:
        assert loss.retrained < loss.default and loss.pages
        assert comparison.scores[loss.field] == (loss.retrained, loss.default)
    headline = next(loss for loss in comparison.losses if loss.field == "headline")
    for page, a, b in zip(pages, mine, theirs, strict=True):
        lower = (evaluate_results([page], [a]).metrics()["headline_accuracy"] or 0) < (
            evaluate_results([page], [b]).metrics()["headline_accuracy"] or 0
        )
        assert (page.id in headline.pages) == lower
    lines = comparison.warnings("site.model.zip", "on the held-out pages")
    assert any(
        line.startswith("the retrained model is worse than the default model on the held-out pages on headline")
        for line in lines
    )
    assert "cleaner label --model site.model.zip" in lines[-1]


@pytest.mark.slow  # over 1.5 s: the fast tier stays under a minute in CI
def test_train_warns_where_the_model_is_worse_on_held_out_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    held = _gold_pages(tmp_path / "held", 4)
    out = tmp_path / "alone.model.zip"
    args = ["train", str(DEMO / "train"), "-o", str(out), "--scope", "all", "--folds", "0", "--heldout", str(held)]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "retrained against default model on the held-out pages (4 page(s)):" in err
    assert "cleaner train: warning: the retrained model is worse than the default model on the held-out pages on" in err
    assert f"cleaner label --model {out}" in err


@pytest.mark.slow
def test_cross_validation_compares_with_the_default_model() -> None:
    pages = load_user_samples([DEMO / "train"]).pages
    cv = cross_validate(pages, folds=5)
    assert cv.against_default is not None and cv.against_default.pages == 5
    # the demo layout is one the default model gets wrong: learnt from four pages, the fifth is better
    mine, theirs = cv.against_default.scores["word F1 of related-item"]
    assert mine > theirs
