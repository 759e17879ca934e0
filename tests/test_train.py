"""Tests of ``python -m training.train``: it writes the model where it is told, and
overwrites the packaged model only when asked to (issue 16)."""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import training.train as train

TRAIN = Path(__file__).resolve().parent.parent / "corpus" / "training" / "train.jsonl.gz"


@dataclass
class Calls:
    fits: int = 0
    saved: list[Path] = field(default_factory=list)
    packaged: Path = Path()  # the packaged model, as training.train sees it in the test


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data folder with a train split of two pages and no validation split."""
    with gzip.open(TRAIN, "rt", encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(2)]
    folder = tmp_path / "data"
    folder.mkdir()
    with gzip.open(folder / "train.jsonl.gz", "wt", encoding="utf-8") as out:
        out.writelines(lines)
    return folder


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Calls:
    """Fitting and saving replaced by stand-ins that count their calls: a real fit
    takes minutes, and no test may touch the packaged model."""
    seen = Calls(packaged=tmp_path / "package" / "default.model.zip")
    seen.packaged.parent.mkdir()

    def fit_pages(pages: Any, params: Any) -> object:
        seen.fits += 1
        return object()

    def save_model(model: Any, path: Path, manifest: dict[str, Any], **kwargs: Any) -> None:
        seen.saved.append(Path(path))
        Path(path).write_bytes(b"a model")

    monkeypatch.setattr(train, "fit_pages", fit_pages)
    monkeypatch.setattr(train, "save_model", save_model)
    monkeypatch.setattr(train, "default_model_path", lambda: seen.packaged)
    return seen


def test_without_a_destination_nothing_is_trained(data: Path, calls: Calls, capsys: pytest.CaptureFixture[str]) -> None:
    assert train.main([str(data), "--compose", "0"]) == 2
    assert "-o/--out" in capsys.readouterr().err
    assert (calls.fits, calls.saved) == (0, [])


def test_the_model_goes_where_it_is_told(data: Path, calls: Calls, tmp_path: Path) -> None:
    assert train.main([str(data), "--compose", "0", "-o", str(tmp_path / "m.model.zip")]) == 0
    assert (calls.fits, calls.saved) == (1, [tmp_path / "m.model.zip"])


def test_the_packaged_model_is_replaced_only_when_asked(data: Path, calls: Calls) -> None:
    assert train.main([str(data), "--compose", "0", "--replace-default"]) == 0
    assert (calls.fits, calls.saved) == (1, [calls.packaged])


@dataclass
class _Source:
    """A stand-in for a loaded model file: its classifier, manifest and hash."""

    estimator: object = field(default_factory=object)
    manifest: dict[str, Any] = field(
        default_factory=lambda: {"format": 2, "labels": ["body"], "command": "python -m training.train corpus/training"}
    )
    file_sha256: str = "ab" * 32


def test_ranker_of_keeps_the_classifier_and_refits_only_the_ranker(
    data: Path, calls: Calls, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with gzip.open(data / "train.jsonl.gz", "rt", encoding="utf-8") as fh:
        lines = fh.readlines()
    with gzip.open(data / "validation.jsonl.gz", "wt", encoding="utf-8") as out:
        out.writelines(lines)
    source, ranker = _Source(), object()
    fitted_on: list[Any] = []
    saved: list[tuple[Any, Path, dict[str, Any], dict[str, Any]]] = []

    def fit_headline_ranker(model: Any, pages: Any) -> object:
        fitted_on.append((model, len(pages)))
        return ranker

    def save_model(model: Any, path: Path, manifest: dict[str, Any], **kwargs: Any) -> None:
        saved.append((model, Path(path), manifest, kwargs))

    monkeypatch.setattr(train, "load_model", lambda path: source)
    monkeypatch.setattr(train, "fit_headline_ranker", fit_headline_ranker)
    monkeypatch.setattr(train, "save_model", save_model)
    out = tmp_path / "m.model.zip"
    assert train.main([str(data), "--ranker-of", "old.model.zip", "-o", str(out)]) == 0
    assert calls.fits == 0  # no block classifier is fitted
    assert fitted_on == [(source.estimator, len(lines))]  # the ranker, on the validation pages
    [(model, path, manifest, kwargs)] = saved
    assert (model, path, kwargs) == (source.estimator, out, {"headline_ranker": ranker})
    assert manifest["command"].endswith("--ranker-of old.model.zip -o " + str(out))
    assert manifest["block_classifier_from"] == {
        "file": "old.model.zip",
        "sha256": source.file_sha256,
        "command": "python -m training.train corpus/training",
    }
    assert "format" not in manifest and "labels" not in manifest


def test_ranker_of_needs_the_validation_split(
    data: Path, calls: Calls, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(train, "load_model", lambda path: _Source())
    assert train.main([str(data), "--ranker-of", "old.model.zip", "-o", str(tmp_path / "m.model.zip")]) == 2
    assert "validation" in capsys.readouterr().err
    assert (calls.fits, calls.saved) == (0, [])
