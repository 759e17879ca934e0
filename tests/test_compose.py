"""Tests for training.compose: synthetic aggregator pages built from labelled pages."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from cleaner.labels import STANDARD_LABELS, Label
from cleaner.samples import LabelledPage, load_samples, page_from_segments, read_jsonl, write_jsonl
from training.compose import LAYOUTS, compose_aggregator_pages

ROOT = Path(__file__).resolve().parent.parent
SEED_TSV = ROOT / "corpus" / "seed" / "daily8-kyodo-trade-talks.labels.tsv"


def _toy_pages() -> list[LabelledPage]:
    pages = []
    for i in range(8):
        segments = [
            ("junk", "Menu"),
            ("headline", f"Council approves plan number {i} for the harbour district"),
            ("byline", f"By Reporter {i} | May {i + 1}, 2024"),
            ("body", f"The council voted on plan {i} on Tuesday evening after a long debate."),
            ("body", f"Residents of district {i} said they welcomed the decision.\nA second line."),
            ("junk", "Related:"),
            ("related-item", f"Earlier story number {i} about the harbour"),
            ("junk", "© 2024 Example"),
        ]
        pages.append(page_from_segments(segments, id=f"toy-{i}", site=f"site{i}.example"))
    return pages


@pytest.fixture(scope="module")
def sources() -> list[LabelledPage]:
    return [*load_samples(SEED_TSV), *_toy_pages()]


@pytest.fixture(scope="module")
def composed(sources: list[LabelledPage]) -> list[LabelledPage]:
    return compose_aggregator_pages(sources, seed=7, n=200)


def test_count_and_metadata(composed: list[LabelledPage]) -> None:
    assert len(composed) == 200
    assert len({p.id for p in composed}) == 200
    for page in composed:
        assert page.site == "composed"
        assert page.meta["render"] == "composed"
        assert page.meta["layout"] in LAYOUTS
        assert page.meta["sources"]


def test_deterministic_with_seed(sources: list[LabelledPage]) -> None:
    a = compose_aggregator_pages(sources, seed=11, n=50)
    b = compose_aggregator_pages(sources, seed=11, n=50)
    c = compose_aggregator_pages(sources, seed=12, n=50)
    assert [p.to_json() for p in a] == [p.to_json() for p in b]
    assert [p.text for p in a] != [p.text for p in c]


def test_spans_cover_all_text_in_order(composed: list[LabelledPage]) -> None:
    for page in composed:
        pos = 0
        for span in page.spans:
            assert span.start >= pos and span.end > span.start, page.id
            assert not page.text[pos : span.start].strip(), page.id
            piece = page.text[span.start : span.end]
            assert piece == piece.strip(), (page.id, piece)
            pos = span.end
        assert not page.text[pos:].strip(), page.id


def test_labels_valid(composed: list[LabelledPage]) -> None:
    used: set[str] = set()
    for page in composed:
        assert page.labels <= set(STANDARD_LABELS)
        used |= page.labels
    assert used == set(STANDARD_LABELS)


def test_every_layout_produced(composed: list[LabelledPage]) -> None:
    assert {p.meta["layout"] for p in composed} == set(LAYOUTS)


def test_bylines_before_headline_and_collapsed_lines(composed: list[LabelledPage]) -> None:
    """Card source/time bylines precede headlines; byline prefix, body and related share a line."""
    byline_first = 0
    shared_line = 0
    for page in composed:
        spans = page.spans
        for prev2, prev, cur in zip(spans, spans[1:], spans[2:], strict=False):
            if cur.label == Label.HEADLINE and prev.label == Label.BYLINE and prev2.label == Label.BYLINE:
                byline_first += 1
        for first, second in itertools.pairwise(spans):
            between = page.text[first.end : second.start]
            if first.label == Label.BYLINE and second.label == Label.BODY and "\n" not in between:
                shared_line += 1
            if first.label == Label.BODY and second.label == Label.JUNK and "\n" not in between:
                shared_line += 1
    assert byline_first > 20
    assert shared_line > 20
    cards = [p for p in composed if p.meta["layout"] == "cards"]
    assert cards
    for page in cards:
        first_headline = next(i for i, s in enumerate(page.spans) if s.label == Label.HEADLINE)
        assert page.spans[first_headline - 1].label == Label.BYLINE


def test_texts_come_from_sources(sources: list[LabelledPage], composed: list[LabelledPage]) -> None:
    headlines = {t for p in sources for label, t in p.segments() if label == Label.HEADLINE}
    for page in composed:
        for label, text in page.segments():
            if label == Label.HEADLINE:
                assert text in headlines


def test_round_trip_jsonl(tmp_path: Path, composed: list[LabelledPage]) -> None:
    path = tmp_path / "composed.jsonl.gz"
    assert write_jsonl(composed[:30], path) == 30
    back = list(read_jsonl(path))
    assert [p.spans for p in back] == [p.spans for p in composed[:30]]


def test_errors() -> None:
    with pytest.raises(ValueError):
        compose_aggregator_pages([], seed=0, n=3)
    with pytest.raises(ValueError):
        compose_aggregator_pages(_toy_pages(), seed=0, n=-1)
    assert compose_aggregator_pages([], seed=0, n=0) == []
