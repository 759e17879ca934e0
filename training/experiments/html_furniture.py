"""What the footer/aside rule of ``Cleaner.clean_html`` is worth on the peers' test pages.

    python training/experiments/html_furniture.py ../shared/datasets
    python training/experiments/html_furniture.py ../shared/datasets --link-density 0.9

Cleans every page of the peers benchmark's split (``benchmarks/peers/run.py``'s
selection: the by-site test split, 383 pages) as ``clean_html`` does, once with the
page's furniture spans (text inside ``<footer>`` or ``<aside>``, never body) and once
without them (every other metadata hint kept), and prints the main article's body
word-F1 for all pages and for article pages, and the pages that moved by more than
0.02. ``--link-density R`` compares instead the shipped furniture with furniture plus
every block whose text is at least R link text (menus, teaser lists; not shipped).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks" / "peers"))

from run import _gold, select_pages  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.evaluate import score_article  # noqa: E402
from cleaner.html_text import parse_html, render_tree  # noqa: E402
from cleaner.page_meta import read_html  # noqa: E402


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("datasets", type=Path, nargs="?", default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--link-density", type=float, default=None)
    args = ap.parse_args(argv)
    pages = select_pages(args.datasets, "test", None, None)
    cleaner = Cleaner()
    scores: dict[str, list[tuple[str, str | None, float]]] = {"with": [], "without": []}
    for r in pages:
        text, meta = read_html(r["html"])
        assert meta is not None
        variants = [("with", meta), ("without", replace(meta, furniture=()))]
        if args.link_density is not None:
            page = render_tree(parse_html(r["html"]))
            dense = [(b.start, b.end) for b in page.blocks if b.link_chars >= args.link_density * (b.end - b.start)]
            variants = [("with", replace(meta, furniture=tuple(sorted({*meta.furniture, *dense})))), ("without", meta)]
        for name, m in variants:
            s = score_article(cleaner.clean(text, meta=m).articles, _gold(r))
            if s.body_f1 is not None:
                scores[name].append((r["id"], r.get("page_type"), s.body_f1))
    what = "link-dense blocks" if args.link_density is not None else "furniture"
    for name, rows in scores.items():
        article = [f for _, t, f in rows if t == "article"]
        print(
            f"{name:>7} {what}: body word-F1 {sum(f for *_, f in rows) / len(rows):.4f} ({len(rows)} pages), "
            f"article pages {sum(article) / len(article):.4f} ({len(article)})"
        )
    moved = [(w[2] - o[2], w[0], o[2]) for w, o in zip(scores["with"], scores["without"], strict=True)]
    for delta, pid, before in sorted(d for d in moved if abs(d[0]) > 0.02):
        print(f"  {delta:+.3f}  {pid}  (from {before:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
