"""Check that speed work leaves cleaner's outputs unchanged.

    python benchmarks/equivalence.py snapshot [--out /tmp/cleaner-equivalence.pkl]
    python benchmarks/equivalence.py check    [--out /tmp/cleaner-equivalence.pkl]

``snapshot`` runs the current code over the pages of ``corpus/training/test.jsonl.gz``,
``corpus/seed/*.txt``, ``corpus/gold/*.txt`` and a few edge cases, and saves per page:
the units, ``featurize()``'s numeric and hashed-word matrices, the model's
probabilities (one page at a time and in batches, as ``clean_many`` does), the
segments and articles built from them, and the full ``clean()`` result.

``check`` recomputes everything from the *stored units* and compares: numeric
features within 1e-9, word matrices with identical indices and data within 1e-12,
probabilities within 1e-9, segment labels and offsets identical, confidences within
1e-9, articles identical. Using the stored units keeps changes to segmentation
(``cleaner/segment.py``) out of the comparison; the full ``clean()`` results, which
do depend on it (and on ``cleaner/decode.py``), are compared too but reported apart,
with a note when those files changed since the snapshot.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner import Cleaner  # noqa: E402
from cleaner.pipeline.featurize import featurize  # noqa: E402
from cleaner.pipeline.read import Page  # noqa: E402
from cleaner.pipeline.segment import Unit  # noqa: E402
from cleaner.samples import read_jsonl  # noqa: E402

DEFAULT_OUT = Path("/tmp/cleaner-equivalence.pkl")
# Files owned by others whose changes can alter full clean() results.
_OTHER_FILES = ("cleaner/segment.py", "cleaner/decode.py", "cleaner/bylines.py")
_BATCH = 64

_EDGE_CASES = [
    "",
    "\n\n  \n",
    "a",
    "Hello",
    "By Jane Doe",
    "x" * 3000,
    " ".join(["word"] * 400),
    "Title here\nBy Jane Doe | June 9, 2025 10:30 am\n" + "The council met on Monday. " * 30,
    "Lone surrogate \ud800 in text\nAnd another line with \udfff here.\nÇa va très bien, merci. 2024-05-01",
    "Related coverage:\nFirst title of a thing here\nSecond title of a thing here\n© 2024 All rights reserved",
    "UPPER CASE LINE HERE\n- bullet one\n• bullet two\n... ellipsis…\nhttp://example.com www.x.com a@b.c",
]


def _pages() -> list[tuple[str, str]]:
    pages = [(f"test:{p.id}", p.text) for p in read_jsonl(ROOT / "corpus" / "training" / "test.jsonl.gz")]
    for folder in ("seed", "gold"):
        for path in sorted((ROOT / "corpus" / folder).glob("*.txt")):
            if path.name == "ids.txt":
                continue
            pages.append((f"{folder}:{path.name}", path.read_text(encoding="utf-8")))
    pages.extend((f"edge:{i}", t) for i, t in enumerate(_EDGE_CASES))
    return pages


def _file_hashes() -> dict[str, str]:
    return {f: hashlib.sha256((ROOT / f).read_bytes()).hexdigest() for f in _OTHER_FILES}


def _unit_tuples(units: list[Unit]) -> list[tuple[int, int, int, bool, bool, bool]]:
    return [(u.start, u.end, u.line, u.first, u.last, u.separate) for u in units]


def _segments(segs: Any) -> list[tuple[int, int, str, float]]:
    return [(s.start, s.end, s.label, s.confidence) for s in segs]


def _compute(cleaner: Cleaner, pages: list[tuple[str, str]], stored_units: list[list[Unit]] | None) -> list[dict]:
    out: list[dict] = []
    for k, (pid, text) in enumerate(pages):
        units = cleaner._segment(Page(text)) if stored_units is None else stored_units[k]
        rec: dict[str, Any] = {"id": pid, "units": _unit_tuples(units)}
        if units:
            f = featurize(text, units)
            w = f.words
            rec["numeric"] = f.numeric
            rec["line"] = f.line
            rec["words"] = (w.shape, w.indptr.copy(), w.indices.copy(), w.data.copy())
            proba = cleaner.model.estimator.predict_proba_features([f])
            rec["proba"] = proba
            rec["segments"] = _segments(cleaner.segments(text, units, proba))
            rec["articles"] = [a.to_dict() for a in cleaner._finish(Page(text), units, proba, cleaner.model).articles]
        else:
            rec["proba"] = np.zeros((0, len(cleaner._classes)))
            rec["segments"] = []
            rec["articles"] = []
        out.append(rec)
    # batched probabilities, as clean_many computes them
    for i in range(0, len(pages), _BATCH):
        chunk = [(pages[k][1], out[k]) for k in range(i, min(i + _BATCH, len(pages)))]
        feats = [featurize(text, [Unit(*t) for t in rec["units"]]) for text, rec in chunk if rec["units"]]
        proba = cleaner.model.estimator.predict_proba_features(feats)
        pos = 0
        for _text, rec in chunk:
            n = len(rec["units"])
            rec["proba_batch"] = proba[pos : pos + n]
            pos += n
    return out


def _full_clean(cleaner: Cleaner, pages: list[tuple[str, str]]) -> tuple[list[dict], list[dict]]:
    singles = [cleaner.clean(text).to_dict() for _pid, text in pages]
    many = [r.to_dict() for r in cleaner.clean_many([t for _pid, t in pages])]
    return singles, many


def snapshot(out_path: Path) -> int:
    pages = _pages()
    cleaner = Cleaner()
    t0 = time.perf_counter()
    recs = _compute(cleaner, pages, None)
    singles, many = _full_clean(cleaner, pages)
    blob = {"pages": pages, "records": recs, "clean": singles, "clean_many": many, "files": _file_hashes()}
    out_path.write_bytes(pickle.dumps(blob, protocol=pickle.HIGHEST_PROTOCOL))
    n_units = sum(len(r["units"]) for r in recs)
    print(f"snapshot of {len(pages)} pages, {n_units} units, in {time.perf_counter() - t0:.1f} s -> {out_path}")
    return 0


def _close(a: np.ndarray, b: np.ndarray, tol: float) -> bool:
    return a.shape == b.shape and (a.size == 0 or float(np.max(np.abs(a - b))) <= tol)


def _cmp_segments(a: list, b: list, tol: float) -> bool:
    if len(a) != len(b):
        return False
    return all(x[:3] == y[:3] and abs(x[3] - y[3]) <= tol for x, y in zip(a, b, strict=True))


def _cmp_clean(a: dict, b: dict, tol: float) -> bool:
    sa = [(s["start"], s["end"], s["label"], s["confidence"], s["text"]) for s in a["segments"]]
    sb = [(s["start"], s["end"], s["label"], s["confidence"], s["text"]) for s in b["segments"]]
    if len(sa) != len(sb):
        return False
    for x, y in zip(sa, sb, strict=True):
        if x[:3] != y[:3] or x[4] != y[4] or abs(x[3] - y[3]) > tol:
            return False
    return bool(a["articles"] == b["articles"])


def check(out_path: Path) -> int:
    blob = pickle.loads(out_path.read_bytes())
    pages = blob["pages"]
    old = blob["records"]
    cleaner = Cleaner()
    t0 = time.perf_counter()
    new = _compute(cleaner, pages, [[Unit(*t) for t in r["units"]] for r in old])
    bad: dict[str, list[str]] = {}
    worst = {"numeric": 0.0, "words_data": 0.0, "proba": 0.0, "proba_batch": 0.0}

    def fail(what: str, pid: str) -> None:
        bad.setdefault(what, []).append(pid)

    for o, n in zip(old, new, strict=True):
        pid = o["id"]
        if not o["units"]:
            if n["segments"] or n["articles"]:
                fail("empty page output", pid)
            continue
        if not _close(o["numeric"], n["numeric"], 1e-9):
            fail("numeric", pid)
        if o["numeric"].shape == n["numeric"].shape and o["numeric"].size:
            worst["numeric"] = max(worst["numeric"], float(np.max(np.abs(o["numeric"] - n["numeric"]))))
        if not np.array_equal(o["line"], n["line"]):
            fail("line", pid)
        (shape_o, ip_o, ix_o, d_o), (shape_n, ip_n, ix_n, d_n) = o["words"], n["words"]
        if shape_o != shape_n or not np.array_equal(ip_o, ip_n) or not np.array_equal(ix_o, ix_n):
            fail("words structure", pid)
        elif not _close(d_o, d_n, 1e-12):
            fail("words data", pid)
        else:
            worst["words_data"] = max(worst["words_data"], float(np.max(np.abs(d_o - d_n), initial=0.0)))
        for key in ("proba", "proba_batch"):
            if not _close(o[key], n[key], 1e-9):
                fail(key, pid)
            elif o[key].size:
                worst[key] = max(worst[key], float(np.max(np.abs(o[key] - n[key]))))
        if not _cmp_segments(o["segments"], n["segments"], 1e-9):
            fail("segments", pid)
        if o["articles"] != n["articles"]:
            fail("articles", pid)

    n_units = sum(len(r["units"]) for r in old)
    print(f"compared {len(pages)} pages, {n_units} units (from the stored units) in {time.perf_counter() - t0:.1f} s")
    print("largest differences: " + ", ".join(f"{k} {v:.2e}" for k, v in worst.items()))
    for what, pids in bad.items():
        print(f"  DIFFERENT {what}: {len(pids)} pages, e.g. {pids[:5]}")
    strict_ok = not bad
    verdict = "IDENTICAL" if strict_ok else "DIFFERENT"
    print(f"features, probabilities, segments and articles from stored units: {verdict}")

    singles, many = _full_clean(cleaner, pages)
    diff_single = [p[0] for p, a, b in zip(pages, blob["clean"], singles, strict=True) if not _cmp_clean(a, b, 1e-9)]
    diff_many = [p[0] for p, a, b in zip(pages, blob["clean_many"], many, strict=True) if not _cmp_clean(a, b, 1e-9)]
    diff_mix = [p[0] for p, a, b in zip(pages, singles, many, strict=True) if not _cmp_clean(a, b, 1e-9)]
    changed = [f for f, h in _file_hashes().items() if blob["files"].get(f) != h]
    print(
        f"full clean(): {len(pages) - len(diff_single)}/{len(pages)} pages identical to the snapshot; "
        f"clean_many(): {len(pages) - len(diff_many)}/{len(pages)}; "
        f"clean() vs clean_many() now: {len(pages) - len(diff_mix)}/{len(pages)}"
    )
    if diff_single or diff_many:
        print(f"  differing pages, e.g. {(diff_single or diff_many)[:5]}")
        if changed:
            print(f"  note: {', '.join(changed)} changed since the snapshot (not part of this work)")
    full_ok = not diff_mix and (not (diff_single or diff_many) or bool(changed))
    return 0 if strict_ok and full_ok else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=("snapshot", "check"))
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    return snapshot(args.out) if args.mode == "snapshot" else check(args.out)


if __name__ == "__main__":
    raise SystemExit(main())
