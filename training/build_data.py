"""Build segment-labelled training pages from the page datasets.

Usage::

    python -m training.build_data /work/shared/datasets OUT [--renders browser,collapsed]
        [--limit N] [--max-chars N] [--workers 2] [--gold-ids corpus/gold/ids.txt]

Reads every ``*.jsonl.gz`` of the datasets folder, renders each page's HTML
(:mod:`cleaner.html_text`) in each rendering, labels the text against the gold
(:mod:`training.align`), splits by site (:mod:`training.splits`) and writes
``OUT/train.jsonl.gz``, ``OUT/validation.jsonl.gz``, ``OUT/test.jsonl.gz`` and
``OUT/splits.json``. When :mod:`training.compose` exists, aggregator pages composed
from each split's pages are added to that split (``render`` = ``"composed"``).

Pages that cannot be labelled reliably are skipped and counted by reason in
``splits.json``: postlight pages (no body gold), pages without body gold, pages
where less than :data:`MIN_BODY_COVERAGE` of the gold body words are found in the
rendering (the gold came from another version of the page, or from text the HTML
renders elsewhere, e.g. in a script), and pages whose gold body seems to miss much of
the page's main text (:data:`LONG_JUNK_RATIO`).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib
import json
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from cleaner.errors import CleanerError
from cleaner.html_text import parse_html, render_tree
from cleaner.samples import LabelledPage, LabelSpan, write_jsonl
from training.align import align_rendered, gold_from_record
from training.splits import SPLITS, load_gold_ids, site_of, split_of

__all__ = ["build", "label_record", "main"]

log = logging.getLogger(__name__)

MIN_BODY_COVERAGE = 0.6
"""Share of gold body words that must be found on the rendered page. Below it the page
is skipped. 0.6 keeps pages whose gold adds captions or list text the rendering lacks,
while dropping pages where the gold was taken from a different version of the page."""
LONG_JUNK_RATIO = 1.5
MIN_LONG_JUNK = 300
"""A page is skipped when its unlabelled plain paragraphs (25+ words, not links, outside
navigation) hold more than max(300, 1.5 x the body's words): its gold body is then
probably truncated (first audit: a review page whose gold kept only the introduction)."""
SKIP_DATASETS = frozenset({"postlight"})
"""Datasets without body gold: their pages cannot be labelled (body would be junk)."""
DEFAULT_RENDERS = ("browser", "collapsed")


def _seed(record_id: str) -> int:
    return int(hashlib.sha1(record_id.encode("utf-8")).hexdigest()[:8], 16)


def _title_fallback(root: Any) -> str | None:
    """The page's og:title or <title>, for datasets without a gold title."""
    if root is None:
        return None
    for xp in (
        '//meta[@property="og:title"]/@content',
        '//meta[@name="twitter:title"]/@content',
        "//title/text()",
    ):
        found = root.xpath(xp)
        if found and str(found[0]).strip():
            return str(found[0]).strip()
    return None


def clip_page(page: LabelledPage, max_chars: int) -> LabelledPage:
    """Cut a page's text at the last line break before ``max_chars``, keeping its spans there."""
    if len(page.text) <= max_chars:
        return page
    cut = page.text.rfind("\n", 0, max_chars)
    if cut <= 0:
        cut = max_chars
    spans = []
    for s in page.spans:
        if s.start >= cut:
            break
        spans.append(LabelSpan(s.start, min(s.end, cut), s.label))
    text = page.text[:cut]
    meta = dict(page.meta, clipped_from=len(page.text))
    return LabelledPage(page.id, text, tuple(spans), page.site, meta)


def label_record(record: dict[str, Any], renders: Sequence[str]) -> tuple[list[LabelledPage], str | None]:
    """Render and label one dataset record; return its pages, or ``([], reason)`` if skipped."""
    dataset = str(record.get("dataset") or str(record["id"]).split("/")[0])
    if dataset in SKIP_DATASETS:
        return [], "no body gold (postlight)"
    gold = gold_from_record(record)
    if not gold.body or not gold.body.strip():
        return [], "no body gold"
    rid = str(record["id"])
    url = record.get("url")
    site = site_of(rid, dataset, url)
    try:
        root = parse_html(record.get("html") or "")
    except CleanerError as exc:
        return [], f"unparseable html: {exc}"
    fallback = None if gold.title else _title_fallback(root)
    pages: list[LabelledPage] = []
    for render in renders:
        rendered = render_tree(root, mode=render, seed=_seed(rid))
        meta = {
            "dataset": dataset,
            "url": url,
            "render": render,
            "page_type": record.get("page_type"),
            "gold": gold.to_json(),
            "title_source": "gold" if gold.title else ("html" if fallback else None),
        }
        page, stats = align_rendered(
            rendered, gold, id=f"{rid}#{render}", site=site, meta=meta, title_fallback=fallback
        )
        if stats.body_coverage < MIN_BODY_COVERAGE:
            return [], "gold body not found in rendering"
        if stats.long_junk_words > max(MIN_LONG_JUNK, LONG_JUNK_RATIO * stats.body_matched):
            return [], "gold body misses much of the page's text"
        page.meta["body_coverage"] = round(stats.body_coverage, 3)
        pages.append(page)
    return pages, None


def _work(args: tuple[str, tuple[str, ...], int | None]) -> tuple[str, str, list[LabelledPage], str | None]:
    line, renders, max_chars = args
    record = json.loads(line)
    rid = str(record.get("id"))
    dataset = str(record.get("dataset") or rid.split("/")[0])
    site = site_of(rid, dataset, record.get("url"))
    try:
        pages, reason = label_record(record, renders)
    except Exception as exc:  # reported and counted, never hidden
        return rid, site, [], f"error: {type(exc).__name__}: {exc}"
    if max_chars is not None:
        pages = [clip_page(p, max_chars) for p in pages]
    return rid, site, pages, reason


def _lines(folder: Path, limit: int | None) -> Iterator[str]:
    for path in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for n, line in enumerate(fh):
                if limit is not None and n >= limit:
                    break
                if line.strip():
                    yield line


def _compose_hook() -> Any:
    """Return ``training.compose.compose_aggregator_pages`` if that module exists, else None.

    OPTIONAL HOOK: another engineer writes training/compose.py; once it exists, each
    split's single-article pages are composed into aggregator pages of that split.
    """
    try:
        module = importlib.import_module("training.compose")
    except ModuleNotFoundError as exc:
        if exc.name != "training.compose":
            raise
        return None
    return getattr(module, "compose_aggregator_pages", None)


def build(
    datasets: Path,
    out: Path,
    *,
    renders: Sequence[str] = DEFAULT_RENDERS,
    limit: int | None = None,
    workers: int = 2,
    gold_ids_path: Path = Path("corpus/gold/ids.txt"),
    max_chars: int | None = None,
    composed_per_split: int | None = None,
) -> dict[str, Any]:
    """Build the labelled data; return the summary written to ``splits.json``."""
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    gold_ids = load_gold_ids(gold_ids_path)
    jobs = ((line, tuple(renders), max_chars) for line in _lines(datasets, limit))
    records: list[tuple[str, str, list[LabelledPage]]] = []
    skipped: dict[str, list[str]] = {}
    errors = 0
    if workers > 1:
        with Pool(workers) as pool:
            results = list(pool.imap(_work, jobs, chunksize=4))
    else:
        results = [_work(j) for j in jobs]
    # Sites of gold-set records are forced into test, even where the record itself is
    # skipped here, so that no page of those sites trains or tunes a model.
    forced = {site for rid, site, _, _ in results if rid in gold_ids}
    for rid, site, pages, reason in results:
        if reason is not None:
            skipped.setdefault(reason if not reason.startswith("error") else "error", []).append(rid)
            if reason.startswith("error"):
                errors += 1
                log.error("%s: %s", rid, reason)
            continue
        records.append((rid, site, pages))
    missing_gold = sorted(gold_ids - {rid for rid, _, _ in records})
    site_split: dict[str, str] = {}
    by_split: dict[str, list[LabelledPage]] = {s: [] for s in SPLITS}
    for _rid, site, pages in records:
        split = site_split.setdefault(site, split_of(site, forced))
        for p in pages:
            by_split[split].append(LabelledPage(p.id, p.text, p.spans, p.site, dict(p.meta, split=split)))
    compose = _compose_hook()
    composed: dict[str, int] = {}
    if compose is not None:
        for split in SPLITS:
            singles = [p for p in by_split[split] if p.meta.get("render") != "composed"]
            n = composed_per_split if composed_per_split is not None else max(1, len(singles) // 10)
            extra = compose(singles, seed=SPLITS.index(split), n=n) if singles else []
            fixed = []
            for p in extra:
                meta = dict(p.meta, render="composed", split=split)
                fixed.append(LabelledPage(p.id, p.text, p.spans, p.site, meta))
            by_split[split].extend(fixed)
            composed[split] = len(fixed)
    counts = {}
    for split in SPLITS:
        counts[split] = write_jsonl(by_split[split], out / f"{split}.jsonl.gz")
    summary: dict[str, Any] = {
        "method": "site = registered domain of the url (else dataset:id-prefix); split by "
        "int(sha1(site)[:8], 16) % 100: <70 train, <85 validation, else test; "
        "sites of corpus/gold/ids.txt forced into test",
        "renders": list(renders),
        "max_chars": max_chars,
        "limit": limit,
        "pages": counts,
        "source_pages": len(records),
        "composed": composed if compose is not None else "training.compose not available",
        "forced_test_sites": sorted(forced),
        "gold_ids_missing": missing_gold,
        "skipped": {k: sorted(v) for k, v in sorted(skipped.items())},
        "sites": dict(sorted(site_split.items())),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    (out / "splits.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    summary["errors"] = errors
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.build_data", description=__doc__.split("\n")[0])
    parser.add_argument("datasets", type=Path, help="folder of *.jsonl.gz page datasets")
    parser.add_argument("out", type=Path, help="output folder")
    parser.add_argument("--renders", default=",".join(DEFAULT_RENDERS), help="comma-separated renderings")
    parser.add_argument("--limit", type=int, default=None, help="first N records of each dataset only")
    parser.add_argument("--max-chars", type=int, default=None, help="clip each page's text to N characters")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--gold-ids", type=Path, default=Path("corpus/gold/ids.txt"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    renders = [r.strip() for r in args.renders.split(",") if r.strip()]
    if not args.datasets.is_dir():
        print(f"error: {args.datasets} is not a folder", file=sys.stderr)
        return 2
    summary = build(
        args.datasets,
        args.out,
        renders=renders,
        limit=args.limit,
        workers=args.workers,
        gold_ids_path=args.gold_ids,
        max_chars=args.max_chars,
    )
    skipped = {k: len(v) for k, v in summary["skipped"].items()}
    print(
        f"wrote {summary['pages']} pages from {summary['source_pages']} source pages to {args.out} "
        f"in {summary['seconds']} s; skipped {skipped}"
    )
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
