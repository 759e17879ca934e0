"""``cleaner evaluate``: output, JSON, side-by-side comparison and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner.cli import EXIT_OK, EXIT_USAGE, main
from cleaner.model import default_model_path

SEED = Path(__file__).resolve().parent.parent / "corpus" / "seed"
TSV = SEED / "daily8-kyodo-trade-talks.labels.tsv"


def test_prints_label_scores_confusion_and_article_scores(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(TSV)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "pages: 1 (1 with labelled segments)" in out
    for word in ("precision", "recall", "F1", "headline", "byline", "body", "related-item", "junk"):
        assert word in out
    assert "confusion (rows gold, columns predicted, words)" in out
    assert "article-level scores (main article)" in out


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(SEED), "--json", "--page-scores"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["pages"] == 1
    assert {"f1_body", "macro_f1", "headline_accuracy", "body_f1"} <= set(data["metrics"])
    assert len(data["page_scores"]) == 1


def test_compare_default_side_by_side(capsys: pytest.CaptureFixture[str]) -> None:
    model = str(default_model_path())
    assert main(["evaluate", str(TSV), "--model", model, "--compare-default"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "side by side (change = model - default)" in out
    assert "+0.000" in out  # the same model on both sides


def test_compare_default_json_has_both(capsys: pytest.CaptureFixture[str]) -> None:
    model = str(default_model_path())
    assert main(["evaluate", str(TSV), "--model", model, "--compare-default", "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"default", model}


def test_compare_default_needs_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(TSV), "--compare-default"]) == EXIT_USAGE
    assert "--compare-default needs --model" in capsys.readouterr().err


def test_missing_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(tmp_path / "nope.tsv")]) == EXIT_USAGE
    assert "no such file" in capsys.readouterr().err


def test_empty_directory_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(tmp_path)]) == EXIT_USAGE
    assert "no pages found" in capsys.readouterr().err


def test_bad_label_names_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("headline\tHello\nbdoy\tWorld.\n", encoding="utf-8")
    assert main(["evaluate", str(bad)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "bad.tsv" in err and "bdoy" in err


def test_unreadable_model_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "model.model.zip"
    junk.write_bytes(b"not a model")
    assert main(["evaluate", str(TSV), "--model", str(junk)]) == EXIT_USAGE
    assert "cleaner: error" in capsys.readouterr().err


def test_limit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(SEED), "--limit", "0"]) == EXIT_USAGE
    capsys.readouterr()


def test_records_with_and_without_declared_metadata(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = "The storm hit the coast on Monday and many people lost power for hours in the town."
    record = {
        "id": "ds/1",
        "page_type": "article",
        "html": '<html><head><meta name="author" content="Jane Doe"></head><body><h1>Storm hits coast</h1>'
        f"<p>{body}</p><p>{body}</p></body></html>",
        "gold": {"title": "Storm hits coast", "authors": ["Jane Doe"], "body": f"{body}\n\n{body}"},
    }
    path = tmp_path / "recs.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    found = []
    for extra in ([], ["--no-metadata"]):
        assert main(["evaluate", str(path), "--json", "--page-scores", *extra]) == EXIT_OK
        (page,) = json.loads(capsys.readouterr().out)["page_scores"]
        found.append(page["authors_found"])
    assert found == [1, 0]
