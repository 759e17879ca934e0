"""Pre-labelling pages as TSV samples, and the review page with its editor.

Uses the retraining demo pages in corpus/retrain_demo/ (no ../shared needed). The
editor test drives the review page in headless Chromium and is skipped where no
Chromium is installed.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cleaner.api import Cleaner
from cleaner.cli import main
from cleaner.document import CleanResult
from cleaner.errors import InputTypeError
from cleaner.labelling import predict_page, prelabel, review_html, write_labelled
from cleaner.samples import LabelledPage, LabelSpan, read_tsv

DEMO = Path(__file__).resolve().parent.parent / "corpus" / "retrain_demo"
PAGE = DEMO / "heldout" / "almanac-06.txt"


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner()


def test_prelabel_matches_clean_segments(cleaner: Cleaner) -> None:
    text = PAGE.read_text(encoding="utf-8")
    page = prelabel(text, cleaner, id="p", site="s.example")
    segments = cleaner.clean(text).segments
    assert [(s.start, s.end, s.label) for s in page.spans] == [(s.start, s.end, s.label) for s in segments]
    assert page.site == "s.example"
    pred = predict_page(text, cleaner)
    best = 0
    for seg, probs in zip(pred.segments, pred.probabilities, strict=True):
        assert set(probs) == set(cleaner.model.labels)
        assert abs(sum(probs.values()) - 1) < 1e-3
        best += probs[seg.label] == max(probs.values())
    # a segment's label is mostly its units' best label; decoding overrides a few (this
    # page's title, body 0.68 alone, is the headline of the body run it opens)
    assert best >= 0.8 * len(pred.segments)


def test_write_labelled_reads_back_and_keeps_corrections(tmp_path: Path, cleaner: Cleaner) -> None:
    text = "Title here\r\n\r\nBy Someone | May 1, 2025\n\tA body\tline with a tab.  \n"
    page = prelabel(text, cleaner, id="x")
    tsv = write_labelled(page, tmp_path, "x")
    assert tsv.name == "x.labels.tsv" and (tmp_path / "x.txt").read_bytes() == text.encode()
    back = read_tsv(tsv)
    assert back.text == text  # read_tsv keeps the page file's line ends, so offsets match it
    assert [s.label for s in back.spans] == [s.label for s in page.spans]
    assert tsv.read_text(encoding="utf-8").startswith("# Labels drafted by the model")
    with pytest.raises(FileExistsError):
        write_labelled(page, tmp_path, "x")


def test_review_html_is_self_contained_and_shows_every_segment(cleaner: Cleaner) -> None:
    text = PAGE.read_text(encoding="utf-8")
    pred = predict_page(text, cleaner)
    out = review_html(pred, name="almanac-06")
    assert out.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", out), "the page must not load anything"
    assert out.count('class="seg') == len(pred.segments)
    for label in cleaner.model.labels:
        assert f'class="key" data-label="{label}"' in out
    shown = re.sub(r"<[^>]+>", "", out.split('<div id="page">', 1)[1].split("</div>", 1)[0])
    assert html.unescape(shown) == text  # the page text, all of it, in order
    assert re.search(r'title="#0 \w[\w-]* \d\.\d\d', out), "probabilities in the tooltips"


def test_review_html_escapes_page_text() -> None:
    text = "</script><script>alert(1)</script>\n<b>bold</b> & more"
    page = LabelledPage("p", text, (LabelSpan(0, 35, "junk"), LabelSpan(36, len(text), "caption")))
    out = review_html(page)
    shown = out.split('<div id="page">', 1)[1].split('<script type="application/json"', 1)[0]
    assert "&lt;script&gt;alert(1)" in shown and "<script" not in shown and "<b>" not in shown
    assert 'data-label="caption"' in out  # a custom label gets a colour and a key
    assert out.count("</script>") == 2  # the data block and the editor only


def test_review_html_of_a_clean_result(cleaner: Cleaner) -> None:
    result = cleaner.clean(PAGE.read_text(encoding="utf-8"))
    assert isinstance(result, CleanResult)
    out = review_html(result)
    assert out.count('class="seg') == len(result.segments)
    with pytest.raises(InputTypeError):
        review_html("not a page")  # type: ignore[arg-type]


def test_cli_label_then_review(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "samples"
    pages = [str(PAGE), str(DEMO / "heldout" / "almanac-07.txt")]
    assert main(["label", *pages, "-o", str(out), "--site", "a.b"]) == 0
    tsvs = sorted(out.glob("*.labels.tsv"))
    assert [t.name for t in tsvs] == ["almanac-06.labels.tsv", "almanac-07.labels.tsv"]
    assert read_tsv(tsvs[0]).site == "a.b"
    # a second run does not overwrite (the TSVs may hold corrections)
    assert main(["label", str(PAGE), "-o", str(out)]) == 1
    assert "exists" in capsys.readouterr().err
    assert main(["review", str(tsvs[0])]) == 0
    assert (out / "almanac-06.review.html").is_file()
    assert main(["review", str(PAGE), "-o", str(tmp_path / "r.html")]) == 0
    assert "unsure" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_cli_review_reports_a_bad_tsv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.labels.tsv"
    bad.write_text("headline\tA title\nBody\tSome text.\n", encoding="utf-8")
    assert main(["review", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2" in err and "did you mean 'body'" in err


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(_chromium() is None, reason="no Chromium installed (apt-get install chromium)")
def test_editor_in_headless_chromium_saves_corrected_tsv(tmp_path: Path, cleaner: Cleaner) -> None:
    """Click segments and label buttons in a real browser; the TSV it builds reads back."""
    text = PAGE.read_text(encoding="utf-8")
    draft = prelabel(text, cleaner, id="almanac-06", site="riverside-almanac.example")
    (tmp_path / "page.html").write_text(review_html(draft, name="almanac-06"), encoding="utf-8")
    # relabel three segments by index, as a person would by clicking
    edits = {0: "body", 1: "byline", 3: "headline"}
    fragment = ",".join(f"{i}:{label}" for i, label in edits.items())
    chromium = _chromium()
    assert chromium is not None
    proc = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            (tmp_path / "page.html").as_uri() + "#apply=" + fragment,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    m = re.search(r'<textarea id="tsv"[^>]*>(.*?)</textarea>', proc.stdout, re.S)
    assert m, proc.stdout[:2000]
    tsv = html.unescape(m.group(1))
    assert tsv.startswith("# site: riverside-almanac.example\n")
    sample = tmp_path / "almanac-06.labels.tsv"
    sample.write_text(tsv, encoding="utf-8")
    (tmp_path / "almanac-06.txt").write_text(text, encoding="utf-8")
    page = read_tsv(sample)  # checked against the page text
    expected = [edits.get(i, s.label) for i, s in enumerate(draft.spans)]
    assert [s.label for s in page.spans] == expected
    changed = sum(1 for i, label in edits.items() if draft.spans[i].label != label)
    assert re.search(rf'id="changed">{changed} changed<', proc.stdout)


def test_cli_label_that_refuses_gives_no_train_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "samples"
    assert main(["label", str(PAGE), "-o", str(out)]) == 0
    assert "then `cleaner train" in capsys.readouterr().err
    assert main(["label", str(PAGE), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "exists" in err and "--force" in err
    assert "cleaner train" not in err and "Correct the labels" not in err
