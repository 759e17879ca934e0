"""Untrusted files and arguments: input read by ``cleaner clean``, training samples and
``cleaner train``'s options get a clear, typed error, never a traceback or no end (issue 15)."""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path

import pytest

from cleaner.cli import main
from cleaner.cli.clean import read_input, read_page
from cleaner.errors import CleanerError, InputTooLargeError, SampleFormatError
from cleaner.retrain import load_base_data, train_model
from cleaner.samples import load_samples, read_jsonl, read_tsv

# --------------------------------------------------------------------------- cleaner clean


class _Endless(io.RawIOBase):
    """``yes``'s output: a stream that never ends (and refuses a read without a size)."""

    def __init__(self) -> None:
        self.given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        n = len(buffer)
        buffer[:n] = (b"y\n" * (n // 2 + 1))[:n]
        self.given += n
        if self.given > 200_000_000:
            raise AssertionError("read on past any limit")
        return n


class _Stdin:
    def __init__(self, raw: io.RawIOBase) -> None:
        self.buffer = io.BufferedReader(raw)


def test_endless_standard_input_stops_at_the_limit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stream = _Endless()
    monkeypatch.setattr(sys, "stdin", _Stdin(stream))
    assert main(["clean", "-"]) == 2
    err = capsys.readouterr().err
    assert "max_chars" in err or "larger than" in err
    assert stream.given < 100_000_000  # stopped near the 20-million-character limit


def test_a_gzip_bomb_stops_at_the_limit_while_decompressing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = tmp_path / "bomb.html.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as fh:
        block = b"<p>" + b"a" * (1 << 20) + b"</p>"
        for _ in range(30):  # 30 MB of HTML in about 30 KB
            fh.write(block)
    assert bomb.stat().st_size < 200_000
    decompressed: list[int] = []
    real = gzip.GzipFile.read

    def counting_read(self: gzip.GzipFile, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            raise AssertionError("decompressed without a limit")
        data = real(self, size)
        decompressed.append(len(data))
        return data

    monkeypatch.setattr(gzip.GzipFile, "read", counting_read)
    with pytest.raises(InputTooLargeError, match="max_chars"):
        read_input(str(bomb), html=False, text=False, mode="browser", metadata=True)
    assert sum(decompressed) <= 21_000_000
    with pytest.raises(InputTooLargeError):
        read_page(str(bomb))


def test_the_cli_reports_a_gzip_bomb_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bomb = tmp_path / "bomb.txt.gz"
    with gzip.open(bomb, "wb") as fh:
        for _ in range(25):
            fh.write(b"a " * (1 << 19))
    assert main(["clean", str(bomb)]) == 2
    assert "max_chars" in capsys.readouterr().err


def test_a_large_file_is_refused_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "big.html"
    page.write_bytes(b"<p>" + b"x" * 2_000 + b"</p>")

    def no_read(self: Path) -> bytes:
        raise AssertionError("read before the size check")

    monkeypatch.setattr(Path, "read_bytes", no_read)
    with pytest.raises(InputTooLargeError, match="2,007 bytes"):
        read_input(str(page), html=True, text=False, mode="browser", metadata=True, max_chars=1_000)


# --------------------------------------------------------------------------- samples


def test_a_byte_order_mark_is_not_part_of_the_first_label(tmp_path: Path) -> None:
    tsv = tmp_path / "p.labels.tsv"
    tsv.write_bytes("\ufeffjunk\tHome\nheadline\tStorm hits\nbody\tIt rained.\n".encode())
    page = read_tsv(tsv)
    assert [label for label, _ in page.segments()] == ["junk", "headline", "body"]
    jsonl = tmp_path / "p.jsonl"
    record = {"id": "p", "text": "Storm hits", "spans": [[0, 10, "headline"]]}
    jsonl.write_bytes(b"\xef\xbb\xbf" + json.dumps(record).encode() + b"\n")
    assert [p.id for p in read_jsonl(jsonl)] == ["p"]
    with gzip.open(tmp_path / "q.jsonl.gz", "wb") as fh:
        fh.write(b"\xef\xbb\xbf" + json.dumps(record).encode() + b"\n")
    assert [p.id for p in read_jsonl(tmp_path / "q.jsonl.gz")] == ["p"]


def test_a_page_file_with_a_byte_order_mark(tmp_path: Path) -> None:
    (tmp_path / "p.txt").write_bytes("\ufeffStorm hits\nIt rained.\n".encode())
    (tmp_path / "p.labels.tsv").write_text("headline\tStorm hits\nbody\tIt rained.\n", encoding="utf-8")
    page = read_tsv(tmp_path / "p.labels.tsv")
    assert list(page.segments()) == [("headline", "Storm hits"), ("body", "It rained.")]


def test_spans_nested_thousands_deep_are_a_sample_error(tmp_path: Path) -> None:
    jsonl = tmp_path / "deep.jsonl"
    jsonl.write_text('{"id": "x", "text": "a", "spans": ' + "[" * 5000 + "]" * 5000 + "}\n", encoding="utf-8")
    with pytest.raises(SampleFormatError, match=r"deep\.jsonl:1"):
        load_samples(jsonl)


def test_samples_whose_units_hold_one_label_are_refused_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two labels on one line of a short page: one unit, which takes one of them."""
    (tmp_path / "p.txt").write_text("Hello world\n", encoding="utf-8")
    (tmp_path / "p.labels.tsv").write_text("headline\tHello\nbody\tworld\n", encoding="utf-8")
    with pytest.raises(CleanerError, match="unit"):
        train_model(load_samples(tmp_path))
    # --scope all: a model of these pages alone, confirmed (cleaner train refuses it unasked)
    assert main(["train", str(tmp_path), "-o", str(tmp_path / "m.joblib"), "--folds", "0", "--scope", "all"]) == 2
    assert "unit" in capsys.readouterr().err


@pytest.mark.parametrize("limit", ["-5", "0"])
def test_a_base_limit_below_one_is_refused(limit: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p.labels.tsv").write_text("headline\tHello\nbody\tThe world.\n", encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["train", str(tmp_path), "-o", str(tmp_path / "m.joblib"), "--base", "--base-limit", limit])
    assert info.value.code == 2
    assert "--base-limit" in capsys.readouterr().err
    with pytest.raises(CleanerError, match="limit"):
        load_base_data(tmp_path, limit=int(limit))
