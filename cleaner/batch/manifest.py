"""``OUT/_manifest.jsonl``: the run's options, then one line a finished task, fsync'd;
what ``--resume`` reads to skip finished tasks (:class:`_Manifest`)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..config import CleanerConfig
from ..errors import BatchSetupError
from .files import _AtomicFile, _json_line, _leftover
from .lock import LOCK_FILE
from .options import BatchOptions
from .report import Failure, Skipped, TaskResult

MANIFEST_FILE = "_manifest.jsonl"


_MANIFEST_VERSION = 1


def _result_from_manifest(entry: dict[str, Any]) -> TaskResult:
    return TaskResult(
        int(entry["task"]),
        tuple(entry["inputs"]),
        int(entry["pages"]),
        int(entry["articles"]),
        tuple(Failure(**f) for f in entry["failures"]),
        float(entry.get("seconds", 0.0)),
        tuple(Skipped(**k) for k in entry.get("skipped", ())),
    )


class _Manifest:
    """``OUT/_manifest.jsonl``: a header with the run's options, then one line a finished task.

    Opened by the run that holds OUT's lock, so whatever else lies in OUT's top level
    as a leftover of a killed run (temporary files, a dead run's lock file, notes of
    stuck pages) belongs to no live run.
    """

    def __init__(self, out_dir: Path, header: dict[str, Any], *, resume: bool, retry_failed: bool = False) -> None:
        self.path = out_dir / MANIFEST_FILE
        self.done: dict[int, TaskResult] = {}  # finished tasks this run skips
        self.recorded: dict[int, TaskResult] = {}  # every task the manifest records
        if resume and self.path.exists():
            self._load(header, retry_failed)
        else:
            others = sorted(p.name for p in out_dir.iterdir() if not _leftover(p.name))
            if others:
                hint = (
                    "; it holds no manifest, so there is no run to resume"
                    if resume
                    else "; pass --resume to continue the run it holds"
                    if self.path.exists()
                    else ""
                )
                raise BatchSetupError(
                    f"the output directory {out_dir} is not empty (it holds {others[0]}{hint}); choose an empty one"
                )
            for p in out_dir.iterdir():
                if p.name != LOCK_FILE and p.is_file():
                    p.unlink(missing_ok=True)
            try:
                with _AtomicFile(self.path) as f:
                    f.write(json.dumps(header, sort_keys=True) + "\n")  # ASCII: names that are not UTF-8 stay escaped
            except OSError as exc:
                raise BatchSetupError(
                    f"cannot write the run's manifest {self.path}: {exc.strerror or exc}; nothing was cleaned "
                    "(free some space, or choose another output directory, and run again)"
                ) from exc
        try:
            self._f = open(self.path, "a", encoding="utf-8")
        except OSError as exc:
            raise BatchSetupError(f"cannot write the run's manifest {self.path}: {exc.strerror or exc}") from exc

    def _load(self, header: dict[str, Any], retry_failed: bool) -> None:
        with open(self.path, "rb") as f:
            data = f.read()
        good = data.rfind(b"\n") + 1
        if good < len(data):  # a line torn by a kill: its task is redone
            with open(self.path, "r+b") as f:
                f.truncate(good)
        lines = data[:good].decode("utf-8", errors="replace").splitlines()
        if not lines:
            raise BatchSetupError(f"{self.path} is empty; remove the output directory and start again")
        try:
            old = json.loads(lines[0])
            entries = [json.loads(line) for line in lines[1:]]
        except json.JSONDecodeError as exc:
            raise BatchSetupError(
                f"{self.path} is corrupt ({exc}); remove the output directory and start again"
            ) from exc
        if old.get("model_sha256") != header.get("model_sha256") and "model_sha256" in old:
            raise BatchSetupError(
                f"--resume with another model file than the run in {self.path.parent} began with "
                f"({header.get('model')}: sha256 {old['model_sha256'][:12]}... then, "
                f"{str(header.get('model_sha256'))[:12]}... now): its outputs would mix two models; "
                "resume with that model file, or start again into a new output directory"
            )
        if old != header:
            diff = sorted(k for k in set(old) | set(header) if old.get(k) != header.get(k))
            raise BatchSetupError(
                f"--resume with other options than the run in {self.path.parent} "
                f"(differing: {', '.join(diff)}); use the same options or a new output directory"
            )
        for e in entries:
            r = _result_from_manifest(e)
            self.recorded[r.index] = r
        self.done = {i: r for i, r in self.recorded.items() if not (retry_failed and r.failures)}

    def append(self, result: TaskResult) -> None:
        self._f.write(_json_line(result.to_manifest()))
        self._f.flush()
        os.fsync(self._f.fileno())
        self.done[result.index] = result
        self.recorded[result.index] = result

    def close(self) -> None:
        self._f.close()


def _header(options: BatchOptions, model: str | None, model_sha256: str, config: CleanerConfig) -> dict[str, Any]:
    from .. import __version__

    cfg = {
        k: (v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in ((name, getattr(config, name)) for name in config.__slots__)
    }
    return {
        "cleaner_batch": _MANIFEST_VERSION,
        "cleaner_version": __version__,
        "format": options.format,
        **({"main_only": True} if options.main_only else {}),  # absent otherwise: older manifests resume
        "batch_size": options.batch_size,
        "include": list(options.include),
        "exclude": list(options.exclude),
        "model": model,
        "model_sha256": model_sha256,
        "config": cfg,
    }
