"""Tests of the HTML path's markup features and stage (issue 14, items 1, 2 and 4)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

import cleaner
from cleaner import CleanerConfig
from cleaner.dom_features import DOM_FEATURES, unit_dom_features
from cleaner.errors import ModelFormatError
from cleaner.html_stage import HtmlStage, default_html_stage, default_html_stage_path, stage_feature_names
from cleaner.html_text import render_blocks
from cleaner.markup import ATTRIBUTE_GROUPS, attribute_groups
from cleaner.model import default_model_path
from cleaner.pipeline.segment import split_units

PROSE = "The council approved the new budget after a long debate about schools and roads on Monday. "

PAGE = f"""<html><body>
<header class="site-header"><a href="/">Home</a> <a href="/news">News</a></header>
<main><article class="post"><h1>Council passes budget</h1>
<p class="byline">By <a href="/a/jane">Jane Doe</a></p>
<div class="entry-content"><p>{PROSE * 3}</p><p>{PROSE * 2}</p><p>{PROSE * 2}</p></div></article>
<section id="comments" class="comments-area"><ol class="comment-list">
<li class="comment"><p>I think this is a terrible idea and the council should resign right now, all of them.</p></li>
<li class="comment"><p>Great news for the city, finally some money for the roads near our school.</p></li>
</ol></section></main>
<aside class="sidebar widget"><a href="/1">Most read story of the day here</a></aside>
<footer><p>Copyright 2026 The Paper</p></footer></body></html>"""


def _col(name: str) -> int:
    return DOM_FEATURES.index(name)


def test_markup_groups_read_class_id_and_role() -> None:
    names = lambda mask: {g for i, g in enumerate(ATTRIBUTE_GROUPS) if mask >> i & 1}  # noqa: E731
    assert names(attribute_groups("comment-body", None, None, None, None)) == {"comment", "content"}
    assert names(attribute_groups(None, "sidebarRight", None, "navigation", None)) == {"sidebar", "nav"}
    assert names(attribute_groups(None, None, "author", None, None)) == {"byline"}
    # short words match whole tokens only: "ad" is no part of "address" or "shadow"
    assert names(attribute_groups("address shadow read", None, None, None, None)) == set()


def test_unit_dom_features_of_a_page() -> None:
    page = render_blocks(PAGE)
    units = split_units(page.text)
    x = unit_dom_features(page, units)
    assert x.shape == (len(units), len(DOM_FEATURES))
    text = page.text

    def row(snippet: str) -> np.ndarray:
        k = next(i for i, u in enumerate(units) if snippet in text[u.start : u.end])
        return x[k]

    comment, body, head = row("terrible idea"), row("approved the new budget"), row("Council passes")
    assert comment[_col("far_comment")] == 1 and body[_col("far_comment")] == 0
    assert body[_col("far_content")] == 1 and body[_col("in_main")] == 1
    assert comment[_col("in_main")] == 0 and comment[_col("ctx_li")] == 1
    assert head[_col("heading")] == 1
    assert row("By Jane")[_col("near_byline")] == 1
    assert row("Most read")[_col("far_sidebar")] == 1 and row("Most read")[_col("unit_link_share")] > 0.9
    assert row("Copyright")[_col("zone_footer")] == 1


def test_cjk_words_counted_per_character() -> None:
    page = render_blocks("<p>東京で会議が開かれた。</p>")
    x = unit_dom_features(page, split_units(page.text))
    assert x[0, _col("unit_words")] == pytest.approx(np.log1p(11))
    assert x[0, _col("unit_cjk_share")] > 0.8


def test_shipped_stage_fits_the_shipped_text_model() -> None:
    stage = default_html_stage()
    assert stage is not None, "cleaner/models/html_stage.model.zip is missing"
    shipped = hashlib.sha256(default_model_path().read_bytes()).hexdigest()
    assert stage.manifest["text_model_sha256"] == shipped, (
        "the HTML stage was fitted on another text model's probabilities: after retraining the text model, "
        "rebuild its rows and refit it (python -m training.fit_dom rows ../shared/datasets corpus/html_stage; "
        "python -m training.fit_dom fit corpus/html_stage --out cleaner/models/html_stage.model.zip)"
    )
    assert stage.forest.n_features == len(stage_feature_names(stage.classes))


def test_stage_file_round_trip_and_damage(tmp_path: Path) -> None:
    stage = default_html_stage()
    assert stage is not None
    path = tmp_path / "stage.model.zip"
    stage.save(path)
    again = HtmlStage.load(path)
    x = np.random.default_rng(0).random((20, stage.forest.n_features)).astype(np.float32)
    assert np.array_equal(again.forest.predict_proba(x), stage.forest.predict_proba(x))
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(ModelFormatError):
        HtmlStage.load(path)


def test_raw_text_never_uses_the_stage() -> None:
    text = render_blocks(PAGE).text
    on = cleaner.clean(text)
    off = cleaner.clean(text, config=CleanerConfig(html_stage=False))
    assert on == off


def test_comment_thread_is_not_body() -> None:
    # the stage alone keeps this thread (class comment-list, after the article) in the
    # main body; the decode stage's comment-threads step makes it junk
    result = cleaner.clean_html(PAGE)
    assert result.main is not None
    body = " ".join(result.main.body)
    assert "approved the new budget" in body
    assert "terrible idea" not in body and "Most read" not in body


def test_stage_can_be_switched_off() -> None:
    assert default_html_stage_path().is_file()
    on = cleaner.Cleaner()
    off = cleaner.Cleaner(config=CleanerConfig(html_stage=False))
    assert on.html_stage is not None and off.html_stage is None


def test_stage_leaves_pages_smaller_than_its_training_pages_alone() -> None:
    # A page of six units (a menu, a title line, two paragraphs, a footer) is smaller than
    # 99% of the pages the stage was fitted on: its re-scoring there was saturated and
    # wrong (the menu line became the headline over the declared title, tests/test_page_meta.py),
    # so the text model's probabilities stand.
    from cleaner.html_stage import MIN_STAGE_UNITS

    c = cleaner.Cleaner()
    stage = c.html_stage
    assert stage is not None
    small = render_blocks(
        "<html><body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav><div>Weather Storm hits coast</div>"
        f"<p>{PROSE}</p><p>{PROSE}</p><footer>Contact us</footer></body></html>"
    )
    units = split_units(small.text)
    assert len(units) < MIN_STAGE_UNITS
    proba = np.full((len(units), len(c._classes)), 1.0 / len(c._classes))
    assert stage.rescore(small, units, proba, c._classes) is proba
    # a page of the stage's size is re-scored
    page = render_blocks(PAGE)
    units = split_units(page.text)
    assert len(units) >= MIN_STAGE_UNITS
    proba = np.full((len(units), len(c._classes)), 1.0 / len(c._classes))
    again = stage.rescore(page, units, proba, c._classes)
    assert again.shape == proba.shape and not np.allclose(again, proba)


def test_a_stage_without_a_junk_label_walks_every_unit() -> None:
    # a stage of other labels (a user's) has no sure junk to skip
    from cleaner.model.trees import Forest

    stage = default_html_stage()
    assert stage is not None
    f = stage.forest
    other = Forest(np.asarray(["a", "b", "c", "d", "e"]), f.n_features, f.nodes, f.tree_sizes, f.baseline, f.params)
    renamed = HtmlStage(other, {})
    x = np.random.default_rng(0).random((12, f.n_features))
    heading = stage_feature_names(stage.classes).index("heading")
    x[:, heading] = 0.0
    x[::4, heading] = 1.0  # units in an <h1>
    proba = np.zeros((12, 5))
    proba[:, 3] = 1.0  # "junk"'s column of the shipped labels, sure
    assert np.array_equal(renamed.stage_proba(x, proba), f.predict_proba(x))
    # the shipped stage skips sure junk, but for units in a heading element
    skipped = stage.stage_proba(x, proba)
    assert np.array_equal(skipped[1::4], proba[1::4])
    assert np.array_equal(skipped[::4], f.predict_proba(x[::4]))


def test_stage_scores_as_scikit_learn_does() -> None:
    # rescore walks the trees with numpy (cleaner.model.trees.Forest); the
    # probabilities are scikit-learn's predict_proba's, bit for bit, but for units the
    # text model calls junk for sure
    from cleaner.html_stage import SURE_JUNK, stage_features
    from cleaner.model.state import _hgb_of

    c = cleaner.Cleaner()
    stage = c.html_stage
    assert stage is not None
    page = render_blocks(PAGE)
    units = split_units(page.text)
    proba = np.random.default_rng(1).dirichlet(np.ones(len(c._classes)), size=len(units))
    junk = c._classes.index("junk")
    assert (proba[:, junk] < SURE_JUNK).all()
    expected = _hgb_of(stage.forest).predict_proba(stage_features(page, units, proba))
    assert np.array_equal(stage.rescore(page, units, proba, c._classes), expected)
    # units the text model calls junk for sure keep its probabilities; the others' are
    # the stage's, as before (their neighbours' and blocks' probabilities changed)
    sure = np.zeros(len(units), dtype=bool)
    sure[::3] = True
    proba[sure] = 0.0025
    proba[sure, junk] = 0.99
    expected = _hgb_of(stage.forest).predict_proba(stage_features(page, units, proba))
    again = stage.rescore(page, units, proba, c._classes)
    assert np.array_equal(again[sure], proba[sure])
    assert np.array_equal(again[~sure], expected[~sure])
