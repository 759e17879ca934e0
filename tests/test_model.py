"""The block classifier estimator and model files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import joblib
import pytest
from sklearn.exceptions import NotFittedError

from cleaner import Cleaner, ModelError, ModelFormatError, ModelVersionError
from cleaner.model import BlockClassifier, PageUnits, load_model, save_model
from cleaner.samples import page_from_segments
from cleaner.trainer import DEFAULT_DESIGN, DESIGNS, fit_pages, pages_to_xy


def _pages(n: int = 12) -> list:
    pages = []
    for i in range(n):
        pages.append(
            page_from_segments(
                [
                    ("junk", "Home News Sport Weather"),
                    ("headline", f"Council approves new park plan number {i}"),
                    ("byline", f"By Jane Doe{i % 3} | June {i + 1}, 2025"),
                    ("body", "The city council voted on Monday to approve a plan for a new park in the centre."),
                    ("body", "Residents had asked for more green space for years, officials said at the meeting."),
                    ("related-item", f"Mayor opens library branch {i}"),
                    ("junk", "Share this article"),
                ],
                id=f"p{i}",
                site=f"site{i % 4}",
            )
        )
    return pages


@pytest.mark.parametrize(
    "params",
    [pytest.param(v, marks=() if k == DEFAULT_DESIGN else pytest.mark.slow) for k, v in DESIGNS.items()],
    ids=list(DESIGNS),
)
def test_fit_predict(params: dict) -> None:
    pages = _pages()
    model = fit_pages(pages, params)
    X, y, _ = pages_to_xy(pages)
    pred = model.predict(X)
    assert [len(p) for p in pred] == [len(t) for t in y]
    assert model.score(X, y) > 0.9
    proba = model.predict_proba(X)
    assert all(abs(row.sum() - 1) < 1e-6 for p in proba for row in p)


def test_unfitted_raises() -> None:
    X, _, _ = pages_to_xy(_pages(1))
    with pytest.raises(NotFittedError):
        BlockClassifier().predict(X)


def test_mismatched_lengths_raise() -> None:
    X, y, _ = pages_to_xy(_pages(2))
    with pytest.raises(ValueError, match="labels"):
        BlockClassifier().fit(X, [y[0][:-1], y[1]])
    with pytest.raises(ValueError, match="pages"):
        BlockClassifier().fit(X, y[:1])


def test_save_load_roundtrip_and_version_check(tmp_path: Path) -> None:
    model = fit_pages(_pages(), DESIGNS["logistic"])
    path = tmp_path / "m.model.zip"
    save_model(model, path, {"command": "test"})
    loaded = load_model(path)
    assert loaded.manifest["command"] == "test"
    assert set(loaded.manifest["labels"]) == {"headline", "byline", "body", "related-item", "junk"}
    text = "Council approves new park plan\nBy Jane Doe | June 1, 2025\nThe city council voted on Monday."
    assert Cleaner(loaded).clean(text).segments
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    manifest = json.loads(members["manifest.json"])
    manifest["sklearn_version"] = "0.1.0"
    members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(ModelVersionError, match=r"scikit-learn 0\.1\.0"):
        load_model(path)


def test_bad_model_files(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no model file"):
        load_model(tmp_path / "missing.model.zip")
    with pytest.raises(ModelError, match="is a directory, not a model file"):
        load_model(tmp_path)
    junk = tmp_path / "junk.model.zip"
    junk.write_bytes(b"not a model")
    with pytest.raises(ModelFormatError, match="not a cleaner model file"):
        load_model(junk)
    joblib.dump({"x": 1}, tmp_path / "other.joblib")
    with pytest.raises(ModelError, match="no manifest"):  # an old pickle, trusted, that is no model
        load_model(tmp_path / "other.joblib", trust_pickle=True)


def test_shipped_model_has_manifest() -> None:
    m = load_model()
    for key in ("cleaner_version", "sklearn_version", "feature_version", "labels", "training_data_sha256", "scores"):
        assert key in m.manifest
    assert PageUnits("x", []).text == "x"


def test_heavy_pages_are_dealt_over_the_stage2_folds() -> None:
    """A user's pages, weighted up in a retraining, are spread over the folds whose
    out-of-fold stage-1 probabilities stage 2 learns from (issue 19: left to chance,
    four of five fell in one fold, and the retrained model overruled its own body)."""
    import numpy as np

    est = BlockClassifier()
    light = [f"site{i:03d}.example" for i in range(300)]
    heavy = [f"user#{i}:mysite.example" for i in range(5)]
    keys = [*light, *heavy]
    uniform = est._group_folds(keys, np.ones(len(keys)))
    assert uniform == est._group_folds(keys, None)  # no weights, or equal ones: folds at random, as before
    weights = np.asarray([1.0] * len(light) + [100.0] * len(heavy))
    folds = est._group_folds(keys, weights)
    assert [folds[g] for g in heavy] == [0, 1, 2, 0, 1]
    assert all(folds[g] == uniform[g] for g in light)
    assert [uniform[g] for g in heavy] != [0, 1, 2, 0, 1]  # chance alone deals them otherwise
