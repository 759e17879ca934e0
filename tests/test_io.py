"""Tests of :mod:`cleaner.io`: one way of reading inputs for ``cleaner clean`` and
``cleaner batch`` (gzip by magic bytes, limits, encodings, one error family), and of
the one model cache (:mod:`cleaner.cache`)."""

from __future__ import annotations

import codecs
import gzip
import json
from pathlib import Path

import pytest

import cleaner
from cleaner import CleanerConfig
from cleaner.batch import FAILURES_FILE, BatchOptions, run_batch
from cleaner.cli import main
from cleaner.cli.clean import read_input, read_page
from cleaner.errors import CleanerError, InputError, InputReadError, InputTooLargeError, InputTypeError

PAGE = (
    "Storm hits the coast\nBy Jane Doe | June 9, 2025\n"
    + "The storm reached the coast on Monday and cut power to thousands of homes across the region. " * 4
)
HTML = (
    "<html><head><title>Storm hits the coast</title></head><body><h1>Storm hits the coast</h1>"
    "<p>The storm reached the coast on Monday and cut power to thousands of homes across the region, "
    "and the roads to the north were closed for the night.</p></body></html>"
)


def _batch_failures(root: Path, out: Path, config: CleanerConfig | None = None) -> dict[str, dict[str, str]]:
    run_batch(root, out, options=BatchOptions(jobs=1, progress=False), config=config)
    lines = (out / FAILURES_FILE).read_text(encoding="utf-8").splitlines()
    return {row["path"]: row for row in map(json.loads, lines)}


def test_input_errors_are_one_family() -> None:
    for error in (InputReadError, InputTooLargeError, InputTypeError, cleaner.UnsupportedInputError):
        assert issubclass(error, InputError) and issubclass(error, CleanerError)
    assert issubclass(InputTypeError, TypeError)  # as before: bytes passed where text is expected
    assert cleaner.InputError is InputError and cleaner.InputReadError is InputReadError


def test_gzip_is_known_by_its_magic_bytes_in_batch_runs_too(tmp_path: Path) -> None:
    """``cleaner clean`` decompressed gzip whatever its name; batch runs went by the
    suffix and called a compressed ``.txt`` binary data."""
    root = tmp_path / "in"
    root.mkdir()
    (root / "page.txt").write_bytes(gzip.compress(PAGE.encode()))
    (root / "page.html").write_bytes(gzip.compress(HTML.encode()))
    assert _batch_failures(root, tmp_path / "out") == {}
    rows = (tmp_path / "out" / "part-00000.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["headline"] for line in rows]
    assert texts == ["Storm hits the coast", "Storm hits the coast"]
    assert read_page(str(root / "page.txt")) == PAGE


def test_utf16_html_is_read_and_binary_html_refused_by_both(tmp_path: Path) -> None:
    """A UTF-16 page's NUL bytes are explained by its byte-order mark (batch runs
    refused it as binary); NUL bytes without one are binary data (``cleaner clean``
    parsed them as HTML)."""
    root = tmp_path / "in"
    root.mkdir()
    (root / "utf16.html").write_bytes(codecs.BOM_UTF16_LE + HTML.encode("utf-16-le"))
    (root / "binary.html").write_bytes(b"<html>\x00\x01\x02\x00 PNG</html>")
    failed = _batch_failures(root, tmp_path / "out")
    assert list(failed) == ["binary.html"] and failed["binary.html"]["error"] == "InputReadError"
    text, _, _ = read_input(str(root / "utf16.html"), html=False, text=False, mode="browser", metadata=True)
    assert text.startswith("Storm hits the coast")
    with pytest.raises(InputReadError, match="binary data"):
        read_input(str(root / "binary.html"), html=False, text=False, mode="browser", metadata=True)


def test_the_same_bad_text_is_the_same_error_in_clean_and_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "latin1.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (root / "nul.txt").write_bytes(b"Storm\x00hits")
    (root / "big.txt").write_text("x" * 500, encoding="utf-8")
    failed = _batch_failures(root, tmp_path / "out", CleanerConfig(max_chars=100))
    assert {p: row["error"] for p, row in failed.items()} == {
        "big.txt": "InputTooLargeError",
        "latin1.txt": "InputReadError",
        "nul.txt": "InputReadError",
    }
    for name, error in (("latin1.txt", InputReadError), ("nul.txt", InputReadError), ("big.txt", InputTooLargeError)):
        with pytest.raises(error) as caught:
            read_page(str(root / name), max_chars=100)
        # the same finding in both; the command line names the file, the batch row has it as "path"
        assert str(caught.value).split(";")[0].removeprefix(str(root / name)) == failed[name]["message"].split(";")[
            0
        ].removeprefix("the file")
    assert main(["clean", str(root / "nul.txt")]) == 2
    assert "binary data" in capsys.readouterr().err


STRADDLING = b"a" * ((1 << 20) - 1) + "é".encode() + b" and then \xff"  # "é" across the first 1 MiB read


@pytest.mark.parametrize("data", [b"caf\xe9", b"caf\xe9 au lait", STRADDLING], ids=["at-end", "inside", "straddling"])
def test_a_bad_byte_is_named_where_it_stands(tmp_path: Path, data: bytes) -> None:
    """Also when the file ends inside a character, or a character straddles two reads."""
    page = tmp_path / "page.txt"
    page.write_bytes(data)
    bad = next(i for i, byte in enumerate(data) if byte in (0xE9, 0xFF) and data[i : i + 2] != "é".encode())
    with pytest.raises(InputReadError, match=rf"\(byte {bad:,}\)"):
        read_page(str(page))


def test_one_model_cache() -> None:
    """``cleaner.clean``'s cleaner is the batch workers' and ``clean_frame``'s."""
    from cleaner.api import default_cleaner
    from cleaner.batch import cached_cleaner

    assert default_cleaner() is cached_cleaner() is cached_cleaner(None, CleanerConfig())
