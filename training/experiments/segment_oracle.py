"""How much better segmentation could do, and whether local word features can find it.

    python training/experiments/segment_oracle.py oracle     # gold cuts, all units
    python training/experiments/segment_oracle.py filtered   # gold cuts, filtered as a model would see them
    python training/experiments/segment_oracle.py learn      # a logistic model of cuts (about 1 minute)

The run behind training/README.md ("Segmentation: the ceiling, and a failed learned
cut") was made with this script, from the repository root.

* ``oracle``: every unit of the test split is cut further at the gold spans' bounds
  inside it, then cleaned by the shipped model (which never saw such units); the
  article-level scores show what exact segmentation would be worth.
* ``filtered``: the same with only the cuts a learned cutter would be asked about: in
  the page's first 150 units, in units of at most 60 words, before a word that starts
  with a capital, a digit or a symbol.
* ``learn``: a logistic regression over hashed local features of such a candidate (the
  words on either side, their shapes, the share of capitalised words around it, its
  place in the unit and the page), trained on the train split to say where the gold
  label changes, scored on the validation split.
"""

from __future__ import annotations

import itertools
import re
import sys
import zlib
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cleaner import Cleaner  # noqa: E402
from cleaner.evaluate import evaluate_results  # noqa: E402
from cleaner.samples import LabelledPage, read_jsonl  # noqa: E402
from cleaner.segment import Unit, split_units  # noqa: E402

DATA = ROOT / "corpus" / "training"
WORD = re.compile(r"\S+")
MAX_UNIT = 150
MAX_WORDS = 60
MASK = (1 << 18) - 1


def _label_changes(page: LabelledPage) -> set[int]:
    out: set[int] = set()
    spans = list(page.spans)
    for a, b in itertools.pairwise(spans):
        if a.label != b.label:
            out.update((a.end, b.start))
    return out


def _cut(text: str, units: list[Unit], keep: object) -> list[Unit]:
    out = []
    for ui, u in enumerate(units):
        cuts = [x for x in sorted(keep(ui, u)) if u.start < x < u.end]  # type: ignore[operator]
        pts = [u.start, *cuts, u.end]
        pieces = []
        for a, e in itertools.pairwise(pts):
            while a < e and text[a].isspace():
                a += 1
            while e > a and text[e - 1].isspace():
                e -= 1
            if a < e:
                pieces.append((a, e))
        for k, (a, e) in enumerate(pieces):
            out.append(Unit(a, e, u.line, u.first and k == 0, u.last and k == len(pieces) - 1, u.separate and k == 0))
    return out


def run_oracle(filtered: bool) -> None:
    pages = list(read_jsonl(DATA / "test.jsonl.gz"))
    bounds = {p.text: {b for s in p.spans for b in (s.start, s.end)} for p in pages}

    def units(text: str) -> list[Unit]:
        b = bounds.get(text, set())

        def keep(ui: int, u: Unit) -> set[int]:
            if not filtered:
                return b
            if ui >= MAX_UNIT or text.count(" ", u.start, u.end) + 1 > MAX_WORDS:
                return set()
            out = set()
            for x in b:
                y = x
                while y < u.end and text[y].isspace():
                    y += 1
                if u.start < x < u.end and y < u.end and not text[y].islower():
                    out.add(x)
            return out

        return _cut(text, split_units(text), keep)

    cleaner = Cleaner()
    cleaner._units = units  # type: ignore[method-assign]
    report = evaluate_results(pages, cleaner.clean_many([p.text for p in pages]))
    print(report.table())


def _shape(w: str) -> str:
    if not w:
        return "_"
    c0 = w[0]
    s = "X" if c0.isupper() else "x" if c0.islower() else "d" if c0.isdigit() else "p"
    if len(w) > 1:
        rest = w[1:]
        s += "X" if rest.isupper() else "x" if rest.islower() else "m"
    return s + (w[-1] if not w[-1].isalnum() else "")


def _bucket(n: int, edges: tuple[int, ...] = (1, 2, 3, 5, 8, 12, 20, 40)) -> int:
    return next((e for e in edges if n <= e), 99)


def _candidates(text: str, units: list[Unit]) -> list[tuple[int, int, list[str]]]:
    out = []
    for ui, u in enumerate(units[:MAX_UNIT]):
        ws = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text, u.start, u.end)]
        n = len(ws)
        if n < 2 or n > MAX_WORDS:
            continue
        caps = [w[2][0].isupper() for w in ws]
        for k in range(1, n):
            r = ws[k][2]
            if r[0].islower():
                continue
            left, l2 = ws[k - 1][2], ws[k - 2][2] if k >= 2 else ""
            r2 = ws[k + 1][2] if k + 1 < n else ""
            lc = round(sum(caps[max(0, k - 4) : k]) / min(4, k), 1)
            rc = round(sum(caps[k : k + 4]) / min(4, n - k), 1)
            f = [
                "l=" + left.lower(), "r=" + r.lower(), "ls=" + _shape(left), "rs=" + _shape(r),
                "l2s=" + _shape(l2), "r2s=" + _shape(r2), "lr=" + _shape(left) + "|" + _shape(r),
                "lend=" + left[-1], "rbeg=" + (r[0] if not r[0].isalnum() else "a"),
                f"k={_bucket(k)}", f"rest={_bucket(n - k)}", f"n={_bucket(n)}", f"lc={lc}", f"rc={rc}",
                f"lcrc={lc}|{rc}", f"ui={_bucket(ui, (2, 5, 10, 20, 40, 80, 150))}",
                f"first={u.first}", f"last={u.last}",
                "lw=" + left.lower() + "|rs=" + _shape(r), "ls=" + _shape(left) + "|r=" + r.lower(),
            ]  # fmt: skip
            out.append((ws[k][0], ws[k - 1][1], f))
    return out


def _data(path: Path) -> tuple[sp.csr_matrix, np.ndarray]:
    rows: list[int] = []
    cols: list[int] = []
    y: list[bool] = []
    for page in read_jsonl(path):
        b = _label_changes(page)
        for start, prev_end, feats in _candidates(page.text, split_units(page.text)):
            for t in feats:
                rows.append(len(y))
                cols.append(zlib.crc32(t.encode("utf-8", "surrogatepass")) & MASK)
            y.append(start in b or prev_end in b)
    m = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(y), MASK + 1))
    m.data[:] = 1.0
    return m, np.asarray(y)


def run_learn() -> None:
    from sklearn.linear_model import LogisticRegression

    mtr, ytr = _data(DATA / "train.jsonl.gz")
    mva, yva = _data(DATA / "validation.jsonl.gz")
    print(f"candidates: train {len(ytr)} ({ytr.mean():.2%} cuts), validation {len(yva)} ({yva.mean():.2%})")
    for c in (1.0, 3.0):
        p = LogisticRegression(C=c, max_iter=2000, solver="liblinear").fit(mtr, ytr).predict_proba(mva)[:, 1]
        for th in (0.2, 0.3, 0.4, 0.5):
            pred = p >= th
            tp = int((pred & yva).sum())
            print(f"C={c} threshold {th}: precision {tp / max(int(pred.sum()), 1):.3f}, recall {tp / yva.sum():.3f}")


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "oracle"
    if mode == "learn":
        run_learn()
    else:
        run_oracle(filtered=mode == "filtered")
