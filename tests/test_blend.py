"""A scoped retrained model's mix with the default model it holds (cleaner.blend, issue 19).

Five pages of one layout, weighted 100, pull a retrained model away from pages of the
user's site in another layout; the mix of its probabilities with the default model's,
at a share chosen on the user's own pages, keeps it nearer the default model where the
samples do not show that the retrained model is better.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from stand_in_models import AllJunk

from cleaner.api import Cleaner
from cleaner.blend import BLEND_SHARES, BlendTrial, DefaultBlend, choose_blend
from cleaner.cli import main
from cleaner.errors import CleanerError, ModelError, ModelFormatError
from cleaner.model import Model, load_model, save_model
from cleaner.samples import LabelledPage, page_from_segments
from cleaner.scope import build_scope
from cleaner.trainer import DESIGNS, fit_pages

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "corpus" / "retrain_demo"

NAV = ["RIVER NEWS", "Home · Weather · Letters", "MORE FROM THE RIVER", "Copyright 2025 River News"]
RIVER = "\n".join([*NAV[:2], "Ferry returns", "The ferry came back on Monday, and many were glad of it.", *NAV[2:]])


def _site_pages() -> list[LabelledPage]:
    return [
        page_from_segments(
            [("junk", NAV[0]), ("junk", NAV[1]), ("headline", t), ("body", b), ("junk", NAV[2]), ("junk", NAV[3])],
            id=t,
            site="river.example",
        )
        for t, b in (("Bridge opens", "The bridge opened today."), ("Mill closes", "The old mill closed."))
    ]


@pytest.fixture(scope="module")
def default() -> Model:
    return load_model()


def _scoped(default: Model, blend: DefaultBlend | None) -> Model:
    """The all-junk model, scoped to river.example, with the default model's headline ranker."""
    scope = build_scope(_site_pages())
    return Model(AllJunk(), {}, default.headline_ranker, scope, default, blend=blend)  # type: ignore[arg-type]


def test_mix_weighs_the_two_models_probabilities_by_the_share() -> None:
    mine = np.array([[1.0, 0.0], [0.2, 0.8]])
    theirs = np.array([[0.0, 1.0], [0.6, 0.4]])
    assert np.allclose(DefaultBlend(0.25).mix(mine, theirs), [[0.25, 0.75], [0.5, 0.5]])
    assert DefaultBlend(1.0).mix(mine, theirs) is mine
    assert np.array_equal(DefaultBlend(0.0).mix(mine, theirs), theirs)
    with pytest.raises(ValueError, match="different shapes"):
        DefaultBlend(0.5).mix(mine, theirs[:1])


@pytest.mark.parametrize("share", [-0.1, 1.5, float("nan"), True, "0.5"])
def test_a_share_outside_zero_to_one_is_refused(share: Any) -> None:
    with pytest.raises(CleanerError, match="from 0 to 1"):
        DefaultBlend(share)


def _trial(share: float, body: float | None, headline: float | None, word: float | None) -> BlendTrial:
    return BlendTrial(share, body, headline, word)


def test_choose_blend_keeps_body_and_headline_then_takes_the_best_word_accuracy() -> None:
    trials = [
        _trial(0.0, 0.90, 0.6, 0.80),
        _trial(0.5, 0.91, 0.6, 0.86),
        _trial(0.8, 0.85, 0.8, 0.95),  # the best word accuracy, but it loses body F1
        _trial(1.0, 0.92, 0.4, 0.96),  # and this one a headline
    ]
    assert choose_blend(trials).share == 0.5
    # of the shares within the tolerance of the best word accuracy, the smallest
    close = [_trial(0.0, 0.9, 0.6, 0.80), _trial(0.7, 0.9, 0.6, 0.897), _trial(1.0, 0.9, 0.6, 0.90)]
    assert choose_blend(close).share == 0.7
    assert choose_blend(close, tolerance=0.0).share == 1.0
    # the samples show the retrained model worse everywhere: the default model's view
    worse = [_trial(0.0, 0.7, 0.4, 0.68), _trial(0.5, 0.59, 0.4, 0.57), _trial(1.0, 0.55, 0.4, 0.51)]
    assert choose_blend(worse).share == 0.0
    # a field without gold on the pages (None) does not hold a share back
    assert choose_blend([_trial(0.0, None, None, 0.5), _trial(1.0, None, None, 0.9)]).share == 1.0
    with pytest.raises(CleanerError, match="share 0"):
        choose_blend([_trial(1.0, 0.9, 0.5, 0.9)])
    assert BLEND_SHARES[0] == 0.0 and BLEND_SHARES[-1] == 1.0


def test_the_share_mixes_the_default_model_into_the_pages_in_scope(default: Model) -> None:
    alone, d = Cleaner(_scoped(default, None)), Cleaner(default)
    assert alone.clean(RIVER).articles == []  # the all-junk model alone
    theirs = d.clean(RIVER)
    assert theirs.articles != []
    # share 0: the pages in scope are cleaned as the default model cleans them
    zero = Cleaner(_scoped(default, DefaultBlend(0.0))).clean(RIVER)
    assert zero.articles == theirs.articles
    assert [(s.start, s.end, s.label) for s in zero.segments] == [(s.start, s.end, s.label) for s in theirs.segments]
    assert Cleaner(_scoped(default, DefaultBlend(1.0))).clean(RIVER).articles == []
    # in between: the columns of the two models mixed (the default has no caption column)
    half = Cleaner(_scoped(default, DefaultBlend(0.5)))
    _, proba = half.predict_units(RIVER)
    _, theirs_proba = d.predict_units(RIVER)
    labels = half.model.labels
    for j, label in enumerate(labels):
        expected = 0.5 * (label == "junk") + 0.5 * (
            theirs_proba[:, d.model.labels.index(label)] if label != "caption" else 0
        )
        assert np.allclose(proba[:, j], expected)
    # batches mix the same way
    assert [r.articles for r in half.clean_many([RIVER, RIVER])] == [half.clean(RIVER).articles] * 2


@pytest.fixture(scope="module")
def small() -> Model:
    """A small logistic model of the site's pages (quick to save and load)."""
    est = fit_pages([*_site_pages(), *_site_pages()], DESIGNS["logistic"])
    return Model(est, {"command": "small"})


@pytest.mark.slow
def test_a_blend_is_kept_in_the_model_file(tmp_path: Path, small: Model) -> None:
    scope = build_scope(_site_pages())
    path = tmp_path / "scoped.model.zip"
    save_model(small.estimator, path, {"retrained": True}, scope=scope, fallback=small, blend=DefaultBlend(0.3))
    loaded = load_model(path)
    assert loaded.blend == DefaultBlend(0.3) and loaded.manifest["blend"] == {"share": 0.3}
    # a model saved without a blend loads without one (so do the files of earlier versions)
    save_model(small.estimator, tmp_path / "plain.model.zip", {}, scope=scope, fallback=small)
    assert load_model(tmp_path / "plain.model.zip").blend is None
    with pytest.raises(ModelError, match="without a fallback"):
        save_model(small.estimator, tmp_path / "x.model.zip", {}, blend=DefaultBlend(0.3))
    assert not (tmp_path / "x.model.zip").exists()
    # tampered: a share out of range, a blend without a fallback to mix with
    bad = _rewrite_structure(path, tmp_path / "bad.model.zip", lambda s: s["blend"].update(share=2))
    with pytest.raises(ModelFormatError, match=r"blend\.share"):
        load_model(bad)
    orphan = _rewrite_structure(
        path,
        tmp_path / "orphan.model.zip",
        lambda s: s.update(blend={"type": "DefaultBlend", "share": 0.5}, scope=None, fallback=None),
    )
    with pytest.raises(ModelFormatError, match="needs a fallback"):
        load_model(orphan)


def _rewrite_structure(src: Path, dest: Path, change: Any) -> Path:
    with zipfile.ZipFile(src) as z:
        members = {name: z.read(name) for name in z.namelist()}
    structure = json.loads(members["model.json"])
    change(structure)
    members["model.json"] = json.dumps(structure).encode("utf-8")
    with zipfile.ZipFile(dest, "w") as z:
        for name, data in members.items():
            if not (structure["fallback"] is None and name.startswith("arrays/fallback.")):
                z.writestr(name, data)
    return dest


def test_train_refuses_a_blend_without_a_scope(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "m.model.zip"
    assert main(["train", str(DEMO / "train"), "-o", str(out), "--scope", "all", "--blend", "0.5"]) == 2
    assert "--blend mixes a scoped model" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["train", str(DEMO / "train"), "-o", str(out), "--base", "--blend", "1.5"])
    assert exc.value.code == 2
    assert "must be auto or a number from 0 to 1, not 1.5" in capsys.readouterr().err
    assert not out.exists()
