"""Peak resident memory of one process that cleans HTML pages: where it comes from.

    python benchmarks/html_memory.py PAGES.jsonl [--without-pandas]

``PAGES.jsonl`` holds one page a line with its HTML in ``"input"``, as the peers
benchmark writes them (``benchmarks/peers/run.py ... --modes html --out OUT`` leaves
``OUT/tmp/pages_html.jsonl``). As the benchmark's worker does, the script loads the
default cleaner, warms it up on a tiny page and cleans the pages one at a time with
:meth:`cleaner.Cleaner.clean_html`, reading one line at a time; it prints the peak
resident memory (``VmHWM``) after the imports, after the warm-up and after the pages.

``--without-pandas`` hides pandas from the process, as on an install without
cleaner's optional ``pandas`` extra: scikit-learn imports pandas whenever it is
installed (``sklearn.utils.fixes``), and cleaner never needs it to clean a page.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("no VmHWM in /proc/self/status: this script needs Linux")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pages", type=Path)
    ap.add_argument("--without-pandas", action="store_true")
    args = ap.parse_args()
    if args.without_pandas:
        sys.modules["pandas"] = None  # type: ignore[assignment]  # "import pandas" then raises ImportError
    from cleaner.api import Cleaner  # the model code, scikit-learn included

    imported = _peak_mb()
    cleaner = Cleaner()
    cleaner.clean_html("<html><body><p>Warm up text here.</p></body></html>")
    warm = _peak_mb()
    n = 0
    with args.pages.open(encoding="utf-8") as fh:
        for line in fh:
            html = json.loads(line)["input"]
            cleaner.clean_html(html)
            n += 1
            del html
    print(f"pandas {'hidden' if args.without_pandas else 'importable'}: peak resident memory (MB)")
    print(f"  after the imports            {imported:6.0f}")
    print(f"  after loading and warm-up    {warm:6.0f}")
    print(f"  after {n} pages{'':<{14 - len(str(n))}} {_peak_mb():6.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
