"""Discovery: the inputs of a batch run, found by name in a fixed order (:func:`discover`).

The input tree is walked recursively in sorted order and filtered by include and
exclude globs. Inputs are recognised by name (:func:`input_kind`): ``.txt``, ``.md``
(``.markdown``), ``.html``, ``.htm``, their ``.gz`` forms, and WARC or WET files. An
input whose output in a mirroring format would bear a directory's name is yielded as
:attr:`InputKind.CLASH`.
"""

from __future__ import annotations

import enum
import fnmatch
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path


class InputKind(enum.StrEnum):
    """How an input file is read."""

    TEXT = "text"
    HTML = "html"
    WARC = "warc"
    UNLISTABLE = "unlistable"
    """A directory that discovery could not list; reported as a failure."""
    CLASH = "clash"
    """An input whose output (``-f text/markdown/json``) would have the name of a
    directory of outputs; reported as a failure (:class:`cleaner.errors.OutputClashError`)."""


# Checked in order; the first suffix that matches wins.
_SUFFIXES: tuple[tuple[str, InputKind], ...] = (
    (".warc", InputKind.WARC),
    (".warc.gz", InputKind.WARC),
    (".wet", InputKind.WARC),
    (".wet.gz", InputKind.WARC),
    (".txt", InputKind.TEXT),
    (".txt.gz", InputKind.TEXT),
    (".md", InputKind.TEXT),  # text in Markdown (cleaner.markdown_text reads it)
    (".md.gz", InputKind.TEXT),
    (".markdown", InputKind.TEXT),
    (".html", InputKind.HTML),
    (".htm", InputKind.HTML),
    (".html.gz", InputKind.HTML),
    (".htm.gz", InputKind.HTML),
)


def input_kind(name: str) -> InputKind | None:
    """The kind of input a file name says, or None for a file batch runs ignore.

    >>> input_kind("crawl/CC-MAIN-0001.warc.wet.gz"), input_kind("a.HTM"), input_kind("a.pdf")
    (<InputKind.WARC: 'warc'>, <InputKind.HTML: 'html'>, None)
    >>> input_kind("jina/page.md")
    <InputKind.TEXT: 'text'>
    """
    lower = name.lower()
    for suffix, kind in _SUFFIXES:
        if lower.endswith(suffix):
            return kind
    return None


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input of a batch run.

    Attributes:
        path: the path relative to the input directory, with ``/`` separators.
        kind: how it is read.
        error: for :attr:`InputKind.UNLISTABLE` and :attr:`InputKind.CLASH`, what is wrong.
    """

    path: str
    kind: InputKind
    error: str | None = None


def _matches(rel: str, patterns: Sequence[str]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(rel, p) or ("/" not in p and fnmatch.fnmatchcase(name, p)) for p in patterns)


def discover(
    root: str | Path,
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    skip: str | Path | None = None,
    output_format: str | None = None,
) -> Iterator[InputFile]:
    """Yield the inputs under ``root``, recursively and lazily, in a fixed order.

    The order: a directory's files sorted by name, then its subdirectories, each
    walked the same way, sorted by name.

    Args:
        root: the input directory.
        include: shell globs; when given, only inputs matching one are kept.
        exclude: shell globs; inputs matching one are dropped.
        skip: a directory not to descend into (the output directory, when it lies
            inside ``root``).
        output_format: the run's output format; for the formats that mirror the
            input tree, an input whose output would have the name of a sibling
            directory (``x.txt`` -> ``x.txt.md`` beside a directory ``x.txt.md/``)
            is yielded as :attr:`InputKind.CLASH`, so that it fails alone and the
            same way in every run.

    A glob with a ``/`` is matched against the path relative to ``root`` (``*`` also
    matches ``/``, so ``drafts/*`` is everything under ``drafts``); a glob without one
    is matched against the file name too (``*.html``). Only files whose names
    :func:`input_kind` recognises are inputs.
    """
    root = Path(root)
    skip_path = None if skip is None else os.path.realpath(skip)
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        while errors:
            exc = errors.pop()
            rel = Path(exc.filename or dirpath).relative_to(root).as_posix()
            yield InputFile(rel, InputKind.UNLISTABLE, f"cannot list the directory: {exc.strerror}")
        dirnames.sort()
        if skip_path is not None:
            dirnames[:] = [d for d in dirnames if os.path.realpath(os.path.join(dirpath, d)) != skip_path]
        reldir = Path(dirpath).relative_to(root).as_posix()
        subdirs = frozenset(dirnames)
        for name in sorted(filenames):
            kind = input_kind(name)
            if kind is None:
                continue
            rel = name if reldir == "." else f"{reldir}/{name}"
            if include and not _matches(rel, include):
                continue
            if exclude and _matches(rel, exclude):
                continue
            mirror = _mirror_name(name, kind, output_format)
            if mirror is not None and mirror in subdirs:
                yield InputFile(
                    rel,
                    InputKind.CLASH,
                    f"its output {mirror} would have the name of the directory {mirror}/ beside it, whose "
                    "outputs go to a directory of that name; rename one of them, or write -f jsonl",
                )
                continue
            yield InputFile(rel, kind)
    while errors:  # the root itself could not be listed
        exc = errors.pop()
        yield InputFile(".", InputKind.UNLISTABLE, f"cannot list the directory: {exc.strerror}")


_MIRROR_SUFFIX = {"text": ".txt", "markdown": ".md", "json": ".json"}


def _mirror_name(name: str, kind: InputKind, output_format: str | None) -> str | None:
    """The name of an input's own output file in a mirroring format, or None (JSON Lines parts)."""
    if output_format is None or output_format not in _MIRROR_SUFFIX:
        return None
    return name + (".jsonl" if kind is InputKind.WARC else _MIRROR_SUFFIX[output_format])


@dataclass(frozen=True, slots=True)
class Task:
    """A numbered group of inputs that one worker cleans into one output unit.

    ``skip`` holds the positions of inputs that crashed a worker process when cleaned
    alone (see :func:`_isolate`): they are reported as failures, not read.
    """

    index: int
    inputs: tuple[InputFile, ...]
    skip: frozenset[int] = frozenset()


def _tasks(inputs: Iterable[InputFile], batch_size: int) -> Iterator[Task]:
    index = 0
    group: list[InputFile] = []
    for item in inputs:
        if item.kind is InputKind.WARC:
            if group:
                yield Task(index, tuple(group))
                index += 1
                group = []
            yield Task(index, (item,))
            index += 1
            continue
        group.append(item)
        if len(group) >= batch_size:
            yield Task(index, tuple(group))
            index += 1
            group = []
    if group:
        yield Task(index, tuple(group))
