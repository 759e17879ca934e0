"""The command line's clean subcommand."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cleaner.cli import main

SEED = Path(__file__).parent.parent / "corpus" / "seed" / "daily8-kyodo-trade-talks.txt"


def test_clean_text_json_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(SEED)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("U.S., China hold high-level trade talks with rare earths in focus")
    assert main(["clean", str(SEED), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["articles"]) == 4
    assert set(data["articles"][0]) >= {"headline", "bylines", "authors", "published", "body", "related"}
    assert main(["clean", str(SEED), "-f", "markdown"]) == 0
    assert capsys.readouterr().out.startswith("# U.S., China")


def test_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(SEED), "--explain"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[0] == "headline"
    assert any(line.startswith("junk") and "No comments yet..." in line for line in lines)


def test_bad_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(tmp_path / "missing.txt")]) == 2
    assert "cannot read" in capsys.readouterr().err
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9".encode("latin-1"))
    assert main(["clean", str(bad)]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    assert main([]) == 2


def test_html_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "p.html"
    paragraphs = "".join(
        f"<p>{sentence} Officials said crews would work through the night to restore power to the area.</p>"
        for sentence in (
            "A strong storm hit the coast on Monday, cutting power to thousands of homes and businesses.",
            "Winds of more than 100 kilometres an hour brought down trees and power lines across the region.",
            "Schools in three towns were closed, and the ferry service to the islands was suspended.",
            "The weather service said the storm would move north overnight and weaken by Tuesday morning.",
        )
    )
    page.write_text(
        "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>Storm hits the coast</h1><p>By Jane Doe | June 9, 2025</p>{paragraphs}</article>"
        "<footer>Copyright 2025 Coast News</footer></body></html>",
        encoding="utf-8",
    )
    assert main(["clean", str(page), "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert any("storm hit the coast" in " ".join(a["body"]) for a in data["articles"])


def test_main_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(SEED), "--format", "json"]) == 0
    every = json.loads(capsys.readouterr().out)["articles"]
    assert main(["clean", str(SEED), "--format", "json", "--main-only"]) == 0
    only = json.loads(capsys.readouterr().out)["articles"]
    words = [sum(len(p.split()) for p in a["body"]) for a in every]
    assert len(every) == 4 and only == [every[words.index(max(words))]]


_LATIN1_PAGE = (
    "<!DOCTYPE html><html><head><title>Sturm über der Küste</title><meta charset='iso-8859-1'></head>"
    "<body><h1>Sturm über der Küste</h1><p>Ein starker Sturm traf am Montag die Küste, und viele Häuser "
    "blieben stundenlang ohne Strom, während der Wind über die Dächer der Stadt fegte.</p></body></html>"
)


def test_html_in_any_charset_gzip_and_from_standard_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import gzip
    import io
    import sys

    data = _LATIN1_PAGE.encode("latin-1")
    (tmp_path / "p.html").write_bytes(data)
    (tmp_path / "p.html.gz").write_bytes(gzip.compress(data))
    for name in ("p.html", "p.html.gz"):
        assert main(["clean", str(tmp_path / name), "-f", "json"]) == 0
        art = json.loads(capsys.readouterr().out)["articles"][0]
        assert art["headline"] == "Sturm über der Küste", name
    # piped HTML is recognised as HTML, not cleaned as text with its markup
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["clean", "-", "-f", "json"]) == 0
    out = capsys.readouterr().out
    assert "<!DOCTYPE" not in out and "Sturm über der Küste" in out
    # --text forces text: these bytes are not UTF-8
    assert main(["clean", str(tmp_path / "p.html"), "--text"]) == 2
    assert "--html" in capsys.readouterr().err


def test_explain_options(capsys: pytest.CaptureFixture[str]) -> None:
    seed = str(Path(__file__).resolve().parent.parent / "corpus" / "seed" / "daily8-kyodo-trade-talks.txt")
    assert main(["clean", seed, "--explain", "-f", "json"]) == 2
    assert "--explain" in capsys.readouterr().err
    assert main(["clean", seed, "--explain"]) == 0
    every = capsys.readouterr().out.splitlines()
    assert main(["clean", seed, "--explain", "--main-only"]) == 0
    main_only = capsys.readouterr().out.splitlines()
    assert 0 < len(main_only) < len(every) and set(main_only) <= set(every)


def test_a_page_without_article_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "menu.txt"
    page.write_text("Home\nNews\nSport\n", encoding="utf-8")
    assert main(["clean", str(page)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "no article found" in captured.err


def test_html_detection_and_exclusive_kind_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cleaner.cli.clean import looks_like_html

    assert looks_like_html(b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- generated -->\n<html><body>x</body></html>")
    assert looks_like_html(b"  <meta charset='utf-8'><title>T</title>")
    assert not looks_like_html(b"Storm hits coast\nBy Jane Doe <jane@example.com>")
    page = tmp_path / "p.txt"
    page.write_text("Some text.", encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["clean", str(page), "--html", "--text"])
    assert info.value.code == 2
    assert "not allowed with" in capsys.readouterr().err


def test_help_lists_every_subcommand_as_its_module_does() -> None:
    """``cleaner --help`` lists the subcommands from cleaner.cli._COMMANDS without
    importing their modules; the list must be what the modules themselves declare."""
    from cleaner.cli import build_parser

    def listed(parser: Any) -> list[tuple[str, str | None]]:
        [sub] = [a for a in parser._actions if a.dest == "command"]
        return [(a.dest, a.help) for a in sub._choices_actions]

    assert listed(build_parser(load=())) == listed(build_parser())
    assert build_parser(load=()).format_help() == build_parser().format_help()


_IMPORTED_BY_HELP = """
import sys
from cleaner.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = ("sklearn", "numpy", "scipy", "joblib", "lxml", "pandas", "cleaner.api", "cleaner.model")
print("IMPORTED:", *(m for m in heavy if m in sys.modules))
"""


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["--version"],
        [],
        ["clean", "--help"],
        ["batch", "--help"],
        ["train", "--help"],
        ["label", "--help"],
        ["review", "--help"],
    ],
)
def test_help_imports_no_scikit_learn(argv: list[str]) -> None:
    """Issue 17: ``cleaner --help`` in well under a second; scikit-learn alone takes
    about one to import (``python -X importtime -m cleaner --help``)."""
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTED_BY_HELP, *argv], capture_output=True, text=True, check=True, timeout=60
    )
    assert "usage: cleaner" in done.stdout or "cleaner 0." in done.stdout or "usage: cleaner" in done.stderr
    assert done.stdout.rsplit("IMPORTED:", 1)[1].split() == []
