"""The article filter of cleaner.pipeline.structure: spans, actions, the aggregator gate, the file."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from cleaner import Cleaner, CleanerConfig, ModelError
from cleaner.labels import Label
from cleaner.pipeline.segment import split_units
from cleaner.pipeline.structure import (
    ACTIONS,
    EDGE_FEATURES,
    FEATURES,
    PAGE_FEATURES,
    ArticleFilter,
    RunEdges,
    apply_article_filter,
    article_features,
    article_spans,
    default_article_filter,
    edge_candidates,
    extend_run,
)

H, B, Y, J = Label.HEADLINE, Label.BODY, Label.BYLINE, Label.JUNK
CLASSES = [str(x) for x in Label]


def _constant(action: str) -> ArticleFilter:
    n = len(FEATURES)
    intercept = np.where(np.asarray(ACTIONS) == action, 5.0, 0.0)
    return ArticleFilter(np.zeros((len(ACTIONS), n)), intercept, np.zeros(n), np.ones(n), {})


def _page(labels: list[str]) -> tuple[str, list, np.ndarray]:
    lines = []
    for k, lbl in enumerate(labels):
        if lbl == B:
            lines.append(f"Body sentence number {k} goes on for a while with words in it.")
        else:
            lines.append(f"{lbl.title()} line {k}")
    text = "\n".join(lines)
    units = split_units(text)
    assert len(units) == len(labels)
    proba = np.full((len(units), len(CLASSES)), 0.1)
    for i, lbl in enumerate(labels):
        proba[i, CLASSES.index(lbl)] = 0.6
    return text, units, proba


def test_article_spans_follow_headlines_and_need_body() -> None:
    spans = article_spans([J, B, H, Y, B, B, H, J, H, B])
    assert [(s.head, s.start, s.end) for s in spans] == [(None, 0, 2), (2, 2, 6), (8, 8, 10)]
    assert article_spans([J, J]) == [] and article_spans([]) == []


def test_features_have_the_declared_layout() -> None:
    labels = [H, Y, B, B, B, J, H, B]
    text, units, proba = _page(labels)
    spans = article_spans(labels)
    feats, largest = article_features(text, units, labels, proba, CLASSES, spans)
    assert feats.shape == (2, len(FEATURES)) and largest == 0
    assert feats[0, FEATURES.index("bylines")] == 1 and feats[1, FEATURES.index("bylines")] == 0
    assert feats[1, FEATURES.index("before_largest")] == 0.0


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("keep", [H, Y, B, B, B, J, H, B]),
        ("merge", [H, Y, B, B, B, J, B, B]),  # after the largest: a subheading
        ("junk", [H, Y, B, B, B, J, J, J]),
    ],
)
def test_actions_after_the_largest(action: str, expected: list[str]) -> None:
    labels = [H, Y, B, B, B, J, H, B]
    text, units, proba = _page(labels)
    judged = apply_article_filter(text, units, labels, proba, CLASSES, _constant(action))
    assert labels == expected and [a for _, a in judged] == [action]


def test_merge_before_the_largest_keeps_the_first_title() -> None:
    labels = [J, H, B, H, B, B, B, B]  # a title over its lede, then the story's own "headline"
    text, units, proba = _page(labels)
    apply_article_filter(text, units, labels, proba, CLASSES, _constant("merge"))
    assert labels == [J, H, B, B, B, B, B, B]


def test_junk_takes_a_cards_byline_block_above_its_headline() -> None:
    labels = [H, B, B, B, B, Y, H, B]
    text, units, proba = _page(labels)
    apply_article_filter(text, units, labels, proba, CLASSES, _constant("junk"))
    assert labels == [H, B, B, B, B, J, J, J]


def test_a_low_probability_action_keeps_the_article() -> None:
    labels = [H, B, B, B, J, H, B]
    text, units, proba = _page(labels)
    unsure = replace(_constant("junk"), intercept=np.asarray([0.0, 0.0, 0.1]), min_proba=0.9)
    apply_article_filter(text, units, labels, proba, CLASSES, unsure)
    assert labels == [H, B, B, B, J, H, B]


def test_the_aggregator_gate_keeps_every_article() -> None:
    labels = [H, B, B, B, J, H, B]
    text, units, proba = _page(labels)
    n = len(PAGE_FEATURES)
    gated = replace(
        _constant("junk"), gate_coef=np.zeros(n), gate_intercept=3.0, gate_mean=np.zeros(n), gate_scale=np.ones(n)
    )
    assert gated.aggregator_proba(np.zeros(n)) > 0.9
    apply_article_filter(text, units, labels, proba, CLASSES, gated)
    assert labels == [H, B, B, B, J, H, B]


def test_file_round_trip_and_refusals(tmp_path: Path) -> None:
    flt = _constant("merge")
    flt.save(tmp_path / "s.json")
    back = ArticleFilter.load(tmp_path / "s.json")
    assert np.array_equal(back.coef, flt.coef) and back.actions(np.zeros((2, len(FEATURES)))) == ["merge", "merge"]
    data = flt.to_dict()
    with pytest.raises(ModelError, match="feature layout"):
        ArticleFilter.from_dict({**data, "features": ["x"]})
    with pytest.raises(ModelError, match="shape"):
        ArticleFilter.from_dict({**data, "coef": [[0.0]]})
    for bad in ("[1, 2]", "[" * 100_000, '{"version": "1"}', json.dumps({**data, "coef": "x"})):
        (tmp_path / "bad.json").write_text(bad, encoding="utf-8")
        with pytest.raises(ModelError):
            ArticleFilter.load(tmp_path / "bad.json")


def test_shipped_filter_is_used_and_can_be_switched_off() -> None:
    shipped = default_article_filter()
    assert shipped is not None and shipped.gate_coef is not None
    assert shipped.info.get("command", "").startswith("python -m training.fit_structure")
    assert Cleaner().article_filter is shipped
    assert Cleaner(config=CleanerConfig(page_structure=False)).article_filter is None
    with pytest.raises(ValueError, match="page_structure"):
        CleanerConfig(page_structure="yes")  # type: ignore[arg-type]


def _edges(intercept: float, min_proba: float = 0.5) -> RunEdges:
    n = len(EDGE_FEATURES)
    return RunEdges(np.zeros(n), intercept, np.zeros(n), np.ones(n), min_proba, {})


def test_edge_candidates_are_junk_next_to_the_run_up_to_a_headline() -> None:
    labels = [J, H, J, B, B, J, Y, J, H, J]
    text, units, _ = _page(labels)
    cands = edge_candidates(text, units, labels, (3, 4))
    assert cands == [(2, False, 0), (5, True, 0), (7, True, 2)]  # not past a headline, not a byline


def test_extend_run_makes_likely_edges_body() -> None:
    labels = [H, J, B, B, J, J]
    text, units, proba = _page(labels)
    extend_run(text, units, labels, proba, CLASSES, (2, 3), _edges(-5.0))
    assert labels == [H, J, B, B, J, J]
    extend_run(text, units, labels, proba, CLASSES, (2, 3), _edges(5.0))
    assert labels == [H, B, B, B, B, B]


def test_edge_model_round_trip_and_refusal() -> None:
    flt = replace(_constant("keep"), edges=_edges(1.0, 0.7))
    back = ArticleFilter.from_dict(flt.to_dict())
    assert back.edges is not None and back.edges.min_proba == 0.7 and back.edges.intercept == 1.0
    with pytest.raises(ModelError, match="other features"):
        RunEdges.from_dict({**_edges(1.0).to_dict(), "features": ["x"]})


def test_shipped_filter_has_a_run_edge_model() -> None:
    shipped = default_article_filter()
    assert shipped is not None and shipped.edges is not None
    assert 0.0 < shipped.edges.min_proba < 1.0
