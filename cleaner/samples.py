"""Labelled samples: pages whose segments carry labels, for training and evaluation.

Two forms, one loader (:func:`load_samples`):

* **TSV**, one file a page, easy to write and correct by hand: one segment a line,
  ``label<TAB>segment text``, in page order. Blank lines and lines starting with
  ``#`` are ignored, except header comments of the form ``# key: value`` before the
  first segment (``# site: example.com``, ``# custom-labels: caption, pull-quote``).
  When a page file stands beside it (``NAME.txt`` for ``NAME.labels.tsv`` or
  ``NAME.tsv``), the segments are located in that page text, in order, ignoring
  differences of white space; several segments may share one line of the page
  (a byline prefix followed by body text). Without a page file the page text is the
  segments joined by newlines.
* **JSONL**, one page a line: ``{"id": ..., "text": ..., "spans": [[start, end,
  label], ...]}`` plus optional ``site``, ``url``, ``dataset``, ``render`` and
  ``page_type``. Spans are character offsets into ``text``, in order, not
  overlapping, and cover every non-space character. ``.jsonl.gz`` is read too.

Both reject an unknown label, or a segment that is not in the page in order, with a
:class:`~cleaner.errors.SampleFormatError` naming the file and line.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .errors import SampleFilesError, SampleFormatError
from .labels import STANDARD_LABELS, Label, closest_label, is_valid_label_name

__all__ = [
    "LabelSpan",
    "LabelledPage",
    "iter_samples",
    "load_samples",
    "page_from_segments",
    "raise_sample_errors",
    "read_jsonl",
    "read_tsv",
    "sample_files",
    "write_jsonl",
    "write_tsv",
]

PathLike = str | os.PathLike[str]


@dataclass(frozen=True, slots=True)
class LabelSpan:
    """A labelled character span ``text[start:end]`` of a page."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class LabelledPage:
    """A page of raw text with labelled spans.

    Attributes:
        id: a name for the page (file name or record id).
        text: the raw page text.
        spans: labelled spans in page order, not overlapping.
        site: the site (domain) the page comes from, used to split data by site.
        meta: anything else the sample carried (url, dataset, render, page_type).
    """

    id: str
    text: str
    spans: tuple[LabelSpan, ...]
    site: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def labels(self) -> set[str]:
        """The labels used on this page."""
        return {s.label for s in self.spans}

    def segments(self) -> Iterator[tuple[str, str]]:
        """Yield ``(label, text)`` for each span, in page order."""
        for s in self.spans:
            yield s.label, self.text[s.start : s.end]

    def label_of(self, start: int, end: int, default: str = Label.JUNK) -> str:
        """Return the label covering most non-space characters of ``text[start:end]``."""
        counts: dict[str, int] = {}
        for s in self.spans:
            if s.end <= start:
                continue
            if s.start >= end:
                break
            lo, hi = max(s.start, start), min(s.end, end)
            n = sum(1 for ch in self.text[lo:hi] if not ch.isspace())
            counts[s.label] = counts.get(s.label, 0) + n
        if not counts:
            return default
        return max(counts.items(), key=lambda kv: kv[1])[0]

    def to_json(self) -> dict[str, Any]:
        """Return the JSONL record of this page."""
        record: dict[str, Any] = {"id": self.id}
        if self.site is not None:
            record["site"] = self.site
        record.update(self.meta)
        record["text"] = self.text
        record["spans"] = [[s.start, s.end, s.label] for s in self.spans]
        return record


def _check_label(label: str, allowed: Collection[str], path: str, line: int) -> None:
    if label in allowed:
        return
    near = closest_label(label, allowed)
    hint = f" (did you mean {near!r}?)" if near is not None else ""
    known = f"unknown label {label!r}{hint}; the labels are {', '.join(sorted(allowed))}. "
    declare = "A label of your own must be declared: a '# custom-labels: NAME' header in the file, or "
    raise SampleFormatError(
        path,
        line,
        known + declare + "custom_labels=[...] when loading.",
        cli_message=known + declare + "--custom-labels NAME on the command line.",
    )


def _allowed_labels(custom: Iterable[str], path: str, line: int | None) -> set[str]:
    allowed = set(STANDARD_LABELS)
    for name in custom:
        if not is_valid_label_name(name):
            raise SampleFormatError(path, line, f"custom label {name!r} must be lower-case letters, digits, '-' or '_'")
        allowed.add(name)
    return allowed


def page_from_segments(
    segments: Iterable[tuple[str, str]], *, id: str = "page", site: str | None = None
) -> LabelledPage:
    """Build a page from ``(label, text)`` pairs, joining the texts by newlines."""
    parts: list[str] = []
    spans: list[LabelSpan] = []
    pos = 0
    for label, text in segments:
        if parts:
            parts.append("\n")
            pos += 1
        spans.append(LabelSpan(pos, pos + len(text), label))
        parts.append(text)
        pos += len(text)
    return LabelledPage(id=id, text="".join(parts), spans=tuple(spans), site=site)


def _sibling_page(path: Path) -> Path | None:
    name = path.name
    for suffix in (".labels.tsv", ".tsv"):
        if name.endswith(suffix):
            candidate = path.with_name(name[: -len(suffix)] + ".txt")
            if candidate.is_file():
                return candidate
    return None


def _segment_pattern(segment: str) -> re.Pattern[str]:
    words = segment.split()
    return re.compile(r"\s*".join(re.escape(w) for w in words))


def read_tsv(path: PathLike, *, custom_labels: Collection[str] = (), page_text: str | None = None) -> LabelledPage:
    """Read one TSV sample; see the module docstring for the format.

    Args:
        path: the ``.tsv`` file.
        custom_labels: labels beyond the standard five that are allowed.
        page_text: the raw page text; by default read from ``NAME.txt`` beside the
            file where it exists.
    """
    p = Path(path)
    spath = str(p)
    try:
        raw = p.read_text(encoding="utf-8-sig")  # a byte-order mark is no part of the first label
    except UnicodeDecodeError as exc:
        raise SampleFormatError(spath, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    header: dict[str, str] = {}
    rows: list[tuple[int, str, str]] = []
    for lineno, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith("#"):
            if not rows:
                m = re.match(r"#\s*([\w-]+)\s*:\s*(.*)$", line)
                if m:
                    header[m.group(1).lower()] = m.group(2).strip()
            continue
        if "\t" not in line:
            raise SampleFormatError(spath, lineno, "expected 'label<TAB>segment text', found no tab")
        label, text = line.split("\t", 1)
        rows.append((lineno, label, text))
    declared = [x.strip() for x in header.get("custom-labels", "").split(",") if x.strip()]
    allowed = _allowed_labels([*custom_labels, *declared], spath, None)
    for lineno, label, text in rows:
        _check_label(label, allowed, spath, lineno)
        if not text.strip():
            raise SampleFormatError(spath, lineno, "empty segment text")
    site = header.pop("site", None)
    meta: dict[str, Any] = {k: v for k, v in header.items() if k != "custom-labels"}
    if declared:
        meta["custom_labels"] = declared
    if page_text is None:
        sibling = _sibling_page(p)
        if sibling is not None:
            # newline="": keep "\r\n" as it is, so offsets match the page file's characters
            with sibling.open(encoding="utf-8-sig", newline="") as fh:
                page_text = fh.read()
    if page_text is None:
        page = page_from_segments(((label, text) for _, label, text in rows), id=p.name, site=site)
        return LabelledPage(page.id, page.text, page.spans, site, meta)
    spans: list[LabelSpan] = []
    pos = 0
    for lineno, label, text in rows:
        m = _segment_pattern(text).search(page_text, pos)
        if m is None:
            raise SampleFormatError(spath, lineno, f"segment {text[:60]!r} is not in the page text after offset {pos}")
        skipped = page_text[pos : m.start()]
        if skipped.strip():
            raise SampleFormatError(
                spath,
                lineno,
                f"segment {text[:60]!r} is not next in the page: the page has "
                f"{skipped.strip()[:60]!r} before it, which no segment labels",
            )
        spans.append(LabelSpan(m.start(), m.end(), label))
        pos = m.end()
    if page_text[pos:].strip():
        raise SampleFormatError(
            spath, None, f"the page text goes on after the last segment: {page_text[pos:].strip()[:60]!r}"
        )
    return LabelledPage(id=p.name, text=page_text, spans=tuple(spans), site=site, meta=meta)


def _open_text(path: Path) -> IO[str]:
    # utf-8-sig: a byte-order mark that an editor put first is no part of the first record
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig")
    return path.open(encoding="utf-8-sig")


def _page_from_record(record: Any, spath: str, lineno: int, custom_labels: Collection[str]) -> LabelledPage:
    if not isinstance(record, dict):
        raise SampleFormatError(spath, lineno, "expected a JSON object")
    text = record.get("text")
    raw_spans = record.get("spans")
    if not isinstance(text, str):
        raise SampleFormatError(spath, lineno, "field 'text' must be a string")
    if not isinstance(raw_spans, list):
        raise SampleFormatError(spath, lineno, "field 'spans' must be a list of [start, end, label]")
    declared = record.get("custom_labels") or []
    if not isinstance(declared, list) or not all(isinstance(x, str) for x in declared):
        raise SampleFormatError(spath, lineno, "field 'custom_labels' must be a list of label names")
    allowed = _allowed_labels([*custom_labels, *declared], spath, lineno)
    spans: list[LabelSpan] = []
    pos = 0
    for item in raw_spans:
        if (
            not isinstance(item, list)
            or len(item) != 3
            or not isinstance(item[0], int)
            or not isinstance(item[1], int)
            or not isinstance(item[2], str)
        ):
            raise SampleFormatError(spath, lineno, f"span {item!r} is not [start, end, label]")
        start, end, label = item
        _check_label(label, allowed, spath, lineno)
        if start < pos or end <= start or end > len(text):
            raise SampleFormatError(spath, lineno, f"span {item!r} is out of order, empty or outside the text")
        if text[pos:start].strip():
            raise SampleFormatError(
                spath, lineno, f"text {text[pos:start].strip()[:60]!r} at offset {pos} has no label"
            )
        spans.append(LabelSpan(start, end, label))
        pos = end
    if text[pos:].strip():
        raise SampleFormatError(spath, lineno, f"text {text[pos:].strip()[:60]!r} at offset {pos} has no label")
    known = {"id", "text", "spans", "site"}
    meta = {k: v for k, v in record.items() if k not in known}
    site = record.get("site")
    return LabelledPage(
        id=str(record.get("id", f"{Path(spath).name}:{lineno}")),
        text=text,
        spans=tuple(spans),
        site=site if isinstance(site, str) else None,
        meta=meta,
    )


def read_jsonl(path: PathLike, *, custom_labels: Collection[str] = ()) -> Iterator[LabelledPage]:
    """Yield the pages of a JSONL (or ``.jsonl.gz``) sample file."""
    p = Path(path)
    spath = str(p)
    with _open_text(p) as fh:
        lineno = 0
        while True:
            try:
                line = fh.readline()
            except (UnicodeDecodeError, OSError, EOFError) as exc:
                raise SampleFormatError(spath, lineno + 1, f"cannot read: {exc}") from exc
            if not line:
                break
            lineno += 1
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SampleFormatError(spath, lineno, f"not valid JSON: {exc.msg}") from exc
            except RecursionError as exc:
                raise SampleFormatError(
                    spath, lineno, "not a sample: its JSON nests lists or objects thousands deep"
                ) from exc
            yield _page_from_record(record, spath, lineno, custom_labels)


def _is_jsonl(p: Path) -> bool:
    return p.name.endswith((".jsonl", ".jsonl.gz", ".json.gz", ".ndjson"))


def iter_samples(paths: Iterable[PathLike], *, custom_labels: Collection[str] = ()) -> Iterator[LabelledPage]:
    """Yield labelled pages from files and directories (searched for ``*.tsv`` and ``*.jsonl[.gz]``)."""
    for path in paths:
        p = Path(path)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and (f.name.endswith(".tsv") or _is_jsonl(f)))
            yield from iter_samples(files, custom_labels=custom_labels)
        elif not p.exists():
            raise SampleFormatError(str(p), None, "no such file or directory")
        elif _is_jsonl(p):
            yield from read_jsonl(p, custom_labels=custom_labels)
        elif p.name.endswith(".tsv"):
            yield read_tsv(p, custom_labels=custom_labels)
        else:
            raise SampleFormatError(str(p), None, "not a sample file: expected .tsv, .jsonl or .jsonl.gz")


def sample_files(paths: Iterable[PathLike]) -> list[Path]:
    """The sample files of ``paths``: files as given (a missing one too: reading it
    reports it), and the ``*.tsv`` and ``*.jsonl[.gz]`` files of folders, sorted."""
    out: list[Path] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and (f.name.endswith(".tsv") or _is_jsonl(f))))
        else:
            out.append(p)
    return out


def raise_sample_errors(errors: Sequence[SampleFormatError]) -> None:
    """Raise the error of a bad sample file, or one :class:`SampleFilesError` naming
    every bad file; nothing when there is none."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise SampleFilesError(errors)


def load_samples(*paths: PathLike, custom_labels: Collection[str] = ()) -> list[LabelledPage]:
    """Load labelled pages from TSV and JSONL files or directories of them.

    Every file is read even when one is bad, and every bad file is reported: one
    file's :class:`~cleaner.errors.SampleFormatError`, or a
    :class:`~cleaner.errors.SampleFilesError` listing each.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "p.tsv").write_text("headline\\tHello\\nbody\\tWorld.\\n")
    >>> [list(p.segments()) for p in load_samples(d / "p.tsv")]
    [[('headline', 'Hello'), ('body', 'World.')]]
    """
    pages: list[LabelledPage] = []
    errors: list[SampleFormatError] = []
    for f in sample_files(paths):
        try:
            pages.extend(iter_samples([f], custom_labels=custom_labels))
        except SampleFormatError as exc:
            errors.append(exc)
    raise_sample_errors(errors)
    return pages


def write_tsv(page: LabelledPage, path: PathLike) -> None:
    """Write a page as a TSV sample (segment texts with newlines and tabs folded to spaces)."""
    lines = []
    if page.site:
        lines.append(f"# site: {page.site}")
    custom = page.meta.get("custom_labels")
    if custom:
        lines.append(f"# custom-labels: {', '.join(custom)}")
    for label, text in page.segments():
        lines.append(f"{label}\t{' '.join(text.split())}")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_jsonl(pages: Iterable[LabelledPage], path: PathLike) -> int:
    """Write pages to a JSONL file (gzip-compressed if the name ends in ``.gz``); return the count."""
    p = Path(path)
    n = 0
    opener = gzip.open if p.suffix == ".gz" else open
    with opener(p, "wt", encoding="utf-8") as fh:
        for page in pages:
            fh.write(json.dumps(page.to_json(), ensure_ascii=False) + "\n")
            n += 1
    return n
