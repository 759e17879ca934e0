"""The files of a batch run's output directory: atomic writes (:class:`_AtomicFile`),
JSON lines that keep undecodable file names, and the names of the leftovers a killed
run leaves (temporary files, notes of stuck pages), removed by the next run."""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from .lock import LOCK_FILE

_TMP_SUFFIX = ".cleaner-tmp"


# Notes of pages that held a worker process past their budget (cleaner.batch.watchdog);
# kept across --resume (unlike temporary files), removed once their task is recorded.
_STUCK_PREFIX = ".stuck-"


_STUCK_SUFFIX = ".cleaner-stuck"


def _stuck_marker(out_dir: str | Path, index: int) -> Path:
    return Path(out_dir) / f"{_STUCK_PREFIX}{index:05d}{_STUCK_SUFFIX}"


class _AtomicFile:
    """A text file written under a temporary name and renamed into place on commit.

    ``guard``, when given, is called just before the rename and may raise to keep the
    file out (a worker whose run no longer holds the output directory).
    """

    def __init__(self, path: Path, guard: Callable[[], None] | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.guard = guard
        self.tmp = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}{_TMP_SUFFIX}")
        self._f = open(self.tmp, "w", encoding="utf-8", newline="\n")

    def write(self, text: str) -> None:
        self._f.write(text)

    def commit(self) -> None:
        self._f.flush()
        os.fsync(self._f.fileno())
        self._f.close()
        if self.guard is not None:
            self.guard()
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        try:
            self._f.close()  # may fail to flush on a full disk: the file goes anyway
        except OSError:
            pass
        finally:
            self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> _AtomicFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            try:
                self.commit()
            except BaseException:
                self.discard()
                raise
        else:
            self.discard()


_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_line(obj: Any) -> str:
    """One line of JSON, UTF-8-safe: a file name that is not UTF-8 holds lone surrogates
    (Python's ``surrogateescape``), written as ``\\udcXX`` escapes, so that
    ``os.fsencode(json.loads(line)["path"])`` gives the name's bytes back."""
    line = json.dumps(obj, ensure_ascii=False)
    if _SURROGATE.search(line) is not None:
        line = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", line)
    return line + "\n"


def _leftover(name: str) -> bool:
    """Whether a top-level name in OUT is a leftover of a run, no output."""
    return (
        name == LOCK_FILE
        or (name.startswith(".") and name.endswith(_TMP_SUFFIX))
        or (name.startswith(_STUCK_PREFIX) and name.endswith(_STUCK_SUFFIX))
    )


def _remove_temp_files(out_dir: Path) -> None:
    for dirpath, _dirs, files in os.walk(out_dir):
        for name in files:
            if name.startswith(".") and name.endswith(_TMP_SUFFIX):
                Path(dirpath, name).unlink(missing_ok=True)


def _remove_stuck_notes(out_dir: Path, keep: Callable[[int], bool]) -> None:
    """Remove the notes of stuck pages of the tasks ``keep`` does not keep."""
    for p in out_dir.glob(f"{_STUCK_PREFIX}*{_STUCK_SUFFIX}"):
        number = p.name[len(_STUCK_PREFIX) : -len(_STUCK_SUFFIX)]
        if not (number.isdigit() and keep(int(number))):
            p.unlink(missing_ok=True)
