"""HTML is cleaned the same way by every entry point: ``Cleaner.clean_html``, ``cleaner
clean page.html`` and ``cleaner batch`` over ``.html`` files use the markup (the HTML
stage and the decoding steps that read it), not only the rendered text and what the
page declares."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.batch import BatchOptions, run_batch
from cleaner.cli import main
from cleaner.io import read_html_page

# A page whose text the classifier alone calls no article: two short headings. Its
# markup says they are the article's content (the decode step main-content), so that
# clean_html gives one article, and the text with what the page declares gives none.
PAGE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"/><title>Pictures loaded late, with their alt '
    'text</title></head><body><article class="post-body"><h2>Sample One</h2><img class="lazy" '
    'data-src="/a.jpg" alt="photo.jpg"/><h2>Sample Two</h2><img class="lazy" data-src="/b.png" '
    'alt="photo.jpg"/></article></body></html>'
)


def _articles(result: object) -> list[dict[str, object]]:
    return [a.to_dict() for a in result.articles]  # type: ignore[attr-defined]


def test_the_page_needs_its_markup() -> None:
    cleaner = Cleaner()
    rendering, meta = read_html_page(PAGE.encode(), mode="browser", metadata=True, max_chars=None)
    assert cleaner.clean(rendering.text, meta=meta).articles == []
    with_markup = cleaner.clean(rendering.text, meta=meta, rendering=rendering)
    assert _articles(with_markup) == _articles(cleaner.clean_html(PAGE.encode()))
    assert with_markup.main is not None and with_markup.main.body == ["Sample One", "Sample Two"]
    with pytest.raises(ValueError, match="rendering"):
        cleaner.clean("another text", rendering=rendering)


def test_the_command_line_cleans_html_as_clean_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    assert main(["clean", "-f", "json", str(page)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["articles"] == _articles(Cleaner().clean_html(PAGE.encode()))
    assert printed["articles"][0]["body"] == ["Sample One", "Sample Two"]


def test_a_batch_run_cleans_html_as_clean_html(tmp_path: Path) -> None:
    root, out = tmp_path / "in", tmp_path / "out"
    root.mkdir()
    (root / "page.html").write_text(PAGE, encoding="utf-8")
    (root / "notes.txt").write_text("Just a line of text.\n", encoding="utf-8")
    run_batch(root, out, options=BatchOptions(jobs=1))
    rows = [r for p in sorted(out.glob("part-*.jsonl")) for r in map(json.loads, p.read_text().splitlines())]
    got = [(r["headline"], r["body"]) for r in rows if r["path"] == "page.html"]  # a row an article
    expected = [(a.headline, a.body) for a in Cleaner().clean_html(PAGE.encode()).articles]
    assert got == expected == [("Pictures loaded late, with their alt text", ["Sample One", "Sample Two"])]
