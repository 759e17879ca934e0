"""Property tests over hostile inputs (issue 15): ``clean``, ``clean_html``, the HTML
reader and the sample loaders raise nothing but the project's typed errors, stay
within their time budget, and never output text that is not in their input.

The inputs and checks live in ``tests/hostile_inputs.py``; ``benchmarks/fuzz.py``
runs the same checks on many more inputs (its last result is in docs/security.md).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hostile_inputs import (
    check_clean,
    check_clean_html,
    check_html_reader,
    check_samples,
    html_bytes,
    html_pages,
    jsonl_files,
    texts,
    tsv_files,
)
from hypothesis import given, settings

_SETTINGS = settings(derandomize=True, max_examples=30, deadline=None, database=None)


@_SETTINGS
@given(texts)
def test_clean_takes_any_text(text: str) -> None:
    check_clean(text)


@_SETTINGS
@given(html_pages)
def test_clean_html_takes_any_markup(html: str) -> None:
    check_clean_html(html)


@_SETTINGS
@given(html_bytes)
def test_clean_html_takes_any_bytes(html: bytes) -> None:
    check_clean_html(html)


@settings(derandomize=True, max_examples=40, deadline=None, database=None)
@given(html_pages | html_bytes)
def test_the_html_reader_takes_anything(html: str | bytes) -> None:
    check_html_reader(html)


@settings(derandomize=True, max_examples=40, deadline=None, database=None)
@given(tsv_files)
def test_the_tsv_loader_raises_sample_errors_only(content: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        check_samples(content, ".tsv", Path(folder))


@settings(derandomize=True, max_examples=40, deadline=None, database=None)
@given(jsonl_files)
def test_the_jsonl_loader_raises_sample_errors_only(content: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        check_samples(content, ".jsonl", Path(folder))
