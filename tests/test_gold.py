"""The gold evaluation set in corpus/gold/: every page loads, and the set is broad enough.

These tests need only the repository (not ../shared/datasets): the page texts of
dataset pages are stored beside their TSVs.
"""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pytest

from cleaner.labels import STANDARD_LABELS
from cleaner.samples import LabelledPage, read_tsv
from training.make_gold import handmade_to_files, read_ids

GOLD = Path(__file__).resolve().parent.parent / "corpus" / "gold"
TSVS = sorted(GOLD.glob("*.labels.tsv"))


@pytest.fixture(scope="module")
def pages() -> list[LabelledPage]:
    return [read_tsv(path) for path in TSVS]


@pytest.mark.parametrize("path", TSVS, ids=[p.name for p in TSVS])
def test_tsv_loads_against_page_text(path: Path) -> None:
    txt = path.with_name(path.name.removesuffix(".labels.tsv") + ".txt")
    assert txt.is_file(), f"{txt.name} missing beside {path.name}"
    page = read_tsv(path)  # raises SampleFormatError unless segments match the text in order
    assert page.text == txt.read_text(encoding="utf-8")
    assert page.site, f"{path.name} has no '# site:' header"
    assert page.labels <= set(STANDARD_LABELS)
    assert any(label == "headline" for label, _ in page.segments()), path.name


def test_set_size_and_breadth(pages: list[LabelledPage]) -> None:
    assert len(pages) >= 30
    sites = {p.site for p in pages}
    assert len(sites) >= 20
    assert "composed" not in sites
    labels = Counter(label for p in pages for label, _ in p.segments())
    assert set(labels) == set(STANDARD_LABELS)


def test_ids_match_dataset_pages(pages: list[LabelledPage]) -> None:
    ids = read_ids(GOLD / "ids.txt")
    assert ids and len(ids) == len(set(ids))
    datasets = {"wcxb-dev", "fundus", "readability", "scrapinghub", "postlight"}
    for rid in ids:
        assert "/" in rid and rid.split("/")[0] in datasets, rid
    sources = {p.meta["source"] for p in pages if "source" in p.meta}
    assert set(ids) == sources, "ids.txt and the '# source:' headers of the TSVs differ"


def test_handmade_pages_match_their_annotations() -> None:
    anns = sorted((GOLD / "handmade").glob("*.ann"))
    assert len(anns) >= 9
    for ann in anns:
        name = ann.name.removesuffix(".ann")
        text, tsv = handmade_to_files(ann.read_text(encoding="utf-8"))
        assert (GOLD / f"{name}.txt").read_text(encoding="utf-8") == text, name
        assert (GOLD / f"{name}.labels.tsv").read_text(encoding="utf-8") == tsv, name


def test_collapsed_lines_present(pages: list[LabelledPage]) -> None:
    """The aggregator pages put byline, body and related titles on one line, as the seed does."""
    shared = 0
    for page in pages:
        for a, b in itertools.pairwise(page.spans):
            if "\n" not in page.text[a.end : b.start] and {a.label, b.label} & {"body"}:
                shared += 1
    assert shared >= 10
