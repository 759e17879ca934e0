"""The base data prepared once for fast ``--base`` retraining (cleaner.base_cache, issue 19).

A cache entry holds what the retraining would otherwise compute from the base data at
every run: it must hold exactly that (the features and labels of every base page, the
scope check's view of the pages), be rebuilt when damaged or when the data changes,
and the retraining on it must learn the user's layout as the full recipe does.
"""

from __future__ import annotations

import gzip
import itertools
import os
from pathlib import Path

import numpy as np
import pytest

from cleaner.api import Cleaner
from cleaner.base_cache import cache_key, cache_root, fit_on_cache, fit_on_cache_heldout, open_base_cache
from cleaner.blend import BLEND_SHARES, BlendTrial, DefaultBlend, choose_blend
from cleaner.cli import main
from cleaner.evaluate import evaluate_model
from cleaner.model import BlockClassifier, load_model
from cleaner.retrain import (
    base_data_dir,
    check_scope,
    load_base_data,
    load_scope_sample,
    load_user_samples,
    train_model,
)
from cleaner.samples import load_samples
from cleaner.trainer import DEFAULT_DESIGN, DESIGNS, pages_to_xy, with_composed

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "corpus" / "retrain_demo"


def _base_dir() -> Path:
    return Path(os.environ.get("CLEANER_TEST_BASE_DATA", base_data_dir()))


_NEEDS_BASE = pytest.mark.skipif(
    not any(_base_dir().glob("train.jsonl*")),
    reason="no base training data (corpus/training/ or $CLEANER_TEST_BASE_DATA)",
)


def _small_base(dest: Path, n_train: int) -> Path:
    """A base-data folder of the first non-composed pages of each split."""
    dest.mkdir()
    for name, n in (("train", n_train), ("validation", 8), ("test", 20)):
        with (
            gzip.open(_base_dir() / f"{name}.jsonl.gz", "rt") as src,
            gzip.open(dest / f"{name}.jsonl.gz", "wt") as out,
        ):
            for line in itertools.islice((ln for ln in src if '"render": "composed"' not in ln), n):
                out.write(line)
    return dest


def test_cache_root_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path / "own"))
    assert cache_root() == tmp_path / "own"
    monkeypatch.delenv("CLEANER_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "cleaner"


@pytest.mark.slow  # builds an entry and retrains on it: about 8 s
@_NEEDS_BASE
def test_cache_holds_the_base_pages_as_the_full_recipe_sees_them(tmp_path: Path) -> None:
    base_dir = _small_base(tmp_path / "base", 16)
    cache = open_base_cache(base_dir, root=tmp_path / "cache", composed=8)
    base = load_base_data(base_dir)
    base.pages = with_composed([p for p in base.pages if p.meta.get("render") != "composed"], 8)
    X, y, groups = pages_to_xy(base.pages)
    assert len(cache.base) == len(base.pages) and cache.base_groups == groups
    for i in range(len(X)):
        f, g = X[i].features(), cache.base.features(i)
        assert np.allclose(f.numeric, g.numeric, rtol=1e-6) and np.array_equal(f.line, g.line)
        assert np.array_equal(f.words.indptr, g.words.indptr) and np.array_equal(f.words.indices, g.words.indices)
        assert np.allclose(f.words.data, g.words.data, rtol=1e-6)  # stored as float32
        assert [cache.classes[k] for k in cache.base.labels(i)] == y[i]
    assert cache.oof.shape == (sum(len(labels) for labels in y), len(cache.classes))
    assert np.allclose(np.asarray(cache.oof).sum(axis=1), 1.0, atol=1e-4)  # probabilities, every unit out of fold
    assert cache.common_lines == base.common_lines
    # the validation pages for the headline ranker, with their units
    ranker_X, ranker_y = cache.ranker_pages()
    vX, vy, _ = pages_to_xy(base.ranker_pages)
    assert [x.units for x in ranker_X] == [list(x.units) for x in vX] and ranker_y == vy
    # the scope check on the cached view equals the check on the pages
    user = load_user_samples([DEMO / "train"]).pages
    model = train_model(user, base=True, base_cache=cache, scoped=True, base_pages=10)
    sample = load_scope_sample(base_dir)
    assert check_scope(model.scope, cache, cache.probe_sample) == check_scope(model.scope, base, sample)
    # read again from disk: the same entry
    again = open_base_cache(base_dir, root=tmp_path / "cache", composed=8)
    assert again.path == cache.path and np.array_equal(np.asarray(again.oof), np.asarray(cache.oof))


@pytest.mark.slow  # over a second (fitting, saving or several processes): the fast tier keeps under a minute
@_NEEDS_BASE
def test_a_damaged_entry_is_rebuilt_and_new_data_makes_a_new_entry(tmp_path: Path) -> None:
    base_dir = _small_base(tmp_path / "base", 6)
    cache = open_base_cache(base_dir, root=tmp_path / "cache", composed=3)
    (cache.path / "oof.npy").write_bytes(b"not an array")
    rebuilt = open_base_cache(base_dir, root=tmp_path / "cache", composed=3)
    assert rebuilt.path == cache.path and rebuilt.oof.shape[0] == int(rebuilt.base.starts[-1])
    files = sorted(base_dir.glob("*.jsonl.gz"))
    params = load_model().estimator.get_params()
    key = cache_key(files, params, 3)
    assert cache_key(files, {**params, "alpha": 1e-4}, 3) != key and cache_key(files, params, 4) != key
    with gzip.open(base_dir / "train.jsonl.gz", "at") as fh:  # one more page: other data, another entry
        with gzip.open(_base_dir() / "train.jsonl.gz", "rt") as src:
            fh.write([ln for ln in itertools.islice(src, 40) if '"render": "composed"' not in ln][-1])
    assert cache_key(files, params, 3) != key
    assert open_base_cache(base_dir, root=tmp_path / "cache", composed=3).path != cache.path


@pytest.mark.slow  # builds an entry of 300 base pages and retrains on it twice: about a minute
@_NEEDS_BASE
def test_demo_retraining_on_the_cache_cuts_error_on_the_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``cleaner train --base`` on the prepared base data: the scoped model cuts the
    held-out error of the demo layout as the full recipe does (tests/test_retrain.py),
    and says what it sampled."""
    base_dir = _small_base(tmp_path / "base", 300)
    monkeypatch.setattr("cleaner.trainer.COMPOSED_PAGES", 100)  # one composed page for three, as in the full data
    model_path = tmp_path / "demo.model.zip"
    args = ["train", str(DEMO / "train"), "-o", str(model_path), "--base", "--base-data", str(base_dir)]
    assert main([*args, "--base-pages", "200"]) == 0
    err = capsys.readouterr().err
    assert "preparing the base data for retraining, once" in err
    assert "a sample of 200 of its" in err and "fitting stage 2" in err
    # the blend with the default model, chosen on the five pages: the table of shares, the share kept marked
    assert "blend with the default model on the pages the new model cleans: its share" in err
    assert "stage 2 without your pages of fold 3 of 3" in err and err.count("  <-") == 1
    heldout = load_samples(DEMO / "heldout")
    model = load_model(model_path)
    assert all(model.scope.covers(p.text) for p in heldout)
    new, old = evaluate_model(model, heldout), evaluate_model(None, heldout)
    print(f"held-out word error {1 - old.labels.accuracy:.3f} -> {1 - new.labels.accuracy:.3f}")
    assert new.labels.accuracy >= old.labels.accuracy + 0.10
    assert model.manifest["base_pages"] == 200 and model.manifest["headline_ranker_from"] == "8 validation pages"
    assert main([*args, "--base-pages", "200", "-o", str(tmp_path / "again.model.zip")]) == 0
    assert "preparing the base data" not in capsys.readouterr().err  # prepared once
    assert DESIGNS[DEFAULT_DESIGN]["first_stage"] == "logistic"


@pytest.mark.slow  # builds a small entry and retrains on it four times: about 30 s
@_NEEDS_BASE
def test_heldout_probabilities_and_the_blend_chosen_on_them(tmp_path: Path) -> None:
    """A scoped retraining on the cache gets each user page's probabilities from a model
    that did not see it, and chooses its blend with the default model on them
    (cleaner.blend): the trials are in the manifest, and the share is the rule's."""
    base_dir = _small_base(tmp_path / "base", 6)
    cache = open_base_cache(base_dir, root=tmp_path / "cache", composed=3)
    user = load_user_samples([DEMO / "train"]).pages
    X, y, _ = pages_to_xy(user)
    fit = fit_on_cache_heldout(BlockClassifier(**DESIGNS[DEFAULT_DESIGN]), cache, X, y, 100.0, base_pages=9)
    plain = fit_on_cache(BlockClassifier(**DESIGNS[DEFAULT_DESIGN]), cache, X, y, 100.0, base_pages=9)
    assert all(
        np.array_equal(a, b) for a, b in zip(fit.estimator.predict_proba(X), plain.predict_proba(X), strict=True)
    )
    classes = list(fit.estimator.classes_)
    assert [p.shape for p in fit.heldout_proba] == [(len(x.units), len(classes)) for x in X]
    assert all(np.allclose(p.sum(axis=1), 1) for p in fit.heldout_proba)
    gold = np.concatenate([np.asarray(labels, dtype=object) for labels in y])

    def accuracy(probas: list[np.ndarray]) -> float:
        return float(np.mean(np.asarray(classes, dtype=object)[np.concatenate(probas).argmax(axis=1)] == gold))

    # the final model saw every page; the held-out view did not, and is the worse for it
    assert accuracy(fit.heldout_proba) < accuracy(fit.estimator.predict_proba(X))
    assert fit_on_cache_heldout(fit.estimator, cache, X, y, 100.0, base_pages=9, heldout=False).heldout_proba == []

    model = train_model(user, base=True, scoped=True, base_cache=cache, base_pages=9)
    trials = [BlendTrial(**_trial_args(t)) for t in model.manifest["blend_trials"]]
    assert [t.share for t in trials] == list(BLEND_SHARES)
    assert (
        model.blend == DefaultBlend(choose_blend(trials).share) and model.manifest["blend_share"] == model.blend.share
    )
    # on the demo layout the retrained model is far better than the default model: it keeps a large share
    assert model.blend.share >= 0.5
    given = train_model(user, base=True, scoped=True, base_cache=cache, base_pages=9, blend=DefaultBlend(1.0))
    assert given.blend == DefaultBlend(1.0) and "blend_trials" not in given.manifest
    # share 0: the pages in scope are cleaned exactly as the default model cleans them
    # (its probabilities, and its headline ranker, fitted on that view of the same pages)
    zero = train_model(user, base=True, scoped=True, base_cache=cache, base_pages=9, blend=DefaultBlend(0.0))
    assert zero.manifest["headline_ranker_from"] == "default model (blend share 0)"
    heldout = load_samples(DEMO / "heldout")
    assert all(zero.scope.covers(p.text) for p in heldout)
    mine, theirs = Cleaner(zero), Cleaner()
    for page in heldout:
        a, b = mine.clean(page.text), theirs.clean(page.text)
        assert a.articles == b.articles and [s.label for s in a.segments] == [s.label for s in b.segments]


def _trial_args(t: dict[str, float | None]) -> dict[str, float | None]:
    return {
        "share": t["share"],
        "body_f1": t["main_body_f1"],
        "headline": t["headline_accuracy"],
        "word_accuracy": t["word_accuracy"],
    }


def test_the_key_covers_the_code_that_segments_and_featurizes() -> None:
    # the stages moved into cleaner/pipeline/ and cleaner/model/ (issue 16): the key
    # must still change when their code does
    from cleaner.base_cache import _source_files

    package = Path(cleaner_file()).resolve().parent
    names = {p.relative_to(package).as_posix() for p in _source_files()}
    assert {"pipeline/segment.py", "pipeline/featurize.py", "lexicon.py", "model/estimator.py"} <= names
    assert "base_cache.py" not in names and "evaluate.py" not in names


def cleaner_file() -> str:
    import cleaner

    return str(cleaner.__file__)
