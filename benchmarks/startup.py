"""What a program that cleans one page waits for, and the memory it takes (issue 17:
model load and first call).

    python benchmarks/startup.py [--runs 3] [--root CHECKOUT]

In fresh processes (``--runs`` of them), times ``import cleaner``, then
``cleaner.Cleaner()`` (the imports of the pipeline, the shipped model and HTML stage
loaded) and a first ``clean()`` of a short page, by the wall clock, and prints each
run with the process's peak resident memory and whether scikit-learn was imported.
``--root`` runs the cleaner of another checkout (an older commit's worktree), for a
comparison on the same machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CODE = """
import resource, sys, time
t0 = time.perf_counter()
import cleaner
t1 = time.perf_counter()
c = cleaner.Cleaner()
t2 = time.perf_counter()
c.clean("Harbour reopens after storm repairs\\nBy Jane Doe - 12 March 2024\\n" + "The harbour reopened. " * 30)
t3 = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(t1 - t0, t2 - t1, t3 - t2, peak, "sklearn" in sys.modules)
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout whose cleaner runs")
    args = ap.parse_args()
    print(f"cleaner of {args.root}; ms by the wall clock, fresh processes")
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True, cwd=args.root)
        imp, load, first, peak, sklearn = out.stdout.split()
        total = 1000 * (float(imp) + float(load) + float(first))
        print(
            f"  import {1000 * float(imp):.0f}, Cleaner() {1000 * float(load):.0f}, first clean() "
            f"{1000 * float(first):.0f}: {total:.0f} ms; peak {float(peak):.0f} MB; scikit-learn imported: {sklearn}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
