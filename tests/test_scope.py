"""Site scope of retrained models (cleaner.scope) and the routing of pages between a
scoped model and its fallback (cleaner.model.Model.for_text, cleaner.api.Cleaner)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleaner.api import Cleaner
from cleaner.cli import main
from cleaner.errors import ModelError
from cleaner.model import Model, load_model, save_model
from cleaner.samples import LabelledPage, load_samples, page_from_segments
from cleaner.scope import MIN_SHARED_LINES, SiteScope, build_scope, common_template_lines, template_key

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "corpus" / "retrain_demo"
GOLD = ROOT / "corpus" / "gold"

NAV = ["RIVER NEWS", "Home · Weather · Letters", "MORE FROM THE RIVER", "Copyright 2025 River News"]


def _page(site: str | None, title: str, body: str, *, nav: list[str] = NAV, id: str = "p") -> LabelledPage:
    segs = [("junk", nav[0]), ("junk", nav[1]), ("headline", title), ("body", body)]
    segs += [("junk", line) for line in nav[2:]]
    return page_from_segments(segs, id=id, site=site)


def _site_pages() -> list[LabelledPage]:
    return [
        _page("river.example", "Ferry returns", "The ferry came back on Monday.", id="a"),
        _page("river.example", "Bridge opens", "The bridge opened to walkers.", id="b"),
    ]


def test_template_lines_are_those_of_two_pages_less_common_lines() -> None:
    scope = build_scope(_site_pages(), common_lines={template_key("Home · Weather · Letters")})
    assert scope.sites["river.example"] == {"river news", "more from the river", "copyright 0 river news"}


def test_a_site_of_one_page_takes_its_junk_lines() -> None:
    scope = build_scope(_site_pages()[:1])
    assert scope.sites["river.example"] == {template_key(line) for line in NAV}


def test_common_lines_are_those_of_two_sites() -> None:
    pages = [*_site_pages(), _page("other.example", "Elsewhere", "Other text.", nav=["Home", "Share", "X", "Y"])]
    pages.append(_page("third.example", "Third", "More text.", nav=["Home", "Menu", "Z", "RIVER NEWS"]))
    assert common_template_lines(pages) == {"home", "river news"}
    # composed pages are built from other pages' lines: they are no site of their own
    composed = dataclasses.replace(_page("composed", "Mix", "Mixed.", nav=NAV), meta={"render": "composed"})
    assert common_template_lines([*_site_pages(), composed]) == set()


def test_a_page_needs_min_shared_lines_of_one_site() -> None:
    assert MIN_SHARED_LINES == 3
    scope = build_scope(_site_pages())
    assert len(scope.sites["river.example"]) == 4
    two = "RIVER NEWS\nA title\nSome text.\nMORE FROM THE RIVER"
    three = two + "\nCopyright 2026   river news"  # digits, case and spaces do not matter
    assert scope.site_of(two) is None
    assert scope.site_of(three) == "river.example"
    # a site with fewer template lines than the minimum has no scope
    small = SiteScope({"s": frozenset({"river news", "more from the river"})})
    assert not small.covers(three)
    assert small.sites_without_scope() == ["s"]
    assert not SiteScope({"empty": frozenset()}).covers(three)


@given(st.lists(st.text(max_size=30), max_size=20))
def test_covers_is_pure_and_never_fails(lines: list[str]) -> None:
    scope = build_scope(_site_pages())
    text = "\n".join(lines)
    assert scope.covers(text) == scope.covers(text)
    assert scope.covers(text) == (scope.site_of(text) is not None)


# ----------------------------------------------------------------------------- routing


@dataclasses.dataclass
class _AllJunk:
    """A stand-in classifier that calls every unit junk, with one extra label."""

    classes_: np.ndarray = dataclasses.field(
        default_factory=lambda: np.array(["body", "byline", "caption", "headline", "junk", "related-item"])
    )

    def predict_proba_features(self, feats: Any) -> np.ndarray:
        n = sum(f.n_units for f in feats)
        out = np.zeros((n, len(self.classes_)))
        out[:, 4] = 1.0
        return out


@pytest.fixture(scope="module")
def default() -> Model:
    return load_model()


def _scoped(default: Model) -> Model:
    return Model(_AllJunk(), {}, None, build_scope(_site_pages()), default)  # type: ignore[arg-type]


def test_pages_in_scope_go_to_the_model_and_others_to_the_fallback(default: Model) -> None:
    scoped = _scoped(default)
    river = "\n".join([*NAV[:2], "Ferry returns", "The ferry came back on Monday, and many were glad.", *NAV[2:]])
    gold = [p.text for p in load_samples(*sorted(GOLD.glob("*.labels.tsv")))]
    assert scoped.for_text(river) is scoped
    assert all(scoped.for_text(t) is default for t in gold)
    c, d = Cleaner(scoped), Cleaner(default)
    assert c.clean(river).articles == []  # the all-junk model cleaned it
    assert d.clean(river).articles != []
    for text in gold[:8]:
        mine, theirs = c.clean(text), d.clean(text)
        assert mine.articles == theirs.articles
        assert [(s.start, s.end, s.label) for s in mine.segments] == [
            (s.start, s.end, s.label) for s in theirs.segments
        ]
    # batches split their pages between the two models and keep the order
    batch = c.clean_many([gold[0], river, gold[1]])
    assert batch[1].articles == [] and batch[0].articles == d.clean(gold[0]).articles
    assert batch[2].articles == d.clean(gold[1]).articles
    units, proba = c.predict_units(gold[0])
    assert proba.shape == (len(units), 6) and np.all(proba[:, 2] == 0)  # the fallback has no caption


def test_scoped_model_file_keeps_scope_and_fallback(
    tmp_path: Path, default: Model, capsys: pytest.CaptureFixture[str]
) -> None:
    scope = build_scope(_site_pages())
    path = tmp_path / "scoped.model.zip"
    save_model(default.estimator, path, {"retrained": True}, scope=scope, fallback=default)
    loaded = load_model(path)
    assert loaded.scope == scope and loaded.fallback is not None
    assert loaded.manifest["scope"]["template_lines"] == {"river.example": 4}
    assert loaded.fallback.manifest == default.manifest
    with pytest.raises(ModelError, match="give both or neither"):
        save_model(default.estimator, tmp_path / "x.model.zip", {}, scope=scope)
    with pytest.raises(ModelError, match="fallback of its own"):
        save_model(default.estimator, tmp_path / "x.model.zip", {}, scope=scope, fallback=loaded)
    assert not (tmp_path / "x.model.zip").exists()
    # `cleaner clean --explain` says which model cleaned the page
    page = tmp_path / "river.txt"
    page.write_text("\n".join([*NAV[:2], "Ferry returns", "The ferry came back on Monday.", *NAV[2:]]), "utf-8")
    other = tmp_path / "other.txt"
    other.write_text("Storm hits the coast\nThe storm reached the coast on Monday night.", "utf-8")
    assert main(["clean", "--explain", "--model", str(path), str(page)]) == 0
    assert "scope: 4 template lines of river.example: cleaned by the retrained model" in capsys.readouterr().err
    assert main(["clean", "--explain", "--model", str(path), str(other)]) == 0
    assert "cleaned by the default model it falls back on" in capsys.readouterr().err
    # and so does JSON output (issue 19): the retrained model, or its fallback
    assert main(["clean", "-f", "json", "--model", str(path), str(page)]) == 0
    assert json.loads(capsys.readouterr().out)["cleaned_by"] == "retrained"
    assert main(["clean", "-f", "json", "--model", str(path), str(other)]) == 0
    assert json.loads(capsys.readouterr().out)["cleaned_by"] == "fallback"
    junk = dataclasses.replace(default, estimator=_AllJunk())
    with pytest.raises(ModelError, match="labels the model lacks: caption"):
        save_model(default.estimator, tmp_path / "x.model.zip", {}, scope=scope, fallback=junk)


def test_demo_pages_are_in_the_scope_of_their_site_only() -> None:
    train = load_samples(DEMO / "train")
    scope = build_scope(train)
    assert all(scope.covers(p.text) for p in load_samples(DEMO / "heldout"))
    assert not any(scope.covers(p.text) for p in load_samples(*sorted(GOLD.glob("*.labels.tsv"))))
