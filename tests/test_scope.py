"""Site scope of retrained models (cleaner.scope) and the routing of pages between a
scoped model and its fallback (cleaner.model.Model.for_text, cleaner.api.Cleaner)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from stand_in_models import AllJunk

from cleaner.api import Cleaner
from cleaner.cli import main
from cleaner.errors import ModelError
from cleaner.model import Model, load_model, save_model
from cleaner.page_meta import PageMeta
from cleaner.samples import LabelledPage, load_samples, page_from_segments
from cleaner.scope import (
    MIN_SHARED_FRACTION,
    MIN_SHARED_LINES,
    SiteScope,
    build_scope,
    common_template_lines,
    load_common_lines,
    template_key,
)

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


@pytest.fixture(scope="module")
def default() -> Model:
    return load_model()


def _scoped(default: Model) -> Model:
    return Model(AllJunk(), {}, None, build_scope(_site_pages()), default)  # type: ignore[arg-type]


@pytest.mark.slow  # over 1.5 s: the fast tier stays under a minute in CI
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


@pytest.mark.slow  # over a second (fitting, saving or several processes): the fast tier keeps under a minute
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
    junk = default.replace(estimator=AllJunk())
    with pytest.raises(ModelError, match="labels the model lacks: caption"):
        save_model(default.estimator, tmp_path / "x.model.zip", {}, scope=scope, fallback=junk)


@pytest.mark.slow  # over 1.5 s: the fast tier stays under a minute in CI
def test_demo_pages_are_in_the_scope_of_their_site_only() -> None:
    train = load_samples(DEMO / "train")
    scope = build_scope(train)
    assert all(scope.covers(p.text) for p in load_samples(DEMO / "heldout"))
    assert not any(scope.covers(p.text) for p in load_samples(*sorted(GOLD.glob("*.labels.tsv"))))


# ----------------------------------------------------------------------------- what the user declares (issue 19)


def test_a_site_named_by_its_host_decides_by_url_when_the_url_is_known() -> None:
    scope = build_scope(_site_pages())
    river = "\n".join([*NAV[:2], "Ferry returns", "The ferry came back on Monday.", *NAV[2:]])
    other = "Storm hits the coast\nThe storm reached the coast on Monday night."
    assert scope.declared_hosts() == {"river.example": "river.example"}
    assert scope.covers(river) and not scope.covers(other)  # no URL: the template lines
    assert scope.covers(other, "https://news.river.example/2025/storm")  # the host and its subdomains
    assert scope.covers(other, "http://www.river.example/")
    assert not scope.covers(river, "https://other.example/river-copy")  # another host, whatever its lines
    assert not scope.covers(river, "https://notriver.example/")
    assert scope.site_of(other, "https://river.example/x") == "river.example"
    # a site named by a folder, not a host, is judged by its text even with a URL
    folder = build_scope([dataclasses.replace(p, site="samples") for p in _site_pages()])
    assert folder.declared_hosts() == {}
    assert folder.covers(river, "https://anywhere.example/") and not folder.covers(other, "https://a.example/")


def test_url_patterns_take_the_matching_pages_only() -> None:
    scope = build_scope(_site_pages(), url_patterns=["river.example/news/*"])
    river = "\n".join([*NAV[:2], "Ferry returns", "The ferry came back on Monday.", *NAV[2:]])
    assert scope.covers("Any text", "https://www.River.example/news/2025/ferry")
    assert not scope.covers(river, "https://river.example/sport/ferry")
    assert scope.covers(river)  # no URL: the template lines
    assert SiteScope.from_dict(scope.to_dict()) == scope


def test_a_page_must_hold_a_share_of_a_large_template() -> None:
    assert MIN_SHARED_FRACTION == 0.1
    lines = frozenset(f"category {chr(97 + i)}{chr(97 + j)}" for i in range(5) for j in range(8))  # 40 lines
    scope = SiteScope({"shop.example": lines}, min_fraction=MIN_SHARED_FRACTION)
    some = sorted(lines)
    assert not scope.covers("\n".join(some[:3]))  # 3 of 40: fewer than a tenth
    assert scope.covers("\n".join(some[:4]))
    assert SiteScope({"shop.example": lines}).covers("\n".join(some[:3]))  # scopes made before: 3 lines


def test_share_buttons_of_older_pages_are_no_site_of_their_own() -> None:
    """The lines that took other sites' pages into scopes in issue 19."""
    shared = ["digg", "stumbleupon", "bookmark with:", "privacy policy |"]
    common = load_common_lines()
    assert {template_key(line) for line in shared} <= common
    assert len(common) > 5000 and {"home", "share"} <= common
    own = ["THE OLD GAZETTE", "Gazette sections: Town | Gown", "Letters to the Gazette"]
    pages = [
        page_from_segments(
            [("junk", line) for line in own + shared] + [("headline", f"The {w} title"), ("body", f"The {w} text.")],
            id=w,
            site="gazette.example",
        )
        for w in ("first", "second")
    ]
    elsewhere = "\n".join(["Another site", *shared, "A headline", "Some text of another site."])
    assert build_scope(pages).covers(elsewhere)  # before: four template lines shared
    scope = build_scope(pages, common_lines=common)
    assert scope.sites["gazette.example"] == {template_key(line) for line in own}
    assert not scope.covers(elsewhere)
    assert scope.covers("\n".join([*own, "New title", "New text."]))


@pytest.mark.slow  # over 1.5 s: the fast tier stays under a minute in CI
def test_the_page_url_routes_the_page(tmp_path: Path, default: Model, capsys: pytest.CaptureFixture[str]) -> None:
    scoped = _scoped(default)
    other = "Storm hits the coast\nThe storm reached the coast on Monday night, and many were glad."
    c = Cleaner(scoped)
    assert c.clean(other).articles != []  # the fallback cleaned it
    assert c.clean(other, meta=PageMeta(url="https://river.example/storm")).articles == []  # the all-junk model
    many = c.clean_many([other, other], meta=[None, PageMeta(url="https://river.example/storm")])
    assert many[0].articles != [] and many[1].articles == []
    assert c.cleaned_by(other) == "fallback" and c.cleaned_by(other, "https://river.example/") == "retrained"
    # an HTML page's canonical URL, and the command line's --url
    html = (
        '<html><head><link rel="canonical" href="https://www.river.example/storm"></head>'
        "<body><h1>Storm hits the coast</h1><p>The storm reached the coast on Monday night.</p></body></html>"
    )
    assert c.clean_html(html).articles == []
    path = tmp_path / "scoped.joblib"
    save_model(default.estimator, path, {"retrained": True}, scope=scoped.scope, fallback=default)
    page = tmp_path / "storm.txt"
    page.write_text(other, encoding="utf-8")
    assert main(["clean", "-f", "json", "--model", str(path), "--url", "https://river.example/s", str(page)]) == 0
    assert json.loads(capsys.readouterr().out)["cleaned_by"] == "retrained"
    assert main(["clean", "--explain", "--model", str(path), "--url", "https://elsewhere.example/", str(page)]) == 0
    assert "the URL https://elsewhere.example/ is not of the model's sites" in capsys.readouterr().err
