"""Scope precision and recall on real multi-page hosts (issue 19).

    python benchmarks/scope_hosts.py [--datasets ../shared/datasets] [--samples 5]
        [--cache /tmp/scope_pages.jsonl.gz] [--show-strays]

Every page of the shared datasets is rendered to text (browser mode, as ``cleaner
clean page.html`` reads it) and grouped by the host of its URL (the record's, else the
canonical URL its HTML declares; ``www.`` dropped; a page with neither is a host of
its own); a host's subdomains are of its site (``old.reddit.com`` is ``reddit.com``'s,
but ``mozilla.org`` is not ``developer.mozilla.org``'s). Each host with more than ``--samples``
pages plays a user's site: its first ``--samples`` pages (in dataset order) are the
samples its scope is built from (:func:`cleaner.scope.build_scope`, which reads their
text only), its other pages are probed for recall, and every page of every other host
for strays (the pages of other sites a scope takes in: the target is 0).

The scope is judged in three ways:

* **text, before**: by template lines alone (a page cleaned without its URL), less the
  lines of two or more sites of the train split (what ``cleaner train --base`` did
  before issue 19);
* **text, after**: by template lines less those and the shipped table of lines common
  across sites (``cleaner/models/common_lines.txt``). The table was built from these
  very pages among others, so this figure is optimistic; hence
* **text, after, held out**: two folds over the hosts; in each, the table is rebuilt by
  the shipped recipe (:func:`cleaner.scope.common_lines_table`) from the pages of the
  other fold's hosts alone, and only pages of this fold are probed. No line a stray
  shares with a scope was seen by the table that judged it;
* **URL**: with each page's URL known (``cleaner clean --url``, or the canonical URL
  an HTML page declares), by its host: the scope's declared hosts decide.

Run with ``--cache`` to keep the rendered pages between runs (the rendering takes a
minute or two).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner.errors import CleanerError  # noqa: E402
from cleaner.page_meta import read_html  # noqa: E402
from cleaner.samples import LabelledPage, read_jsonl  # noqa: E402
from cleaner.scope import (  # noqa: E402
    COMMON_LINES_MIN_SITES,
    MIN_SHARED_FRACTION,
    SiteScope,
    build_scope,
    common_lines_table,
    common_template_lines,
    load_common_lines,
    template_keys,
)
from training.splits import registered_domain  # noqa: E402

DATASETS = ("wcxb-dev", "fundus", "readability", "scrapinghub", "postlight")


@dataclass(frozen=True)
class Page:
    id: str
    host: str
    url: str | None
    text: str


def host_of(url: str | None, fallback: str) -> str:
    host = (urlparse(url).hostname or "") if url else ""
    host = host.lower().removeprefix("www.")
    return host or fallback


def render(datasets: Path, cache: Path | None) -> list[Page]:
    if cache is not None and cache.is_file():
        with gzip.open(cache, "rt", encoding="utf-8") as fh:
            return [Page(**json.loads(line)) for line in fh]
    pages: list[Page] = []
    t0 = time.perf_counter()
    for name in DATASETS:
        path = datasets / f"{name}.jsonl.gz"
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                try:
                    text, meta = read_html(record["html"], mode="browser")
                except CleanerError as exc:  # a page that cannot be rendered is no probe
                    print(f"skipped {record.get('id')}: {type(exc).__name__}", file=sys.stderr)
                    continue
                url = record.get("url") or (meta.url if meta is not None else None)
                pages.append(Page(str(record["id"]), host_of(url, str(record["id"])), url, text))
    print(f"rendered {len(pages)} pages in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    if cache is not None:
        with gzip.open(cache, "wt", encoding="utf-8") as fh:
            for p in pages:
                fh.write(json.dumps(p.__dict__, ensure_ascii=False) + "\n")
    return pages


def _site(page: Page) -> str:
    """A page's site as the shipped table counts sites: its registered domain."""
    return (registered_domain(page.url) if page.url else None) or page.host


def same_site(host: str, site: str) -> bool:
    """Whether a page's host is of a site's host: equal, or a subdomain of it
    (old.reddit.com is reddit.com's), as a scope's declared host takes its subdomains;
    a parent domain is another site (mozilla.org is not developer.mozilla.org's)."""
    return host == site or host.endswith("." + site)


def fold_of(host: str) -> int:
    """The fold of a host (its registered part: the last two labels, so that a site's
    subdomains share its fold)."""
    return zlib.crc32(".".join(host.split(".")[-2:]).encode("utf-8")) % 2


@dataclass
class Tally:
    inside: int = 0
    own: int = 0
    stray: int = 0
    probes: int = 0
    stray_pages: list[tuple[str, str, str]] | None = None

    def line(self, name: str) -> str:
        recall = self.inside / max(self.own, 1)
        return (
            f"{name:<26} recall {self.inside:>4} of {self.own:<4} ({recall:6.1%})   "
            f"strays {self.stray:>4} of {self.probes:<7} ({self.stray / max(self.probes, 1):.4%})"
        )


def probe(
    sites: dict[str, list[Page]],
    pages: Sequence[Page],
    keys: dict[str, set[str]],
    samples: int,
    common: Iterable[str],
    *,
    use_url: bool = False,
    fold: int | None = None,
    min_fraction: float = MIN_SHARED_FRACTION,
) -> Tally:
    tally = Tally(stray_pages=[])
    common = set(common)
    for host, own in sorted(sites.items()):
        if fold is not None and fold_of(host) != fold:
            continue
        labelled = [LabelledPage(p.id, p.text, (), site=host) for p in own[:samples]]
        scope = build_scope(labelled, common_lines=common, min_fraction=min_fraction)
        sampled = {p.id for p in own[:samples]}
        for page in pages:
            if page.id in sampled or not same_site(page.host, host):
                continue
            tally.own += 1
            tally.inside += _covers(scope, page, keys, use_url)
        for page in pages:
            if same_site(page.host, host) or (fold is not None and fold_of(page.host) != fold):
                continue
            tally.probes += 1
            if _covers(scope, page, keys, use_url):
                tally.stray += 1
                assert tally.stray_pages is not None
                shared = sorted(keys[page.id] & scope.sites[host])
                tally.stray_pages.append((host, page.id, " | ".join(shared)[:200]))
    return tally


def _covers(scope: SiteScope, page: Page, keys: dict[str, set[str]], use_url: bool) -> bool:
    if use_url:  # as a page is cleaned with its URL (a page without one: by text)
        return scope.covers(page.text, page.url)
    return scope.match_keys(keys[page.id]) is not None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", default=str(ROOT.parent / "shared" / "datasets"), help="the shared datasets folder")
    ap.add_argument("--data", default=str(ROOT / "corpus" / "training"), help="folder of the training splits")
    ap.add_argument("--samples", type=int, default=5, help="labelled pages per host")
    ap.add_argument("--cache", default=None, help="keep the rendered pages in this .jsonl.gz file")
    ap.add_argument("--show-strays", action="store_true", help="list every stray page and the lines it shares")
    args = ap.parse_args(argv)
    pages = render(Path(args.datasets), Path(args.cache) if args.cache else None)
    keys = {p.id: template_keys(p.text) for p in pages}
    by_host: dict[str, list[Page]] = defaultdict(list)
    for p in pages:
        by_host[p.host].append(p)
    sites = {h: ps for h, ps in by_host.items() if len(ps) > args.samples}
    print(
        f"{len(pages)} pages of {len(by_host)} hosts; {len(sites)} hosts with more than {args.samples} pages "
        f"({', '.join(f'{h} {len(ps)}' for h, ps in sorted(sites.items(), key=lambda kv: -len(kv[1])))}); "
        f"{args.samples} pages each as the samples"
    )
    train = [p for p in read_jsonl(Path(args.data) / "train.jsonl.gz") if p.meta.get("render") != "composed"]
    split_lines = common_template_lines(train)
    shipped = load_common_lines()
    results = [
        ("text, before", probe(sites, pages, keys, args.samples, split_lines, min_fraction=0.0)),
        ("text, after", probe(sites, pages, keys, args.samples, split_lines | shipped)),
    ]
    held = Tally(stray_pages=[])
    for fold in (0, 1):
        other = [LabelledPage(p.id, p.text, (), site=_site(p)) for p in pages if fold_of(p.host) != fold]
        table = common_lines_table(other, min_sites=COMMON_LINES_MIN_SITES)
        t = probe(sites, pages, keys, args.samples, table, fold=fold)
        held.inside += t.inside
        held.own += t.own
        held.stray += t.stray
        held.probes += t.probes
        assert held.stray_pages is not None and t.stray_pages is not None
        held.stray_pages += t.stray_pages
    results.append(("text, after, held out", held))
    results.append(("URL", probe(sites, pages, keys, args.samples, split_lines | shipped, use_url=True)))
    print(f"common lines: train split {len(split_lines)}, shipped table {len(shipped)}")
    for name, tally in results:
        print(tally.line(name))
    if args.show_strays:
        for name, tally in results:
            for host, page_id, shared in tally.stray_pages or []:
                print(f"  {name}: {host} took {page_id}: {shared}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
