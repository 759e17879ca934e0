"""How well a retrained model's site scope (cleaner.scope) tells a site's pages from others.

    python benchmarks/scope_probe.py [--samples 3] [--min-shared 3]

For each site of the test split (``corpus/training/test.jsonl.gz``) with more than
``--samples`` pages, its first ``--samples`` pages play the user's labelled samples: a
scope is built from them, less the lines common to the train split's sites (as
``cleaner train --base`` does). Then every other page of the test split is probed:

* recall: the share of the site's other pages in its scope;
* stray pages: pages of *other* sites that fall in the scope, the cost of a scope
  (they would be cleaned by the retrained model instead of the default one).

Pages of the test split come in several renderings of one page (browser-like text,
markdown): a site's other pages include renderings whose navigation differs from the
samples', so recall is a lower bound for pages rendered alike.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner.samples import LabelledPage, read_jsonl  # noqa: E402
from cleaner.scope import build_scope, common_template_lines  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(ROOT / "corpus" / "training"), help="folder of the splits")
    ap.add_argument("--samples", type=int, default=3, help="labelled pages per site")
    ap.add_argument("--min-shared", type=int, default=3, help="template lines a page must share")
    args = ap.parse_args(argv)
    data = Path(args.data)
    train = [p for p in read_jsonl(data / "train.jsonl.gz") if p.meta.get("render") != "composed"]
    common = common_template_lines(train)
    test = [p for p in read_jsonl(data / "test.jsonl.gz") if p.meta.get("render") != "composed"]
    by_site: dict[str, list[LabelledPage]] = defaultdict(list)
    for page in test:
        by_site[page.site or page.id].append(page)
    sites = {s: pages for s, pages in by_site.items() if len(pages) > args.samples}
    inside = own = stray = probes = 0
    for site, pages in sorted(sites.items()):
        scope = build_scope(pages[: args.samples], common_lines=common, min_shared=args.min_shared)
        for page in pages[args.samples :]:
            own += 1
            inside += scope.covers(page.text)
        for page in test:
            if (page.site or page.id) != site:
                probes += 1
                stray += scope.covers(page.text)
    print(f"{len(sites)} sites with more than {args.samples} pages; {args.samples} pages each as samples")
    print(f"min shared lines {args.min_shared}")
    print(f"recall: {inside} of {own} other pages of the sites in scope ({inside / max(own, 1):.1%})")
    print(f"stray: {stray} of {probes} pages of other sites in a scope ({stray / max(probes, 1):.3%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
