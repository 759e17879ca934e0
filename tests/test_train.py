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
