"""How well a retrained model's site scope (cleaner.scope) tells a site's pages from others.

    python benchmarks/scope_probe.py [--samples 3] [--min-shared 3] [--render browser]

For each site of the test split (``corpus/training/test.jsonl.gz``) with more than
``--samples`` pages, its first ``--samples`` pages play the user's labelled samples: a
scope is built from them, less the lines common to the train split's sites (as
``cleaner train --base`` does). Then every other page of the test split is probed:

* recall: the share of the site's other pages in its scope;
* stray pages: pages of *other* sites that fall in the scope, the cost of a scope
  (they would be cleaned by the retrained model instead of the default one).

Both by the page text alone, with the recipe before issue 19 (the train split's common
lines, three shared lines enough) and today's (the shipped table of common lines too,
built without the test split, and a share of the template:
:data:`cleaner.scope.MIN_SHARED_FRACTION`). ``benchmarks/scope_hosts.py`` measures
the scope on the shared datasets' hosts, by text and by URL.

Pages of the test split come in two renderings of one page (``browser`` and
``collapsed``): a site's other pages include renderings whose navigation differs from
the samples', so recall is a lower bound for pages rendered alike; ``--render`` keeps
one rendering, as a user's pages, which come from one scraper.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner.samples import LabelledPage, read_jsonl  # noqa: E402
from cleaner.scope import MIN_SHARED_FRACTION, build_scope, common_template_lines, load_common_lines  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(ROOT / "corpus" / "training"), help="folder of the splits")
    ap.add_argument("--samples", type=int, default=3, help="labelled pages per site")
    ap.add_argument("--min-shared", type=int, default=3, help="template lines a page must share")
    ap.add_argument(
        "--render",
        choices=("browser", "collapsed"),
        default=None,
        help="probe pages of this rendering only, as a user's pages come from one scraper (default: both)",
    )
    args = ap.parse_args(argv)
    data = Path(args.data)
    train = [p for p in read_jsonl(data / "train.jsonl.gz") if p.meta.get("render") != "composed"]
    common = common_template_lines(train)
    test = [p for p in read_jsonl(data / "test.jsonl.gz") if p.meta.get("render") != "composed"]
    if args.render is not None:
        test = [p for p in test if p.meta.get("render") == args.render]
    by_site: dict[str, list[LabelledPage]] = defaultdict(list)
    for page in test:
        by_site[page.site or page.id].append(page)
    sites = {s: pages for s, pages in by_site.items() if len(pages) > args.samples}
    print(f"{len(sites)} sites with more than {args.samples} pages; {args.samples} pages each as samples")
    print(f"min shared lines {args.min_shared}")
    recipes = (
        ("before issue 19 (train split's common lines)", common, 0.0),
        (
            f"now (+ shipped table, {MIN_SHARED_FRACTION:.0%} of a template)",
            common | load_common_lines(),
            MIN_SHARED_FRACTION,
        ),
    )
    for name, lines, fraction in recipes:
        inside = own = stray = probes = 0
        for site, pages in sorted(sites.items()):
            scope = build_scope(
                pages[: args.samples], common_lines=lines, min_shared=args.min_shared, min_fraction=fraction
            )
            for page in pages[args.samples :]:
                own += 1
                inside += scope.covers(page.text)
            for page in test:
                if (page.site or page.id) != site:
                    probes += 1
                    stray += scope.covers(page.text)
        print(name)
        print(f"  recall: {inside} of {own} other pages of the sites in scope ({inside / max(own, 1):.1%})")
        print(f"  stray: {stray} of {probes} pages of other sites in a scope ({stray / max(probes, 1):.3%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
