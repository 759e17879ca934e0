"""Build ``cleaner/models/common_lines.json``: page lines that many sites share.

    python -m training.common_lines corpus/training --datasets ../shared/datasets

A retrained model's site scope (:mod:`cleaner.scope`) tells the user's pages from
other sites' by *template lines*, the navigation and footer lines that come back on
every page of a site. A line that pages of other sites show too ("Home", "Share this
article", an old "digg" or "stumbleupon" button, "Privacy Policy |") says nothing about
a site and would put other sites' pages in scope: such lines are left out of every
scope. This table lists them: the :func:`cleaner.scope.template_key` of every line found
on pages of at least :data:`cleaner.scope.COMMON_LINES_MIN_SITES` distinct sites of

* the train and validation splits (``corpus/training``, both renderings; composed
  pages left out): 1,285 sites of the WCXB, fundus, Mozilla Readability and Zyte
  article benchmarks, pages of 2011 to 2026; a page whose record has no URL counts
  for the site of the canonical URL its HTML declares (:func:`declared_sites`);
* the Postlight parser fixtures (``postlight.jsonl.gz`` of the shared datasets, not
  in the splits: they have no body gold), rendered in both modes: older news pages
  (share buttons of the 2010s), their site by registered domain;
* and, by hand, :data:`ERA_LINES`: share and bookmark buttons of older pages that the
  corpus shows on fewer than two sites ("digg", "stumbleupon", "bookmark with:").

The test split, and Postlight pages of its sites, are left out, so that
``benchmarks/scope_probe.py`` measures the scope on sites the table never saw (and
``benchmarks/scope_hosts.py`` holds the table out by folds). The build is
deterministic: the same data gives the same file.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner.errors import CleanerError  # noqa: E402
from cleaner.page_meta import read_html  # noqa: E402
from cleaner.samples import LabelledPage, read_jsonl  # noqa: E402
from cleaner.scope import COMMON_LINES_FILE, COMMON_LINES_MIN_SITES, common_lines_table  # noqa: E402
from training.splits import registered_domain, site_of, split_of  # noqa: E402

SPLITS = ("train", "validation")

# Share and bookmark buttons of the 2000s and early 2010s that the corpus's pages,
# mostly of 2020 to 2026, show on fewer than two sites: the lines that put old pages of
# other sites in the scopes of issue 19 ("digg", "stumbleupon", "bookmark with:").
# Added by hand (template keys), listed here so that the table says where they came from.
ERA_LINES = (
    "bookmark with:",
    "bookmark this",
    "del.icio.us",
    "delicious",
    "digg",
    "digg this",
    "furl",
    "google bookmarks",
    "mixx",
    "myspace",
    "newsvine",
    "reddit",
    "slashdot",
    "stumbleupon",
    "technorati",
    "yahoo! buzz",
    "share this:",
    "share:",
    "privacy policy |",
    "terms of use |",
)


def postlight_pages(datasets: Path) -> Iterator[LabelledPage]:
    """The Postlight fixtures rendered as text (browser and collapsed), outside the test split."""
    path = datasets / "postlight.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            url = record.get("url")
            for mode in ("browser", "collapsed"):
                try:
                    text, meta = read_html(record["html"], mode=mode)
                except CleanerError as exc:  # a page that does not render adds no lines
                    print(f"skipped {record['id']} ({mode}): {type(exc).__name__}", file=sys.stderr)
                    break
                url = url or (meta.url if meta is not None else None)  # else the canonical URL it declares
                site = site_of(str(record["id"]), "postlight", url)
                if split_of(site) == "test":
                    break
                yield LabelledPage(f"{record['id']}#{mode}", text, (), site=site)


def declared_sites(datasets: Path) -> dict[str, str]:
    """Record id -> registered domain of the canonical URL its HTML declares, for the
    records without a URL (the Mozilla Readability pages): without it, the splits name
    their site after the record ("readability:nytimes-1"), and the lines that page
    shares with other pages of its real site (nytimes.com) would look common."""
    out: dict[str, str] = {}
    for name in ("readability", "wcxb-dev", "fundus", "scrapinghub"):  # the splits' datasets
        with gzip.open(datasets / f"{name}.jsonl.gz", "rt", encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                if record.get("url"):
                    continue
                try:
                    _, meta = read_html(record["html"])
                except CleanerError:
                    continue
                domain = registered_domain(meta.url) if meta is not None and meta.url else None
                if domain:
                    out[str(record["id"])] = domain
    return out


def build(data: Path, datasets: Path | None, min_sites: int = COMMON_LINES_MIN_SITES) -> dict[str, object]:
    pages = [p for name in SPLITS for p in read_jsonl(data / f"{name}.jsonl.gz")]
    if datasets is not None:
        sites = declared_sites(datasets)
        pages = [replace(p, site=sites.get(p.id.split("#")[0], p.site)) for p in pages]
        pages += list(postlight_pages(datasets))
    pages = [p for p in pages if p.meta.get("render") != "composed"]
    lines = sorted(common_lines_table(pages, min_sites=min_sites) | set(ERA_LINES))
    sources = f"{', '.join(f'{data.name}/{n}' for n in SPLITS)}" + (", postlight" if datasets else "")
    return {
        "about": (
            f"Template-line keys (cleaner.scope.template_key) found on pages of at least {min_sites} distinct "
            f"sites of {sources}, and the share buttons of older pages listed in training/common_lines.py "
            "(ERA_LINES): left out of every retrained model's site scope. Built by training/common_lines.py."
        ),
        "command": "python -m training.common_lines corpus/training"
        + (" --datasets ../shared/datasets (the shared datasets folder)" if datasets else ""),
        "min_sites": min_sites,
        "pages": len(pages),
        "sites": len({p.site or p.id for p in pages}),
        "lines": lines,
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="folder of the training splits (corpus/training)")
    ap.add_argument("--datasets", type=Path, default=None, help="the shared datasets folder (for postlight.jsonl.gz)")
    ap.add_argument("--min-sites", type=int, default=COMMON_LINES_MIN_SITES)
    ap.add_argument("-o", "--output", type=Path, default=COMMON_LINES_FILE)
    args = ap.parse_args(argv)
    table = build(args.data, args.datasets, args.min_sites)
    text = json.dumps(table, ensure_ascii=False, indent=0)
    args.output.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {args.output}: {len(table['lines'])} lines of {table['sites']} sites ({table['pages']} pages)")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
