"""Where the time of ``Cleaner.clean_html`` goes: milliseconds per page for each stage.

    python benchmarks/html_stages.py [../shared/datasets] [--split test] [--limit 0]
        [--repeat 3] [--profile]

Takes the pages of the peers benchmark (``benchmarks/peers/run.py``: the records of
the datasets whose site falls in ``--split``, with gold and HTML; ``--limit`` keeps
that many by the SHA-1 of their ids, 0 all), runs the steps of
:meth:`cleaner.Cleaner.clean_html` one by one on each page and prints, per stage, the
best of ``--repeat`` rounds of the time summed over the pages (ms per page and share),
and the pages per second of the stages together (time budgets and the checks between
stages left out). ``--profile`` prints a cProfile of ``clean_html`` over the pages
instead (sorted by own time). ``--cpu`` times the stages in the CPU time of the
process (``time.process_time``), which other processes on a busy machine disturb less
than the wall time. The timing and the printing are ``benchmarks/stage_timing.py``'s,
which ``benchmarks/stages.py`` shares.

The stages: parsing (:func:`cleaner.html_text.parse_html`), rendering
(:func:`cleaner.html_text.render_tree`), the declared metadata
(:func:`cleaner.page_meta.page_meta_from_tree` and the furniture spans), the title
spans and units (:func:`cleaner.pipeline.segment.split_units`), the text model's features and
probabilities, the HTML stage's markup features
(:func:`cleaner.dom_features.unit_dom_features`), its other inputs and its trees, and
the decoding, assembly and enrichment of the result.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks" / "peers"))

from run import select_pages  # noqa: E402
from stage_timing import StageTimes, add_timing_arguments, clock, print_best, print_profile  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.dom_features import unit_dom_features  # noqa: E402
from cleaner.html_stage import MIN_STAGE_UNITS, assemble_features, unit_places  # noqa: E402
from cleaner.html_text import parse_html, render_tree  # noqa: E402
from cleaner.page_meta import _FURNITURE_ZONES, page_meta_from_tree  # noqa: E402
from cleaner.pipeline.classify import classify  # noqa: E402
from cleaner.pipeline.featurize import featurize  # noqa: E402
from cleaner.pipeline.read import Page, _title_spans  # noqa: E402


def _round(cleaner: Cleaner, pages: list[str], now: Callable[[], float]) -> StageTimes:
    t = StageTimes()
    add = t.add
    stage = cleaner.html_stage
    mode = cleaner.config.html_mode
    for html in pages:
        t0 = now()
        root = parse_html(html)
        t1 = now()
        rendered = render_tree(root, mode=mode)
        t2 = now()
        furniture = tuple((b.start, b.end) for b in rendered.blocks if b.zone in _FURNITURE_ZONES)
        meta = replace(page_meta_from_tree(root), furniture=furniture)
        t3 = now()
        del root
        page = Page(rendered.text, meta, _title_spans(rendered.text, meta), rendered)
        model = cleaner.model.for_text(page.text, page.url)
        units = cleaner._segment(page)
        t4 = now()
        add("parse", t1 - t0)
        add("render", t2 - t1)
        add("page meta", t3 - t2)
        add("units", t4 - t3)
        if not units:
            continue
        feats = featurize(page.text, units)
        t5 = now()
        proba = classify(model, [feats], cleaner._classes)
        t6 = now()
        add("text features", t5 - t4)
        add("text model", t6 - t5)
        if stage is not None and mode == "browser" and len(units) >= MIN_STAGE_UNITS:
            dom = unit_dom_features(rendered, units)
            t7 = now()
            block, container = unit_places(rendered, units)
            x = assemble_features(proba, block, container, dom)
            t8 = now()
            proba = stage.stage_proba(x, proba)
            t9 = now()
            add("dom features", t7 - t6)
            add("stage input", t8 - t7)
            add("stage trees", t9 - t8)
        t10 = now()
        cleaner._finish(page, units, proba, model)
        add("decode+assemble", now() - t10)
    return t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("datasets", type=Path, nargs="?", default=None, help="default: ../shared/datasets")
    ap.add_argument("--split", default="test")
    ap.add_argument("--limit", type=int, default=0)
    add_timing_arguments(ap)
    args = ap.parse_args()
    datasets = args.datasets or next(
        (p for p in (ROOT.parent / "shared" / "datasets", ROOT.parent.parent / "shared" / "datasets") if p.is_dir()),
        ROOT.parent / "shared" / "datasets",
    )
    pages = [r["html"] for r in select_pages(datasets, args.split, None, args.limit or None)]
    if not pages:
        raise SystemExit(f"no pages of the {args.split} split with HTML and gold in {datasets}")
    cleaner = Cleaner()
    cleaner.clean_html(pages[0])
    if args.profile:
        print_profile(lambda: [cleaner.clean_html(html) for html in pages], 40)
        return 0
    rounds = [_round(cleaner, pages, clock(args.cpu)) for _ in range(args.repeat)]
    kind = "CPU" if args.cpu else "wall"
    print_best(
        rounds,
        len(pages),
        f"{len(pages)} HTML pages of the {args.split} split, best of {args.repeat}: ms ({kind} time) per page",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
