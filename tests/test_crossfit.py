"""training/crossfit.py: validation scores with the headline ranker cross-fitted by site."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from cleaner.samples import LabelledPage, page_from_segments
from training.crossfit import cjk_pages, fold_of, main

ROOT = Path(__file__).resolve().parent.parent


def _page(id: str, site: str | None, body: str = "Some text.", render: str = "browser") -> LabelledPage:
    page = page_from_segments([("headline", "A title here"), ("body", body)], id=id, site=site)
    page.meta.update({"render": render, "gold": {"body": body}})
    return page


def test_pages_of_one_site_share_a_fold_and_composed_pages_are_their_own_group() -> None:
    a, b = _page("a", "river.example"), _page("b", "river.example")
    assert fold_of(a, 5) == fold_of(b, 5)
    composed = [_page(f"c{i}", "composed", render="composed") for i in range(40)]
    assert len({fold_of(p, 5) for p in composed}) == 5  # dealt out by id, not all in one fold
    assert all(0 <= fold_of(p, 3) < 3 for p in [a, b, *composed])


def test_cjk_pages_are_those_whose_gold_body_is_mostly_cjk() -> None:
    pages = [
        _page("ja", "a.jp", "東京で会議が開かれた。政府は新しい計画を発表した。"),
        _page("en", "b.com", "Plain English text."),
    ]
    assert cjk_pages(pages) == {"ja"}


def test_the_test_split_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["corpus/training", "cleaner/models/default.model.zip", "--split", "test"]) == 2
    assert "test split" in capsys.readouterr().err


@pytest.mark.slow
def test_a_small_split_gives_a_row_a_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = gzip.open(ROOT / "corpus/training/validation.jsonl.gz", "rt", encoding="utf-8").read().splitlines()
    records = [json.loads(x) for x in lines if x.strip()]
    articles = [r for r in records if r.get("page_type") == "article"][:30]
    (tmp_path / "validation.jsonl.gz").write_bytes(
        gzip.compress("\n".join(json.dumps(r) for r in articles).encode("utf-8"))
    )
    out = tmp_path / "m.json"
    assert (
        main([str(tmp_path), str(ROOT / "cleaner/models/default.model.zip"), "--folds", "3", "--json", str(out)]) == 0
    )
    metrics = json.loads(out.read_text(encoding="utf-8"))
    (row,) = metrics.values()
    assert 0.5 < row["main_body_f1"] <= 1.0
    assert row["headline_accuracy"] is not None
    assert "default.model.zip |" in capsys.readouterr().out
