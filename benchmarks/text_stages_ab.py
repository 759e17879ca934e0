"""Segmenting and featurizing of two checkouts, in one process, interleaved: CPU time per page.

    python benchmarks/text_stages_ab.py --base ../wt/NAME-base [--rounds 7] [--pages FILE] [--clean-many]

Loads ``split_units`` and ``featurize`` from this checkout and from the checkout at
``--base`` (its ``cleaner`` package imported under another name), and times both over
the typical pages (8-12 KB of text, as ``benchmarks/stages.py`` picks them from
``corpus/training/test.jsonl.gz``): in chunks of 10 pages, old and new one after the
other, ``--rounds`` times; each chunk's best round counts (CPU time,
``time.process_time``), which keeps out most of what other processes on the machine
do. It checks that both give the same units and the same features, bit for bit, on
those pages, and prints milliseconds per page and the ratios. ``--clean-many`` also
times ``Cleaner.clean_many`` of each checkout (its own shipped model) over all the
pages, alternately, ``--rounds`` times (the best round counts): the effect on the
whole of cleaning.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner.pipeline import featurize as new_featurize  # noqa: E402
from cleaner.pipeline import segment as new_segment  # noqa: E402
from cleaner.samples import read_jsonl  # noqa: E402

_CHUNK = 10


def _load_base(base: Path) -> tuple[Any, Any]:
    """The segment and featurize modules of the checkout at ``base`` (its package is
    ``cleaner_base``)."""
    if not (base / "cleaner" / "pipeline" / "featurize.py").is_file():
        raise SystemExit(f"{base} is not a checkout of cleaner (no cleaner/pipeline/featurize.py)")
    alias = Path(tempfile.mkdtemp(prefix="cleaner-ab-"))
    (alias / "cleaner_base").symlink_to(base.resolve() / "cleaner", target_is_directory=True)
    sys.path.insert(0, str(alias))
    return importlib.import_module("cleaner_base.pipeline.segment"), importlib.import_module(
        "cleaner_base.pipeline.featurize"
    )


def _same_features(a: Any, b: Any) -> bool:
    if a.numeric.tobytes() != b.numeric.tobytes() or a.line.tobytes() != b.line.tobytes():
        return False
    return all(getattr(a.words, f).tobytes() == getattr(b.words, f).tobytes() for f in ("indptr", "indices", "data"))


def _fields(units: list[Any]) -> list[tuple[Any, ...]]:
    return [(u.start, u.end, u.line, u.first, u.last, u.separate) for u in units]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", type=Path, required=True, help="the other checkout (the old code)")
    ap.add_argument("--pages", type=Path, default=ROOT / "corpus" / "training" / "test.jsonl.gz")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--clean-many", action="store_true", help="time Cleaner.clean_many of both too")
    args = ap.parse_args()
    old_segment, old_featurize = _load_base(args.base)
    texts = [p.text for p in read_jsonl(args.pages) if 8000 <= len(p.text.encode("utf-8")) <= 12000]
    old_units = [old_segment.split_units(t) for t in texts]
    new_units = [new_segment.split_units(t) for t in texts]
    same_units = all(_fields(a) == _fields(b) for a, b in zip(old_units, new_units, strict=True))
    same_features = all(
        _same_features(old_featurize.featurize(t, a), new_featurize.featurize(t, b))
        for t, a, b in zip(texts, old_units, new_units, strict=True)
    )
    jobs: dict[str, Callable[[list[int]], object]] = {
        "split_units old": lambda ix: [old_segment.split_units(texts[i]) for i in ix],
        "split_units new": lambda ix: [new_segment.split_units(texts[i]) for i in ix],
        "featurize old": lambda ix: [old_featurize.featurize(texts[i], old_units[i]) for i in ix],
        "featurize new": lambda ix: [new_featurize.featurize(texts[i], new_units[i]) for i in ix],
    }
    chunks = [list(range(i, min(i + _CHUNK, len(texts)))) for i in range(0, len(texts), _CHUNK)]
    best = {name: [float("inf")] * len(chunks) for name in jobs}
    for _ in range(args.rounds):
        for c, ix in enumerate(chunks):
            for name, job in jobs.items():
                start = time.process_time()
                job(ix)
                best[name][c] = min(best[name][c], time.process_time() - start)
    ms = {name: sum(times) / len(texts) * 1000 for name, times in best.items()}
    print(f"{len(texts)} typical pages, best of {args.rounds} rounds per chunk of {_CHUNK}: CPU ms per page")
    for name, value in ms.items():
        print(f"  {name:<16} {value:6.3f}")
    old = ms["split_units old"] + ms["featurize old"]
    new = ms["split_units new"] + ms["featurize new"]
    print(
        f"  ratio new/old: split_units {ms['split_units new'] / ms['split_units old']:.2f}, "
        f"featurize {ms['featurize new'] / ms['featurize old']:.2f}, both {new / old:.2f} ({old:.3f} -> {new:.3f} ms)"
    )
    print(f"  same units: {same_units}; same features (bit for bit): {same_features}")
    if args.clean_many:
        _time_clean_many(texts, args.rounds)
    return 0 if same_units and same_features else 1


def _time_clean_many(texts: list[str], rounds: int) -> None:
    from cleaner import Cleaner

    old_cleaner = importlib.import_module("cleaner_base").Cleaner()
    new_cleaner = Cleaner()
    old_cleaner.clean_many(texts[:20])  # the models loaded, caches warm
    new_cleaner.clean_many(texts[:20])
    best = {"old": float("inf"), "new": float("inf")}
    for _ in range(rounds):
        for name, cleaner in (("old", old_cleaner), ("new", new_cleaner)):
            start = time.process_time()
            cleaner.clean_many(texts)
            best[name] = min(best[name], time.process_time() - start)
    old, new = (best[k] / len(texts) * 1000 for k in ("old", "new"))
    print(f"  clean_many (whole cleaning, best of {rounds}): {old:.3f} -> {new:.3f} CPU ms per page ({new / old:.2f})")


if __name__ == "__main__":
    raise SystemExit(main())
